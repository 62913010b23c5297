/**
 * `%% brief-disable-next-line`, `%% brief-disable` and `%% brief-enable` (spec §3.6): which
 * rules are silenced on which line.
 */
import type { Directive } from './syntax';

/** Answers "is rule R silenced on line L?" for one document. */
export class Suppressions {
  /** Region states after each disable/enable directive, in line order. */
  private readonly regions: { line: number; allOff: boolean; off: Set<string>; on: Set<string> }[] = [];
  /** Rules silenced by a next-line directive, by line; an empty set silences every rule. */
  private readonly nextLine = new Map<number, Set<string> | 'all'>();

  constructor(directives: readonly Directive[]) {
    let allOff = false;
    let off = new Set<string>();
    let on = new Set<string>();
    for (const d of directives) {
      const names = d.rules.map((r) => r.name);
      if (d.kind === 'disable-next-line') {
        const target = d.line + 1;
        const existing = this.nextLine.get(target);
        if (names.length === 0 || existing === 'all') this.nextLine.set(target, 'all');
        else this.nextLine.set(target, new Set([...(existing ?? []), ...names]));
        continue;
      }
      off = new Set(off);
      on = new Set(on);
      if (d.kind === 'disable') {
        if (names.length === 0) {
          allOff = true;
          on.clear();
        } else names.forEach((n) => (off.add(n), on.delete(n)));
      } else if (names.length === 0) {
        allOff = false;
        off.clear();
        on.clear();
      } else names.forEach((n) => (off.delete(n), allOff && on.add(n)));
      this.regions.push({ line: d.line, allOff, off, on });
    }
  }

  isSuppressed(rule: string, line: number): boolean {
    const next = this.nextLine.get(line);
    if (next === 'all' || next?.has(rule)) return true;
    // The last region that starts on or before the line decides (binary search: many directives stay cheap).
    let lo = 0;
    let hi = this.regions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.regions[mid].line <= line) lo = mid + 1;
      else hi = mid;
    }
    const state = this.regions[lo - 1];
    if (!state) return false;
    return state.off.has(rule) || (state.allOff && !state.on.has(rule));
  }
}

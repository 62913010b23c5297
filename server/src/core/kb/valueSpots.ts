/**
 * Where a value is written in a KB file, for a cross-file diagnostic: the `target:` of a relation
 * with an unknown target, the `type:` a kind does not fit, the id written twice, an alias that
 * another entity has. An entity, and a reading from the cache, keeps only where its entry and
 * its relations are; the finer place is looked up in the file's text, and only for a file that
 * has such a diagnostic, so a clean KB never pays for it.
 */
import type { Range } from 'vscode-languageserver-types';
import type { DataFileInput } from './loader';
import { lineAtOffset, splitLines } from '../text';

/** The spots of one file; its text is read and indexed only when first asked. */
export class ValueSpots {
  private text?: string;
  private starts?: number[];

  constructor(private readonly input: DataFileInput) {}

  /**
   * The range of `value` written after `key:` within `within` (quotes left out); `within`
   * itself when it is not found there (written in a way this search does not follow).
   */
  valueOf(within: Range, key: string, value: string, until?: Range): Range {
    const [from, to] = this.span(within, until);
    const text = this.text as string;
    const keyAt = new RegExp(`(?:^|[\\s{,])${escape(key)}[ \\t]*:[ \\t]*`, 'gm');
    // From the character before: a relation's range starts at its first key, after `- `.
    keyAt.lastIndex = Math.max(0, from - 1);
    for (let m = keyAt.exec(text); m && m.index < to; m = keyAt.exec(text)) {
      const at = m.index + m[0].length;
      const quoted = text[at] === '"' || text[at] === "'" ? 1 : 0;
      if (text.startsWith(value, at + quoted) && at + quoted + value.length <= to) return this.range(at + quoted, at + quoted + value.length);
    }
    return within;
  }

  /**
   * The range of `value` as an item written after `key:` within `within` (an alias in
   * `aliases: [CSTO, Taliban]` or in a block list under it); `within` when it is not found.
   */
  itemOf(within: Range, key: string, value: string, until?: Range): Range {
    const [from, to] = this.span(within, until);
    const text = this.text as string;
    const keyAt = new RegExp(`(?:^|[\\s{,])${escape(key)}[ \\t]*:`, 'gm');
    keyAt.lastIndex = Math.max(0, from - 1);
    const m = keyAt.exec(text);
    if (!m || m.index >= to) return within;
    // The item as a whole: after `[`, `,`, `- ` or a quote, and before `,`, `]`, a quote or the line's end.
    const item = new RegExp(`((?:[\\[,]|^[ \\t]*-)[ \\t]*["']?)${escape(value)}["']?[ \\t]*(?:[,\\]\\r\\n#]|$)`, 'gm');
    item.lastIndex = m.index + m[0].length;
    const found = item.exec(text);
    if (!found || found.index >= to) return within;
    const start = found.index + found[1].length;
    return this.range(start, start + value.length);
  }

  /** `within`'s offsets, to the start of `until` (the next entry) when given, else to its own end. */
  private span(within: Range, until?: Range): [number, number] {
    this.text ??= this.input.text;
    this.starts ??= splitLines(this.text).starts; // `\r\n`, `\n` and a lone `\r`, as the loader counts lines
    const end = until ? until.start : within.end;
    return [this.offsetAt(within.start.line, within.start.character), until ? this.offsetAt(end.line, 0) : this.offsetAt(end.line, end.character)];
  }

  private offsetAt(line: number, character: number): number {
    const starts = this.starts as number[];
    return line < starts.length ? starts[line] + character : (this.text as string).length;
  }

  private range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  private positionAt(offset: number): { line: number; character: number } {
    const starts = this.starts as number[];
    const line = lineAtOffset(starts, offset);
    return { line, character: offset - starts[line] };
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

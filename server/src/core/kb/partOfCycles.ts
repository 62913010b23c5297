/** The KB check for `part-of` cycles, which Brief adds to the checks of spec §4.2 (`kb-cycle`, a warning). */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { Entity } from './model';
import { stepper, type Steps } from '../steps';

/**
 * `part-of` cycles (A part of B part of A): a warning on the relation that closes each cycle,
 * by file. The data stays usable; the analyst should still see the loop. As steps: it stops
 * between the entities it starts a search from (see ../steps.ts).
 */
export function* partOfCycles(entities: readonly Entity[]): Steps<Map<string, Diagnostic[]>> {
  const pauseHere = stepper(1000);
  const byId = new Map(entities.map((e) => [e.id, e]));
  const state = new Map<string, 'open' | 'done'>();
  const found = new Map<string, Diagnostic[]>();
  const reported = new Set<string>();
  for (const root of entities) {
    if (pauseHere()) yield;
    if (state.has(root.id)) continue;
    // Iterative depth-first search: deep chains must not overflow the stack.
    const path: { entity: Entity; next: number }[] = [{ entity: root, next: 0 }];
    state.set(root.id, 'open');
    while (path.length > 0) {
      const top = path[path.length - 1];
      const relations = top.entity.relations;
      if (top.next >= relations.length) {
        state.set(top.entity.id, 'done');
        path.pop();
        continue;
      }
      const relation = relations[top.next++];
      if (relation.type !== 'part-of' || relation.negated) continue;
      const target = byId.get(relation.target);
      if (!target) continue;
      const seen = state.get(target.id);
      if (seen === 'open') {
        const members = path.slice(path.findIndex((p) => p.entity.id === target.id)).map((p) => p.entity.id);
        const key = [...members].sort().join(' ');
        if (reported.has(key)) continue;
        reported.add(key);
        const list = found.get(relation.location.uri) ?? [];
        list.push({ range: relation.location.range, message: `part-of cycle: ${[...members, target.id].join(' → ')}.`, severity: DiagnosticSeverity.Warning, code: 'kb-cycle', source: 'brief' });
        found.set(relation.location.uri, list);
      } else if (!seen) {
        state.set(target.id, 'open');
        path.push({ entity: target, next: 0 });
      }
    }
  }
  return found;
}

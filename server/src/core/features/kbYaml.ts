/**
 * Positions in KB YAML files: where an entity's entry is, and which entry a cursor is in.
 * References, definitions, symbols and code lenses on KB files start here.
 *
 * The KB's positions are those of the text it was loaded from. For a KB file whose text differs
 * (open with unsaved edits, or broken on disk: see kbEntries.ts), the entries are those of the
 * text the analyst sees, found by id; an entity that text no longer holds has no place there.
 */
import type { Location, Position, Range } from 'vscode-languageserver-types';
import type { Entity, Relation, SourceLocation } from '../kb/model';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { touches } from '../text';
import type { WrittenEntry } from './kbEntries';

/** The KB files as the analyst sees them: in the editor, else on disk. */
export interface KbFilesAsSeen {
  /** The entries of each KB file whose text differs from the one the KB was loaded from, by uri. */
  readonly edited: ReadonlyMap<string, readonly WrittenEntry[]>;
  /** Where `target:` fields name `id` in the workspace KB files as they are now: the fields a rename of `id` edits. */
  targetsNaming(id: string): Location[];
}

/** The KB files as loaded, for callers without an editor (brief-lint, tests). */
export const KB_AS_LOADED: KbFilesAsSeen = { edited: new Map(), targetsNaming: () => [] };

/** An entity and the range of its `- id:` line. */
export interface PlacedEntity {
  readonly entity: Entity;
  readonly range: Range;
}

/** Where the entity's entry is in the text the analyst sees; undefined when that text no longer holds it. */
export function entityPlace(entity: Entity, seen: KbFilesAsSeen): SourceLocation | undefined {
  const entries = seen.edited.get(entity.location.uri);
  if (!entries) return entity.location;
  const entry = entries.find((e) => e.id === entity.id);
  return entry && { uri: entity.location.uri, range: entry.idRange };
}

/**
 * Where a relation of `subject` is in the text the analyst sees: the first relation of its entry
 * there with the same type and target (an entity rarely holds one twice: then the first).
 */
export function relationPlace(subject: Entity, relation: Relation, seen: KbFilesAsSeen): SourceLocation | undefined {
  const entries = seen.edited.get(relation.location.uri);
  if (!entries) return relation.location;
  const written = entries.find((e) => e.id === subject.id)?.relations.find((r) => r.target === relation.target && r.type === relation.type);
  return written && { uri: relation.location.uri, range: written.range };
}

/** The entities defined in one KB file, in the order of the text the analyst sees, each with its `- id:` line there. */
export function entitiesIn(kb: KnowledgeBase, uri: string, seen: KbFilesAsSeen = KB_AS_LOADED): PlacedEntity[] {
  const entries = seen.edited.get(uri);
  if (entries) {
    const placed: PlacedEntity[] = [];
    const done = new Set<string>();
    for (const entry of entries) {
      const entity = kb.entities.get(entry.id);
      // An entry the KB does not hold from this file (new, not saved yet) has no lens: the KB is the saved version.
      if (!entity || entity.location.uri !== uri || done.has(entry.id)) continue;
      done.add(entry.id);
      placed.push({ entity, range: entry.idRange });
    }
    return placed;
  }
  return [...kb.entities.values()]
    .filter((e) => e.location.uri === uri)
    .sort((a, b) => a.location.range.start.line - b.location.range.start.line)
    .map((entity) => ({ entity, range: entity.location.range }));
}

/**
 * The entity whose entry holds `position`: an entry runs from its `- id:` line to the line
 * before the next entry's. The KB keeps only the `- id:` line of an entity, so the next entity
 * bounds the entry; before the first entity (`entities:`) there is none. In an edited text an
 * entry the KB does not hold (new, not saved yet) bounds its neighbour's too, and names none.
 */
export function entityAt(kb: KnowledgeBase, uri: string, position: Position, seen: KbFilesAsSeen = KB_AS_LOADED): Entity | undefined {
  const entries = seen.edited.get(uri);
  if (entries) {
    const entry = entries.filter((e) => e.idRange.start.line <= position.line).at(-1);
    const entity = entry && kb.entities.get(entry.id);
    return entity?.location.uri === uri ? entity : undefined;
  }
  let found: Entity | undefined;
  for (const { entity } of entitiesIn(kb, uri)) {
    if (entity.location.range.start.line > position.line) break;
    found = entity;
  }
  return found;
}

/** The id a `target:` value under the cursor names, with the value's range; undefined elsewhere. */
export function targetAt(entries: readonly WrittenEntry[], position: Position): { id: string; range: Range } | undefined {
  for (const entry of entries) {
    for (const r of entry.relations) if (touches(r.targetRange, position)) return { id: r.target, range: r.targetRange };
  }
  return undefined;
}

/** The `target:` values that name `id` in one file's entries, as locations. */
export function targetsIn(uri: string, entries: readonly WrittenEntry[], id: string): Location[] {
  return entries.flatMap((e) => e.relations.filter((r) => r.target === id).map((r) => ({ uri, range: r.targetRange })));
}

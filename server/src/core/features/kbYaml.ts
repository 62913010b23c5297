/**
 * Positions in KB YAML files: which entity's entry a cursor is in. References and code lenses on
 * KB files start here.
 */
import type { Position } from 'vscode-languageserver-types';
import type { Entity } from '../kb/model';
import type { KnowledgeBase } from '../kb/knowledgeBase';

/** The entities defined in one KB file, in file order. */
export function entitiesIn(kb: KnowledgeBase, uri: string): Entity[] {
  return [...kb.entities.values()]
    .filter((e) => e.location.uri === uri)
    .sort((a, b) => a.location.range.start.line - b.location.range.start.line);
}

/**
 * The entity whose entry holds `position`: an entry runs from its `- id:` line to the line
 * before the next entity's. The KB keeps only the `- id:` line of an entity, so the next entity
 * bounds the entry; before the first entity (`entities:`) there is none.
 */
export function entityAt(kb: KnowledgeBase, uri: string, position: Position): Entity | undefined {
  let found: Entity | undefined;
  for (const entity of entitiesIn(kb, uri)) {
    if (entity.location.range.start.line > position.line) break;
    found = entity;
  }
  return found;
}

/**
 * A `target:` value in a KB YAML file names an entity by its id, as a reference in a brief does
 * by any of its names: go to definition opens that entity's entry and hover shows its card.
 * (Find references from a target is in references.ts.) `target` is the only field of the KB
 * schema (spec §4.1) whose value is an entity id.
 */
import { MarkupKind, type Hover, type LocationLink, type Position, type Range } from 'vscode-languageserver-types';
import type { Entity } from '../kb/model';
import type { Project } from '../project';
import { link } from './definition';
import { entityCard } from './hover';
import { entityPlace, targetAt, type KbFilesAsSeen } from './kbYaml';
import type { WrittenEntry } from './kbEntries';

/** The projects a KB file belongs to (a bundled file, to every folder's): the first whose KB holds the id answers. */
type Projects = readonly Project[];

export class KbTargetProvider {
  /** From a `target:` value: the entry of the entity it names; nothing elsewhere or for an unknown id. */
  provideDefinition(entries: readonly WrittenEntry[], projects: Projects, position: Position, seen: KbFilesAsSeen): LocationLink[] {
    const found = namedAt(entries, projects, position);
    const place = found && entityPlace(found.entity, seen);
    return found && place ? [link(found.range, place)] : [];
  }

  /** On a `target:` value: the card of the entity it names. */
  provideHover(entries: readonly WrittenEntry[], projects: Projects, position: Position): Hover | null {
    const found = namedAt(entries, projects, position);
    if (!found) return null;
    return { contents: { kind: MarkupKind.Markdown, value: entityCard(found.entity, found.project) }, range: found.range };
  }
}

function namedAt(entries: readonly WrittenEntry[], projects: Projects, position: Position): { entity: Entity; project: Project; range: Range } | undefined {
  const target = targetAt(entries, position);
  if (!target) return undefined;
  for (const project of projects) {
    const entity = project.resolver.kb.entities.get(target.id);
    if (entity) return { entity, project, range: target.range };
  }
  return undefined;
}

/**
 * Find references: every reference to an entity, in any spelling, id or alias, across all briefs
 * of the workspace folder, open or not, and the `target:` fields that name it in workspace KB
 * files (those a rename edits, so that the list shows what a rename changes); from a reference
 * in a brief, or in a KB YAML file from an entity's entry or a `target:` value.
 */
import type { Location, Position } from 'vscode-languageserver-types';
import { referenceAt, type BriefSyntax, type EntityReference } from '../syntax';
import type { Entity } from '../kb/model';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { normalizeName } from '../normalize';
import { resolvingKeys, type FolderScope } from '../workspaceIndex';
import { entityAt, entityPlace, KB_AS_LOADED, targetAt, type KbFilesAsSeen } from './kbYaml';
import type { WrittenEntry } from './kbEntries';
import { citationAt, citationReferences } from './citationReferences';

export class ReferencesProvider {
  /**
   * From the reference under the cursor in the brief `uri`. A resolved reference finds every
   * reference to its entity; an unknown or ambiguous one finds the same name however written,
   * which is how an analyst finds all copies of a typo. The brief's own references come from
   * `syntax`, so the answer is right even if the index has not caught up with the latest edit.
   */
  provideReferences(uri: string, syntax: BriefSyntax, scope: FolderScope, position: Position, includeDeclaration: boolean, seen: KbFilesAsSeen = KB_AS_LOADED): Location[] {
    const ref = referenceAt(syntax, position);
    if (!ref) {
      const cited = citationAt(syntax, position);
      return cited ? citationReferences(uri, syntax, scope.index, cited) : [];
    }
    const kb = scope.project.resolver.kb;
    const r = scope.project.resolver.resolve(ref.name);
    if (r.status !== 'resolved') return referencesWithKeys(uri, syntax, scope, [normalizeName(ref.name)]);
    const declaration = includeDeclaration ? entityPlace(r.entity, seen) : undefined;
    return [...(declaration ? [declaration] : []), ...referencesWithKeys(uri, syntax, scope, resolvingKeys(r.entity, kb)), ...seen.targetsNaming(r.entity.id)];
  }
}

export class KbReferencesProvider {
  /**
   * From the KB file `uri`: on a `target:` value, the entity it names; elsewhere in an entity's
   * entry, that entity. Its references in the briefs of every folder, and the `target:` fields
   * naming it. `entries` are those of the file's text as the analyst sees it (where its targets are).
   */
  provideKbReferences(
    uri: string,
    scopes: readonly FolderScope[],
    position: Position,
    includeDeclaration: boolean,
    seen: KbFilesAsSeen = KB_AS_LOADED,
    entries: readonly WrittenEntry[] = [],
  ): Location[] {
    const out: Location[] = [];
    const target = targetAt(entries, position);
    const pick = (kb: KnowledgeBase) => (target ? kb.entities.get(target.id) : entityAt(kb, uri, position, seen));
    let found: Entity | undefined;
    for (const scope of scopes) {
      const entity = pick(scope.project.resolver.kb);
      if (!entity) continue;
      const declaration = includeDeclaration && !found ? entityPlace(entity, seen) : undefined;
      if (declaration) out.push(declaration);
      found ??= entity;
      out.push(...scope.index.referencesTo(entity, scope.project.resolver.kb));
    }
    if (found) out.push(...seen.targetsNaming(found.id));
    return dedupe(out);
  }
}

function referencesWithKeys(uri: string, syntax: BriefSyntax, scope: FolderScope, keys: readonly string[]): Location[] {
  const wanted = new Set(keys);
  const own = referencesInBrief(syntax, wanted).map((r) => ({ uri, range: r.range }));
  const others = scope.index.referencesToKeys(wanted, uri);
  return [...own, ...others];
}

/** The references of one brief whose names fall in `keys` (for document highlights). */
export function referencesInBrief(syntax: BriefSyntax, keys: ReadonlySet<string>): EntityReference[] {
  return syntax.references.filter((r) => keys.has(normalizeName(r.name)));
}

/** The same brief can be in two folders' indexes (nested folders): list each location once. */
function dedupe(locations: readonly Location[]): Location[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = `${l.uri}#${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

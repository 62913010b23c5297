/**
 * Find references: every reference to an entity, in any spelling, id or alias, across all briefs
 * of the workspace folder, open or not; from a reference in a brief or from an entity's entry in
 * a KB YAML file.
 */
import type { Location, Position } from 'vscode-languageserver-types';
import { spanAt, type BriefSyntax, type EntityReference } from '../syntax';
import { normalizeName } from '../normalize';
import { resolvingKeys, type FolderScope } from '../workspaceIndex';
import { entityAt } from './kbYaml';

export class ReferencesProvider {
  /**
   * From the reference under the cursor in the brief `uri`. A resolved reference finds every
   * reference to its entity; an unknown or ambiguous one finds the same name however written,
   * which is how an analyst finds all copies of a typo. The brief's own references come from
   * `syntax`, so the answer is right even if the index has not caught up with the latest edit.
   */
  provideReferences(uri: string, syntax: BriefSyntax, scope: FolderScope, position: Position, includeDeclaration: boolean): Location[] {
    const ref = spanAt(syntax.references, position);
    if (!ref) return [];
    const kb = scope.project.resolver.kb;
    const r = scope.project.resolver.resolve(ref.name);
    const keys = r.status === 'resolved' ? resolvingKeys(r.entity, kb) : [normalizeName(ref.name)];
    const declaration = r.status === 'resolved' && includeDeclaration ? [r.entity.location] : [];
    return [...declaration, ...referencesWithKeys(uri, syntax, scope, keys)];
  }
}

export class KbReferencesProvider {
  /** From an entity's entry in the KB file `uri`: its references in the briefs of every folder. */
  provideKbReferences(uri: string, scopes: readonly FolderScope[], position: Position, includeDeclaration: boolean): Location[] {
    const out: Location[] = [];
    let declared = false;
    for (const scope of scopes) {
      const entity = entityAt(scope.project.resolver.kb, uri, position);
      if (!entity) continue;
      if (includeDeclaration && !declared) out.push(entity.location);
      declared = true;
      out.push(...scope.index.referencesTo(entity, scope.project.resolver.kb));
    }
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

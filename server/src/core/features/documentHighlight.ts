/**
 * Document highlight: with the cursor on a reference, every reference in the brief that denotes
 * the same entity, however it is spelled (`@Putin`, `@[Vladimir Putin]`, `@vladimir-putin`); on
 * a citation, the citations of the same passages (citationReferences.ts).
 */
import { DocumentHighlightKind, type DocumentHighlight, type Position } from 'vscode-languageserver-types';
import { referenceAt, type BriefSyntax } from '../syntax';
import type { Project } from '../project';
import { normalizeName } from '../normalize';
import { resolvingKeys } from '../workspaceIndex';
import { referencesInBrief } from './references';
import { citationAt, citationHighlights } from './citationReferences';

export class DocumentHighlightProvider {
  /** The references of the brief that mean what the one under the cursor means, itself included. */
  provideDocumentHighlights(syntax: BriefSyntax, project: Project, position: Position): DocumentHighlight[] {
    const ref = referenceAt(syntax, position);
    if (!ref) {
      // On a citation: the citations of the same passages.
      const cited = citationAt(syntax, position);
      return cited ? citationHighlights(syntax, cited) : [];
    }
    const r = project.resolver.resolve(ref.name);
    // An unknown or ambiguous name denotes no entity: highlight the same name, however written.
    const keys = new Set(r.status === 'resolved' ? resolvingKeys(r.entity, project.resolver.kb) : [normalizeName(ref.name)]);
    return referencesInBrief(syntax, keys).map((x) => ({ range: x.range, kind: DocumentHighlightKind.Text }));
  }
}

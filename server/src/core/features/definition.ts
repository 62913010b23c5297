/**
 * Go to definition: from a reference to its entity's `- id:` line in the KB file (bundled or
 * workspace), from a citation to the cited paragraphs of the source file, and from a claim's
 * predicate to the KB relation that decides its verdict.
 *
 * Answers are location links: the origin range makes the editor underline the whole
 * `@[Xi Jinping]` rather than the word under the mouse. A KB file open with unsaved edits is
 * reached where the editor's text has the entry (kbYaml.ts).
 */
import type { Location, LocationLink, Position, Range } from 'vscode-languageserver-types';
import { EntityReference, spanAt, type BriefSyntax, type Citation, type Claim } from '../syntax';
import type { Project } from '../project';
import type { SourceLocation } from '../kb/model';
import { predicateSignature } from '../kinds';
import { judgeClaim, kindProblem } from '../claims';
import { paragraphSpan } from '../validation';
import { touches } from '../text';
import { entityPlace, KB_AS_LOADED, relationPlace, type KbFilesAsSeen } from './kbYaml';

export class DefinitionProvider {
  /** Where the thing under the cursor is defined; empty when it is nothing the KB defines. */
  provideDefinition(syntax: BriefSyntax, project: Project, position: Position, seen: KbFilesAsSeen = KB_AS_LOADED): LocationLink[] {
    const claim = syntax.claims.find((c) => touches(c.predicateRange, position));
    if (claim) return claimDefinition(claim, project, seen);
    const span = spanAt(syntax, position);
    if (span instanceof EntityReference) {
      const ref = span;
      // An ambiguous name goes to every candidate: the editor lists them to pick from.
      const r = project.resolver.resolve(ref.name);
      const entities = r.status === 'resolved' ? [r.entity] : r.status === 'ambiguous' ? r.candidates : [];
      return placed(entities.map((e) => entityPlace(e, seen))).map((l) => link(ref.range, l));
    }
    if (span) return citationDefinition(span, project);
    return [];
  }
}

/** The relation that decides the verdict; none when the claim is unsupported or gets no verdict. */
function claimDefinition(claim: Claim, project: Project, seen: KbFilesAsSeen): LocationLink[] {
  const signature = predicateSignature(claim.predicate);
  if (!signature) return [];
  const subject = project.resolver.resolve(claim.subject.name);
  const object = project.resolver.resolve(claim.object.name);
  if (subject.status !== 'resolved' || object.status !== 'resolved') return [];
  // A claim that breaks the kind table gets no verdict (spec §3.5), so no relation decides it.
  if (kindProblem(signature, claim.predicate, subject.entity, object.entity)) return [];
  const verdict = judgeClaim(subject.entity, claim.predicate, object.entity, claim.negated);
  const where = verdict.relation && verdict.holder && relationPlace(verdict.holder, verdict.relation, seen);
  return where ? [link(claim.predicateRange, where, true)] : [];
}

/** The places that exist: an entry the analyst's text no longer holds is nowhere to go. */
function placed(places: readonly (SourceLocation | undefined)[]): SourceLocation[] {
  return places.filter((p): p is SourceLocation => p !== undefined);
}

/** The cited paragraphs that exist; the whole source when none is named (or none exists). */
function citationDefinition(citation: Citation, project: Project): LocationLink[] {
  const source = project.resolver.kb.sources.get(citation.sourceId);
  if (!source) return [];
  const paragraphs = citedParagraphs(citation, source.paragraphs);
  if (paragraphs.length > 0) return paragraphs.map((p) => link(citation.range, p.location));
  return [link(citation.range, source.location, true)];
}

/** The paragraphs a citation names that its source has, in order (none for a malformed span). */
export function citedParagraphs<P>(citation: Citation, paragraphs: readonly P[]): P[] {
  if (citation.paragraphs === undefined) return [];
  const span = paragraphSpan(citation.paragraphs);
  return span ? paragraphs.slice(span.from - 1, span.to) : [];
}

/**
 * A link to a KB location. `selectStart` selects only the first position of a target that spans
 * many lines (a relation, a whole source file), so the editor does not select the whole block.
 */
export function link(origin: Range, target: SourceLocation, selectStart = false): LocationLink {
  const selection = selectStart ? { start: target.range.start, end: target.range.start } : target.range;
  return { originSelectionRange: origin, targetUri: target.uri, targetRange: target.range, targetSelectionRange: selection };
}

/** The same answer for a client without `linkSupport`. */
export function linksToLocations(links: readonly LocationLink[]): Location[] {
  return links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
}

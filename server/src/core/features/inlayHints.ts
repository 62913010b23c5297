/**
 * Inlay hints: after a reference written with an alias, the entity's canonical name
 * (`@Putin ▸ Vladimir Putin`); after a claim with a verdict, the verdict and the paragraph of its
 * first evidence (`✓ supported ¶p14`, `✗ contradicted ¶p7`, `? unsupported`).
 *
 * The label stays short because it sits inside the analyst's prose; the tooltip says the rest.
 * References written with the name or the id get no hint (the hint would repeat them), nor do
 * claims that have no verdict (an unknown predicate, a kind mismatch, a reference that does not
 * resolve): their diagnostics speak for them.
 */
import type { InlayHint, Position, Range } from 'vscode-languageserver-types';
import type { BriefSyntax, Claim } from '../syntax';
import { Suppressions } from '../suppression';
import type { Project } from '../project';
import { predicateSignature } from '../kinds';
import { judgeClaim, kindProblem } from '../claims';
import { comparePositions, firstAtOrAfter } from '../text';
import { describeRelation, citationLabel, citationNote, evidenceFor, passageMark, period } from '../wording';
import { writtenAs } from './referenceText';

/** Which hints to show; both default to on (the `brief.inlayHints.*` settings). */
export interface InlayHintOptions {
  /** The canonical name after an alias reference. */
  readonly canonicalNames?: boolean;
  /** The KB's verdict after a claim. */
  readonly claimVerdicts?: boolean;
}

export class InlayHintProvider {
  /** The hints whose position lies in `range`, in document order. */
  provideInlayHints(syntax: BriefSyntax, project: Project, range: Range, options: InlayHintOptions = {}): InlayHint[] {
    const hints: InlayHint[] = [];
    const inRange = (p: Position) => comparePositions(range.start, p) <= 0 && comparePositions(p, range.end) <= 0;
    if (options.canonicalNames !== false) {
      // Only the lines of the range: a megabyte brief has ten thousand references.
      const onLines = syntax.references.slice(firstAtOrAfter(syntax.references, range.start.line, (r) => r.line), firstAtOrAfter(syntax.references, range.end.line + 1, (r) => r.line));
      for (const ref of onLines) {
        if (!inRange(ref.range.end)) continue;
        const r = project.resolver.resolve(ref.name);
        if (r.status !== 'resolved' || writtenAs(ref, r.entity) !== 'alias') continue;
        hints.push({
          position: ref.range.end,
          label: `▸ ${r.entity.name}`,
          paddingLeft: true,
          tooltip: `${r.entity.name} (${r.entity.kind}, @${r.entity.id}), written by its alias '${ref.name}'.`,
        });
      }
    }
    if (options.claimVerdicts !== false) {
      // A verdict whose rule the analyst turned off (config or directive) is not shown as a hint either.
      const suppressions = new Suppressions(syntax.directives);
      const silenced = (code: 'unsupported-claim' | 'contradicted-claim', line: number) => project.severities[code] === 'off' || suppressions.isSuppressed(code, line);
      for (const claim of syntax.claims) {
        if (!inRange(claim.range.end)) continue;
        const hint = verdictHint(claim, project);
        if (hint && !(hint.rule && silenced(hint.rule, claim.range.start.line))) hints.push(hint.hint);
      }
    }
    return hints.sort((a, b) => comparePositions(a.position, b.position));
  }
}

/** The verdict of a claim as a hint, with the rule that reports it (none when supported). */
function verdictHint(claim: Claim, project: Project): { hint: InlayHint; rule?: 'unsupported-claim' | 'contradicted-claim' } | undefined {
  const signature = predicateSignature(claim.predicate);
  const subject = project.resolver.resolve(claim.subject.name);
  const object = project.resolver.resolve(claim.object.name);
  if (!signature || subject.status !== 'resolved' || object.status !== 'resolved') return undefined;
  if (kindProblem(signature, claim.predicate, subject.entity, object.entity)) return undefined;
  const verdict = judgeClaim(subject.entity, claim.predicate, object.entity, claim.negated);
  const base = { position: claim.range.end, paddingLeft: true };
  if (verdict.status === 'unsupported' || !verdict.relation || !verdict.holder) {
    const both = verdict.disputed && verdict.relation && verdict.holder ? `The knowledge base holds both that ${describeRelation(verdict.holder, verdict.relation, project.resolver.kb)}, and that ${describeRelation(verdict.disputed.holder, verdict.disputed.relation, project.resolver.kb)}.` : undefined;
    const ended = verdict.relation && verdict.holder ? `The knowledge base holds that ${describeRelation(verdict.holder, verdict.relation, project.resolver.kb)}: a relation that ended.` : undefined;
    const instead = verdict.instead ? `The knowledge base holds no relation for this claim, but holds that ${describeRelation(verdict.instead.holder, verdict.instead.relation, project.resolver.kb)}.` : undefined;
    return { hint: { ...base, label: both ? '? disputed' : '? unsupported', tooltip: both ?? ended ?? instead ?? 'The knowledge base holds no relation for this claim.' }, rule: 'unsupported-claim' };
  }
  const evidence = evidenceFor(verdict.relation.evidence, claim.citations);
  const mark = verdict.status === 'supported' ? '✓ supported' : '✗ contradicted';
  const quote = evidence ? `\n“${evidence.quote}” (${citationLabel(evidence)})` : '';
  const note = citationNote(verdict.relation.evidence, claim.citations);
  const hint = {
    ...base,
    // A relation that ended shows its time on the hint itself: "✓ supported (until 2014) ¶p9".
    label: `${mark}${verdict.relation.until ? period(verdict.relation) : ''}${evidence ? ` ${passageMark(evidence.paragraph)}` : ''}`,
    tooltip: `The source says ${describeRelation(verdict.holder, verdict.relation, project.resolver.kb)}.${quote}${note ? `\n${note}` : ''}`,
  };
  return verdict.status === 'supported' ? { hint } : { hint, rule: 'contradicted-claim' };
}

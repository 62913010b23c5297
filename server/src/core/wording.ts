/** How counts, KB relations and evidence read in messages, logs, hovers and inlay hints. */
import type { KnowledgeBase } from './kb/knowledgeBase';
import type { Entity, Evidence, Relation } from './kb/model';
import { predicateSignature } from './kinds';

/** `1 brief`, `3 briefs`, `1 entity`, `0 entities`: a count with its noun in agreement. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Uzbekistan is not a member of Collective Security Treaty Organization" (+ dates when known). */
export function describeRelation(holder: Entity, relation: Relation, kb: KnowledgeBase): string {
  const signature = predicateSignature(relation.type);
  const phrase = signature ? (relation.negated ? signature.negatedPhrase : signature.phrase) : relation.type;
  const target = kb.entities.get(relation.target)?.name ?? relation.target;
  return `${holder.name} ${phrase} ${target}${period(relation)}`;
}

/** " (since 2017)", " (1979–1989)", or "". */
export function period(relation: Pick<Relation, 'since' | 'until'>): string {
  if (relation.since && relation.until) return ` (${relation.since}–${relation.until})`;
  if (relation.since) return ` (since ${relation.since})`;
  if (relation.until) return ` (until ${relation.until})`;
  return '';
}

/**
 * Where in its source a passage is: `¶p7`, or `caption c1` for a photo caption, which KB evidence
 * may quote but a brief cannot cite (§3.4): a `¶` would invite `[^carlson-2021:c1]`, an error.
 */
export function passageMark(passage: string): string {
  return passage.startsWith('c') ? `caption ${passage}` : `¶${passage}`;
}

/** `carlson-2021 ¶p7`, `carlson-2021 caption c1` */
export function citationLabel(evidence: Evidence): string {
  return `${evidence.source} ${passageMark(evidence.paragraph)}`;
}

/**
 * When a claim cites paragraphs of the evidence's source and none of them holds any of the
 * evidence: `The claim cites ¶p13; the source says this in ¶p7.` A slip an analyst wants to
 * hear about (the specification's own example cites p14 for p7), told where the verdict is
 * shown; no rule of §3.7 covers it, so it is no diagnostic.
 */
export function citationNote(evidence: readonly Evidence[], citations: readonly CitedPassage[]): string | undefined {
  const sources = new Set(evidence.map((e) => e.source));
  const relevant = citations.filter((c) => sources.has(c.sourceId));
  if (relevant.length === 0 || relevant.some((c) => c.paragraphs === undefined)) return undefined;
  for (const c of relevant) {
    const span = /^p(\d+)(?:-p(\d+))?$/.exec(c.paragraphs ?? '');
    // A citation Brief cannot read (its own diagnostic says why) decides nothing here.
    if (!span) return undefined;
    // By the evidence, not by the span: `p1-p99999999` is a span too. A range written backwards
    // (`p8-p6`, its own diagnostic) still names p6 to p8, as its quick fix writes it.
    const [from, to] = [Number(span[1]), Number(span[2] ?? span[1])].sort((a, b) => a - b);
    if (evidence.some((e) => e.source === c.sourceId && /^p\d+$/.test(e.paragraph) && Number(e.paragraph.slice(1)) >= from && Number(e.paragraph.slice(1)) <= to)) return undefined;
  }
  const cited = relevant.map((c) => `¶${c.paragraphs}`).join(', ');
  const where = [...new Set(evidence.map((e) => passageMark(e.paragraph)))].join(', ');
  return `The claim cites ${cited}; the source says this in ${where}.`;
}

/** A claim's citation, as far as choosing evidence goes: `[^carlson-2021:p4]`, `[^carlson-2021:p3-p5]`. */
interface CitedPassage {
  readonly sourceId: string;
  readonly paragraphs?: string;
}

/**
 * The evidence a claim's message shows: the first item from a paragraph the claim cites, so that
 * an analyst who cited ¶p4 reads the p4 quote; else the first item.
 */
export function evidenceFor(evidence: readonly Evidence[], citations: readonly CitedPassage[] = []): Evidence | undefined {
  for (const c of citations) {
    const span = /^p(\d+)(?:-p(\d+))?$/.exec(c.paragraphs ?? '');
    if (!span) continue;
    const [from, to] = [Number(span[1]), Number(span[2] ?? span[1])].sort((a, b) => a - b);
    const found = evidence.find((e) => {
      const n = /^p(\d+)$/.exec(e.paragraph);
      return e.source === c.sourceId && n !== null && Number(n[1]) >= from && Number(n[1]) <= to;
    });
    if (found) return found;
  }
  return evidence[0];
}

/** The evidence item for a claim (`evidenceFor`) as `“quote” (carlson-2021 ¶p7)`. */
export function quoteEvidence(evidence: readonly Evidence[], citations?: readonly CitedPassage[]): string {
  const chosen = evidenceFor(evidence, citations);
  return chosen ? `“${chosen.quote}” (${citationLabel(chosen)})` : 'no quote recorded';
}

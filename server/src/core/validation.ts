/**
 * Validation: every rule of spec §3.7 over a parsed brief, with the KB, the config's severities
 * and the document's directives applied. The language server and brief-lint both call this one
 * function, which is what makes their diagnostics identical.
 */
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import type { BriefSyntax, Citation, Claim, EntityReference } from './syntax';
import { splitAtHyphen, type HyphenSplit } from './hyphenSplit';
import type { KnowledgeBase } from './kb/knowledgeBase';
import type { Entity, Relation, Source } from './kb/model';
import { closest, editDistance, type Resolver } from './resolver';
import { isRuleCode, LSP_SEVERITY, type RuleCode, type RuleSeverities } from './rules';
import { PREDICATE_NAMES, predicateSignature } from './kinds';
import { judgeClaim, kindProblem } from './claims';
import { Suppressions } from './suppression';
import { citationNote, describeRelation, quoteEvidence } from './wording';
import { lineEditOf } from './parser';
import { firstAtOrAfter, itemsOnLine } from './text';
import { objectList } from './objectList';

/** The line an item starts on: how the lists of a tree and of problems are ordered. */
const startLine = (item: { readonly range: Range }): number => item.range.start.line;

/**
 * How many candidates an `ambiguous-reference` message names (the rest are counted) and how many
 * get a quick fix. A name shared by thousands of entities made a message of 95 KB, sent with
 * every such reference; the hover lists more (`hover.ts`).
 */
export const CANDIDATES_NAMED = 10;
export const CANDIDATES_FIXED = 20;

/** Extra data on a diagnostic, for quick fixes. */
export interface BriefDiagnosticData {
  /** Entity ids a fix may rewrite the reference to, best first. */
  readonly candidates?: readonly string[];
  /** Predicate names a fix may use. */
  readonly predicates?: readonly string[];
  /** Texts a fix may put in place of the diagnostic's range, best first (a rule, a source id, a paragraph). */
  readonly replacements?: readonly string[];
  /** What the range held when the diagnostic was made: a fix for text edited since is not offered. */
  readonly written?: string;
}

/** A problem found in a brief, before the config's severities and the directives apply. */
interface Found {
  readonly code: RuleCode;
  readonly message: string;
  readonly range: Range;
  readonly data?: BriefDiagnosticData;
}

/**
 * The problems found in each tree, in document order, with what they were found against. After
 * a one-line edit the next tree shares every item off that line (`lineEditOf`), so its problems
 * are the previous ones with that line's checked again: typing in a megabyte brief re-checks a
 * line, not ten thousand references.
 */
const foundIn = new WeakMap<BriefSyntax, { kb: KnowledgeBase; resolver: Resolver; severities: RuleSeverities; found: readonly Found[] }>();

/** Every diagnostic of a brief, in document order. */
export function validateBrief(syntax: BriefSyntax, kb: KnowledgeBase, resolver: Resolver, severities: RuleSeverities): Diagnostic[] {
  const found = problemsOf(syntax, kb, resolver, severities);
  const suppressions = new Suppressions(syntax.directives);
  const diagnostics: Diagnostic[] = [];
  for (const f of found) {
    const setting = severities[f.code];
    if (setting === 'off' || suppressions.isSuppressed(f.code, f.range.start.line)) continue;
    diagnostics.push({
      range: f.range,
      severity: LSP_SEVERITY[setting],
      code: f.code,
      source: 'brief',
      message: f.message,
      ...(f.data ? { data: f.data } : {}),
    });
  }
  return diagnostics;
}

function problemsOf(syntax: BriefSyntax, kb: KnowledgeBase, resolver: Resolver, severities: RuleSeverities): readonly Found[] {
  const same = (m: { kb: KnowledgeBase; resolver: Resolver; severities: RuleSeverities } | undefined) => m !== undefined && m.kb === kb && m.resolver === resolver && m.severities === severities;
  const known = foundIn.get(syntax);
  if (known && same(known)) return known.found;
  const edit = lineEditOf(syntax);
  const before = edit && foundIn.get(edit.previous);
  let found: readonly Found[];
  if (edit && before && same(before)) {
    const from = firstAtOrAfter(before.found, edit.line, startLine);
    const to = firstAtOrAfter(before.found, edit.line + 1, startLine);
    found = [...before.found.slice(0, from), ...findProblems(syntax, kb, resolver, severities, edit.line), ...before.found.slice(to)];
  } else {
    found = findProblems(syntax, kb, resolver, severities);
  }
  foundIn.set(syntax, { kb, resolver, severities, found });
  return found;
}

/** The problems of the brief, or of one line of it, in document order. */
function findProblems(syntax: BriefSyntax, kb: KnowledgeBase, resolver: Resolver, severities: RuleSeverities, line?: number): Found[] {
  const found = objectList<Found>();
  for (const problem of itemsOnLine(syntax.problems, line, startLine)) found.push(problem);
  const add = (code: RuleCode, message: string, range: Range, data?: BriefDiagnosticData) => found.push({ code, message, range, ...(data ? { data } : {}) });

  // References: each one resolves to exactly one entity, or says why not.
  for (const ref of itemsOnLine(syntax.references, line, startLine)) {
    const r = resolver.resolve(ref.name);
    if (r.status === 'resolved') continue;
    const written = ref.form === 'bracket' ? `@[${ref.name}]` : `@${ref.name}`;
    if (r.status === 'unknown') {
      const heldIn = kb.heldIn(ref.name);
      if (heldIn !== undefined) {
        add('unknown-reference', `Unknown entity '${written}': ${heldIn} defines it, but that KB file has errors and is not loaded.`, ref.range, { candidates: [], written });
        continue;
      }
      // `@US-led`: the analyst meant `@[US]-led`, whatever names `us-led…` is close to.
      const split = hyphenSplitOf(syntax, ref, kb);
      const hint = split ? ` Did you mean '${split.text}'?` : r.suggestions.length > 0 ? ` Did you mean ${namesOf(r.suggestions)}?` : '';
      add('unknown-reference', `Unknown entity '${written}'.${hint}`, ref.range, { candidates: r.suggestions.map((e) => e.id), written });
    } else if (r.status === 'ambiguous') {
      const named = r.candidates.slice(0, CANDIDATES_NAMED);
      const more = r.candidates.length - named.length;
      const names = named.map((e) => `${e.name} (${e.kind}, @${e.id})`).join(', ') + (more > 0 ? ` and ${more} more` : '');
      // The data feeds the quick fixes, one per candidate: past a few dozen a list of fixes is no help.
      const candidates = r.candidates.slice(0, CANDIDATES_FIXED).map((e) => e.id);
      add('ambiguous-reference', `'${written}' is ambiguous: it may mean ${names}.`, ref.range, { candidates, written });
    }
  }

  for (const citation of itemsOnLine(syntax.citations, line, startLine)) checkCitation(citation, kb.sources, add);

  // Front matter is never the line of a one-line edit (the parser reparses it whole).
  const fmSources = line === undefined ? syntax.frontMatter?.entries.find((e) => e.key === 'sources') : undefined;
  if (fmSources && Array.isArray(fmSources.value)) {
    // A source the list already holds is no fix for another item: it would be listed twice.
    const listed = new Set(fmSources.value.filter((v): v is string => typeof v === 'string'));
    fmSources.value.forEach((id, i) => {
      if (typeof id === 'string' && !kb.sources.has(id)) {
        add('unknown-source', unknownSourceMessage(id, kb.sources, listed), fmSources.itemRanges[i] ?? fmSources.valueRange, nearSource(id, kb.sources, listed));
      }
    });
  }

  for (const claim of itemsOnLine(syntax.claims, line, startLine)) checkClaim(claim, resolver, add);

  for (const directive of itemsOnLine(syntax.directives, line, (d) => d.line)) {
    for (const rule of directive.rules) {
      if (!isRuleCode(rule.name)) {
        const near = closest(rule.name, Object.keys(severities));
        add('unknown-rule', `Unknown rule '${rule.name}'.${near ? ` Did you mean ${near}?` : ''}`, rule.range, near ? { replacements: [near], written: rule.name } : undefined);
      }
    }
  }
  // Stable: problems at the same place keep the order of the checks above.
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}


type Add = (code: RuleCode, message: string, range: Range, data?: BriefDiagnosticData) => void;

/** `ref` split at its hyphens into what it was probably meant as (hyphenSplit.ts); not for a claim's subject, which a space must follow. */
export function hyphenSplitOf(syntax: BriefSyntax, ref: EntityReference, kb: KnowledgeBase): HyphenSplit | undefined {
  if (ref.form !== 'short' || !ref.name.includes('-')) return undefined;
  if (itemsOnLine(syntax.claims, ref.line, startLine).some((c) => c.subject.start === ref.start)) return undefined;
  return splitAtHyphen(ref, (text) => kb.lookup(text).length);
}

/**
 * "A, B, C" from the entities' names. A loop rather than `map(...).join`: the arrays `map` made
 * here reached `join` in more than one representation, and `--trace-deopt` showed the checks'
 * optimised code thrown away at that `join` ("wrong map") in a large brief's second and third checks.
 */
function namesOf(entities: readonly Entity[]): string {
  let names = '';
  for (const e of entities) names += names === '' ? e.name : `, ${e.name}`;
  return names;
}

/** The fix for an unknown source id: the known id it is closest to, if any. */
function nearSource(id: string, sources: ReadonlyMap<string, Source>, listed: ReadonlySet<string> = new Set()): BriefDiagnosticData | undefined {
  const near = closest(id, [...sources.keys()].filter((k) => !listed.has(k)));
  return near ? { replacements: [near], written: id } : undefined;
}

/** `listed`: the sources the front matter lists already, which are not offered for another of its items. */
function unknownSourceMessage(id: string, sources: ReadonlyMap<string, Source>, listed: ReadonlySet<string> = new Set()): string {
  const known = [...sources.keys()].filter((k) => !listed.has(k));
  const near = closest(id, known);
  return `Unknown source '${id}'.${near ? ` Did you mean ${near}?` : known.length > 0 ? ` Known sources: ${known.join(', ')}.` : ''}`;
}

/** Parses `pN` or `pN-pM` into paragraph numbers, or undefined when it is neither. */
export function paragraphSpan(text: string): { from: number; to: number } | undefined {
  // By hand, as /^p([1-9]\d*)(?:-p([1-9]\d*))?$/ reads it: thousands of citations come here.
  const first = paragraphNumber(text, 0);
  if (!first) return undefined;
  if (first.end === text.length) return { from: first.value, to: first.value };
  if (text.charCodeAt(first.end) !== 0x2d /* - */) return undefined;
  const second = paragraphNumber(text, first.end + 1);
  return second && second.end === text.length ? { from: first.value, to: second.value } : undefined;
}

/** `p` and a number without leading zeros at `at`: the number and where it ends. */
function paragraphNumber(text: string, at: number): { value: number; end: number } | undefined {
  if (text.charCodeAt(at) !== 0x70 /* p */) return undefined;
  const start = at + 1;
  let end = start;
  while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
  if (end === start || text.charCodeAt(start) === 0x30) return undefined;
  return { value: Number(text.slice(start, end)), end };
}

function checkCitation(citation: Citation, sources: ReadonlyMap<string, Source>, add: Add): void {
  const source = sources.get(citation.sourceId);
  if (!source) return add('unknown-source', unknownSourceMessage(citation.sourceId, sources), citation.sourceRange, nearSource(citation.sourceId, sources));
  if (citation.paragraphs === undefined) return;
  // Made only for a problem: most citations are sound, and a citation's ranges are made on demand.
  const range = () => citation.paragraphsRange ?? citation.range;
  const count = source.paragraphs.length;
  const span = paragraphSpan(citation.paragraphs);
  if (citation.paragraphs === '') {
    // `[^source:]`: nothing to underline but the citation itself.
    return add('unknown-paragraph', `No paragraph after '${source.id}:': cite pN or pN-pM (${source.id} has p1–p${count}).`, citation.range);
  }
  const asCaption = citation.paragraphs.toLowerCase();
  if (!span && source.captions.some((c) => c.id === asCaption)) {
    // The KB's evidence may quote a caption (hovers show ¶c1); a brief cites paragraphs only (§3.4).
    return add('unknown-paragraph', `'${citation.paragraphs}' is a photo caption of ${source.id}: a brief cites paragraphs only (pN or pN-pM), or the source alone, [^${source.id}].`, range());
  }
  if (!span) {
    // The right form with a number that is none (`p0`, `p07`): say what is wrong with the number.
    const zero = /^p\d+(?:-p\d+)?$/.test(citation.paragraphs) ? citation.paragraphs.split('-').find((p) => /^p0+$/.test(p)) : undefined;
    const message = zero
      ? `${source.id} has no paragraph ${zero}: it has p1–p${count}.`
      : /^p\d+(?:-p\d+)?$/.test(citation.paragraphs)
        ? `'${citation.paragraphs}': write paragraph numbers without leading zeros (${source.id} has p1–p${count}).`
        : `'${citation.paragraphs}' is not a paragraph reference: cite pN or pN-pM (${source.id} has p1–p${count}).`;
    return add('unknown-paragraph', message, range(), asParagraphs(citation.paragraphs, count));
  }
  if (span.from > span.to) return add('unknown-paragraph', `The range ${citation.paragraphs} runs backwards.`, range(), asParagraphs(citation.paragraphs, count));
  if (span.to > count) {
    // As written: a number too large for a double would be shown rounded.
    const [first, last = first] = citation.paragraphs.split('-');
    const missing = span.from > count ? first : last;
    add('unknown-paragraph', `${source.id} has no paragraph ${missing}: it has p1–p${count}.`, range());
  }
}

/**
 * The fix for a paragraph part written another way: `5` or `P5` or `p05` as `p5`, `5-7` as `p5-p7`,
 * a backward `p9-p7` as `p7-p9`; none when that still names no paragraph of the source.
 */
function asParagraphs(written: string, count: number): BriefDiagnosticData | undefined {
  const numbers = /^[pP]?0*([1-9]\d*)(?:[-–—][pP]?0*([1-9]\d*))?$/.exec(written);
  if (!numbers) return undefined;
  const [from, to] = [Number(numbers[1]), Number(numbers[2] ?? numbers[1])].sort((a, b) => a - b);
  if (to > count) return undefined;
  return { replacements: [from === to ? `p${from}` : `p${from}-p${to}`], written };
}

function checkClaim(claim: Claim, resolver: Resolver, add: Add): void {
  const signature = predicateSignature(claim.predicate);
  if (!signature) {
    const near = nearPredicates(claim.predicate, claim.negated);
    const apart = near[0]?.startsWith('not ') ? " ('not' is a word of its own)" : '';
    const hint = near.length > 0 ? ` Did you mean ${near.join(', ')}${apart}?` : ` Predicates: ${PREDICATE_NAMES.join(', ')}.`;
    return add('unknown-predicate', `Unknown predicate '${claim.predicate}'.${hint}`, claim.predicateRange, { predicates: near, written: claim.predicate });
  }
  const subject = resolved(resolver, claim.subject.name);
  const object = resolved(resolver, claim.object.name);
  // A reference that is unknown or ambiguous has its own diagnostic; the claim then gets no verdict.
  if (!subject || !object) return;
  const mismatch = kindProblem(signature, claim.predicate, subject, object);
  if (mismatch) return add('kind-mismatch', mismatch, claim.predicateRange);
  const verdict = judgeClaim(subject, claim.predicate, object, claim.negated);
  if (verdict.status === 'contradicted' && verdict.relation && verdict.holder) {
    const note = citationNote(verdict.relation.evidence, claim.citations);
    add('contradicted-claim', `Contradicted: the source says ${describeRelation(verdict.holder, verdict.relation, resolver.kb)} — ${quoteEvidence(verdict.relation.evidence, claim.citations)}.${note ? ` ${note}` : ''}`, claim.range);
  } else if (verdict.status === 'unsupported') {
    const stated = `${subject.name} ${claim.negated ? signature.negatedPhrase : signature.phrase} ${object.name}`;
    const said = (r: { relation: Relation; holder: Entity }) => `${describeRelation(r.holder, r.relation, resolver.kb)} — ${quoteEvidence(r.relation.evidence, claim.citations)}`;
    let message = `Unsupported: the knowledge base holds no evidence that ${stated}.`;
    if (verdict.disputed && verdict.relation && verdict.holder) {
      message = `Unsupported: the source says both that ${said({ relation: verdict.relation, holder: verdict.holder })}, and that ${said(verdict.disputed)}.`;
    } else if (verdict.relation && verdict.holder) {
      message = `Unsupported: the source says ${said({ relation: verdict.relation, holder: verdict.holder })}; a relation that ended speaks for its time only, and a claim carries no date.`;
    } else if (verdict.instead) message += ` It holds that ${said(verdict.instead)}.`;
    add('unsupported-claim', message, claim.range);
  }
}

/**
 * What an unknown predicate was probably meant as, best first: `not-member-of` is `not
 * member-of`; otherwise the predicates a typo away (`memberof`), and those it runs on from or
 * stops short of at a hyphen (`borders-with`, `allied`).
 */
export function nearPredicates(written: string, negated: boolean): string[] {
  const word = written.toLowerCase();
  if (!negated && word.startsWith('not-') && predicateSignature(word.slice(4))) return [`not ${word.slice(4)}`];
  return PREDICATE_NAMES.map((p) => ({ p, d: editDistance(word, p) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(x.p.length / 3)) || word.startsWith(`${x.p}-`) || x.p.startsWith(`${word}-`))
    .sort((a, b) => a.d - b.d)
    .map((x) => x.p)
    .slice(0, 3);
}

function resolved(resolver: Resolver, name: string): Entity | undefined {
  const r = resolver.resolve(name);
  return r.status === 'resolved' ? r.entity : undefined;
}


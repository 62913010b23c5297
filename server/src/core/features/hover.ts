/**
 * Hover: on a reference, the entity's card; on a citation, the cited paragraphs; on a claim's
 * keyword or predicate, the verdict with its evidence. All KB text is escaped (markdown.ts).
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { EntityReference, spanAt, type BriefSyntax, type Citation, type Claim } from '../syntax';
import type { Entity, Evidence, Relation } from '../kb/model';
import type { Project } from '../project';
import { codeSpan, escapeMarkdown as esc } from '../markdown';
import { itemsOnLine, touches } from '../text';
import { counted, describeRelation, citationLabel, citationNote, evidenceFor, period } from '../wording';
import { hyphenSplitOf, nearPredicates, paragraphSpan } from '../validation';
import { predicateSignature } from '../kinds';
import { judgeClaim, kindProblem } from '../claims';
import { frontMatterKey } from '../frontMatter';
import { uniqueLabel } from './referenceText';
import { isRuleCode, RULE_CODES, RULE_DEFAULTS, RULE_DESCRIPTIONS } from '../rules';
import { closest } from '../resolver';

/** A label that can be written in the short form `@Label`. */
const SHORT = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}\p{M}_])?$/u;

const MAX_RELATIONS = 8;
const MAX_FACTS = 3;
/** Candidates an ambiguous reference's card lists, each with how to name it alone; the rest are counted. */
const CANDIDATES_LISTED = 30;
const MAX_PARAGRAPHS = 3;

export class HoverProvider {
  provideHover(syntax: BriefSyntax, project: Project, position: Position): Hover | null {
    // Every item lies on one line: search only the cursor's line of each list.
    const line = position.line;
    const span = spanAt(syntax, position);
    const claim = itemsOnLine(syntax.claims, line, (c) => c.range.start.line).find((c) => touches(c.keywordRange, position) || touches(c.predicateRange, position));
    const claimPart = claim && (touches(claim.keywordRange, position) ? claim.keywordRange : claim.predicateRange);
    // A subject written right after `claim:` (`claim:@Russia …`) is what the mouse is on at its `@`.
    const spanStartsHere = span !== undefined && span.start === position.character;
    if (claim && claimPart && !(spanStartsHere && claimPart.end.character === position.character)) return markdown(claimCard(claim, project), claimPart);
    if (span instanceof EntityReference) return markdown(referenceCard(syntax, span, project), span.range);
    if (span) return markdown(citationCard(span, project), span.range);
    const rule = syntax.directives.find((d) => d.line === line)?.rules.find((r) => touches(r.range, position));
    if (rule) return markdown(ruleCard(rule.name), rule.range);
    const key = syntax.frontMatter?.entries.find((e) => touches(e.keyRange, position));
    const info = key && frontMatterKey(key.key);
    if (key && info) {
      const values = info.values ? `\n\nValues: ${info.values.map((v) => `\`${v}\``).join(', ')}` : '';
      return markdown(`**${key.key}** — ${info.description}${values}`, key.keyRange);
    }
    return null;
  }
}

/** A rule named in a directive: what it reports and how loud it is by default; a misspelt one, what was meant. */
function ruleCard(name: string): string {
  if (isRuleCode(name)) return `**${esc(name)}** — ${RULE_DEFAULTS[name]} by default\n\n${RULE_DESCRIPTIONS[name]}`;
  const near = closest(name, RULE_CODES);
  return `**Unknown rule** ${codeSpan(name)}.${near ? ` Did you mean ${codeSpan(near)}?` : ''}`;
}

function markdown(value: string, range: Hover['range']): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function referenceCard(syntax: BriefSyntax, ref: EntityReference, project: Project): string {
  const r = project.resolver.resolve(ref.name);
  if (r.status === 'resolved') return entityCard(r.entity, project);
  if (r.status === 'ambiguous') {
    const kb = project.resolver.kb;
    const advice = (e: Entity) => {
      // Advise only a form that really names the entity alone; some entities have none.
      const label = kb.lookup(e.id).length === 1 ? e.id : uniqueLabel(e, kb);
      return label === undefined ? 'no name of it is unique: give it a distinct alias in the KB' : `write ${codeSpan(SHORT.test(label) ? `@${label}` : `@[${label}]`)}`;
    };
    const listed = r.candidates.slice(0, CANDIDATES_LISTED);
    const more = r.candidates.length - listed.length;
    const lines = [`**Ambiguous:** ${codeSpan(ref.name)} may mean`, ...listed.map((e) => `- ${esc(e.name)} (${e.kind}) — ${advice(e)}`)];
    if (more > 0) lines.push(`- and ${more} more`);
    return lines.join('\n');
  }
  const heldIn = project.resolver.kb.heldIn(ref.name);
  if (heldIn !== undefined) return `**Unknown entity** ${codeSpan(ref.name)}: ${codeSpan(heldIn)} defines it, but that KB file has errors and is not loaded.`;
  // As the diagnostic says: `@US-led` was meant as `@[US]-led`.
  const split = hyphenSplitOf(syntax, ref, project.resolver.kb);
  const hint = split ? ` Did you mean ${codeSpan(split.text)}?` : r.suggestions.length > 0 ? ` Did you mean ${r.suggestions.map((e) => `**${esc(e.name)}**`).join(', ')}?` : '';
  return `**Unknown entity** ${codeSpan(ref.name)}.${hint}`;
}

/** The entity card: name, kind, aliases, summary, identifiers, relations in words, facts with quotes. */
export function entityCard(entity: Entity, project: Project): string {
  const kb = project.resolver.kb;
  const parts: string[] = [`**${esc(entity.name)}** · _${entity.kind}_`];
  if (entity.aliases.length > 0) parts.push(`Also: ${entity.aliases.map(esc).join(', ')}`);
  parts.push(esc(entity.summary));
  const ids: string[] = [];
  if (entity.identifiers.iso2 || entity.identifiers.iso3) {
    ids.push(`ISO 3166-1: ${[entity.identifiers.iso2, entity.identifiers.iso3].filter(Boolean).map((s) => esc(s ?? '')).join(' / ')}`);
  }
  if (entity.identifiers.wikidata) ids.push(`Wikidata: ${esc(entity.identifiers.wikidata)}`);
  if (ids.length > 0) parts.push(ids.join(' · '));

  // Only the relations shown are built and put in words: in a large KB a state can be the target of thousands.
  const total = entity.relations.length + kb.countRelationsTo(entity.id);
  const relations = [
    ...entity.relations.slice(0, MAX_RELATIONS).map((r) => ({ subject: entity, relation: r })),
    ...kb.relationsTo(entity.id, Math.max(0, MAX_RELATIONS - entity.relations.length)),
  ];
  if (relations.length > 0) {
    const shown = relations.map(({ subject, relation }) => {
      const evidence = relation.evidence[0];
      return `- ${esc(describeRelation(subject, relation, kb))}${evidence ? ` (${esc(citationLabel(evidence))})` : ''}`;
    });
    if (total > MAX_RELATIONS) shown.push(`- … and ${total - MAX_RELATIONS} more`);
    parts.push(`**Relations**\n${shown.join('\n')}`);
  }
  if (entity.facts.length > 0) {
    const facts = entity.facts.slice(0, MAX_FACTS).map((f) => {
      const ev = f.evidence[0];
      return `- ${esc(f.text)}${ev ? `\n  > “${esc(ev.quote)}” — ${esc(citationLabel(ev))}` : ''}`;
    });
    if (entity.facts.length > MAX_FACTS) facts.push(`- … and ${entity.facts.length - MAX_FACTS} more`);
    parts.push(`**Facts**\n${facts.join('\n')}`);
  }
  return parts.join('\n\n');
}

function citationCard(citation: Citation, project: Project): string {
  const source = project.resolver.kb.sources.get(citation.sourceId);
  if (!source) return `**Unknown source** ${codeSpan(citation.sourceId)}`;
  const header = `**${esc(source.title)}** — ${esc(source.author)}, ${source.year}`;
  if (citation.paragraphs === undefined) return `${header}\n\n${counted(source.paragraphs.length, 'paragraph')}.`;
  const span = paragraphSpan(citation.paragraphs);
  const caption = source.captions.find((c) => c.id === citation.paragraphs?.toLowerCase());
  if (caption) return `${header}\n\n¶${caption.id} is a photo caption, which a brief cannot cite (only paragraphs, pN):\n\n> ${esc(caption.text)}`;
  if (!span) return `${header}\n\nNo paragraph ${codeSpan(citation.paragraphs)}.`;
  const cited = source.paragraphs.slice(span.from - 1, Math.min(span.to, span.from - 1 + MAX_PARAGRAPHS));
  if (cited.length === 0) return `${header}\n\nNo paragraph ${codeSpan(citation.paragraphs)} (the source has p1–p${source.paragraphs.length}).`;
  const body = cited.map((p) => `¶${p.id}${p.section ? ` · _${esc(p.section)}_` : ''}\n\n> ${esc(p.text)}`);
  // Count only paragraphs the source has: the rest is an unknown-paragraph diagnostic, not content.
  const existing = Math.min(span.to, source.paragraphs.length) - span.from + 1;
  const more = existing > MAX_PARAGRAPHS ? [`… and ${counted(existing - MAX_PARAGRAPHS, 'more paragraph')}`] : [];
  return [header, ...body, ...more].join('\n\n');
}

function claimCard(claim: Claim, project: Project): string {
  const signature = predicateSignature(claim.predicate);
  if (!signature) {
    // As the diagnostic says it.
    const near = nearPredicates(claim.predicate, claim.negated);
    return `**Unknown predicate** ${codeSpan(claim.predicate)}.${near.length > 0 ? ` Did you mean ${near.map(codeSpan).join(', ')}?` : ''}`;
  }
  const subject = project.resolver.resolve(claim.subject.name);
  const object = project.resolver.resolve(claim.object.name);
  if (subject.status !== 'resolved' || object.status !== 'resolved') {
    return `**${esc(claim.predicate)}** — ${signature.subject.join(', ')} → ${signature.object.join(', ')}\n\nNo verdict: a reference of this claim does not name exactly one entity.`;
  }
  const mismatch = kindProblem(signature, claim.predicate, subject.entity, object.entity);
  if (mismatch) return `**Kind mismatch** — ${esc(mismatch)}`;
  const verdict = judgeClaim(subject.entity, claim.predicate, object.entity, claim.negated);
  const stated = `${subject.entity.name} ${claim.negated ? signature.negatedPhrase : signature.phrase} ${object.entity.name}`;
  const quoted = (quote: Evidence | undefined) => (quote ? `\n\n> “${esc(quote.quote)}” — ${esc(citationLabel(quote))}` : '');
  // Where the quote shown is not in a paragraph the claim cites, it says so, as for a verdict.
  const noted = (relation: Relation) => {
    const note = citationNote(relation.evidence, claim.citations);
    return note ? `\n\n${esc(note)}` : '';
  };
  if (verdict.status === 'unsupported' || !verdict.relation) {
    if (verdict.disputed && verdict.relation && verdict.holder) {
      const sides = [{ relation: verdict.relation, holder: verdict.holder }, verdict.disputed].map(({ relation, holder }) => {
        const quote = evidenceFor(relation.evidence, claim.citations);
        return `${esc(`${describeRelation(holder, relation, project.resolver.kb)}.`)}${quote ? `\n\n> “${esc(quote.quote)}” — ${esc(citationLabel(quote))}` : ''}`;
      });
      return `**? Disputed** — ${esc(stated)}\n\nThe knowledge base holds this claim both ways: the source says that ${sides.join('\n\nand that ')}`;
    }
    if (verdict.relation && verdict.holder) {
      const quote = evidenceFor(verdict.relation.evidence, claim.citations);
      const said = `The knowledge base holds that ${describeRelation(verdict.holder, verdict.relation, project.resolver.kb)}: a relation that ended, which speaks for its time only.`;
      return `**? Unsupported** — ${esc(stated)}\n\n${esc(said)}${quoted(quote)}${noted(verdict.relation)}`;
    }
    if (verdict.instead) {
      const quote = evidenceFor(verdict.instead.relation.evidence, claim.citations);
      const said = `The knowledge base holds no relation for this claim, but holds that ${describeRelation(verdict.instead.holder, verdict.instead.relation, project.resolver.kb)}.`;
      return `**? Unsupported** — ${esc(stated)}\n\n${esc(said)}${quoted(quote)}${noted(verdict.instead.relation)}`;
    }
    return `**? Unsupported** — ${esc(stated)}\n\nThe knowledge base holds no relation for this claim.`;
  }
  const label = verdict.status === 'supported' ? '✓ Supported' : '✗ Contradicted';
  // The quote from a paragraph the claim cites comes first.
  const first = evidenceFor(verdict.relation.evidence, claim.citations);
  const ordered = [...verdict.relation.evidence].sort((a, b) => Number(b === first) - Number(a === first));
  const evidence = ordered.map((e) => `> “${esc(e.quote)}” — ${esc(citationLabel(e))}`).join('\n\n');
  // The heading states the claim; a contradicted one says, in as many words, what the source says
  // instead (the diagnostic's sentence), so that the two are not read as the same statement.
  const says = verdict.status === 'contradicted' && verdict.holder ? `\n\nThe source says that ${esc(describeRelation(verdict.holder, verdict.relation, project.resolver.kb))}:` : '';
  const note = citationNote(verdict.relation.evidence, claim.citations);
  // The relation's dates are the claim's only when it supports the claim: on a contradicted one
  // they belong to what the source says instead ("Pakistan is not a member of SCO (since 2017)"
  // would read as the opposite of the source's accession in 2017), and `says` carries them.
  const when = verdict.status === 'supported' ? period(verdict.relation) : '';
  return `**${label}** — ${esc(stated)}${esc(when)}${says}\n\n${evidence}${note ? `\n\n${esc(note)}` : ''}`;
}

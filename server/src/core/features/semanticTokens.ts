/**
 * Semantic tokens: references coloured by the kind of entity they name, claim keywords and
 * predicates, and citations, on top of the TextMate grammar's colours.
 *
 * The legend uses standard LSP token types, so every theme colours them:
 *
 * | what | token type | modifiers |
 * | --- | --- | --- |
 * | reference to a state | `namespace` | |
 * | … person | `variable` | |
 * | … group | `class` | |
 * | … organization | `struct` | |
 * | … initiative | `function` | |
 * | … place | `type` | |
 * | … facility | `enumMember` | |
 * | … event | `event` | |
 * | reference to a bundled-KB entity | (its kind's type) | `defaultLibrary` |
 * | reference that names no entity | `variable` | `unresolved` |
 * | ambiguous reference | its candidates' type if they share a kind, else `variable` | `ambiguous` |
 * | `claim:` and `not` of a claim | `keyword` | |
 * | predicate of a claim | `method` (themes give `operator` the colour of prose) | `unresolved` when unknown |
 * | citation `[^source:pN]` | `macro` | `unresolved` when the source or a paragraph is unknown |
 *
 * `unresolved` and `ambiguous` are our own modifiers; `defaultLibrary` is standard. Tokens are
 * encoded as LSP requires: five integers each, line and start relative to the previous token,
 * lengths in UTF-16 code units, sorted, never overlapping.
 */
import type { Range, SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { BriefSyntax, Citation, EntityReference } from '../syntax';
import { paragraphSpan } from '../validation';
import type { Project } from '../project';
import type { EntityKind } from '../kinds';
import { predicateSignature } from '../kinds';
import { comparePositions, lineRange } from '../text';

const TOKEN_TYPES = ['namespace', 'variable', 'class', 'struct', 'function', 'type', 'enumMember', 'event', 'keyword', 'method', 'macro'] as const;
const TOKEN_MODIFIERS = ['unresolved', 'ambiguous', 'defaultLibrary'] as const;

type TokenType = (typeof TOKEN_TYPES)[number];
type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

/** The legend the server announces with `semanticTokensProvider`. */
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const KIND_TYPE: Record<EntityKind, TokenType> = {
  state: 'namespace',
  person: 'variable',
  group: 'class',
  organization: 'struct',
  initiative: 'function',
  place: 'type',
  facility: 'enumMember',
  event: 'event',
};

/** One token before encoding: a single-line range, a type and modifiers. */
export interface BriefToken {
  readonly range: Range;
  readonly type: TokenType;
  readonly modifiers: readonly TokenModifier[];
}

export class SemanticTokensProvider {
  /** Tokens of the whole document, or of those that overlap `range`. `lines` are the document's lines (for `not`). */
  provideSemanticTokens(syntax: BriefSyntax, lines: readonly string[], project: Project, range?: Range): SemanticTokens {
    const tokens = briefTokens(syntax, lines, project).filter(
      (t) => !range || (comparePositions(t.range.end, range.start) > 0 && comparePositions(t.range.start, range.end) < 0),
    );
    return { data: encodeTokens(tokens) };
  }
}

/** Every token of a brief, in document order. */
export function briefTokens(syntax: BriefSyntax, lines: readonly string[], project: Project): BriefToken[] {
  const tokens: BriefToken[] = [];
  for (const ref of syntax.references) tokens.push(referenceToken(ref, project));
  for (const claim of syntax.claims) {
    tokens.push({ range: claim.keywordRange, type: 'keyword', modifiers: [] });
    if (claim.negated) {
      // `not` is the word between the subject and the predicate.
      const l = claim.predicateRange.start.line;
      const between = (lines[l] ?? '').slice(claim.subject.end, claim.predicateRange.start.character);
      const at = between.search(/not/i);
      if (at >= 0) {
        const start = claim.subject.end + at;
        tokens.push({ range: lineRange(l, start, start + 3), type: 'keyword', modifiers: [] });
      }
    }
    tokens.push({ range: claim.predicateRange, type: 'method', modifiers: predicateSignature(claim.predicate) ? [] : ['unresolved'] });
  }
  for (const citation of syntax.citations) {
    tokens.push({ range: citation.range, type: 'macro', modifiers: citationResolves(citation, project) ? [] : ['unresolved'] });
  }
  return tokens.sort((a, b) => comparePositions(a.range.start, b.range.start));
}


/** Whether a citation names a source of the KB and, if it names paragraphs, ones it has. */
function citationResolves(citation: Citation, project: Project): boolean {
  const source = project.resolver.kb.sources.get(citation.sourceId);
  if (!source) return false;
  if (citation.paragraphs === undefined) return true;
  const span = paragraphSpan(citation.paragraphs);
  return span !== undefined && span.from <= span.to && span.to <= source.paragraphs.length;
}

function referenceToken(ref: EntityReference, project: Project): BriefToken {
  const r = project.resolver.resolve(ref.name);
  if (r.status === 'resolved') {
    return { range: ref.range, type: KIND_TYPE[r.entity.kind], modifiers: r.entity.origin === 'bundled' ? ['defaultLibrary'] : [] };
  }
  if (r.status === 'ambiguous') {
    const kinds = new Set(r.candidates.map((e) => e.kind));
    const [kind] = kinds;
    return { range: ref.range, type: kinds.size === 1 ? KIND_TYPE[kind] : 'variable', modifiers: ['ambiguous'] };
  }
  return { range: ref.range, type: 'variable', modifiers: ['unresolved'] };
}

/** LSP's relative encoding; a token that overlaps the previous one or spans lines is dropped. */
export function encodeTokens(tokens: readonly BriefToken[]): number[] {
  const data: number[] = [];
  let line = 0;
  let char = 0;
  let lastEnd = { line: -1, character: 0 };
  for (const t of tokens) {
    const { start, end } = t.range;
    if (start.line !== end.line || end.character <= start.character || comparePositions(start, lastEnd) < 0) continue;
    const modifiers = t.modifiers.reduce((bits, m) => bits | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);
    data.push(start.line - line, start.line === line ? start.character - char : start.character, end.character - start.character, TOKEN_TYPES.indexOf(t.type), modifiers);
    line = start.line;
    char = start.character;
    lastEnd = end;
  }
  return data;
}

/**
 * The brief parser (spec §3): one pass over the lines, never throws, linear in the input.
 *
 * It knows nothing of the KB or of LSP beyond range types: it returns a syntax tree plus the
 * problems it can see on its own (malformed references and claims, front matter).
 */
import { parseFrontMatter } from './frontMatter';
import { scanInline, type InlineContent } from './inline';
import type {
  BriefSyntax,
  Citation,
  Claim,
  Comment,
  Directive,
  EntityReference,
  Heading,
  SyntaxProblem,
} from './syntax';
import { lineRange, range, splitLines } from './text';
import type { Range } from 'vscode-languageserver-types';

const FENCE_OPEN = /^(`{3,}|~{3,})/;
const FENCE_CLOSE = /^(`{3,}|~{3,})\s*$/;
const HEADING = /^(#{1,6}) (.*)$/;
// Optional indentation, block quote markers and a list marker, then `claim:` in any case.
const CLAIM_LINE = /^\s*(?:>\s?)*\s*(?:[-*+]\s+|\d+[.)]\s+)?(claim:)/i;
const DIRECTIVE = /^(\s*)brief-(disable-next-line|disable|enable)(?=$|[\s,])(.*)$/;

/**
 * Parses a whole brief. A leading byte order mark is dropped first, as editors do when they
 * load a file, so that columns match what the analyst sees.
 */
export function parseBrief(text: string): BriefSyntax {
  const lines = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const fm = parseFrontMatter(lines);

  const headings: Heading[] = [];
  const references: EntityReference[] = [];
  const citations: Citation[] = [];
  const claims: Claim[] = [];
  const comments: Comment[] = [];
  const directives: Directive[] = [];
  const codeBlocks: Range[] = [];
  const inlineCode: Range[] = [];
  const claimLines: number[] = [];
  const problems: SyntaxProblem[] = [...fm.problems];

  let fence: { char: string; length: number; line: number } | undefined;
  for (let l = fm.bodyStartLine; l < lines.length; l++) {
    const line = lines[l].text;
    if (fence) {
      const close = FENCE_CLOSE.exec(line);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) {
        codeBlocks.push(range(fence.line, 0, l, line.length));
        fence = undefined;
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      fence = { char: open[1][0], length: open[1].length, line: l };
      continue;
    }

    const heading = HEADING.exec(line);
    const scanFrom = heading ? heading[1].length + 1 : 0;
    const inline = scanInline(line, l, scanFrom);
    references.push(...inline.references);
    citations.push(...inline.citations);
    problems.push(...inline.problems);
    for (const span of inline.inlineCode) inlineCode.push(lineRange(l, span.start, span.end));
    const contentEnd = inline.commentStart ?? line.length;

    if (heading) {
      headings.push({ level: heading[1].length, text: line.slice(scanFrom, contentEnd).trim(), range: lineRange(l, 0, line.length) });
    }
    if (inline.commentStart !== undefined) {
      const comment = { range: lineRange(l, inline.commentStart, line.length), text: line.slice(inline.commentStart + 2) };
      comments.push(comment);
      const directive = readDirective(comment.text, l, inline.commentStart + 2);
      if (directive) directives.push(directive);
    }
    // A `claim:` inside a comment does not count: the keyword must end before the comment.
    const claimMatch = heading || !line.includes('claim:') && !/claim:/i.test(line) ? null : CLAIM_LINE.exec(line);
    if (claimMatch && claimMatch[0].length <= contentEnd) {
      claimLines.push(l);
      const keywordStart = claimMatch[0].length - claimMatch[1].length;
      const result = readClaim(line, l, keywordStart, contentEnd, inline);
      if ('claim' in result) claims.push(result.claim);
      else if (result.problem) problems.push(result.problem);
    }
  }
  if (fence) codeBlocks.push(range(fence.line, 0, lines.length - 1, lines[lines.length - 1].text.length));

  return {
    lineCount: lines.length,
    frontMatter: fm.frontMatter,
    headings,
    references,
    citations,
    claims,
    comments,
    directives,
    codeBlocks,
    inlineCode,
    claimLines,
    problems,
  };
}

/** Reads `brief-disable…`/`brief-enable…` and its rule names from a comment's text. */
function readDirective(text: string, lineNo: number, textStart: number): Directive | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m) return undefined;
  const kind = m[2] as Directive['kind'];
  const rulesStart = textStart + m[1].length + 'brief-'.length + m[2].length;
  const rules: { name: string; range: Range }[] = [];
  const names = /[^\s,]+/g;
  for (let r = names.exec(m[3]); r; r = names.exec(m[3])) {
    rules.push({ name: r[0], range: lineRange(lineNo, rulesStart + r.index, rulesStart + r.index + r[0].length) });
  }
  return { kind, rules, line: lineNo, range: lineRange(lineNo, textStart - 2, textStart + text.length) };
}

type ClaimResult = { claim: Claim } | { problem?: SyntaxProblem };

/**
 * Reads `claim: <subject> [not] <predicate> <object> …` from the references the inline scan
 * already found on the line. A broken shape gives one `malformed-claim`; a malformed reference
 * in the claim is reported by the scanner alone.
 */
function readClaim(line: string, l: number, keywordStart: number, end: number, inline: InlineContent): ClaimResult {
  const keywordRange = lineRange(l, keywordStart, keywordStart + 'claim:'.length);
  const claimRange = lineRange(l, keywordStart, trimEnd(line, end));
  const malformed = (why: string): ClaimResult => ({
    problem: { code: 'malformed-claim', message: `Malformed claim: ${why} Expected 'claim: @Subject [not] predicate @Object'.`, range: claimRange },
  });
  const brokenReference = inline.problems.some((p) => p.code === 'malformed-reference');
  const referenceAt = (col: number) => inline.references.find((r) => r.range.start.character === col);

  let pos = skipSpaces(line, keywordRange.end.character, end);
  const subject = referenceAt(pos);
  if (!subject) return brokenReference ? {} : malformed('a claim starts with a reference to its subject.');
  pos = subject.range.end.character;
  if (pos < end && !/\s/.test(line[pos])) return malformed(`'${line.slice(pos, wordEnd(line, pos, end))}' is glued to the subject.`);

  pos = skipSpaces(line, pos, end);
  let word = line.slice(pos, wordEnd(line, pos, end));
  let negated = false;
  if (word.toLowerCase() === 'not') {
    negated = true;
    pos = skipSpaces(line, pos + word.length, end);
    word = line.slice(pos, wordEnd(line, pos, end));
  }
  if (word === '' || referenceAt(pos) || word.startsWith('@')) {
    return brokenReference ? {} : malformed('a predicate such as member-of must follow the subject.');
  }
  const predicateRange = lineRange(l, pos, pos + word.length);
  pos = skipSpaces(line, pos + word.length, end);
  const object = referenceAt(pos);
  if (!object) return brokenReference ? {} : malformed(`a reference must follow the predicate '${word}'.`);

  const claimCitations = inline.citations.filter((c) => c.range.start.character >= object.range.end.character);
  return {
    claim: { subject, object, predicate: word, predicateRange, negated, keywordRange, range: claimRange, citations: claimCitations },
  };
}

function skipSpaces(line: string, pos: number, end: number): number {
  while (pos < end && /\s/.test(line[pos])) pos++;
  return pos;
}

function wordEnd(line: string, pos: number, end: number): number {
  while (pos < end && !/\s/.test(line[pos])) pos++;
  return pos;
}

function trimEnd(line: string, end: number): number {
  while (end > 0 && /\s/.test(line[end - 1])) end--;
  return end;
}

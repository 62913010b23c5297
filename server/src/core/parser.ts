/**
 * The brief parser (spec §3): one pass over the lines, never throws, linear in the input.
 *
 * It knows nothing of the KB or of LSP beyond range types: it returns a syntax tree plus the
 * problems it can see on its own (malformed references and claims, front matter).
 */
import { parseFrontMatter } from './frontMatter';
import { scanInline } from './inline';
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

  const sink = { references, citations, inlineCode, problems };
  let fence: { char: string; length: number; line: number } | undefined;
  for (let l = fm.bodyStartLine; l < lines.length; l++) {
    const line = lines[l].text;
    if (line.length === 0) continue;
    const first = line.charCodeAt(0);
    if (fence) {
      const close = first === fence.char.charCodeAt(0) ? FENCE_CLOSE.exec(line) : null;
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) {
        codeBlocks.push(range(fence.line, 0, l, line.length));
        fence = undefined;
      }
      continue;
    }
    const open = first === 0x60 /* ` */ || first === 0x7e /* ~ */ ? FENCE_OPEN.exec(line) : null;
    if (open) {
      fence = { char: open[1][0], length: open[1].length, line: l };
      continue;
    }

    const heading = first === 0x23 /* # */ ? HEADING.exec(line) : null;
    const scanFrom = heading ? heading[1].length + 1 : 0;
    const firstReference = references.length;
    const firstCitation = citations.length;
    const problemsBefore = problems.length;
    const commentStart = scanInline(line, l, scanFrom, sink);
    const contentEnd = commentStart < 0 ? line.length : commentStart;

    if (heading) {
      headings.push({ level: heading[1].length, text: line.slice(scanFrom, contentEnd).trim(), range: lineRange(l, 0, line.length) });
    }
    if (commentStart >= 0) {
      const comment = { range: lineRange(l, commentStart, line.length), text: line.slice(commentStart + 2) };
      comments.push(comment);
      const directive = readDirective(comment.text, l, commentStart + 2);
      if (directive) directives.push(directive);
    }
    const keywordStart = heading ? -1 : claimKeyword(line, contentEnd);
    if (keywordStart >= 0) {
      claimLines.push(l);
      const onLine: LineItems = {
        references: references.slice(firstReference),
        citations: citations.slice(firstCitation),
        brokenReference: problems.slice(problemsBefore).some((p) => p.code === 'malformed-reference'),
      };
      const result = readClaim(line, l, keywordStart, contentEnd, onLine);
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

/**
 * Where `claim:` starts when the line is a claim: after optional indentation, block-quote
 * markers and one list marker (`- `, `* `, `+ `, `1. `, `1) `), in any case. -1 otherwise.
 * A hand-written scan: a regular expression here overflowed the stack on a line of 10⁵ `>`.
 */
export function claimKeyword(line: string, end: number): number {
  if (!line.includes(':')) return -1;
  let i = 0;
  const space = (k: number) => k < end && (line[k] === ' ' || line[k] === '\t');
  while (space(i)) i++;
  while (i < end && line[i] === '>') {
    i++;
    while (space(i)) i++;
  }
  if ((line[i] === '-' || line[i] === '*' || line[i] === '+') && space(i + 1)) {
    i++;
    while (space(i)) i++;
  } else {
    let d = i;
    while (d < end && line.charCodeAt(d) >= 0x30 && line.charCodeAt(d) <= 0x39) d++;
    if (d > i && (line[d] === '.' || line[d] === ')') && space(d + 1)) {
      i = d + 1;
      while (space(i)) i++;
    }
  }
  return i + 6 <= end && line.slice(i, i + 6).toLowerCase() === 'claim:' ? i : -1;
}

/** The references and citations of one line, and whether a reference on it was malformed. */
interface LineItems {
  readonly references: readonly EntityReference[];
  readonly citations: readonly Citation[];
  readonly brokenReference: boolean;
}

type ClaimResult = { claim: Claim } | { problem?: SyntaxProblem };

/**
 * Reads `claim: <subject> [not] <predicate> <object> …` from the references the inline scan
 * already found on the line. A broken shape gives one `malformed-claim`; a malformed reference
 * in the claim is reported by the scanner alone.
 */
function readClaim(line: string, l: number, keywordStart: number, end: number, inline: LineItems): ClaimResult {
  const keywordRange = lineRange(l, keywordStart, keywordStart + 'claim:'.length);
  const claimRange = lineRange(l, keywordStart, trimEnd(line, end));
  const malformed = (why: string): ClaimResult => ({
    problem: { code: 'malformed-claim', message: `Malformed claim: ${why} Expected 'claim: @Subject [not] predicate @Object'.`, range: claimRange },
  });
  const brokenReference = inline.brokenReference;
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

/**
 * The brief parser (spec §3): one pass over the lines, never throws, linear in the input.
 *
 * It knows nothing of the KB or of LSP beyond range types: it returns a syntax tree plus the
 * problems it can see on its own (malformed references and claims, front matter).
 */
import { parseFrontMatter } from './frontMatter';
import { scanInline } from './inline';
import { claimKeyword } from './claimLine';
import { objectList } from './objectList';
import { predicateSignature } from './kinds';
import {
  Claim,
  Heading,
  type BriefSyntax,
  type Citation,
  type Comment,
  type Directive,
  type EntityReference,
  type SyntaxProblem,
} from './syntax';
import { copyString, firstAtOrAfter, isSpaceUnit, lineAtOffset, lineRange, range, splitLines, trimEndAt } from './text';
import type { Range } from 'vscode-languageserver-types';

const FENCE_OPEN = /^(`{3,}|~{3,})/;
// Only spaces and tabs may follow a closing fence, as in CommonMark and the grammar: a line that
// ends in a no-break space does not close the block.
const FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;
// `s`: a U+2028 or U+2029 inside a line is a character of it, as in the editor, not the end of `.`.
const HEADING = /^(#{1,6}) (.*)$/s;
const DIRECTIVE = /^(\s*)brief-(disable-next-line|disable|enable)(?=$|[\s,])(.*)$/s;

/** The mutable lists one parse fills, line by line, in document order. */
interface Collector {
  readonly headings: Heading[];
  readonly references: EntityReference[];
  readonly citations: Citation[];
  readonly claims: Claim[];
  readonly comments: Comment[];
  readonly directives: Directive[];
  readonly inlineCode: Range[];
  readonly claimLines: number[];
  readonly problems: SyntaxProblem[];
}

const emptyCollector = (): Collector => ({
  headings: objectList(),
  references: objectList(),
  citations: objectList(),
  claims: objectList(),
  comments: objectList(),
  directives: objectList(),
  inlineCode: objectList(),
  claimLines: [],
  problems: objectList(),
});

/** A parse with the text it was made from, so that the next version can reuse it. */
export interface ParsedText {
  /** The text without a leading BOM. */
  readonly body: string;
  /** Offset in `body` where each line starts. */
  readonly starts: readonly number[];
  readonly syntax: BriefSyntax;
}

/**
 * Parses a whole brief. A leading byte order mark is dropped first, as editors do when they
 * load a file, so that columns match what the analyst sees.
 */
export function parseBrief(text: string): BriefSyntax {
  return parseText(text).syntax;
}

export function parseText(text: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { starts, texts: lines } = splitLines(body);
  const fm = parseFrontMatter(lines);
  const out = emptyCollector();
  out.problems.push(...fm.problems);
  const codeBlocks: Range[] = [];
  let fence: { char: string; length: number; line: number } | undefined;
  for (let l = fm.bodyStartLine; l < lines.length; l++) {
    const line = lines[l];
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
    bodyLine(line, l, out);
  }
  if (fence) codeBlocks.push(range(fence.line, 0, lines.length - 1, lines[lines.length - 1].length));
  return { body, starts, syntax: { lineCount: lines.length, frontMatter: fm.frontMatter, codeBlocks, ...out } };
}

/**
 * Parses a new version of a brief, reusing the previous parse when the change stays inside one
 * line of prose (typing, the common edit): the two texts are compared from both ends, and only
 * the changed line is scanned again. Anything else — a line break added or removed, front matter,
 * fences — is parsed from scratch. The result always equals `parseText(text)` (a differential
 * test holds it to that).
 */
export function reparseText(previous: ParsedText, text: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const old = previous.body;
  if (body === old) return { ...previous, body };
  const p = commonPrefix(old, body);
  const suffix = commonSuffix(old, body, Math.min(old.length, body.length) - p);
  const endOld = old.length - suffix;
  const endNew = body.length - suffix;
  if (hasLineBreak(old, p, endOld) || hasLineBreak(body, p, endNew)) return parseText(text);
  // A `\r` just before the change and a `\n` just after it: the edit joins them into one line
  // break (`\rX\n` → `\r\n`) or splits one (`\r\n` → `\r@CSTO\n`), though neither span holds one.
  if (p > 0 && old.charCodeAt(p - 1) === 13 && suffix > 0 && old.charCodeAt(endOld) === 10) return parseText(text);
  // Both changed spans lie inside one line: find it, and bail out where structure could change.
  const starts = previous.starts;
  const l = lineAtOffset(starts, p);
  const syntax = previous.syntax;
  const bodyStart = syntax.frontMatter ? syntax.frontMatter.contentEndLine + 1 : 0;
  if (l === 0 || l < bodyStart) return parseText(text);
  if (syntax.codeBlocks.some((r) => r.start.line <= l && l <= r.end.line)) return parseText(text);
  const delta = endNew - endOld;
  const lineStart = starts[l];
  const oldEnd = l + 1 < starts.length ? lineEnd(old, starts[l + 1]) : old.length;
  // A fresh copy, not a slice: items made from this line must not keep the whole text of this
  // version alive once later versions reuse them (memory would grow with every edit).
  const newLine = copyString(body.slice(lineStart, oldEnd + delta));
  const oldLine = old.slice(lineStart, oldEnd);
  // A fence opens or closes code; a `---` line may close an unterminated front matter.
  if (FENCE_LIKE.test(newLine) || FENCE_LIKE.test(oldLine) || newLine === '---' || oldLine === '---') return parseText(text);

  const fresh = emptyCollector();
  if (newLine.length > 0) bodyLine(newLine, l, fresh);
  const splice = <T>(list: readonly T[], added: readonly T[], lineOf: (item: T) => number): readonly T[] => {
    const from = firstAtOrAfter(list, l, lineOf);
    const to = firstAtOrAfter(list, l + 1, lineOf);
    return from === to && added.length === 0 ? list : [...list.slice(0, from), ...added, ...list.slice(to)];
  };
  const start = (item: { range: Range }) => item.range.start.line;
  const newStarts = delta === 0 ? starts : starts.map((s, i) => (i > l ? s + delta : s));
  const next: BriefSyntax = {
    lineCount: syntax.lineCount,
    frontMatter: syntax.frontMatter,
    codeBlocks: syntax.codeBlocks,
    headings: splice(syntax.headings, fresh.headings, start),
    references: splice(syntax.references, fresh.references, start),
    citations: splice(syntax.citations, fresh.citations, start),
    claims: splice(syntax.claims, fresh.claims, start),
    comments: splice(syntax.comments, fresh.comments, start),
    directives: splice(syntax.directives, fresh.directives, (d) => d.line),
    inlineCode: splice(syntax.inlineCode, fresh.inlineCode, (r) => r.start.line),
    claimLines: splice(syntax.claimLines, fresh.claimLines, (n) => n),
    problems: splice(syntax.problems, fresh.problems, start),
  };
  // Only the last link is kept, so old versions do not pile up behind the current one.
  edits.delete(syntax);
  edits.set(next, { previous: syntax, line: l });
  return { body, starts: newStarts, syntax: next };
}

/** Syntax trees made by `reparseText` from a previous tree by reparsing one line. */
const edits = new WeakMap<BriefSyntax, LineEdit>();

/** How a tree differs from the one before it: every item off `line` is the same object. */
export interface LineEdit {
  readonly previous: BriefSyntax;
  readonly line: number;
}

/** The one-line edit that made `syntax` from the previous tree, if it was made that way. */
export function lineEditOf(syntax: BriefSyntax): LineEdit | undefined {
  return edits.get(syntax);
}

/** Chunks compared natively before the character loop: a megabyte in a few hundred compares. */
const CHUNK = 4096;

function commonPrefix(a: string, b: string): number {
  const shortest = Math.min(a.length, b.length);
  let p = 0;
  while (p + CHUNK <= shortest && a.slice(p, p + CHUNK) === b.slice(p, p + CHUNK)) p += CHUNK;
  while (p < shortest && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

/** Length of the common end of `a` and `b`, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (n + CHUNK <= limit && a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)) n += CHUNK;
  while (n < limit && a.charCodeAt(a.length - n - 1) === b.charCodeAt(b.length - n - 1)) n++;
  return n;
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}


/** Where the line that ends just before `nextStart` ends, its line break excluded. */
function lineEnd(text: string, nextStart: number): number {
  let end = nextStart;
  if (text.charCodeAt(end - 1) === 10) end--;
  if (text.charCodeAt(end - 1) === 13) end--;
  return end;
}

const FENCE_LIKE = /^(`{3,}|~{3,})/;

/** One line of prose (not front matter, not code): headings, inline items, comments, claims. */
function bodyLine(line: string, l: number, out: Collector): void {
  const first = line.charCodeAt(0);
  const heading = first === 0x23 /* # */ ? HEADING.exec(line) : null;
  const scanFrom = heading ? heading[1].length + 1 : 0;
  const firstReference = out.references.length;
  const firstCitation = out.citations.length;
  const problemsBefore = out.problems.length;
  const commentStart = scanInline(line, l, scanFrom, out);
  const contentEnd = commentStart < 0 ? line.length : commentStart;

  if (heading) {
    // A closing run of `#` (`## Risks ##`) is decoration, as in Markdown; `C#` keeps its `#`.
    out.headings.push(new Heading(heading[1].length, line.slice(scanFrom, contentEnd).trim().replace(/(?:^|[ \t]+)#+$/, ''), l, line.length));
  }
  if (commentStart >= 0) {
    const comment = { range: lineRange(l, commentStart, line.length), text: line.slice(commentStart + 2) };
    out.comments.push(comment);
    const directive = readDirective(comment.text, l, commentStart + 2);
    if (directive) out.directives.push(directive);
  }
  const keywordStart = heading ? -1 : claimKeyword(line, contentEnd);
  if (keywordStart >= 0) {
    out.claimLines.push(l);
    let brokenReference = false;
    for (let p = problemsBefore; p < out.problems.length; p++) if (out.problems[p].code === 'malformed-reference') brokenReference = true;
    const onLine: LineItems = { all: out, firstReference, firstCitation, brokenReference };
    const result = readClaim(line, l, keywordStart, contentEnd, onLine);
    if ('claim' in result) out.claims.push(result.claim);
    else if (result.problem) out.problems.push(result.problem);
  }
}

/** Reads `brief-disable…`/`brief-enable…` and its rule names from a comment's text. */
function readDirective(text: string, lineNo: number, textStart: number): Directive | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m) return undefined;
  const kind = m[2] as Directive['kind'];
  const rulesStart = textStart + m[1].length + 'brief-'.length + m[2].length;
  const rules: { name: string; range: Range }[] = [];
  // ` -- ` ends the rule names: what follows says why (`%% brief-disable-next-line unknown-reference -- a new name`).
  const why = /(^|[\s,])--(\s|$)/.exec(m[3]);
  const ruleText = why ? m[3].slice(0, why.index) : m[3];
  const names = /[^\s,]+/g;
  for (let r = names.exec(ruleText); r; r = names.exec(ruleText)) {
    rules.push({ name: r[0], range: lineRange(lineNo, rulesStart + r.index, rulesStart + r.index + r[0].length) });
  }
  return { kind, rules, line: lineNo, range: lineRange(lineNo, textStart - 2, textStart + text.length) };
}

/**
 * The references and citations of one line (the tail of the document's lists from the given
 * indices: no copies), and whether a reference on it was malformed.
 */
interface LineItems {
  readonly all: Collector;
  readonly firstReference: number;
  readonly firstCitation: number;
  readonly brokenReference: boolean;
}

/** The line's reference that starts at column `col`, if any. */
function referenceAt(items: LineItems, col: number): EntityReference | undefined {
  const { references } = items.all;
  for (let r = items.firstReference; r < references.length; r++) if (references[r].start === col) return references[r];
  return undefined;
}

type ClaimResult = { claim: Claim } | { problem?: SyntaxProblem };

/**
 * Reads `claim: <subject> [not] <predicate> <object> …` from the references the inline scan
 * already found on the line. A broken shape gives one `malformed-claim`; a malformed reference
 * in the claim is reported by the scanner alone.
 */
function readClaim(line: string, l: number, keywordStart: number, end: number, inline: LineItems): ClaimResult {
  const keywordEnd = keywordStart + 'claim:'.length;
  const claimEnd = trimEndAt(line, end);
  const malformed = (why: string): ClaimResult => ({
    problem: { code: 'malformed-claim', message: `Malformed claim: ${why} Expected 'claim: @Subject [not] predicate @Object'.`, range: lineRange(l, keywordStart, claimEnd) },
  });
  const brokenReference = inline.brokenReference;

  let pos = skipSpaces(line, keywordEnd, end);
  const subject = referenceAt(inline, pos);
  if (!subject) return brokenReference ? {} : malformed('a claim starts with a reference to its subject.');
  pos = subject.end;
  // `@U.S.`: the last `.` of an abbreviation is not part of the name (spec §3.3), nor glued to it.
  if (line.charCodeAt(pos) === 0x2e /* . */ && subject.form === 'short' && subject.name.includes('.') && (pos + 1 >= end || isSpaceUnit(line.charCodeAt(pos + 1)))) pos++;
  if (pos < end && !isSpaceUnit(line.charCodeAt(pos))) return malformed(`'${line.slice(pos, wordEnd(line, pos, end))}' is glued to the subject.`);

  pos = skipSpaces(line, pos, end);
  let word = line.slice(pos, wordEnd(line, pos, end));
  let negated = false;
  if (word.toLowerCase() === 'not') {
    negated = true;
    pos = skipSpaces(line, pos + word.length, end);
    word = line.slice(pos, wordEnd(line, pos, end));
  }
  if (word === '' || referenceAt(inline, pos) || word.startsWith('@')) {
    return brokenReference ? {} : malformed('a predicate such as member-of must follow the subject.');
  }
  if (negated && word.toLowerCase() === 'not') return malformed("'not' is written once, before the predicate.");
  const predicateStart = pos;
  pos = skipSpaces(line, pos + word.length, end);
  const object = referenceAt(inline, pos);
  if (!object) {
    if (brokenReference) return {};
    // `member of`: two words of one predicate.
    const joined = `${word}-${line.slice(pos, wordEnd(line, pos, end))}`;
    if (predicateSignature(joined.toLowerCase())) return malformed(`'${joined.replace('-', ' ')}' is one predicate, written with a hyphen: '${joined.toLowerCase()}'.`);
    return malformed(missingObject(line, word, pos, end));
  }

  const claimCitations: Citation[] = [];
  const { citations } = inline.all;
  for (let c = inline.firstCitation; c < citations.length; c++) if (citations[c].start >= object.end) claimCitations.push(citations[c]);
  return { claim: new Claim(subject, object, word, negated, claimCitations, l, keywordStart, predicateStart, claimEnd) };
}

/**
 * Why no object follows the word read as the predicate, `word`, and `pos` is where the next word
 * starts: the usual slips get their own advice, since "the predicate '[^carlson-2021:p7]'" would
 * send the analyst the wrong way.
 */
function missingObject(line: string, word: string, pos: number, end: number): string {
  if (word.startsWith('[^')) return `a citation comes at the end of a claim, after its object, not before the predicate ('${word}').`;
  const at = word.indexOf('@');
  if (at > 0 && predicateSignature(word.slice(0, at).toLowerCase())) return `'${word.slice(at)}' is glued to the predicate '${word.slice(0, at)}': put a space between them.`;
  if (!predicateSignature(word.toLowerCase())) {
    // `claim: @Uzbekistan is not member-of @CSTO`: a word of prose where the predicate goes.
    let next = line.slice(pos, wordEnd(line, pos, end));
    if (next.toLowerCase() === 'not') next = line.slice(skipSpaces(line, pos + 3, end), wordEnd(line, skipSpaces(line, pos + 3, end), end));
    if (predicateSignature(next.toLowerCase())) return `'${word}' is not a predicate: the predicate ('${next}') follows the subject, after 'not' when the claim is negated.`;
  }
  return `a reference must follow the predicate '${word}'.`;
}

function skipSpaces(line: string, pos: number, end: number): number {
  while (pos < end && isSpaceUnit(line.charCodeAt(pos))) pos++;
  return pos;
}

function wordEnd(line: string, pos: number, end: number): number {
  while (pos < end && !isSpaceUnit(line.charCodeAt(pos))) pos++;
  return pos;
}

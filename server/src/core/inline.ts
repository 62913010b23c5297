/**
 * The inline scanner: one pass over one line of prose, finding references, citations, inline
 * code and the start of a `%%` comment (spec §3.2–§3.4).
 *
 * It runs in time linear in the line's length whatever the input (runs of `@[`, unclosed
 * backticks, `[^` without end): every search either consumes what it scanned or ends the line.
 */
import type { Range } from 'vscode-languageserver-types';
import { Citation, EntityReference, type SyntaxProblem } from './syntax';
import { copyString, isSpaceUnit, lineRange, trimEndAt } from './text';

/** Where the scanner puts what it finds: the document's lists, appended to in order. */
export interface InlineSink {
  readonly references: EntityReference[];
  readonly citations: Citation[];
  readonly inlineCode: Range[];
  readonly problems: SyntaxProblem[];
}

const NAME_START = /[\p{L}\p{N}]/uy;
// Combining marks continue a name so that decomposed text (e.g. "Zu\u0308rich") stays one name.
const NAME_REST = /[\p{L}\p{N}\p{M}_.\-]*/uy;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const MARK = /\p{M}/u;
const EMOJI_MARK = /[\uFE0F\u20E3]/;
/** The characters that can start an escape, code span, comment, reference or citation. */
const SPECIAL = /[\\`%@[]/g;

/**
 * True when the character ending just before `index` is a letter, digit, `_` or `@`. A combining
 * mark belongs to the character before it: "rene\u0301@example.org" is glued as "rené@…" is, but
 * an emoji's variation selector ("⚠\ufe0f@Tajikistan", and "ℹ\ufe0f@Russia", whose base is a letter)
 * leaves the `@` after a symbol, free.
 */
function glued(line: string, index: number): boolean {
  for (let end = index; end > 0; ) {
    const c = line.charCodeAt(end - 1);
    if (c < 128) return c === 0x40 /* @ */ || c === 0x5f /* _ */ || isAsciiLetterOrDigit(c);
    // Step back over a surrogate pair so astral letters count as letters.
    const start = end >= 2 && c >= 0xdc00 && c <= 0xdfff && line.charCodeAt(end - 2) >= 0xd800 && line.charCodeAt(end - 2) <= 0xdbff ? end - 2 : end - 1;
    const prev = line.slice(start, end);
    if (!MARK.test(prev)) return WORD_CHAR.test(prev);
    // Emoji presentation (U+FE0F) or a keycap (U+20E3) makes what it follows an emoji: `ℹ️@`, `1️⃣@`.
    if (EMOJI_MARK.test(prev)) return false;
    end = start;
  }
  return false;
}

/**
 * Scans `line` from column `from` to its end, appending to `out`; returns the column where a
 * `%%` comment starts, or -1.
 */
export function scanInline(line: string, lineNo: number, from: number, out: InlineSink): number {
  let runs: BacktickRuns | undefined;
  // Position of the next `%%` at or after a point (-2: not searched yet); positions only grow, so
  // one search serves many. A plain local, not a closure: this runs for every line of a brief.
  let commentAt = -2;
  let i = from;
  while (i < line.length) {
    // Jump straight to the next character that can start something: prose is skipped natively.
    SPECIAL.lastIndex = i;
    if (!SPECIAL.test(line)) break;
    i = SPECIAL.lastIndex - 1;
    const ch = line[i];
    if (ch === '\\' && (line[i + 1] === '@' || line[i + 1] === '[')) {
      i += 2;
      continue;
    }
    if (ch === '`') {
      runs ??= new BacktickRuns(line);
      i = scanCodeSpan(line, lineNo, i, runs, out);
      continue;
    }
    if (ch === '%' && line[i + 1] === '%') return i;
    if (ch === '@' && !glued(line, i)) {
      if (line[i + 1] === '[') {
        const close = line.indexOf(']', i + 2);
        if (commentAt !== -1 && commentAt < i + 2) commentAt = line.indexOf('%%', i + 2);
        const comment = commentAt;
        if (close < 0 || (comment >= 0 && comment < close)) {
          // Unclosed: the rest of the line, up to a comment, is this one diagnostic.
          const end = comment >= 0 ? trimEndAt(line, comment) : line.length;
          out.problems.push({
            code: 'malformed-reference',
            message: "Unclosed '@[': a bracket reference must end with ']' on the same line.",
            range: lineRange(lineNo, i, Math.max(end, i + 2)),
          });
          if (comment < 0) return -1;
          i = comment;
          continue;
        }
        // The name is what the brackets hold without white space at either end (as `trim` sees it).
        let nameStart = i + 2;
        while (nameStart < close && isSpaceUnit(line.charCodeAt(nameStart))) nameStart++;
        if (nameStart === close) {
          out.problems.push({
            code: 'malformed-reference',
            // As written (`@[ ]` too), so that the analyst finds it; a long gap is not copied out.
            message: `Empty reference '${close - i <= 12 ? line.slice(i, close + 1).replace(/\t/g, ' ') : '@[ … ]'}': write a name between the brackets.`,
            range: lineRange(lineNo, i, close + 1),
          });
        } else {
          const nameEnd = trimEndAt(line, close);
          out.references.push(new EntityReference(line.slice(nameStart, nameEnd), 'bracket', lineNo, i, close + 1, nameStart, nameEnd));
        }
        i = close + 1;
        continue;
      }
      const nameStart = nameStartEnd(line, i + 1);
      if (nameStart > 0) {
        let end = nameRestEnd(line, nameStart);
        while (end > i + 1 && (line[end - 1] === '.' || line[end - 1] === '-')) end--;
        out.references.push(new EntityReference(line.slice(i + 1, end), 'short', lineNo, i, end, i + 1, end));
        i = end;
        continue;
      }
      i++;
      continue;
    }
    if (ch === '[' && line[i + 1] === '^') {
      const citation = scanCitation(line, lineNo, i);
      if (citation) {
        out.citations.push(citation);
        i = citation.end;
        continue;
      }
    }
    i++;
  }
  return -1;
}

function isAsciiLetterOrDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}

/** Where a name's first character ends when one starts at `at` (a letter or digit), else -1. */
function nameStartEnd(line: string, at: number): number {
  if (at >= line.length) return -1;
  const c = line.charCodeAt(at);
  if (c < 128) return isAsciiLetterOrDigit(c) ? at + 1 : -1;
  NAME_START.lastIndex = at;
  return NAME_START.test(line) ? NAME_START.lastIndex : -1;
}

/** Where the rest of a name from `at` ends: ASCII name characters by hand, the rest by `NAME_REST`. */
function nameRestEnd(line: string, at: number): number {
  let k = at;
  while (k < line.length) {
    const c = line.charCodeAt(k);
    if (c >= 128) {
      NAME_REST.lastIndex = k;
      NAME_REST.test(line);
      return NAME_REST.lastIndex;
    }
    if (!(isAsciiLetterOrDigit(c) || c === 0x5f /* _ */ || c === 0x2e /* . */ || c === 0x2d /* - */)) break;
    k++;
  }
  return k;
}

/**
 * The backtick runs of a line, grouped by length, so that finding the run that closes a code
 * span is a pointer step rather than a rescan: linear time even on a line of unmatched runs.
 */
class BacktickRuns {
  private readonly starts = new Map<number, number[]>();
  private readonly cursors = new Map<number, number>();
  constructor(line: string) {
    for (let i = line.indexOf('`'); i >= 0; i = line.indexOf('`', i)) {
      let end = i;
      while (line[end] === '`') end++;
      const list = this.starts.get(end - i) ?? [];
      list.push(i);
      this.starts.set(end - i, list);
      i = end;
    }
  }
  /** Start of the first run of exactly `length` backticks at or after `from`, or -1. */
  next(length: number, from: number): number {
    const list = this.starts.get(length);
    if (!list) return -1;
    let k = this.cursors.get(length) ?? 0;
    while (k < list.length && list[k] < from) k++;
    this.cursors.set(length, k);
    return k < list.length ? list[k] : -1;
  }
}

/** Consumes a backtick run at `i`: a code span when a later run of the same length closes it. */
function scanCodeSpan(line: string, lineNo: number, i: number, runs: BacktickRuns, out: InlineSink): number {
  let runEnd = i;
  while (line[runEnd] === '`') runEnd++;
  const close = runs.next(runEnd - i, runEnd);
  if (close < 0) return runEnd;
  const end = close + (runEnd - i);
  out.inlineCode.push(lineRange(lineNo, i, end));
  return end;
}

/**
 * Reads `[^body]` at `i`. The body runs to `]` and may not hold white space, `[`, `^` or `%%`; the
 * scan stops at the first of these, so consecutive `[^` never rescan each other's text.
 */
function scanCitation(line: string, lineNo: number, i: number): Citation | undefined {
  const bodyStart = i + 2;
  let colon = -1;
  let j = bodyStart;
  for (; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c === 0x5d /* ] */) break;
    if (c === 0x5b /* [ */ || c === 0x5e /* ^ */ || isSpaceUnit(c)) return undefined;
    // A comment starts at `%%` wherever it is (spec §3.2): the citation never closes.
    if (c === 0x25 /* % */ && line.charCodeAt(j + 1) === 0x25) return undefined;
    if (c === 0x3a /* : */ && colon < 0) colon = j;
  }
  if (j >= line.length) return undefined;
  const sourceEnd = colon < 0 ? j : colon;
  if (sourceEnd === bodyStart) return undefined; // `[^]` or `[^:p1]`: no source id, plain text
  return new Citation(sourceIdAt(line, bodyStart, sourceEnd), colon < 0 ? undefined : line.slice(colon + 1, j), lineNo, i, j + 1, sourceEnd);
}

/**
 * The source id of the last citation read: a brief cites the same few sources again and again.
 * A copy, so that it never keeps a document's text alive after the document is gone.
 */
let lastSourceId = '';

/** The source id from `start` to `end`, as the same string as the last citation's when it is the same id. */
function sourceIdAt(line: string, start: number, end: number): string {
  if (end - start !== lastSourceId.length || !line.startsWith(lastSourceId, start)) lastSourceId = copyString(line.slice(start, end));
  return lastSourceId;
}

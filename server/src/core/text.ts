/** Line splitting and position helpers shared by the parser and the KB loader. */
import type { Position, Range } from 'vscode-languageserver-types';

/**
 * The lines of a text as two parallel lists: where each starts in the text, and its content
 * without the line break. Lists rather than an object per line: a megabyte brief has ten
 * thousand lines, parsed again on every open.
 */
export interface Lines {
  readonly starts: number[];
  readonly texts: string[];
}

/**
 * Splits text into lines the way LSP clients count them: `\r\n`, `\n` and a lone `\r` each end
 * a line. A final line is always present, possibly empty.
 */
export function splitLines(text: string): Lines {
  const starts: number[] = [];
  const texts: string[] = [];
  let start = 0;
  if (text.indexOf('\r') < 0) {
    // Only `\n` ends lines (the usual case): each line found by a native search.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
      starts.push(start);
      texts.push(text.slice(start, i));
      start = i + 1;
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 /* \n */ || ch === 13 /* \r */) {
        starts.push(start);
        texts.push(text.slice(start, i));
        if (ch === 13 && text.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
    }
  }
  starts.push(start);
  texts.push(text.slice(start));
  return { starts, texts };
}

export function range(line: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line, character: startChar }, end: { line: endLine, character: endChar } };
}

/** A range within one line. */
export function lineRange(line: number, startChar: number, endChar: number): Range {
  return range(line, startChar, line, endChar);
}

/**
 * Maps UTF-16 offsets of a text to positions, by binary search over line starts. An offset past
 * a line's end (on its line break, or past the text) maps to the end of that line.
 */
export class OffsetMapper {
  private readonly starts: number[];
  private readonly lengths: number[];
  constructor(text: string) {
    const lines = splitLines(text);
    this.starts = lines.starts;
    this.lengths = lines.texts.map((t) => t.length);
  }
  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: Math.max(0, Math.min(offset - this.starts[lo], this.lengths[lo])) };
  }
  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** True when `pos` lies inside `r`, both ends included (a cursor right after a token still "touches" it). */
export function touches(r: Range, pos: Position): boolean {
  return comparePositions(r.start, pos) <= 0 && comparePositions(pos, r.end) <= 0;
}

/**
 * A string with its own storage (a slice may share, and so retain, its parent's). Joined to a
 * space, the text is one new flat string once sliced: V8 copies the characters into it, and the
 * slice keeps only that. A tenth of the time and memory of splitting it into characters and
 * joining them, which indexing a megabyte brief did for each of its 2,300 names.
 */
export function copyString(text: string): string {
  return (' ' + text).slice(1);
}

/** The line holding offset `offset`, by binary search over the offsets where lines start. */
export function lineAtOffset(starts: ArrayLike<number>, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Index of the first item on `line` or later, in a list sorted by line. */
export function firstAtOrAfter<T>(list: readonly T[], line: number, lineOf: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf(list[mid]) < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The items of a list in document order that start on `line` (all of them when `line` is
 * undefined), found by binary search: a megabyte brief has ten thousand references.
 */
export function itemsOnLine<T>(list: readonly T[], line: number | undefined, lineOf: (item: T) => number): readonly T[] {
  if (line === undefined) return list;
  return list.slice(firstAtOrAfter(list, line, lineOf), firstAtOrAfter(list, line + 1, lineOf));
}

/**
 * Alphabetical order, case folded first, then by UTF-16 code unit. Not `localeCompare`: its first
 * call loads ICU's collation data, about 10 ms of every brief-lint run and of the server's first
 * answer, for the order of ties and file names.
 */
export function compareAlphabetically(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const WHITE_SPACE = /\s/;

/** Whether the UTF-16 unit `c` is white space as `\s` counts it; ASCII is answered without a regex. */
export function isSpaceUnit(c: number): boolean {
  if (c < 128) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return WHITE_SPACE.test(String.fromCharCode(c));
}

/** Where `line` ends before `end` once trailing white space is left out. */
export function trimEndAt(line: string, end: number): number {
  while (end > 0 && isSpaceUnit(line.charCodeAt(end - 1))) end--;
  return end;
}

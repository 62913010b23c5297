/**
 * The frame every stored KB file shares (readings in snapshot.ts, verdicts in
 * verdictSnapshot.ts):
 *
 *   header   8 × i32: magic, format, byte-order mark, int count, string-table and extra
 *            lengths in bytes, string count, a checksum
 *   ints     Int32Array: the structure
 *   strings  the string table: an Int32Array with, for each string, where it ends in the text
 *            that follows (shifted left one bit, the low bit set when it is JSON-escaped), then
 *            that text, ASCII only: the strings one after the other, each as it is when it is
 *            printable ASCII, else as the inside of a JSON string literal with `\uXXXX` escapes
 *   extra    JSON of the rare parts
 *
 * The table is one string in memory, and a string of it is made when asked for (a slice, which
 * for all but short strings shares the table's characters). A KB of 100,000 entities has
 * millions of strings; made all at once they were a third of a warm start, most of it the
 * collector copying them as they survived.
 *
 * `decodeFrame` checks the header against the file and the checksum, and the table's ends and
 * escaped strings, and throws a `SnapshotError` on anything malformed: the caller then parses
 * the YAML or runs the pass again.
 */
import type { Diagnostic } from 'vscode-languageserver-types';

const BYTE_ORDER = 0x01020304;
const HEADER_INTS = 8;

/** What a frame holds. */
export interface Frame {
  readonly ints: Int32Array;
  readonly strings: StringTable;
  readonly extra: unknown;
}

/** The strings of a frame, each made when first asked for. */
export class StringTable {
  constructor(
    /** Every string, one after the other (escaped ones as they are stored). */
    private readonly text: string,
    /** Where each string ends in `text`, shifted left one bit; the low bit marks an escaped one. */
    private readonly ends: Int32Array,
    /**
     * The escaped strings, decoded (and so checked) with the frame: a few names and quotes in the
     * KBs Brief is made for; in a KB written mostly in another script, most strings, each then
     * made at once as every string was before the table was lazy.
     */
    private readonly unescaped: ReadonlyMap<number, string>,
  ) {}

  get length(): number {
    return this.ends.length;
  }

  /** Whether the table has a string of index `i` (without making it). */
  has(i: number): boolean {
    return i >= 0 && i < this.ends.length && (i | 0) === i;
  }

  /** String `i`, or undefined when the table has none of that index. */
  get(i: number): string | undefined {
    if (!this.has(i)) return undefined;
    const end = this.ends[i];
    if (end & 1) return this.unescaped.get(i);
    return this.text.slice(i === 0 ? 0 : this.ends[i - 1] >>> 1, end >>> 1);
  }

  /** Strings `from` to `to` (exclusive), made now. */
  slice(from: number, to = this.length): string[] {
    const start = Math.max(0, from);
    const end = Math.min(to, this.length);
    // Made at its length: a verdict's name index takes some 200,000 strings at once, and an
    // array grown by push copies itself into fresh memory as it goes.
    const out = new Array<string>(Math.max(0, end - start));
    for (let i = start; i < end; i++) out[i - start] = this.get(i) as string;
    return out;
  }
}

/** Printable ASCII: a string of only these is stored as it is. */
const PLAIN = /^[\x20-\x7e]*$/;

export function encodeFrame(magic: number, format: number, ints: Int32Array, strings: readonly string[], extra: unknown): Uint8Array {
  const encoder = new TextEncoder();
  const ends = new Int32Array(strings.length);
  const pieces: string[] = [];
  let length = 0;
  strings.forEach((s, i) => {
    const escaped = !PLAIN.test(s);
    const piece = escaped ? asciiJson(s).slice(1, -1) : s;
    pieces.push(piece);
    length += piece.length;
    if (length >= 2 ** 30) throw new SnapshotError('string table too large');
    ends[i] = (length << 1) | (escaped ? 1 : 0);
  });
  const textBytes = encoder.encode(pieces.join(''));
  const stringLength = 4 * ends.length + textBytes.length;
  const extraBytes = encoder.encode(asciiJson(extra));
  const stringStart = 4 * (HEADER_INTS + ints.length);
  const out = new Uint8Array(stringStart + stringLength + extraBytes.length);
  const header = new Int32Array(out.buffer, 0, HEADER_INTS);
  header.set([magic, format, BYTE_ORDER, ints.length, stringLength, extraBytes.length, strings.length, 0]);
  new Int32Array(out.buffer, 4 * HEADER_INTS, ints.length).set(ints);
  new Int32Array(out.buffer, stringStart, ends.length).set(ends);
  out.set(textBytes, stringStart + 4 * ends.length);
  out.set(extraBytes, stringStart + stringLength);
  return sealFrame(out);
}

/** Writes the checksum of a frame whose other bytes are written (tests that craft frames use it too). */
export function sealFrame(frame: Uint8Array): Uint8Array {
  const header = new Int32Array(frame.buffer, frame.byteOffset, HEADER_INTS);
  header[7] = checksum(frame, header);
  return frame;
}

/**
 * Makes one string of a frame's string table, whose bytes are ASCII by construction, or throws on
 * bytes that are not. The default is the platform's UTF-8 decoder; a host may give a faster one
 * (the Node host's: kbCache.ts `asciiTableText`).
 */
export type TableText = (bytes: Uint8Array) => string;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Text: TableText = (bytes) => utf8.decode(bytes);

/** The parts of a stored file of this magic number and format; throws when it is not one. */
export function decodeFrame(bytes: Uint8Array, magic: number, format: number, tableText: TableText = utf8Text): Frame {
  if (bytes.byteLength < 4 * HEADER_INTS) throw new SnapshotError('too short');
  // An Int32Array needs 4-byte alignment; a buffer from a pool may not have it.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const header = new Int32Array(aligned.buffer, aligned.byteOffset, HEADER_INTS);
  const [storedMagic, storedFormat, order, intCount, stringLength, extraLength, stringCount, sum] = header;
  if (storedMagic !== magic || storedFormat !== format || order !== BYTE_ORDER) throw new SnapshotError('not a snapshot of this kind and format');
  if (intCount < 0 || stringLength < 0 || extraLength < 0 || 4 * (HEADER_INTS + intCount) + stringLength + extraLength !== aligned.byteLength) {
    throw new SnapshotError('lengths do not match the file');
  }
  if (checksum(aligned, header) !== sum) throw new SnapshotError('checksum mismatch');
  const ints = new Int32Array(aligned.buffer, aligned.byteOffset + 4 * HEADER_INTS, intCount);
  const stringStart = aligned.byteOffset + 4 * (HEADER_INTS + intCount);
  const strings = decodeStrings(aligned, stringStart, stringLength, stringCount, tableText);
  const extra: unknown = JSON.parse(utf8Text(new Uint8Array(aligned.buffer, stringStart + stringLength, extraLength)));
  return { ints, strings, extra };
}

/** The string table at `start` (see the file comment), checked. */
function decodeStrings(bytes: Uint8Array, start: number, byteLength: number, count: number, decode: (bytes: Uint8Array) => string): StringTable {
  if (count < 0 || 4 * count > byteLength) throw new SnapshotError('bad string table');
  // A copy of the ends: a view would keep the whole file alive for as long as the strings.
  const ends = new Int32Array(bytes.buffer, start, count).slice();
  const text = decode(new Uint8Array(bytes.buffer, start + 4 * count, byteLength - 4 * count));
  const unescaped = new Map<number, string>();
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const end = ends[i] >>> 1;
    if (ends[i] < 0 || end < previous || end > text.length) throw new SnapshotError('bad string table');
    if (ends[i] & 1) unescaped.set(i, unescape(text.slice(previous, end)));
    previous = end;
  }
  if (previous !== text.length) throw new SnapshotError('bad string table');
  return new StringTable(text, ends, unescaped);
}

/** The string that `piece`, the inside of a JSON string literal, stands for. */
function unescape(piece: string): string {
  let value: unknown;
  try {
    value = JSON.parse(`"${piece}"`);
  } catch {
    throw new SnapshotError('bad string table');
  }
  if (typeof value !== 'string') throw new SnapshotError('bad string table');
  return value;
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(`KB snapshot: ${message}`);
  }
}

/** Enough of a diagnostic's shape for the loader and the editor to use it without a crash. */
export function isDiagnostic(value: unknown): boolean {
  const d = value as Partial<Diagnostic> | null;
  const isPosition = (p: unknown) => typeof p === 'object' && p !== null && Number.isInteger((p as { line?: unknown }).line) && Number.isInteger((p as { character?: unknown }).character);
  return typeof d === 'object' && d !== null && typeof d.message === 'string' && typeof d.severity === 'number' && typeof d.range === 'object' && d.range !== null && isPosition(d.range.start) && isPosition(d.range.end);
}

/** A growable Int32 buffer. */
export class IntWriter {
  private data = new Int32Array(1024);
  private length = 0;

  push(value: number): void {
    if (!isInt32(value)) throw new SnapshotError(`not a 32-bit integer: ${value}`);
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Appends a whole array (its values are int32 by construction). */
  pushAll(values: Int32Array): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  finish(): Int32Array {
    return this.data.subarray(0, this.length);
  }

  private grow(needed: number): void {
    const bigger = new Int32Array(Math.max(needed, this.data.length * 2));
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }
}

export function isInt32(n: number): boolean {
  return (n | 0) === n && !Object.is(n, -0);
}

/** JSON with every non-ASCII character escaped: decoding ASCII is a copy, UTF-8 is not. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A 32-bit checksum of everything after the header plus the header's other fields: cheap (one
 * pass, no allocation) and enough to notice a damaged or hand-edited file. It is no defence
 * against someone who writes the cache folder on purpose; nothing stored there is trusted more
 * than the YAML it came from.
 */
function checksum(bytes: Uint8Array, header: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < HEADER_INTS - 1; i++) h = Math.imul(h ^ header[i], 0x01000193);
  const start = bytes.byteOffset + 4 * HEADER_INTS;
  const whole = (bytes.byteLength - 4 * HEADER_INTS) >> 2;
  const words = new Int32Array(bytes.buffer, start, whole);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  const tail = new Uint8Array(bytes.buffer, start + 4 * whole, bytes.byteLength - 4 * HEADER_INTS - 4 * whole);
  for (let i = 0; i < tail.length; i++) h = Math.imul(h ^ tail[i], 0x01000193);
  return h | 0;
}

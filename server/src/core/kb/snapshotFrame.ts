/**
 * The frame every stored KB file shares (readings in snapshot.ts, verdicts in
 * verdictSnapshot.ts):
 *
 *   header   8 × i32: magic, format, byte-order mark, int count, string-table and extra
 *            lengths in bytes, string count, a checksum
 *   ints     Int32Array: the structure
 *   strings  one JSON array of strings, ASCII only (`\uXXXX` escapes): one `JSON.parse` makes
 *            every string at native speed, a flat copy of its own
 *   extra    JSON of the rare parts
 *
 * `decodeFrame` checks the header against the file and the checksum, and throws a
 * `SnapshotError` on anything malformed: the caller then parses the YAML or runs the pass again.
 */
import type { Diagnostic } from 'vscode-languageserver-types';

const BYTE_ORDER = 0x01020304;
const HEADER_INTS = 8;

/** What a frame holds. */
export interface Frame {
  readonly ints: Int32Array;
  readonly strings: readonly string[];
  readonly extra: unknown;
}

export function encodeFrame(magic: number, format: number, ints: Int32Array, strings: readonly string[], extra: unknown): Uint8Array {
  const encoder = new TextEncoder();
  const stringBytes = encoder.encode(asciiJson(strings));
  const extraBytes = encoder.encode(asciiJson(extra));
  const out = new Uint8Array(4 * (HEADER_INTS + ints.length) + stringBytes.length + extraBytes.length);
  const header = new Int32Array(out.buffer, 0, HEADER_INTS);
  header.set([magic, format, BYTE_ORDER, ints.length, stringBytes.length, extraBytes.length, strings.length, 0]);
  new Int32Array(out.buffer, 4 * HEADER_INTS, ints.length).set(ints);
  out.set(stringBytes, 4 * (HEADER_INTS + ints.length));
  out.set(extraBytes, 4 * (HEADER_INTS + ints.length) + stringBytes.length);
  header[7] = checksum(out, header);
  return out;
}

/** The parts of a stored file of this magic number and format; throws when it is not one. */
export function decodeFrame(bytes: Uint8Array, magic: number, format: number): Frame {
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
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const strings: unknown = JSON.parse(decoder.decode(new Uint8Array(aligned.buffer, stringStart, stringLength)));
  if (!Array.isArray(strings) || strings.length !== stringCount || !strings.every((s) => typeof s === 'string')) throw new SnapshotError('bad string table');
  const extra: unknown = JSON.parse(decoder.decode(new Uint8Array(aligned.buffer, stringStart + stringLength, extraLength)));
  return { ints, strings: strings as string[], extra };
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

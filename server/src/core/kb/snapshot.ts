/**
 * The compact binary form of a `FileReading`, for the reading cache.
 *
 * A warm start decodes the reading of every KB file; with 100,000 entities that is half a
 * million relations, facts, evidence items and paragraphs, each with a location. As JSON with a
 * reviver that took seconds, most of it in the reviver and the garbage it left. This form is:
 *
 *   header   8 × u32: magic, FORMAT, byte-order mark, counts and lengths, a checksum
 *   ints     Int32Array: the structure, record after record, strings by index, locations as
 *            four numbers (start line and character, end line and character)
 *   strings  one JSON array of the strings, ASCII only (`\uXXXX` escapes): one `JSON.parse`
 *            makes every string at native speed, a flat copy of its own; short ones are stored
 *            once and shared (source and paragraph ids, targets that are ids)
 *   extra    JSON of the rare parts: the file's diagnostics
 *
 * Objects are built in the loader's key order, so that a cached reading and a fresh one are
 * alike to `JSON.stringify` (the server compares entities that way) and share hidden classes.
 *
 * Decoding checks every index and count, and `decodeReading` throws on anything malformed: the
 * caller then parses the YAML. The checksum catches a file that is whole but altered.
 *
 * A verdict of the cross-file pass (fileCache.ts `KbVerdict`) is stored in the same frame under
 * another magic number, with no ints or strings: the verdict is the extra JSON.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { CACHE_FORMAT, type FileReading, type KbVerdict } from './fileCache';
import { NO_IDENTIFIERS, NONE } from './loader';
import { KbLocation, type Entity, type EntityOrigin, type Evidence, type Fact, type Paragraph, type Relation, type Source, type SourceLocation } from './model';
import type { EntityKind } from '../kinds';

/** Snapshots of another format are refused (and re-made). */
const SNAPSHOT_FORMAT = CACHE_FORMAT;

const MAGIC = 0x4b424942; // "BIBK" as little-endian bytes
const VERDICT_MAGIC = 0x56424942; // "BIBV"
const BYTE_ORDER = 0x01020304;
const HEADER_INTS = 8;
/** Strings up to this length are stored once however often they occur. */
const SHARED_STRING_LENGTH = 40;

/** Flags of an entity record: which parts are present. */
const HAS_ISO2 = 1;
const HAS_ISO3 = 2;
const HAS_WIKIDATA = 4;
/** Flags of a relation record. */
const NEGATED = 1;
const HAS_SINCE = 2;
const HAS_UNTIL = 4;
/** Flags of the reading. */
const HAS_ENTITIES = 1;
const HAS_SOURCE = 2;
/** An evidence item without a location (the model allows it; the loader always sets one). */
const NO_LOCATION = -1;

/** Encodes a reading; `uri` is dropped (every location points into the file itself). */
export function encodeReading(reading: FileReading): Uint8Array {
  const ints = new IntWriter();
  const strings: string[] = [];
  // Short strings repeat (ids as targets, kinds, types, source and paragraph ids) and are shared;
  // long ones (names, summaries, quotes) rarely do, and hashing them all costs more than it saves.
  const shared = new Map<string, number>();
  const str = (s: string) => {
    let i = s.length <= SHARED_STRING_LENGTH ? shared.get(s) : undefined;
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      if (s.length <= SHARED_STRING_LENGTH) shared.set(s, i);
    }
    ints.push(i);
  };
  const location = (l: SourceLocation | undefined) => {
    if (!l) return ints.push(NO_LOCATION);
    const { start, end } = l.range;
    ints.push(start.line);
    ints.push(start.character);
    ints.push(end.line);
    ints.push(end.character);
  };
  const evidenceList = (list: readonly Evidence[]) => {
    ints.push(list.length);
    for (const ev of list) {
      str(ev.source);
      str(ev.paragraph);
      str(ev.quote);
      location(ev.location);
    }
  };

  ints.push((reading.entities ? HAS_ENTITIES : 0) | (reading.source ? HAS_SOURCE : 0));
  if (reading.entities) {
    ints.push(reading.entities.length);
    for (const e of reading.entities) {
      str(e.id);
      str(e.kind);
      str(e.name);
      ints.push(e.aliases.length);
      for (const a of e.aliases) str(a);
      str(e.summary);
      const ids = e.identifiers;
      ints.push((ids.iso2 !== undefined ? HAS_ISO2 : 0) | (ids.iso3 !== undefined ? HAS_ISO3 : 0) | (ids.wikidata !== undefined ? HAS_WIKIDATA : 0));
      if (ids.iso2 !== undefined) str(ids.iso2);
      if (ids.iso3 !== undefined) str(ids.iso3);
      if (ids.wikidata !== undefined) str(ids.wikidata);
      ints.push(e.relations.length);
      for (const r of e.relations) {
        str(r.type);
        str(r.target);
        ints.push((r.negated ? NEGATED : 0) | (r.since !== undefined ? HAS_SINCE : 0) | (r.until !== undefined ? HAS_UNTIL : 0));
        if (r.since !== undefined) str(r.since);
        if (r.until !== undefined) str(r.until);
        evidenceList(r.evidence);
        location(r.location);
      }
      ints.push(e.facts.length);
      for (const f of e.facts) {
        str(f.text);
        evidenceList(f.evidence);
        location(f.location);
      }
      str(e.origin);
      location(e.location);
    }
  }
  if (reading.source) {
    const s = reading.source;
    str(s.id);
    str(s.title);
    str(s.author);
    str(s.publisher);
    // A year that is no 32-bit integer (the schema only asks for a number: 2021.5, .inf) goes as text.
    if (isInt32(s.year)) {
      ints.push(0);
      ints.push(s.year);
    } else {
      ints.push(1);
      str(String(s.year));
    }
    for (const list of [s.paragraphs, s.captions]) {
      ints.push(list.length);
      for (const p of list) {
        str(p.id);
        str(p.section);
        str(p.text);
        location(p.location);
      }
    }
    location(s.location);
  }

  const body = ints.finish();
  const encoder = new TextEncoder();
  const stringBytes = encoder.encode(asciiJson(strings));
  const extraBytes = encoder.encode(asciiJson({ diagnostics: reading.diagnostics }));
  const out = new Uint8Array(4 * (HEADER_INTS + body.length) + stringBytes.length + extraBytes.length);
  const header = new Int32Array(out.buffer, 0, HEADER_INTS);
  header.set([MAGIC, SNAPSHOT_FORMAT, BYTE_ORDER, body.length, stringBytes.length, extraBytes.length, strings.length, 0]);
  new Int32Array(out.buffer, 4 * HEADER_INTS, body.length).set(body);
  out.set(stringBytes, 4 * (HEADER_INTS + body.length));
  out.set(extraBytes, 4 * (HEADER_INTS + body.length) + stringBytes.length);
  header[7] = checksum(out, header);
  return out;
}

/** Rebuilds the reading of the file at `uri`; throws when the bytes are no valid snapshot. */
export function decodeReading(bytes: Uint8Array, uri: string): FileReading {
  const { aligned, intCount, stringLength, extraLength, stringCount } = checkedHeader(bytes, MAGIC);
  const ints = new Int32Array(aligned.buffer, aligned.byteOffset + 4 * HEADER_INTS, intCount);
  const stringStart = aligned.byteOffset + 4 * (HEADER_INTS + intCount);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const strings: unknown = JSON.parse(decoder.decode(new Uint8Array(aligned.buffer, stringStart, stringLength)));
  if (!Array.isArray(strings) || strings.length !== stringCount || !strings.every((s) => typeof s === 'string')) throw new SnapshotError('bad string table');
  const extra = JSON.parse(decoder.decode(new Uint8Array(aligned.buffer, stringStart + stringLength, extraLength))) as { diagnostics?: unknown };
  if (!extra || !Array.isArray(extra.diagnostics)) throw new SnapshotError('bad diagnostics');
  return new Reader(ints, strings as string[], uri).reading(extra.diagnostics as Diagnostic[]);
}

/**
 * A verdict of the cross-file pass (fileCache.ts) in the same frame as a reading, under its own
 * magic number: the header and checksum with no ints and no strings, the verdict as the extra JSON.
 */
export function encodeVerdict(verdict: KbVerdict): Uint8Array {
  const extraBytes = new TextEncoder().encode(asciiJson({ added: verdict.added }));
  const out = new Uint8Array(4 * HEADER_INTS + extraBytes.length);
  const header = new Int32Array(out.buffer, 0, HEADER_INTS);
  header.set([VERDICT_MAGIC, SNAPSHOT_FORMAT, BYTE_ORDER, 0, 0, extraBytes.length, 0, 0]);
  out.set(extraBytes, 4 * HEADER_INTS);
  header[7] = checksum(out, header);
  return out;
}

/** Rebuilds a verdict; throws when the bytes are no valid stored verdict. */
export function decodeVerdict(bytes: Uint8Array): KbVerdict {
  const { aligned, intCount, stringLength, extraLength } = checkedHeader(bytes, VERDICT_MAGIC);
  if (intCount !== 0 || stringLength !== 0) throw new SnapshotError('not a verdict');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(aligned.buffer, aligned.byteOffset + 4 * HEADER_INTS, extraLength));
  const stored = JSON.parse(text) as { added?: unknown };
  if (!stored || !Array.isArray(stored.added) || !stored.added.every((list) => Array.isArray(list) && list.every(isDiagnostic))) throw new SnapshotError('bad verdict');
  return { added: stored.added as Diagnostic[][] };
}

/** The header of a stored file, checked against the file: magic, format, byte order, lengths, checksum. */
function checkedHeader(bytes: Uint8Array, magic: number): { aligned: Uint8Array; intCount: number; stringLength: number; extraLength: number; stringCount: number } {
  if (bytes.byteLength < 4 * HEADER_INTS) throw new SnapshotError('too short');
  // An Int32Array needs 4-byte alignment; a buffer from a pool may not have it.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const header = new Int32Array(aligned.buffer, aligned.byteOffset, HEADER_INTS);
  const [storedMagic, format, order, intCount, stringLength, extraLength, stringCount, sum] = header;
  if (storedMagic !== magic || format !== SNAPSHOT_FORMAT || order !== BYTE_ORDER) throw new SnapshotError('not a snapshot of this kind and format');
  if (intCount < 0 || stringLength < 0 || extraLength < 0 || 4 * (HEADER_INTS + intCount) + stringLength + extraLength !== aligned.byteLength) {
    throw new SnapshotError('lengths do not match the file');
  }
  if (checksum(aligned, header) !== sum) throw new SnapshotError('checksum mismatch');
  return { aligned, intCount, stringLength, extraLength, stringCount };
}

/** Enough of a diagnostic's shape for the loader and the editor to use it without a crash. */
function isDiagnostic(value: unknown): boolean {
  const d = value as Partial<Diagnostic> | null;
  const isPosition = (p: unknown) => typeof p === 'object' && p !== null && Number.isInteger((p as { line?: unknown }).line) && Number.isInteger((p as { character?: unknown }).character);
  return typeof d === 'object' && d !== null && typeof d.message === 'string' && typeof d.severity === 'number' && typeof d.range === 'object' && d.range !== null && isPosition(d.range.start) && isPosition(d.range.end);
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(`KB snapshot: ${message}`);
  }
}

class Reader {
  private pos = 0;

  constructor(
    private readonly ints: Int32Array,
    private readonly strings: readonly string[],
    private readonly uri: string,
  ) {}

  reading(diagnostics: Diagnostic[]): FileReading {
    const flags = this.int();
    let entities: Entity[] | undefined;
    let source: Source | undefined;
    if (flags & HAS_ENTITIES) entities = this.entities();
    if (flags & HAS_SOURCE) source = this.source();
    if (this.pos !== this.ints.length) throw new SnapshotError('trailing data');
    // The same keys as the loader's reading (knowledgeBase.ts builds it): source, then entities.
    return { ...(flags & HAS_SOURCE ? { source } : {}), ...(flags & HAS_ENTITIES ? { entities } : {}), diagnostics };
  }

  private int(): number {
    if (this.pos >= this.ints.length) throw new SnapshotError('truncated');
    return this.ints[this.pos++];
  }

  /** A count of records that each take at least `minInts` more ints: bounded by what is left. */
  private count(minInts: number): number {
    const n = this.int();
    if (n < 0 || n * minInts > this.ints.length - this.pos) throw new SnapshotError('bad count');
    return n;
  }

  private str(): string {
    const i = this.int();
    const s = this.strings[i];
    if (s === undefined) throw new SnapshotError('bad string index');
    return s;
  }

  private location(): KbLocation {
    const line = this.int();
    if (line < 0) throw new SnapshotError('bad location');
    return new KbLocation(this.uri, line, this.int(), this.int(), this.int());
  }

  private entities(): Entity[] {
    const n = this.count(10);
    const out: Entity[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const id = this.str();
      const kind = this.str() as EntityKind;
      const name = this.str();
      const aliasCount = this.count(1);
      const aliases: string[] | readonly never[] = aliasCount === 0 ? NONE : new Array<string>(aliasCount);
      for (let a = 0; a < aliasCount; a++) (aliases as string[])[a] = this.str();
      const summary = this.str();
      const idFlags = this.int();
      // Only the identifiers present, in the loader's order (iso2, iso3, wikidata); none shared.
      let identifiers: Entity['identifiers'] = NO_IDENTIFIERS;
      if (idFlags !== 0) {
        const some: { iso2?: string; iso3?: string; wikidata?: string } = {};
        if (idFlags & HAS_ISO2) some.iso2 = this.str();
        if (idFlags & HAS_ISO3) some.iso3 = this.str();
        if (idFlags & HAS_WIKIDATA) some.wikidata = this.str();
        identifiers = some;
      }
      const relationCount = this.count(8);
      const relations: Relation[] | readonly never[] = relationCount === 0 ? NONE : new Array<Relation>(relationCount);
      for (let r = 0; r < relationCount; r++) (relations as Relation[])[r] = this.relation();
      const factCount = this.count(3);
      const facts: Fact[] | readonly never[] = factCount === 0 ? NONE : new Array<Fact>(factCount);
      for (let f = 0; f < factCount; f++) {
        const text = this.str();
        const evidence = this.evidence();
        (facts as Fact[])[f] = { text, evidence, location: this.location() };
      }
      const origin = this.str() as EntityOrigin;
      out[k] = { id, kind, name, aliases, summary, identifiers, relations, facts, origin, location: this.location() };
    }
    return out;
  }

  private relation(): Relation {
    const type = this.str();
    const target = this.str();
    const flags = this.int();
    const negated = (flags & NEGATED) !== 0;
    const since = flags & HAS_SINCE ? this.str() : undefined;
    const until = flags & HAS_UNTIL ? this.str() : undefined;
    const evidence = this.evidence();
    const location = this.location();
    // Literals per combination, in the loader's key order; the common one (no dates) first.
    if (since === undefined && until === undefined) return { type, target, negated, evidence, location };
    if (until === undefined) return { type, target, negated, since, evidence, location };
    if (since === undefined) return { type, target, negated, until, evidence, location };
    return { type, target, negated, since, until, evidence, location };
  }

  private evidence(): Evidence[] {
    const n = this.count(4);
    const out: Evidence[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const source = this.str();
      const paragraph = this.str();
      const quote = this.str();
      if (this.ints[this.pos] === NO_LOCATION) {
        this.pos++;
        out[i] = { source, paragraph, quote };
      } else out[i] = { source, paragraph, quote, location: this.location() };
    }
    return out;
  }

  private source(): Source {
    const id = this.str();
    const title = this.str();
    const author = this.str();
    const publisher = this.str();
    const year = this.int() === 0 ? this.int() : Number(this.str());
    const passages = new Map<string, Paragraph>();
    const list = () => {
      const n = this.count(7);
      const out: Paragraph[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const p: Paragraph = { id: this.str(), section: this.str(), text: this.str(), location: this.location() };
        passages.set(p.id, p);
        out[i] = p;
      }
      return out;
    };
    const paragraphs = list();
    const captions = list();
    return { id, title, author, publisher, year, paragraphs, captions, passages, location: this.location() };
  }
}

/** A growable Int32 buffer. */
class IntWriter {
  private data = new Int32Array(1024);
  private length = 0;

  push(value: number): void {
    if (!isInt32(value)) throw new SnapshotError(`not a 32-bit integer: ${value}`);
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  finish(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

function isInt32(n: number): boolean {
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

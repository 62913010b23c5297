/**
 * The KB reading cache on disk: the reading of each data file as a compact snapshot
 * (core/kb/snapshot.ts), named by a hash of the file's text. Brief ships the readings of its
 * bundled KB in `dist/kb-cache/`, so a start does not parse that YAML at all; readings of the
 * analyst's own KB files go to a user cache folder.
 *
 * Beside the readings lie the verdicts of the cross-file pass (fileCache.ts `KbVerdict`), in
 * the same frame and with the same suffix, so that pruning and packaging treat them alike. A
 * verdict is named by a hash of the names of its files' readings, in order.
 *
 * A file the host stamps (NodeWorkspace: identity, size, times) is looked up by its stamp first:
 * a small record in the write folder names its reading, so a start whose KB files have not
 * changed reads none of them. Without a record the text is read and hashed, and the record made.
 *
 * A missing, unreadable, truncated or damaged snapshot is a miss: the caller parses the YAML
 * (or runs the cross-file pass) and the fresh result replaces the bad file.
 */
import { isAscii } from 'buffer';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { makeFolders, userCacheFolder } from './cacheHome';
import { CACHE_FORMAT, entitiesOf, lazyReading, VERDICT_FORMAT, type FileReading, type FileReadingCache, type KbVerdict, type VerdictInput } from '../core/kb/fileCache';
import { decodeReading, encodeReading } from '../core/kb/snapshot';
import { SnapshotError } from '../core/kb/snapshotFrame';
import { decodeVerdict, encodeVerdict } from '../core/kb/verdictSnapshot';
import type { DataFileInput } from '../core/kb/loader';
import type { Entity, Source } from '../core/kb/model';
import type { LazyEntities } from '../core/kb/roster';

/** How snapshot files end; files of earlier formats (`.json`) are never read. */
const SUFFIX = '.kbs';
/** How stamp records end (see `stampRecordName`). */
const STAMP_SUFFIX = '.kbt';

export class DiskReadingCache implements FileReadingCache {
  /**
   * Readings decoded or written by this process, by file name and uri, their entities or source
   * held weakly: while a KB uses them (another folder's project, the fallback project, a reload
   * after a workspace KB file changed), asking again costs a hash, not a decode and a second
   * copy; once no KB holds them, they are collected. Readings are immutable, so sharing is safe.
   */
  private readonly live = new Map<string, { kind: 'entities' | 'source'; payload: WeakRef<object>; diagnostics: FileReading['diagnostics'] }>();
  private readonly forget = new FinalizationRegistry<string>((key) => {
    if (this.live.get(key)?.payload.deref() === undefined) this.live.delete(key);
  });

  /**
   * The reading name of each input this cache was asked about: a verdict's name is made of them,
   * and hashing 60 MB of YAML a second time would cost a warm start 60 ms more.
   */
  private readonly names = new WeakMap<DataFileInput, { kind: string; origin: string; name: string }>();

  /** Where readings are read before they are decoded (see `ScratchBuffer`). */
  private readonly scratch = new ScratchBuffer();

  /** Files this process has written; the folder is pruned after the first and every PRUNE_EVERY-th since. */
  private writes = 0;

  /**
   * @param readFolders folders searched for readings, in order (the shipped one first)
   * @param writeFolder where new readings are written, or undefined to write none
   */
  constructor(
    private readonly readFolders: readonly string[],
    private readonly writeFolder: string | undefined,
  ) {}

  /** Whether this cache keeps what it is given (it has a folder to write to). */
  get writable(): boolean {
    return this.writeFolder !== undefined;
  }

  get(input: DataFileInput, kind: 'entities' | 'source'): FileReading | undefined {
    const name = this.nameOf(input, kind);
    const held = this.held(name, input.uri);
    if (held) return held;
    // Into the scratch buffer: a reading copies what it keeps out of the file's bytes.
    const reading = this.find(name, (bytes) => decodeReading(bytes, input.uri, asciiTableText), this.scratch);
    if (reading) this.hold(name, input.uri, reading);
    return reading;
  }

  set(input: DataFileInput, kind: 'entities' | 'source', reading: FileReading): void {
    // From the text, which parsing has just read: a stamp's record is made or mended here.
    const name = this.textName(input, kind);
    this.names.set(input, { kind, origin: input.origin, name });
    this.hold(name, input.uri, reading);
    this.write(name, () => encodeReading(reading));
  }

  getVerdict(files: readonly VerdictInput[], checks: string): KbVerdict | undefined {
    return this.find(this.verdictName(files, checks), (bytes) => decodeVerdict(bytes, asciiTableText));
  }

  setVerdict(files: readonly VerdictInput[], checks: string, verdict: KbVerdict): void {
    this.write(this.verdictName(files, checks), () => encodeVerdict(verdict));
  }

  /**
   * The first stored file of this name that decodes, in the read folders and then the write
   * folder. With `scratch`, the file is read into it, and `decode` must keep no view of the bytes.
   */
  private find<T>(name: string, decode: (bytes: Uint8Array) => T, scratch?: ScratchBuffer): T | undefined {
    for (const folder of [...this.readFolders, ...(this.writeFolder ? [this.writeFolder] : [])]) {
      let bytes: Uint8Array;
      try {
        bytes = scratch ? scratch.read(path.join(folder, name)) : fs.readFileSync(path.join(folder, name));
      } catch {
        continue; // not cached here: try the next folder, then parse the YAML
      }
      try {
        const decoded = decode(bytes);
        if (folder === this.writeFolder) touch(path.join(folder, name));
        return decoded;
      } catch {
        // Damaged, or written by another version of Brief: the next folder may hold a good one.
      }
    }
    return undefined;
  }

  /** Stores a file in the write folder, if there is one, and prunes the folder after the first write and every PRUNE_EVERY-th. */
  private write(name: string, encode: () => Uint8Array): void {
    if (!this.writeFolder) return;
    try {
      makeFolders(this.writeFolder);
      const target = path.join(this.writeFolder, name);
      const temporary = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, encode());
      fs.renameSync(temporary, target); // atomic: a reader never sees half a file
    } catch {
      // The cache is an optimisation: a read-only or full disk only makes the next start slower.
      return;
    }
    // A run that writes many snapshots (a project of hundreds of KB files) keeps to the limits
    // as it goes, not only once.
    if (this.writes++ % PRUNE_EVERY === 0) prune(this.writeFolder);
  }

  /**
   * The reading name of an input, once per input object and kind: by its stamp when a record of
   * the write folder knows the stamp (the text is then never read), else from its text.
   */
  private nameOf(input: DataFileInput, kind: 'entities' | 'source'): string {
    const known = this.names.get(input);
    if (known && known.kind === kind && known.origin === input.origin) return known.name;
    const name = (input.stamp !== undefined ? this.stamped(input.stamp, kind, input.origin) : undefined) ?? this.textName(input, kind);
    this.names.set(input, { kind, origin: input.origin, name });
    return name;
  }

  /** `fileName` from the input's text, recorded under its stamp when it has one. */
  private textName(input: DataFileInput, kind: 'entities' | 'source'): string {
    const name = fileName(input, kind);
    if (input.stamp !== undefined) this.write(stampRecordName(input.stamp, kind, input.origin), () => Buffer.from(name));
    return name;
  }

  /** The reading name recorded for a stamp, if the write folder holds a sound record. */
  private stamped(stamp: string, kind: string, origin: string): string | undefined {
    if (!this.writeFolder) return undefined;
    const record = path.join(this.writeFolder, stampRecordName(stamp, kind, origin));
    let name: string;
    try {
      name = fs.readFileSync(record, 'latin1');
    } catch {
      return undefined;
    }
    if (!SNAPSHOT_FILE.test(name)) return undefined;
    touch(record);
    return name;
  }

  /**
   * A verdict's file name: a hash of the checks and of its files' reading names, in order. The
   * names hold each file's text, kind and origin; uris are left out, as the cross-file pass
   * reports them only in errors, which no verdict holds: a verdict serves wherever the files are.
   */
  private verdictName(files: readonly VerdictInput[], checks: string): string {
    const hash = createHash('sha256').update(`verdict\0${VERDICT_FORMAT}\0${checks}\0`);
    for (const { input, kind } of files) hash.update(`${this.nameOf(input, kind)}\0`);
    return `${hash.digest('hex').slice(0, 40)}${SUFFIX}`;
  }

  private held(name: string, uri: string): FileReading | undefined {
    const entry = this.live.get(`${name}\0${uri}`);
    const payload = entry?.payload.deref();
    if (!entry || !payload) return undefined;
    // In the key order of a fresh reading (knowledgeBase.ts): source, then entities.
    if (entry.kind === 'source') return { source: payload as Source, diagnostics: entry.diagnostics };
    return Array.isArray(payload) ? { entities: payload as Entity[], diagnostics: entry.diagnostics } : lazyReading(undefined, payload as LazyEntities, entry.diagnostics);
  }

  private hold(name: string, uri: string, reading: FileReading): void {
    // What a KB keeps of a reading is its entities (a list, or a snapshot's that are made when
    // asked for) or its source, not the reading object.
    const entities = entitiesOf(reading);
    const payload = entities ?? reading.source;
    if (!payload || (entities && reading.source)) return;
    const key = `${name}\0${uri}`;
    this.live.set(key, { kind: reading.source ? 'source' : 'entities', payload: new WeakRef(payload), diagnostics: reading.diagnostics });
    this.forget.register(payload, key);
  }
}

/**
 * The snapshot's file name: a hash of the text, the kind of reading and the format. A text of
 * Latin-1 characters only (V8 then stores it one byte per character) is hashed as those bytes,
 * twice as fast as encoding it to UTF-8 first; the encoding is part of what is hashed, so the two
 * byte forms never collide.
 */
function fileName(input: DataFileInput, kind: string): string {
  const encoding = NOT_LATIN1.test(input.text) ? 'utf8' : 'latin1';
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${kind}\0${input.origin}\0${encoding}\0`).update(input.text, encoding).digest('hex');
  return `${hash.slice(0, 40)}${SUFFIX}`;
}

const NOT_LATIN1 = /[^\u0000-\u00ff]/;

/**
 * Where the reading name of a file with this stamp is recorded: a small file beside the
 * snapshots, pruned with them. Stamps are the host's (NodeWorkspace: identity, size, times).
 */
function stampRecordName(stamp: string, kind: string, origin: string): string {
  const hash = createHash('sha256').update(`stamp\0${CACHE_FORMAT}\0${kind}\0${origin}\0${stamp}`).digest('hex');
  return `${hash.slice(0, 40)}${STAMP_SUFFIX}`;
}

/**
 * How much the write folder keeps. Every saved version of a workspace KB file leaves a snapshot
 * (a KB of 100,000 entities makes about 40 MB), so the folder is trimmed to the snapshots used
 * most recently: a hit refreshes a file's time.
 */
export const KEEP_SNAPSHOTS = 200;
export const KEEP_BYTES = 512 * 1024 * 1024;
/** How many writes of one process may pass between two prunings. */
export const PRUNE_EVERY = 50;
/** Temporary files older than this were left by a process that died while writing. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/** The folder's own files: snapshots (readings and verdicts), readings of the JSON format before them, temporary files. */
const SNAPSHOT_FILE = /^[0-9a-f]{40}\.kbs$/;
const STAMP_RECORD = /^[0-9a-f]{40}\.kbt$/;
const OLD_FORMAT_FILE = /^[0-9a-f]{40}\.json$/;
const TEMPORARY_FILE = /^[0-9a-f]{40}\.(kbs|kbt|json)\.\d+\.tmp$/;

/** Removes old-format readings, stale temporary files and the least recently used snapshots over the limits. */
export function prune(folder: string, limits: { now?: number; files?: number; bytes?: number } = {}): void {
  const { now = Date.now(), files = KEEP_SNAPSHOTS, bytes: maxBytes = KEEP_BYTES } = limits;
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  const snapshots: { file: string; size: number; time: number }[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    try {
      if (OLD_FORMAT_FILE.test(name)) fs.unlinkSync(file);
      else if (TEMPORARY_FILE.test(name)) {
        if (now - fs.statSync(file).mtimeMs > STALE_TEMPORARY_MS) fs.unlinkSync(file);
      } else if (SNAPSHOT_FILE.test(name) || STAMP_RECORD.test(name)) {
        const stat = fs.statSync(file);
        snapshots.push({ file, size: stat.size, time: stat.mtimeMs });
      }
    } catch {
      // Gone already (another process prunes too), or not ours to remove: leave it.
    }
  }
  snapshots.sort((a, b) => b.time - a.time);
  let bytes = 0;
  snapshots.forEach((s, i) => {
    bytes += s.size;
    if (i === 0 || (i < files && bytes <= maxBytes)) return; // the newest always stays
    try {
      fs.unlinkSync(s.file);
    } catch {
      // As above.
    }
  });
}

/** Marks a snapshot as just used, for `prune`. */
function touch(file: string): void {
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // A read-only cache folder keeps its order by write time.
  }
}

/** The cache the server and brief-lint use: shipped readings beside `dist/`, then the user's. */
export function defaultReadingCache(): DiskReadingCache {
  return new DiskReadingCache([path.resolve(__dirname, 'kb-cache')], userCacheFolder('kb'));
}

/**
 * A snapshot's string table as one string (snapshotFrame.ts `TableText`): checked to be ASCII, as
 * the encoder writes it, then read as Latin-1. Node makes a string of more than about a megabyte
 * an external one, its characters copied into memory from malloc, which the language server gets
 * in huge pages on Linux (client/src/serverEnvironment.ts); TextDecoder, the core's default, copies
 * them into V8's heap, 4 KiB pages that V8 maps itself. The KB of 100,000 entities has 27 MB of
 * such text: decoded this way, its load took 405–446 ms in a process against 461–548 with huge
 * pages, 536–561 against 572–610 without (five of each, alternated; docs/performance.md, round 17).
 */
export function asciiTableText(bytes: Uint8Array): string {
  if (!isAscii(bytes)) throw new SnapshotError('string table is not ASCII');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** How long the scratch buffer outlives the last read, ms. */
const IDLE_MS = 1000;

/**
 * One buffer that the readings of a start are read into, one after the other. Read into a buffer
 * of its own, each file costs fresh memory, and on some machines the first touch of a page is
 * dear (10–14 µs on the virtual machine Brief is measured on): with the KB of 100,000 entities,
 * one buffer took a warm start from 40,500–42,200 page faults to 37,500–38,800 and from 851–894
 * ms to 781–839 (docs/performance.md, round 16). A reading keeps copies of what it needs, never a
 * view of the file, so the next file may overwrite the last. The buffer is let go once no file
 * has been read for `IDLE_MS`: a start reads its files in a burst.
 */
export class ScratchBuffer {
  private buffer: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** @param idleMs how long the buffer outlives the last read */
  constructor(private readonly idleMs = IDLE_MS) {}

  /** The size of the buffer held, 0 when none is. */
  get bytesHeld(): number {
    return this.buffer?.length ?? 0;
  }

  /** The whole content of `file`, as a view of the scratch buffer that the next read overwrites. */
  read(file: string): Uint8Array {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (!this.buffer || this.buffer.length < size) this.buffer = Buffer.allocUnsafeSlow(Math.max(size, Math.floor((this.buffer?.length ?? 0) * 1.5)));
      let filled = 0;
      while (filled < size) {
        const got = fs.readSync(fd, this.buffer, filled, size - filled, filled);
        if (got === 0) break; // shorter than fstat said (a file being replaced): the decode rejects it
        filled += got;
      }
      this.release();
      return this.buffer.subarray(0, filled);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Lets the buffer go after `idleMs` without a read. */
  private release(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.buffer = undefined), this.idleMs);
    this.timer.unref();
  }
}

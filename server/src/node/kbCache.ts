/**
 * The KB reading cache on disk: the reading of each data file as a compact snapshot
 * (core/kb/snapshot.ts), named by a hash of the file's text. Brief ships the readings of its
 * bundled KB in `dist/kb-cache/`, so a start does not parse that YAML at all; readings of the
 * analyst's own KB files go to a user cache folder.
 *
 * A missing, unreadable, truncated or damaged snapshot is a miss: the caller parses the YAML
 * and the fresh reading replaces the bad file.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CACHE_FORMAT, type FileReading, type FileReadingCache } from '../core/kb/fileCache';
import { decodeReading, encodeReading } from '../core/kb/snapshot';
import type { DataFileInput } from '../core/kb/loader';
import type { Entity, Source } from '../core/kb/model';

/** How snapshot files end; files of earlier formats (`.json`) are never read. */
const SUFFIX = '.kbs';

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
   * @param readFolders folders searched for readings, in order (the shipped one first)
   * @param writeFolder where new readings are written, or undefined to write none
   */
  constructor(
    private readonly readFolders: readonly string[],
    private readonly writeFolder: string | undefined,
  ) {}

  get(input: DataFileInput, kind: 'entities' | 'source'): FileReading | undefined {
    const name = fileName(input, kind);
    const held = this.held(name, input.uri);
    if (held) return held;
    for (const folder of [...this.readFolders, ...(this.writeFolder ? [this.writeFolder] : [])]) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.join(folder, name));
      } catch {
        continue; // not cached here: try the next folder, then parse the YAML
      }
      try {
        const reading = decodeReading(bytes, input.uri);
        this.hold(name, input.uri, reading);
        return reading;
      } catch {
        // Damaged, or written by another version of Brief: the next folder may hold a good one.
      }
    }
    return undefined;
  }

  set(input: DataFileInput, kind: 'entities' | 'source', reading: FileReading): void {
    const name = fileName(input, kind);
    this.hold(name, input.uri, reading);
    if (!this.writeFolder) return;
    try {
      fs.mkdirSync(this.writeFolder, { recursive: true });
      const target = path.join(this.writeFolder, name);
      const temporary = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, encodeReading(reading));
      fs.renameSync(temporary, target); // atomic: a reader never sees half a file
    } catch {
      // The cache is an optimisation: a read-only or full disk only makes the next start slower.
    }
  }

  private held(name: string, uri: string): FileReading | undefined {
    const entry = this.live.get(`${name}\0${uri}`);
    const payload = entry?.payload.deref();
    if (!entry || !payload) return undefined;
    // In the key order of a fresh reading (knowledgeBase.ts): source, then entities.
    return entry.kind === 'source' ? { source: payload as Source, diagnostics: entry.diagnostics } : { entities: payload as Entity[], diagnostics: entry.diagnostics };
  }

  private hold(name: string, uri: string, reading: FileReading): void {
    // What a KB keeps of a reading is its entity list or its source, not the reading object.
    const payload = reading.entities ?? reading.source;
    if (!payload || (reading.entities && reading.source)) return;
    const key = `${name}\0${uri}`;
    this.live.set(key, { kind: reading.source ? 'source' : 'entities', payload: new WeakRef(payload), diagnostics: reading.diagnostics });
    this.forget.register(payload, key);
  }
}

function fileName(input: DataFileInput, kind: string): string {
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${kind}\0${input.origin}\0`).update(input.text).digest('hex');
  return `${hash.slice(0, 40)}${SUFFIX}`;
}

/** The user cache folder: `$BRIEF_CACHE_DIR` (empty: no cache), else `$XDG_CACHE_HOME/brief/kb`. */
export function userCacheFolder(): string | undefined {
  const configured = process.env.BRIEF_CACHE_DIR;
  if (configured !== undefined) return configured === '' ? undefined : configured;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'brief', 'kb');
}

/** The cache the server and brief-lint use: shipped readings beside `dist/`, then the user's. */
export function defaultReadingCache(): DiskReadingCache {
  return new DiskReadingCache([path.resolve(__dirname, 'kb-cache')], userCacheFolder());
}

/**
 * The KB reading cache on disk: readings of data files as JSON, named by a hash of the file's
 * text. Brief ships the readings of its bundled KB in `dist/kb-cache/`, so a start does not
 * parse that YAML at all; readings of the analyst's own KB files go to a user cache folder.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CACHE_FORMAT, readingFromJson, readingToJson, type FileReading, type FileReadingCache } from '../core/kb/fileCache';
import type { DataFileInput } from '../core/kb/loader';

export class DiskReadingCache implements FileReadingCache {
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
    for (const folder of [...this.readFolders, ...(this.writeFolder ? [this.writeFolder] : [])]) {
      try {
        return readingFromJson(fs.readFileSync(path.join(folder, name), 'utf8'), input.uri);
      } catch {
        // Not cached here (or unreadable): try the next folder, then parse the YAML.
      }
    }
    return undefined;
  }

  set(input: DataFileInput, kind: 'entities' | 'source', reading: FileReading): void {
    if (!this.writeFolder) return;
    try {
      fs.mkdirSync(this.writeFolder, { recursive: true });
      const target = path.join(this.writeFolder, fileName(input, kind));
      const temporary = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, readingToJson(reading));
      fs.renameSync(temporary, target); // atomic: a reader never sees half a file
    } catch {
      // The cache is an optimisation: a read-only or full disk only makes the next start slower.
    }
  }
}

function fileName(input: DataFileInput, kind: string): string {
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${kind}\0${input.origin}\0`).update(input.text).digest('hex');
  return `${hash.slice(0, 40)}.json`;
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

/** The `Workspace` of the core, on the real disk (for the server and brief-lint). */
import { closeSync, constants, fstatSync, openSync, promises as fs, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { fileUri } from './uris';
import type { Workspace } from '../core/project';

/** Folders never searched for briefs or KB files. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

/**
 * A file changed less than this long ago gets no stamp. File times tick in steps of a few
 * milliseconds, so two writes of the same size within one step would share a stamp; a file
 * this old has settled (git's index guards against "racy" files the same way).
 */
const SETTLED_MS = 2000;

export class NodeWorkspace implements Workspace {
  /**
   * @param options.stamps whether files get stamps (default true)
   * @param options.now the clock that decides whether a file has settled (tests set it)
   * @param options.unreadableFolder told of each folder `listFiles` cannot list (brief-lint
   *   reports it: a folder it cannot enter would otherwise pass as one without briefs)
   */
  constructor(private readonly options: { stamps?: boolean; now?: () => number; unreadableFolder?: (folder: string, error: NodeJS.ErrnoException) => void } = {}) {}

  /**
   * Read synchronously: briefs and KB files are small, and each asynchronous step (open, stat,
   * read, close) is a round trip through libuv's thread pool, which made reading ten thousand
   * briefs cost seconds.
   */
  async readFile(file: string): Promise<string | undefined> {
    return this.readFileNow(file);
  }

  /**
   * Device, inode, size, and modification and change times in nanoseconds: any write changes the
   * change time, which no tool can set back. None for a file that is not regular or not settled.
   */
  stamp(file: string): string | undefined {
    if (this.options.stamps === false) return undefined;
    try {
      const s = statSync(file, { bigint: true });
      if (!s.isFile() || (this.options.now ?? Date.now)() - Number((s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) / 1_000_000n) < SETTLED_MS) return undefined;
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch {
      return undefined;
    }
  }

  readFileNow(file: string): string | undefined {
    let fd: number | undefined;
    try {
      // Only regular files: reading a FIFO or a device named like a KB file would never end.
      // Opened without blocking and checked on the open descriptor, so that nothing can swap a
      // FIFO in between the check and the read.
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
      if (!fstatSync(fd).isFile()) return undefined;
      // Without a leading BOM, as an editor holds the text: every column Brief reports or edits
      // (a KB file's diagnostics, a rename's edit in a KB file not open) is one the editor counts.
      const text = readFileSync(fd, 'utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  async listFiles(folder: string, recursive: boolean): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('fs').Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        this.options.unreadableFolder?.(dir, error as NodeJS.ErrnoException);
        return;
      }
      for (const entry of entries) {
        const full = path.posix.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (recursive && !SKIPPED_FOLDERS.has(entry.name)) await walk(full);
        } else if (entry.isFile()) out.push(full);
        else if (entry.isSymbolicLink()) {
          // A link to a file counts as that file; links to folders are not followed (no cycles).
          const target = await fs.stat(full).catch(() => undefined);
          if (target?.isFile()) out.push(full);
        }
      }
    };
    await walk(folder);
    return out;
  }

  async realPath(file: string): Promise<string | undefined> {
    try {
      return await fs.realpath(file);
    } catch {
      return undefined;
    }
  }

  toUri(file: string): string {
    return fileUri(file);
  }
}

/** Where the bundled KB lives: `data/` beside `dist/` in the package, unless overridden. */
export function bundledDataDir(): string {
  return process.env.BRIEF_DATA_DIR ?? path.resolve(__dirname, '..', 'data');
}

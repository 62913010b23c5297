/** The `Workspace` of the core, on the real disk (for the server and brief-lint). */
import { closeSync, constants, fstatSync, openSync, promises as fs, readFileSync } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Workspace } from '../core/project';

/** Folders never searched for briefs or KB files. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export class NodeWorkspace implements Workspace {
  /**
   * Read synchronously: briefs and KB files are small, and each asynchronous step (open, stat,
   * read, close) is a round trip through libuv's thread pool, which made reading ten thousand
   * briefs cost seconds.
   */
  async readFile(file: string): Promise<string | undefined> {
    let fd: number | undefined;
    try {
      // Only regular files: reading a FIFO or a device named like a KB file would never end.
      // Opened without blocking and checked on the open descriptor, so that nothing can swap a
      // FIFO in between the check and the read.
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
      if (!fstatSync(fd).isFile()) return undefined;
      return readFileSync(fd, 'utf8');
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
      } catch {
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
    return pathToFileURL(file).toString();
  }
}

/** Where the bundled KB lives: `data/` beside `dist/` in the package, unless overridden. */
export function bundledDataDir(): string {
  return process.env.BRIEF_DATA_DIR ?? path.resolve(__dirname, '..', 'data');
}

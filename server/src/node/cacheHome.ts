/**
 * Where Brief keeps its caches on disk (the KB's readings, brief-lint's compiled code), and how
 * their folders are made. Shared by the language server and brief-lint.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The cache folder for one kind of cache: `$BRIEF_CACHE_DIR` as given (an empty value: no cache),
 * else `<cache home>/brief/<kind>`. The cache home is `$XDG_CACHE_HOME` when it is an absolute
 * path, else `~/.cache`: the XDG Base Directory spec has a relative value ignored, which would
 * otherwise put a cache folder inside whatever folder brief-lint runs in (a repository).
 */
export function userCacheFolder(kind: 'kb' | 'code'): string | undefined {
  const configured = process.env.BRIEF_CACHE_DIR;
  if (configured !== undefined) return configured === '' ? undefined : configured;
  const xdg = process.env.XDG_CACHE_HOME;
  const home = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
  return path.join(home, 'brief', kind);
}

/**
 * Makes `folder` and any of its parents that are missing, one level at a time; throws what the
 * last `mkdir` threw when it cannot. Not `mkdirSync(…, { recursive: true })`: in Node 20, under a
 * file system that answers ENOENT for a folder whose parent exists (`/proc/x`), that call retries
 * for ever at full CPU, and a cache folder set there would hang the server or brief-lint.
 */
export function makeFolders(folder: string): void {
  try {
    fs.mkdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && fs.statSync(folder).isDirectory()) return;
    const parent = path.dirname(folder);
    if (code !== 'ENOENT' || parent === folder) throw error;
    makeFolders(parent);
    fs.mkdirSync(folder);
  }
}

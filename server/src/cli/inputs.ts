/**
 * What brief-lint reads (spec §5): the briefs and data files its arguments name, the config of
 * each, and their texts, with the reason in words when one cannot be read.
 */
import * as path from 'path';
import { isUtf8 } from 'buffer';
import { closeSync, constants, fstatSync, openSync, promises as fs, readFileSync } from 'fs';
import { CONFIG_FILE_NAME } from '../core/config';
import { fixedPart, globUnder, isInside, KB_FILE_NAME } from '../core/project';
import type { NodeWorkspace } from '../node/nodeWorkspace';

/** Briefs and data files to check: paths, folders (searched for briefs) and quoted globs. */
export async function collectInputs(args: readonly string[], cwd: string, ws: NodeWorkspace, problems: string[]): Promise<{ briefs: string[]; dataFiles: string[] }> {
  const briefs = new Set<string>();
  const dataFiles = new Set<string>();
  // YAML as `kb:` entries take it (core/project.ts): `KB.YAML` is a KB file, not a brief.
  const add = (f: string) => (KB_FILE_NAME.test(f) ? dataFiles.add(f) : briefs.add(f));
  const inputs = args.length > 0 ? args : ['.'];
  for (const arg of inputs) {
    if (arg === '-') {
      briefs.add(stdinPath(cwd));
      continue;
    }
    if (arg === '') {
      // `brief-lint "$CHANGED"` with nothing in it: an empty name is no file (`path.resolve` would make it the current folder).
      problems.push('cannot read an empty path: name a file, a folder or a glob');
      continue;
    }
    const abs = await asSeenFrom(cwd, toPosix(path.resolve(cwd, arg)));
    const stat = await fs.stat(abs).catch((error: NodeJS.ErrnoException) => error);
    // A file whose name holds `*` or `?` is that file, not a glob.
    if (/[*?]/.test(arg) && stat instanceof Error) {
      // Only what was typed is a glob: the current folder may be named `Desk [x]`.
      const [from, glob] = path.isAbsolute(arg) ? ['/', abs] : [cwd, toPosix(arg)];
      const pattern = globUnder(from, glob);
      const base = fixedPart(from, glob);
      const matches = (await ws.listFiles(base, true)).filter((f) => pattern.test(f));
      if (matches.length === 0) problems.push(`no file matches ${arg}`);
      matches.forEach(add);
      continue;
    }
    if (stat instanceof Error) problems.push(`cannot read ${arg}: ${why(stat, 'no such file or folder')}`);
    else if (stat.isDirectory()) {
      const found = (await ws.listFiles(abs, true)).filter((f) => f.endsWith('.brief'));
      // A folder named on the command line that holds no brief is a mistake as a glob that matches
      // nothing is (briefs moved or renamed: CI would stay green checking nothing). Run without
      // arguments, in a project that has no brief yet, brief-lint checks nothing and says so.
      if (found.length === 0 && args.length > 0) problems.push(`no brief in ${arg}`);
      found.forEach((f) => briefs.add(f));
    } else add(abs);
  }
  return { briefs: [...briefs].sort(), dataFiles: [...dataFiles].sort() };
}

/**
 * An absolute path as seen from the current folder. The current folder comes with its symbolic
 * links resolved, and a path typed as `$PWD/a.brief` may come through one: a path outside the
 * current folder whose folder (the part before any glob) really lies inside it is written from
 * there, so that it finds its config and is shown as the same file however it was named.
 */
export async function asSeenFrom(cwd: string, abs: string): Promise<string> {
  if (isInside(abs, cwd)) return abs;
  const segments = abs.split('/');
  const glob = segments.findIndex((segment) => /[*?]/.test(segment));
  if (glob < 0) {
    // A folder named through a link to it (`"$PWD"`, or `../here` where `here` links to the
    // current folder) is that folder, with its config: resolved whole. A file keeps its own name.
    const whole = await fs.realpath(abs).then(toPosix, () => undefined);
    if (whole !== undefined && isInside(whole, cwd) && (await fs.stat(whole).then((s) => s.isDirectory(), () => false))) return whole;
  }
  const cut = glob < 0 ? segments.length - 1 : glob;
  const folder = segments.slice(0, cut).join('/') || '/';
  const real = await fs.realpath(folder).then(toPosix, () => undefined);
  if (real === undefined || real === folder || !isInside(real, cwd)) return abs;
  return [real, ...segments.slice(cut)].join('/');
}

/** A config file given as a path: `.briefrc.yaml`, or one named like it (`ci.briefrc.yaml`). */
export function isConfigFile(file: string): boolean {
  const name = path.posix.basename(file);
  return name === CONFIG_FILE_NAME || name.endsWith(CONFIG_FILE_NAME);
}

/**
 * For one run: the `.briefrc.yaml` of the nearest folder at or above a folder, up to the current
 * folder. One that is there but cannot be read counts: the caller reports it rather than pass
 * over it. Each folder is looked at once: ten thousand briefs in a hundred folders would
 * otherwise look for a config in the same few folders thirty thousand times.
 */
export function configFinder(cwd: string): (dir: string) => Promise<string | undefined> {
  const found = new Map<string, Promise<string | undefined>>();
  const nearest = (dir: string): Promise<string | undefined> => {
    let config = found.get(dir);
    if (!config) {
      config = (async () => {
        if (!isInside(dir, cwd)) return undefined;
        const candidate = `${dir}/${CONFIG_FILE_NAME}`;
        if (await present(candidate)) return candidate;
        return dir === cwd ? undefined : nearest(path.posix.dirname(dir));
      })();
      found.set(dir, config);
    }
    return config;
  };
  return nearest;
}

/**
 * For a folder outside the current folder: the `.briefrc.yaml` nearest above it, up to the root,
 * the folder that holds both it and the current folder included (`../b.brief` beside a config in
 * the parent folder), which the briefs under it do not use without --config (§5). None for a
 * folder inside the current folder (its briefs have a config there, or none up to it).
 */
export async function configOutside(dir: string, cwd: string): Promise<string | undefined> {
  if (isInside(dir, cwd)) return undefined;
  // Up to `/`, or to a drive (`C:`, whose parent by POSIX rules is `.`, the process's folder).
  for (let current = dir; current.startsWith('/') || /^[A-Za-z]:/.test(current); current = path.posix.dirname(current)) {
    const candidate = `${current === '/' ? '' : current}/${CONFIG_FILE_NAME}`;
    if (await present(candidate)) return candidate;
    if (path.posix.dirname(current) === current) return undefined;
  }
  return undefined;
}

/** Whether anything is at `file`, readable or not, a folder too. */
async function present(file: string): Promise<boolean> {
  try {
    // A folder of that name too: it is a config that cannot be read (exit 2, as the editor says
    // on it), not a reason to use the one above it.
    await fs.stat(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** A file's text, or why it cannot be read (the run then exits with 2); `missing` when it is not there. */
export type Reading = { text: string } | { problem: string; missing?: boolean };

/**
 * A file's text as strict UTF-8, or why it cannot be read. Read synchronously, as the server's
 * workspace reads (nodeWorkspace.ts): each step of an asynchronous read (stat, open, stat, read,
 * close) is a round trip through libuv's thread pool, and brief-lint reads its briefs one after
 * the other, so ten thousand small briefs spent seconds waiting on those trips.
 */
export async function readUtf8(file: string): Promise<Reading> {
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    // A FIFO, socket or device would block or never end: only regular files are read. Opened
    // without blocking and checked on the open descriptor, so nothing can swap one in between.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { problem: 'it is a folder' };
    if (!stat.isFile()) return { problem: 'not a regular file' };
    bytes = readFileSync(fd);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException;
    // A name that is not UTF-8 reaches Node with each bad byte as U+FFFD, a name no file has: the
    // folder's walk found it, and "no such file" would be a riddle.
    if (failure.code === 'ENOENT' && file.includes('\ufffd')) return { problem: 'its name is not UTF-8, and brief-lint opens files by their UTF-8 names: rename it' };
    return { problem: why(failure, 'no such file'), missing: failure.code === 'ENOENT' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  // isUtf8 is as strict as a fatal TextDecoder (overlong forms, surrogates) and several times
  // faster on a large brief; like the decoder (and VS Code), a leading byte order mark is dropped.
  if (!isUtf8(bytes)) return { problem: 'it is not UTF-8 text' };
  const text = bytes.toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/**
 * Where the brief read from standard input (`brief-lint -`, for editors and pipes) stands: in the
 * current folder, whose `.briefrc.yaml` it uses, shown as `<stdin>`.
 */
export function stdinPath(cwd: string): string {
  return `${cwd}/<stdin>`;
}

/** Standard input as a brief's text, read to its end. */
export async function readStdin(): Promise<Reading> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  } catch (error) {
    return { problem: why(error as NodeJS.ErrnoException) };
  }
  const bytes = Buffer.concat(chunks);
  if (!isUtf8(bytes)) return { problem: 'it is not UTF-8 text' };
  const text = bytes.toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** Why a file or folder could not be read, in words; `missing` says how to put ENOENT. */
export function why(error: NodeJS.ErrnoException, missing = 'no such file or folder'): string {
  switch (error.code) {
    case 'ENOENT':
      return missing;
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links (a loop?)';
    case 'ENOTDIR':
      return 'a part of its path is not a folder';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return error.message;
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * The entry of `dist/brief-lint.js`: runs the CLI bundle (server/src/cli/main.ts, inlined by
 * scripts/build.mjs as a string) through V8's code cache.
 *
 * Compiling the ~230 KB bundle, and then each function it calls the first time, is most of what
 * brief-lint costs at start beyond `node -e 0`; a process that finds the code cache skips both.
 * The cache is written after the first lint run of a build on a machine (and again when V8 refuses
 * it: another Node, other V8 flags) to the user cache folder the KB readings use
 * ($BRIEF_CACHE_DIR, an empty value meaning no cache; else $XDG_CACHE_HOME/brief/code or
 * ~/.cache/brief/code). Node 20 has no `module.enableCompileCache()`; this does the same by hand.
 * Any failure to read or write the cache only makes that run compile the bundle as before.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { makeFolders, userCacheFolder } from '../node/cacheHome';

/** The CLI bundle's code, and a hash of it (scripts/build.mjs defines both). */
declare const BRIEF_LINT_BUNDLE: string;
declare const BRIEF_LINT_BUILD_ID: string;

const PREFIX = 'brief-lint-';
const SUFFIX = '.v8cache';

// V8 checks a cache's V8 version and flags, and only the *length* of the source, and it does not
// checksum the payload in release builds: the file name carries a hash of the code, so that a
// cache of another build is never offered, and the file starts with a SHA-256 of the rest, so
// that a damaged one is never deserialised. (crypto costs nothing extra: the CLI loads it anyway.)
const folder = userCacheFolder('code');
const cacheFile = folder && path.join(folder, `${PREFIX}${BRIEF_LINT_BUILD_ID}-${process.version}-${process.arch}${SUFFIX}`);
const DIGEST = 32;
const digest = (data: Uint8Array) => createHash('sha256').update(BRIEF_LINT_BUILD_ID).update(data).digest();
let cachedData: Buffer | undefined;
try {
  if (cacheFile) {
    const file = fs.readFileSync(cacheFile);
    const data = file.subarray(DIGEST);
    if (file.length > DIGEST && digest(data).equals(file.subarray(0, DIGEST))) cachedData = data;
  }
} catch {
  // No cache yet (or unreadable): compile as usual, and write one at exit.
}

const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${BRIEF_LINT_BUNDLE}\n})`, {
  filename: path.join(__dirname, 'brief-lint.bundle.js'),
  cachedData,
});

// --help and --version run too little of the bundle to be worth a cache; a lint run writes it.
const lints = !process.argv.slice(2).some((a) => a === '--help' || a === '-h' || a === '--version');
if (cacheFile && lints && (cachedData === undefined || script.cachedDataRejected)) {
  // At exit, so that the cache holds every function this run compiled.
  process.once('exit', () => writeCache(cacheFile, script));
}

(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, __filename, __dirname);

function writeCache(file: string, compiled: vm.Script): void {
  try {
    const data = compiled.createCachedData();
    makeFolders(path.dirname(file));
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, Buffer.concat([digest(data), data]));
    fs.renameSync(temporary, file); // atomic: a reader never sees half a file
    // Caches of other builds are dead weight (~0.5 MB each): remove them.
    for (const name of fs.readdirSync(path.dirname(file))) {
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX) && !name.startsWith(`${PREFIX}${BRIEF_LINT_BUILD_ID}-`)) fs.rmSync(path.join(path.dirname(file), name), { force: true });
    }
  } catch {
    // A read-only or full disk only means the next run compiles again.
  }
}

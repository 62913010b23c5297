/**
 * brief-lint's start and end as a process: the V8 code cache its launcher keeps in the user
 * cache folder (server/src/cli/launcher.ts), reading briefs as strict UTF-8, and a reader that
 * closes the pipe early. The real process (`node dist/brief-lint.js`, run `npm run build` first)
 * in temp folders, on the small test KB. Whatever happens to the cache, the output is the same.
 */
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

const CLI = path.join(REPO_ROOT, 'dist', 'brief-lint.js');
const MINI_DATA = path.join(REPO_ROOT, 'test', 'fixtures', 'mini-data');

const created: string[] = [];

function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'brief-cli-start-')));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** brief-lint in `cwd` with the mini KB; `env` entries that are undefined are removed. */
function run(cwd: string, args: string[], env: Record<string, string | undefined>) {
  const merged: NodeJS.ProcessEnv = { ...process.env, BRIEF_DATA_DIR: MINI_DATA, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: merged, encoding: 'utf8' });
  assert.equal(r.error, undefined);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const codeCaches = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^brief-lint-.*\.v8cache$/.test(f)) : []);

const BRIEFS = {
  'a.brief': '---\ntitle: T\n---\n@Nobody meets @Tajikistan [^mini-2021:p1].\n\n- claim: @Russia member-of @SCO\n',
  'b.brief': '@Tajikstan\n',
};

describe('brief-lint start-up: the code cache', () => {
  after(() => {
    for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a lint run writes one code cache to BRIEF_CACHE_DIR; runs with it print exactly what the first printed', () => {
    const dir = tempDir(BRIEFS);
    const cache = tempDir();
    const first = run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: cache });
    assert.equal(first.status, 1, first.stderr);
    assert.equal(codeCaches(cache).length, 1, `one code cache in ${fs.readdirSync(cache).join(', ')}`);
    const written = fs.readFileSync(path.join(cache, codeCaches(cache)[0]));
    for (let i = 0; i < 2; i++) {
      const again = run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: cache });
      assert.deepEqual(again, first);
    }
    assert.deepEqual(fs.readFileSync(path.join(cache, codeCaches(cache)[0])), written, 'an accepted cache is not written again');
    assert.deepEqual(run(dir, [], { BRIEF_CACHE_DIR: cache }).stdout, run(dir, [], { BRIEF_CACHE_DIR: '' }).stdout, 'text output with and without the cache');
  });

  it('without BRIEF_CACHE_DIR the cache goes to $XDG_CACHE_HOME/brief/code', () => {
    const dir = tempDir(BRIEFS);
    const xdg = tempDir();
    const r = run(dir, [], { BRIEF_CACHE_DIR: undefined, XDG_CACHE_HOME: xdg });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(codeCaches(path.join(xdg, 'brief', 'code')).length, 1);
  });

  it('a relative $XDG_CACHE_HOME is ignored, as the XDG spec says: the cache goes to ~/.cache, not into the current folder', () => {
    const dir = tempDir(BRIEFS);
    const home = tempDir();
    const r = run(dir, [], { BRIEF_CACHE_DIR: undefined, XDG_CACHE_HOME: 'cache', HOME: home });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), Object.keys(BRIEFS).sort(), 'nothing written beside the briefs');
    assert.equal(codeCaches(path.join(home, '.cache', 'brief', 'code')).length, 1);
    assert.ok(fs.readdirSync(path.join(home, '.cache', 'brief', 'kb')).length > 0, 'the KB readings beside it');
  });

  it('a cache folder that cannot be made is no cache: the lint runs and ends as without one', () => {
    const dir = tempDir(BRIEFS);
    const file = path.join(tempDir({ 'plain-file': 'x' }), 'plain-file');
    const expected = run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: '' });
    // Under a file, and (on Linux) under /proc, where Node's own recursive mkdir never returns.
    for (const folder of [path.join(file, 'cache'), ...(fs.existsSync('/proc/self') ? ['/proc/brief-no-such/cache'] : [])]) {
      const r = spawnSync(process.execPath, [CLI, '--format', 'json'], { cwd: dir, env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA, BRIEF_CACHE_DIR: folder }, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.error, undefined, `${folder}: ${String(r.error)}`);
      assert.deepEqual({ status: r.status, stdout: r.stdout, stderr: r.stderr }, expected, folder);
    }
  });

  it('BRIEF_CACHE_DIR empty: no cache is written anywhere', () => {
    const dir = tempDir(BRIEFS);
    const xdg = tempDir();
    const r = run(dir, [], { BRIEF_CACHE_DIR: '', XDG_CACHE_HOME: xdg });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(xdg), []);
  });

  it('--version and --help write no cache', () => {
    const dir = tempDir();
    const cache = tempDir();
    assert.match(run(dir, ['--version'], { BRIEF_CACHE_DIR: cache }).stdout, /^brief-lint \d/);
    assert.match(run(dir, ['--help'], { BRIEF_CACHE_DIR: cache }).stdout, /^Usage: brief-lint/);
    assert.deepEqual(codeCaches(cache), []);
  });

  for (const [name, damage] of [
    ['garbage', () => Buffer.from('not a code cache at all\n')],
    ['cut in half', (b: Buffer) => b.subarray(0, b.length >> 1)],
    ['one byte of its payload flipped', (b: Buffer) => Buffer.concat([b.subarray(0, b.length - 100), Buffer.from([b[b.length - 100] ^ 0xff]), b.subarray(b.length - 99)])],
    ['empty', () => Buffer.alloc(0)],
  ] as const) {
    it(`a damaged cache file (${name}): the output is unchanged, and the cache is written again`, () => {
      const dir = tempDir(BRIEFS);
      const cache = tempDir();
      const first = run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: cache });
      const file = path.join(cache, codeCaches(cache)[0]);
      const good = fs.readFileSync(file);
      const bad = (damage as (b: Buffer) => Buffer)(good);
      fs.writeFileSync(file, bad);
      assert.deepEqual(run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: cache }), first);
      assert.notDeepEqual(fs.readFileSync(file), bad, 'the damaged cache was replaced');
      assert.deepEqual(run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: cache }), first);
    });
  }

  it('a cache of another build is removed when this build writes its own', () => {
    const dir = tempDir(BRIEFS);
    const cache = tempDir({ 'brief-lint-0000000000000000-v20.0.0-x64.v8cache': 'old', 'brief-lint-notes.txt': 'kept' });
    run(dir, [], { BRIEF_CACHE_DIR: cache });
    assert.deepEqual(codeCaches(cache).filter((f) => f.startsWith('brief-lint-0000000000000000-')), []);
    assert.ok(fs.existsSync(path.join(cache, 'brief-lint-notes.txt')), 'only code caches are removed');
  });

  it('a cache folder that cannot be made (a file is in the way): the run is unchanged', () => {
    const dir = tempDir(BRIEFS);
    const blocker = path.join(tempDir({ 'file': 'x' }), 'file');
    const r = run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: path.join(blocker, 'cache') });
    assert.deepEqual(r, run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: '' }));
    assert.equal(r.stderr, '');
  });
});

describe('brief-lint reading and writing', () => {
  after(() => {
    for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const NOT_UTF8: [string, number[]][] = [
    ['a Latin-1 byte', [0x40, 0x5a, 0xfc, 0x72, 0x0a]],
    ['an overlong form of "/"', [0x40, 0xc0, 0xaf, 0x0a]],
    ['a UTF-16 surrogate encoded as UTF-8', [0x40, 0xed, 0xa0, 0x80, 0x0a]],
    ['a code point above U+10FFFF', [0x40, 0xf4, 0x90, 0x80, 0x80, 0x0a]],
    ['a sequence cut at the end of the file', [0x40, 0x41, 0xe2, 0x82]],
  ];
  for (const [name, bytes] of NOT_UTF8) {
    it(`refuses ${name} as not UTF-8, as a fatal TextDecoder does`, () => {
      assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes)));
      const dir = tempDir({ 'x.brief': Buffer.from(bytes) });
      const r = run(dir, ['x.brief'], { BRIEF_CACHE_DIR: '' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /cannot read x\.brief: it is not UTF-8 text/);
    });
  }

  it('byte order marks: columns as before (a leading one is not text; one inside a line is a character)', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const dir = tempDir({
      'plain.brief': Buffer.concat([bom, Buffer.from('@Nobody\n')]),
      'twice.brief': Buffer.concat([bom, bom, Buffer.from('@Nobody\n')]),
      'inside.brief': Buffer.concat([Buffer.from('x'), bom, Buffer.from('@Nobody\n')]),
    });
    const r = run(dir, ['--format', 'json'], { BRIEF_CACHE_DIR: '' });
    const results = (JSON.parse(r.stdout) as { file: string; column: number }[]).map((x) => `${x.file}:${x.column}`);
    // The figures of brief-lint when it decoded with TextDecoder (which drops one leading BOM; the parser drops another).
    assert.deepEqual(results, ['inside.brief:3', 'plain.brief:1', 'twice.brief:1']);
  });

  it('a slow reader of a report larger than the pipe gets all of it before the process ends', async () => {
    // brief-lint ends itself once its output is flushed (cli/main.ts, exitOnceWritten): ~300 KB
    // of JSON is several pipe buffers, which a reader that waits before reading must still get whole.
    const dir = tempDir({ 'many.brief': '@Nobody '.repeat(2000) + '\n' });
    const child = spawn(process.execPath, [CLI, '--format', 'json', 'many.brief'], { cwd: dir, env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA, BRIEF_CACHE_DIR: '' } });
    child.stdout.pause();
    const chunks: Buffer[] = [];
    setTimeout(() => {
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      child.stdout.resume();
    }, 300);
    const [status] = await Promise.all([
      new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))),
      new Promise<void>((resolve) => child.stdout.on('end', () => resolve())),
    ]);
    const results = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { code: string }[];
    assert.equal(status, 1);
    assert.equal(results.length, 2000);
    assert.ok(results.every((r) => r.code === 'unknown-reference'));
  });

  it('a reader that closes the pipe early: no crash, no stack trace, the lint\'s own exit status', async () => {
    // Enough diagnostics (~300 KB of JSON) to overflow a pipe's buffer.
    const dir = tempDir({ 'many.brief': '@Nobody '.repeat(2000) + '\n' });
    const child = spawn(process.execPath, [CLI, '--format', 'json', 'many.brief'], { cwd: dir, env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA, BRIEF_CACHE_DIR: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(stderr, '');
    assert.equal(status, 1);
  });
});

/**
 * brief-lint when the disk misbehaves (issue 6): a file that vanishes between listing and
 * reading, one that turns into a folder, one that cannot be read, one that is not UTF-8, a
 * FIFO, a broken link. Each gives exit status 2 and a clear message naming that file on
 * stderr, and the other files are still linted and printed.
 *
 * The real process (`node dist/brief-lint.js`, run `npm run build` first) in temp folders, on
 * the small test KB. Races are made deterministic by fault injection: a preloaded module
 * (`node -r`) wraps `fs.openSync` and `fs.promises.readdir` so that the fault happens at the
 * moment brief-lint reads that file, after it has listed it — the window a real deletion would
 * have to hit.
 */
import { strict as assert } from 'assert';
import { spawnSync, type SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

const CLI = path.join(REPO_ROOT, 'dist', 'brief-lint.js');
const MINI_DATA = path.join(REPO_ROOT, 'test', 'fixtures', 'mini-data');
/** Wall-clock limit of one brief-lint run: a run still going by then is reported as hung. */
const RUN_LIMIT_MS = 15_000;

/** What the preloaded module does to a file when brief-lint reads it. */
type Fault = 'vanish' | 'becomes-folder' | 'eacces' | 'eio';

const FAULT_HOOK = `
'use strict';
const fs = require('fs');
const path = require('path');
const faults = JSON.parse(process.env.BRIEF_TEST_FAULTS || '{}');
// Brings on the fault planned for a file, once, as it is about to be opened.
function strike(file) {
  const key = typeof file === 'string' ? path.resolve(file) : undefined;
  const fault = key && faults[key];
  if (!fault) return;
  delete faults[key]; // once
  const fail = (code, errno, text) => Object.assign(new Error(code + ': ' + text + ", open '" + key + "'"), { code, errno, syscall: 'open', path: key });
  if (fault === 'vanish') fs.unlinkSync(key);
  else if (fault === 'becomes-folder') { fs.unlinkSync(key); fs.mkdirSync(key); }
  else if (fault === 'eacces') throw fail('EACCES', -13, 'permission denied');
  else if (fault === 'eio') throw fail('EIO', -5, 'i/o error');
}
// Folders are listed with fs.promises.readdir (nodeWorkspace.ts): only 'eacces' applies there.
const readdir = fs.promises.readdir;
fs.promises.readdir = async function (dir, ...rest) {
  strike(dir);
  return readdir.call(this, dir, ...rest);
};
// Briefs, config and KB files are all opened with fs.openSync (cli/inputs.ts, nodeWorkspace.ts).
const openSync = fs.openSync;
fs.openSync = function (file, ...rest) {
  strike(file);
  return openSync.call(this, file, ...rest);
};
`;

interface JsonResult {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: string;
}

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly hung: boolean;
}

const created: string[] = [];
let hookFile: string;

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-faults-hook-'));
  created.push(dir);
  hookFile = path.join(dir, 'faults.js');
  fs.writeFileSync(hookFile, FAULT_HOOK);
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(hookFile, 0o644);
});

after(() => {
  for (const dir of created.splice(0)) {
    // A test may have left a file without permissions behind.
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A temp folder holding `files` (relative paths; Buffers for raw bytes). */
function folder(files: Record<string, string | Buffer>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'brief-faults-')));
  created.push(dir);
  fs.chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Runs brief-lint in `cwd` with `faults` injected (file paths relative to `cwd`). */
function lint(cwd: string, args: string[], faults: Record<string, Fault> = {}, options: SpawnSyncOptions = {}): Run {
  const absolute = Object.fromEntries(Object.entries(faults).map(([f, fault]) => [path.join(cwd, f), fault]));
  const r = spawnSync(process.execPath, ['-r', hookFile, CLI, ...args], {
    cwd,
    env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA, BRIEF_TEST_FAULTS: JSON.stringify(absolute) },
    encoding: 'utf8',
    timeout: RUN_LIMIT_MS,
    killSignal: 'SIGKILL',
    ...options,
  });
  const hung = r.signal === 'SIGKILL';
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), hung };
}

/** `--format json` results as `file:line:col code`, sorted. */
function results(run: Run): string[] {
  let parsed: JsonResult[];
  try {
    parsed = JSON.parse(run.stdout) as JsonResult[];
  } catch {
    assert.fail(`stdout is not one JSON array (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return parsed.map((r) => `${r.file}:${r.line}:${r.column} ${r.code}`).sort();
}

/** Exit status 2, a stderr line naming the file with `why`, and nothing hung. */
function assertReported(run: Run, file: string, why: RegExp): void {
  assert.ok(!run.hung, `brief-lint was still running after ${RUN_LIMIT_MS / 1000} s (it hangs on ${file})\nstderr so far: ${run.stderr}`);
  assert.equal(run.status, 2, `exit status ${run.status}; stderr: ${run.stderr}`);
  const lines = run.stderr.split('\n').filter((l) => l.includes(file));
  assert.ok(lines.length > 0, `no stderr line names ${file}:\n${run.stderr}`);
  assert.ok(lines.some((l) => why.test(l)), `the stderr line about ${file} does not say why (${why}):\n${lines.join('\n')}`);
  assert.doesNotMatch(run.stderr, /internal error|^\s+at .+:\d+:\d+\)?$/m, 'a crash, not a clear message');
}

const BRIEFS = {
  'a.brief': '@Nobody here.\n',
  'b.brief': 'Fine: @Tajikistan.\n',
  'sub/c.brief': 'claim: @Uzbekistan member-of @CSTO\n',
};
/** What the three good briefs give. */
const EXPECTED = ['a.brief:1:1 unknown-reference', 'sub/c.brief:1:1 contradicted-claim'];

/** Whether this process can make a file unreadable to a brief-lint it starts. */
function unreadableOptions(): SpawnSyncOptions | undefined {
  if (process.getuid?.() !== 0) return {};
  // As root every file is readable: run brief-lint as nobody instead, if nobody can run node at all.
  const probe = spawnSync(process.execPath, [CLI, '--version'], { uid: 65534, gid: 65534, encoding: 'utf8' });
  return probe.status === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

describe('brief-lint when files fail under it', function () {
  this.timeout(4 * RUN_LIMIT_MS);

  it('the good briefs alone: exit 1 and their diagnostics (the baseline of the tests below)', () => {
    const dir = folder(BRIEFS);
    const run = lint(dir, ['--format', 'json']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(results(run), EXPECTED);
    assert.equal(run.stderr, '');
  });

  for (const format of ['json', 'text', 'sarif'] as const) {
    it(`a brief deleted between listing and reading (${format}): exit 2, "no such file" for it, the others linted`, () => {
      const dir = folder({ ...BRIEFS, 'gone.brief': '@Nobody\n' });
      const run = lint(dir, ['--format', format], { 'gone.brief': 'vanish' });
      assertReported(run, 'gone.brief', /no such file|not found|deleted|vanished/i);
      assert.ok(!fs.existsSync(path.join(dir, 'gone.brief')), 'the fault happened');
      if (format === 'json') assert.deepEqual(results(run), EXPECTED);
      if (format === 'text') {
        assert.match(run.stdout, /a\.brief:1:1/);
        assert.match(run.stdout, /sub\/c\.brief:1:1/);
        assert.doesNotMatch(run.stdout, /gone\.brief/);
      }
      if (format === 'sarif') {
        const log = JSON.parse(run.stdout) as { runs: { results: { ruleId: string }[] }[] };
        assert.deepEqual(log.runs[0].results.map((r) => r.ruleId).sort(), ['contradicted-claim', 'unknown-reference']);
      }
    });
  }

  it('a brief named explicitly and deleted between listing and reading', () => {
    const dir = folder({ ...BRIEFS, 'gone.brief': '@Nobody\n' });
    const run = lint(dir, ['--format', 'json', 'a.brief', 'gone.brief', 'sub'], { 'gone.brief': 'vanish' });
    assertReported(run, 'gone.brief', /no such file|not found/i);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a brief that turns into a folder between listing and reading: exit 2, "folder" for it, the others linted', () => {
    const dir = folder({ ...BRIEFS, 'x.brief': '@Nobody\n' });
    const run = lint(dir, ['--format', 'json'], { 'x.brief': 'becomes-folder' });
    assertReported(run, 'x.brief', /folder|directory/i);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a brief that cannot be read (permission denied): exit 2, the reason for it, the others linted', () => {
    const dir = folder({ ...BRIEFS, 'locked.brief': '@Nobody\n' });
    const options = unreadableOptions();
    let run: Run;
    if (options) {
      fs.chmodSync(path.join(dir, 'locked.brief'), 0o000);
      run = lint(dir, ['--format', 'json'], {}, options);
    } else {
      // Root, and nobody cannot run node here: the permission error is injected instead.
      run = lint(dir, ['--format', 'json'], { 'locked.brief': 'eacces' });
    }
    assertReported(run, 'locked.brief', /permission|denied|EACCES/i);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a KB file a kb: glob matches that cannot be read: the config names that file, not the glob', () => {
    const dir = folder({ '.briefrc.yaml': 'kb: ["kb/*.yaml"]\n', 'kb/x.yaml': 'entities: []\n', 'a.brief': '@Tajikistan\n' });
    const run = lint(dir, ['--format', 'json'], { 'kb/x.yaml': 'eacces' });
    assert.equal(run.status, 2, run.stderr);
    const onConfig = (JSON.parse(run.stdout) as { file: string; code: string; message: string }[]).filter((r) => r.file === '.briefrc.yaml');
    assert.deepEqual(onConfig.map((r) => [r.code, r.message]), [['kb-path-refused', "KB file 'kb/x.yaml', which 'kb/*.yaml' matches, cannot be read."]]);
  });

  it('a brief whose file name is not UTF-8, found in a folder: exit 2, that for a reason, the others linted', () => {
    const dir = folder(BRIEFS);
    fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/e`), Buffer.from([0xff]), Buffer.from('e.brief')]), '@Tajikistan\n');
    const run = lint(dir, ['--format', 'json']);
    assertReported(run, 'e\ufffde.brief', /its name is not UTF-8/);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('an input/output error while reading a brief: exit 2, the reason for it, the others linted', () => {
    const dir = folder({ ...BRIEFS, 'bad-disk.brief': '@Nobody\n' });
    const run = lint(dir, ['--format', 'json'], { 'bad-disk.brief': 'eio' });
    assertReported(run, 'bad-disk.brief', /i\/o|EIO|input/i);
    assert.deepEqual(results(run), EXPECTED);
  });

  const notUtf8: { name: string; bytes: Buffer }[] = [
    { name: 'Latin-1 text', bytes: Buffer.from('Caf\xe9 with @Tajikistan\n', 'latin1') },
    { name: 'UTF-16 with a byte order mark', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('@Nobody\n', 'utf16le')]) },
    { name: 'a lone continuation byte', bytes: Buffer.from([0x40, 0x80, 0x0a]) },
    { name: 'an encoded surrogate (CESU-8)', bytes: Buffer.from([0x40, 0xed, 0xa0, 0x80, 0x0a]) },
    { name: 'an overlong encoding of @', bytes: Buffer.from([0xc1, 0x80, 0x0a]) },
    { name: 'binary noise', bytes: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)) },
  ];
  for (const c of notUtf8) {
    it(`a brief that is not UTF-8 (${c.name}): exit 2, "not UTF-8" for it, the others linted`, () => {
      const dir = folder({ ...BRIEFS, 'latin.brief': c.bytes });
      const run = lint(dir, ['--format', 'json']);
      assertReported(run, 'latin.brief', /UTF-8/);
      assert.deepEqual(results(run), EXPECTED);
    });
  }

  it('UTF-8 with a byte order mark, NUL and control characters is read, not refused', () => {
    const dir = folder({ ...BRIEFS, 'odd.brief': Buffer.from('\ufeff@Nobody \u0000\u0007 text\r\n', 'utf8') });
    const run = lint(dir, ['--format', 'json']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(results(run), [...EXPECTED, 'odd.brief:1:1 unknown-reference'].sort());
  });

  it('a FIFO named on the command line: exit 2 and a message, without waiting for a writer', function () {
    if (process.platform === 'win32') this.skip();
    const dir = folder(BRIEFS);
    const made = spawnSync('mkfifo', [path.join(dir, 'pipe.brief')]);
    assert.equal(made.status, 0, 'mkfifo is needed for this test');
    const run = lint(dir, ['--format', 'json', 'pipe.brief', 'a.brief', 'b.brief', 'sub']);
    assertReported(run, 'pipe.brief', /not a (regular )?file|FIFO|pipe|cannot read/i);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a FIFO found while searching the folder is skipped, like any file that is not a regular file', function () {
    if (process.platform === 'win32') this.skip();
    const dir = folder(BRIEFS);
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'pipe.brief')]).status, 0);
    const run = lint(dir, ['--format', 'json']);
    assert.ok(!run.hung, 'brief-lint hung on a FIFO it found by itself');
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a symbolic link to a missing file, named on the command line: exit 2, a message for it, the others linted', () => {
    const dir = folder(BRIEFS);
    fs.symlinkSync(path.join(dir, 'nowhere.brief'), path.join(dir, 'y.brief'));
    const run = lint(dir, ['--format', 'json', 'y.brief', 'a.brief', 'sub']);
    assertReported(run, 'y.brief', /no such file|not found|broken|missing/i);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('an editor lock file (a dangling link such as .#a.brief) found while searching is ignored', () => {
    const dir = folder(BRIEFS);
    fs.symlinkSync('analyst@host.4242:1700000000', path.join(dir, '.#a.brief'));
    const run = lint(dir, ['--format', 'json']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('several faults at once: one message for each file, every good brief still linted', () => {
    const dir = folder({ ...BRIEFS, 'gone.brief': '@Nobody\n', 'x.brief': '@Nobody\n', 'bad-disk.brief': 'x', 'latin.brief': Buffer.from([0x40, 0xe9, 0x0a]) });
    const run = lint(dir, ['--format', 'json'], { 'gone.brief': 'vanish', 'x.brief': 'becomes-folder', 'bad-disk.brief': 'eio' });
    for (const [file, why] of [['gone.brief', /no such file/i], ['x.brief', /folder/i], ['bad-disk.brief', /i\/o|EIO/i], ['latin.brief', /UTF-8/]] as const) {
      assertReported(run, file, why);
    }
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a vanished file weighs more than error diagnostics: exit 2, not 1', () => {
    const dir = folder({ 'a.brief': '@Nobody\n', 'gone.brief': 'x' });
    const run = lint(dir, [], { 'gone.brief': 'vanish' });
    assertReported(run, 'gone.brief', /no such file/i);
    assert.match(run.stdout, /a\.brief:1:1/);
  });

  it('a .briefrc.yaml that vanishes before it is read: the briefs are linted as if it had never been there', () => {
    const dir = folder({ ...BRIEFS, '.briefrc.yaml': 'rules: { unknown-reference: off }\n' });
    const run = lint(dir, ['--format', 'json'], { '.briefrc.yaml': 'vanish' });
    assert.ok(!run.hung);
    assert.ok(!fs.existsSync(path.join(dir, '.briefrc.yaml')), 'the fault happened');
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(results(run), EXPECTED);
  });

  it('a .briefrc.yaml that cannot be read (permission denied): exit 2, the briefs under it not checked, the others linted', () => {
    const dir = folder({ ...BRIEFS, '.briefrc.yaml': 'rules: { unknown-reference: off }\n', 'team/.briefrc.yaml': 'rules: { unsupported-claim: error }\n', 'team/t.brief': 'claim: @Russia member-of @CSTO\n' });
    const options = unreadableOptions();
    let run: Run;
    if (options) {
      fs.chmodSync(path.join(dir, 'team', '.briefrc.yaml'), 0o000);
      run = lint(dir, ['--format', 'json'], {}, options);
    } else {
      run = lint(dir, ['--format', 'json'], { 'team/.briefrc.yaml': 'eacces' });
    }
    assertReported(run, 'team/.briefrc.yaml', /permission denied/);
    assert.match(run.stderr, /^brief-lint: not checked: team\/t\.brief \(its config team\/\.briefrc\.yaml cannot be read\)$/m);
    // The root config still applies to the others: its rule turns unknown-reference off.
    assert.deepEqual(results(run), ['sub/c.brief:1:1 contradicted-claim']);
  });

  it('a folder named .briefrc.yaml is a config that cannot be read: exit 2, not the config above it', () => {
    const dir = folder({ ...BRIEFS, '.briefrc.yaml': 'rules: { unknown-reference: off }\n', 'team/t.brief': '@Nobody\n' });
    fs.mkdirSync(path.join(dir, 'team', '.briefrc.yaml'));
    const run = lint(dir, ['--format', 'json']);
    assertReported(run, 'team/.briefrc.yaml', /it is a folder/);
    assert.match(run.stderr, /^brief-lint: not checked: team\/t\.brief \(its config team\/\.briefrc\.yaml cannot be read\)$/m);
    assert.deepEqual(results(run), ['sub/c.brief:1:1 contradicted-claim']);
  });

  it('a folder that cannot be read (permission denied): exit 2 and its name, whether searched or named, the others linted', () => {
    const dir = folder({ ...BRIEFS, 'secret/s.brief': '@Nobody\n' });
    const options = unreadableOptions();
    const runs: Run[] = [];
    if (options) {
      fs.chmodSync(path.join(dir, 'secret'), 0o000);
      runs.push(lint(dir, ['--format', 'json'], {}, options), lint(dir, ['--format', 'json', 'secret', 'a.brief', 'b.brief', 'sub'], {}, options));
    } else {
      runs.push(lint(dir, ['--format', 'json'], { secret: 'eacces' }), lint(dir, ['--format', 'json', 'secret', 'a.brief', 'b.brief', 'sub'], { secret: 'eacces' }));
    }
    for (const run of runs) {
      assertReported(run, 'cannot read folder secret', /permission denied/);
      assert.deepEqual(results(run), EXPECTED);
    }
  });

  it('a report that cannot be written (a full disk): exit 2 and a message, however clean the briefs', function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const dir = folder({ 'b.brief': 'Fine: @Tajikistan.\n' });
    const full = fs.openSync('/dev/full', 'w');
    try {
      for (const format of ['text', 'sarif']) {
        const run = lint(dir, ['--format', format], {}, { stdio: ['ignore', full, 'pipe'] });
        assert.equal(run.status, 2, `--format ${format}: ${run.stderr}`);
        assert.match(run.stderr, /^brief-lint: cannot write the report: .*no space left/im);
      }
    } finally {
      fs.closeSync(full);
    }
  });

  it('stderr that cannot be written changes nothing: the report is out, and the exit status is the run\'s', function () {
    if (!fs.existsSync('/dev/full')) this.skip();
    const dir = folder({ 'b.brief': 'Fine: @Tajikistan.\n', 'c.brief': '@Nobody\n' });
    const full = fs.openSync('/dev/full', 'w');
    try {
      // Clean: 0. An error in a brief: 1. A missing input, which stderr would name: still 2.
      for (const [args, status] of [[['b.brief'], 0], [['c.brief'], 1], [['b.brief', 'missing.brief'], 2]] as const) {
        const run = lint(dir, ['--format', 'json', ...args], {}, { stdio: ['ignore', 'pipe', full] });
        assert.equal(run.status, status, args.join(' '));
        assert.ok(Array.isArray(JSON.parse(run.stdout)), run.stdout);
      }
    } finally {
      fs.closeSync(full);
    }
  });
});

/**
 * Measurements that need no language server: the floor (in this process), KB loading (each in
 * a fresh child process), brief-lint as a whole process, and loading the extension's bundle.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { floorCheck, type NameTable } from './floor';
import type { GeneratedDocument, GeneratedWorkspace } from './generate';
import { listFiles } from './lspDriver';
import type { KbLoadReport } from './kbLoadChild';
import { BRIEF_CACHE, CLIENT_JS, FLOOR_PROCESS_JS, LINT_JS } from './config';

/** Times `fn` `runs` times after `warmup` calls. */
export function timeRuns(runs: number, warmup: number, fn: (i: number) => void): number[] {
  for (let i = 0; i < warmup; i++) fn(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

export interface FloorResult {
  readonly open: number[];
  readonly hover: number[];
  readonly completion: number[];
  readonly found: number;
}

/**
 * The floor of each editor request, in-process: the whole-text regex check (open, and again
 * after an edit); for hover, the same scan over one line and a Map lookup; for completion, a
 * prefix scan of every known written form, keeping 50.
 */
export function measureFloor(doc: GeneratedDocument, names: NameTable, runs: number, requests: number): FloorResult {
  let found = 0;
  const open = timeRuns(runs, 3, () => {
    found = floorCheck(doc.brief, names).unknown.length;
  });
  const lines = doc.brief.split('\n');
  const known = doc.references.filter((r) => r.entity !== undefined);
  const hover = timeRuns(requests, 10, (i) => {
    const site = known[(i * 7919) % known.length].brief;
    floorCheck(lines[site.line], names);
  });
  const keys = [...names.keys()];
  const completion = timeRuns(requests, 10, (i) => {
    const site = known[(i * 7919) % known.length].brief;
    const prefix = lines[site.line].slice(site.nameCol, site.nameCol + 1 + (i % 3)).toLowerCase();
    const items: string[] = [];
    for (const k of keys) if (k.startsWith(prefix) && items.push(k) >= 50) break;
  });
  return { open, hover, completion, found };
}

export interface WorkspaceFloor {
  /** One per run: each run reads and indexes every brief again. */
  readonly indexing: number[];
  readonly references: number[];
  readonly files: number;
}

/** Reading every brief of the workspace, the regex pass over each, and an index of mentions by entity, `runs` times. */
export function measureWorkspaceFloor(ws: GeneratedWorkspace, names: NameTable, runs: number): WorkspaceFloor {
  const indexing: number[] = [];
  let index = new Map<string, { file: string; offset: number }[]>();
  let files: string[] = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    files = listFiles(ws.briefFolder, '.brief');
    index = new Map();
    const mention = /(?<![\p{L}\p{N}_@\\])@(?:\[([^\]\n]*)\]|([\p{L}\p{N}][\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}\p{M}_]|[\p{L}\p{N}]))/gu;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      mention.lastIndex = 0;
      for (let m = mention.exec(text); m; m = mention.exec(text)) {
        const id = names.get((m[1] ?? m[2]).trim().toLowerCase());
        if (!id) continue;
        const list = index.get(id);
        if (list) list.push({ file, offset: m.index });
        else index.set(id, [{ file, offset: m.index }]);
      }
    }
    indexing.push(performance.now() - t0);
  }
  const ids = [...ws.referenceCounts.keys()];
  const references = timeRuns(50, 10, (i) => void index.get(ids[i % ids.length])?.length);
  return { indexing, references, files: files.length };
}

/** Runs `kbLoadChild.js` in a fresh Node process and returns its report. */
export function kbLoadInChild(mode: string, dataDir: string, repeats = 0): KbLoadReport {
  const child = path.join(__dirname, 'kbLoadChild.js');
  try {
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', child, mode, dataDir, String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as KbLoadReport;
  } catch (error) {
    return { mode, first: NaN, repeats: [], peakRss: NaN, error: String(error).slice(0, 500) };
  }
}

export interface ProcessTimes {
  readonly lint: number[];
  readonly nodeBaseline: number[];
  readonly lintDiagnostics: number;
  readonly lintExit: number | null;
  /** The floor as a whole process (floorProcess.ts), when a names file was given. */
  readonly floorProcess: number[];
  readonly floorDiagnostics: number;
}

/**
 * brief-lint on one brief as a whole process, beside `node -e 0` and, given the KB's names, the
 * floor as a whole process, alternating so that load drifts hit all. The first round is not
 * timed: that run also fills BRIEF_CACHE_DIR with the KB's readings and brief-lint's V8 code
 * cache, so the timed runs are warm starts, as in CI after the first run on a machine (a CI job
 * that starts from an empty cache pays the compile again, 30–50 ms here).
 */
export function measureLint(file: string, dataDir: string, runs: number, namesFile?: string): ProcessTimes {
  const env = { ...process.env, BRIEF_DATA_DIR: dataDir, BRIEF_CACHE_DIR: BRIEF_CACHE };
  const lint: number[] = [];
  const nodeBaseline: number[] = [];
  const floorProcess: number[] = [];
  let lintDiagnostics = -1;
  let lintExit: number | null = null;
  let floorDiagnostics = -1;
  const count = (json: string) => {
    try {
      return (JSON.parse(json) as unknown[]).length;
    } catch {
      return -1;
    }
  };
  for (let i = 0; i < runs + 1; i++) {
    let t0 = performance.now();
    const r = spawnSync(process.execPath, [LINT_JS, '--format', 'json', path.basename(file)], { cwd: path.dirname(file), env, encoding: 'utf8', maxBuffer: 64 << 20 });
    const lintMs = performance.now() - t0;
    t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    const nodeMs = performance.now() - t0;
    let floorMs = NaN;
    let floorOut = '';
    if (namesFile) {
      t0 = performance.now();
      floorOut = spawnSync(process.execPath, [FLOOR_PROCESS_JS, namesFile, file], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
      floorMs = performance.now() - t0;
    }
    if (i === 0) {
      lintExit = r.status;
      lintDiagnostics = count(r.stdout);
      if (namesFile) floorDiagnostics = count(floorOut);
      continue; // the first round warms the page cache
    }
    lint.push(lintMs);
    nodeBaseline.push(nodeMs);
    if (namesFile) floorProcess.push(floorMs);
  }
  return { lint, nodeBaseline, lintDiagnostics, lintExit, floorProcess, floorDiagnostics };
}

export interface ClientActivation {
  /** require('dist/client.js') + activate() until it (or the promise it returns) settles, per run. */
  readonly activate: number[];
  /** From activate's return to the end of the start task's synchronous part (library load, client set-up, fork), per run. */
  readonly deferred: number[];
  /** Server processes the start task forked (1 when the stand-in got that far). */
  readonly spawned: number;
  readonly error?: string;
}

/** The names `vscode` exports (from @types/vscode), so that the stand-in has every one of them. */
function vscodeExports(): string[] {
  const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  return [...new Set([...dts.matchAll(/^\texport (?:class|enum|namespace|const|function|let) (\w+)/gm)].map((m) => m[1]))];
}

/**
 * Activation in a fresh process with a stand-in `vscode` module: loading dist/client.js, then
 * `activate(context)` until it returns, which is what the extension host waits for. The start
 * task `activate` queues for right after (loading vscode-languageclient, creating the client,
 * forking the server) runs on the same thread; its synchronous part is timed apart, up to the
 * next macrotask. The process then kills the server it forked and exits: the server's spawn →
 * initialize is the start-up section's figure. The stand-in answers every API with a callable
 * proxy, plus the few values the client library checks (VS Code's version, settings' defaults,
 * the extension's path).
 */
export function measureClientLoad(runs: number): ClientActivation {
  const script = `
    const Module = require('module');
    const path = require('path');
    const stub = () => new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : k === 'then' ? undefined : stub()), construct: () => stub(), apply: () => stub() });
    const vscode = {};
    for (const name of ${JSON.stringify(vscodeExports())}) vscode[name] = stub();
    const partly = (values) => new Proxy(values, { get: (t, k) => (k in t ? t[k] : stub()) });
    Object.assign(vscode, {
      version: '1.91.0',
      env: partly({ appName: 'stand-in', language: 'en' }),
      workspace: partly({ isTrusted: true, workspaceFolders: undefined, getConfiguration: () => ({ get: (key, value) => value }) }),
    });
    const load = Module._load;
    Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
    // The server processes the start task spawns are ended before this process exits.
    const cp = require('child_process');
    const spawned = [];
    for (const f of ['fork', 'spawn']) { const real = cp[f]; cp[f] = (...a) => { const c = real.apply(cp, a); spawned.push(c); return c; }; }
    const root = ${JSON.stringify(path.dirname(path.dirname(CLIENT_JS)))};
    const context = { subscriptions: [], asAbsolutePath: (p) => path.join(root, p), extensionPath: root };
    (async () => {
      const t0 = performance.now();
      const extension = require(${JSON.stringify(CLIENT_JS)});
      await extension.activate(context);
      const t1 = performance.now();
      // The start task was queued with setImmediate during activate: this one runs after it and its microtasks.
      setImmediate(() => {
        const deferred = performance.now() - t1;
        for (const c of spawned) c.kill('SIGKILL');
        process.stdout.write(JSON.stringify({ activate: t1 - t0, deferred, spawned: spawned.length }));
        process.exit(0);
      });
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
  `;
  const activate: number[] = [];
  const deferred: number[] = [];
  let error: string | undefined;
  let spawned = 0;
  for (let i = 0; i < runs + 1; i++) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    let times: { activate?: number; deferred?: number; spawned?: number } = {};
    try {
      times = r.status === 0 ? (JSON.parse(r.stdout) as typeof times) : {};
    } catch {
      times = {};
    }
    if (r.status !== 0) error ??= r.stderr.slice(0, 500);
    spawned = times.spawned ?? spawned;
    if (i === 0) continue; // the first run warms the page cache
    activate.push(times.activate ?? NaN);
    deferred.push(times.deferred ?? NaN);
  }
  return { activate, deferred, spawned, error };
}

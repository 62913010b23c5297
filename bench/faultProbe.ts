/**
 * What fresh memory costs on this machine, and how much of it Brief's processes touch: for telling
 * how much of a figure is the kernel handing out pages rather than Brief's own work.
 *
 * `node out/bench/faultProbe.js [--runs=N]` (after `npm run build` and
 * `npx tsc -p bench/tsconfig.json`; Linux, which has /proc) prints:
 * - the cost of a first touch of a page (`pageTouchMicroseconds`, which the bench prints too);
 * - minor page faults and wall time (medians of N runs, 5 unless given) of `node -e 0`,
 *   `brief-lint --version` (the bundle from its code cache and nothing else), brief-lint on a
 *   one-line brief and on the bench's 1 MB brief (KB of 1,000 entities), as the bench runs them;
 * - per open of the 1 MB brief, 14 opens in one session each: the time to diagnostics and the
 *   minor page faults of Brief's server and of the minimal server;
 * - with `--large`, warm starts of Brief's server on the KB of 100,000 entities (generated first
 *   if need be, which takes minutes; one start to fill the cache, then N): spawn to the first
 *   diagnostics, the page faults by then and the resident set.
 *
 * The children report their own faults (`process.resourceUsage()` at exit, through a preloaded
 * script), so the figures include what node itself needs before any of Brief runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspSession } from './lspDriver';
import { BENCH_DIR, BRIEF_CACHE, LINT_JS, SEED, briefServer, minimalServer } from './config';
import { generateDocument, loadOrGenerateKb } from './generate';
import { pageTouchMicroseconds } from './machine';
import { tinyDocument, waitReady } from './measure';
import { summarize } from './stats';

const MARK = 'brief-fault-probe:';

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Minor page faults so far of a running process, from `/proc/<pid>/stat` (field 10). */
function minorFaults(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
}

/** Runs `node <args>` in `cwd`, N times; the medians of its wall time and of the faults it reported. */
function processFaults(args: string[], cwd: string, env: NodeJS.ProcessEnv, runs: number, preload: string): { ms: number; faults: number } {
  const times: number[] = [];
  const faults: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['-r', preload, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    const line = r.stderr.split('\n').find((l) => l.startsWith(MARK));
    if (!line) throw new Error(`node ${args.join(' ')}: no fault report (exit ${r.status})\n${r.stderr.slice(-1000)}`);
    if (i === 0) continue; // the first run fills the page cache and brief-lint's caches
    times.push(ms);
    faults.push(Number(line.slice(MARK.length)));
  }
  return { ms: summarize(times).median, faults: summarize(faults).median };
}

async function opens(label: string, session: LspSession, folder: string, text: string): Promise<void> {
  const pid = session.process.pid;
  if (pid === undefined) throw new Error(`${label}: no process id`);
  const cells: string[] = [];
  for (let i = 0; i < 14; i++) {
    const uri = pathToFileURL(path.join(folder, `fault-probe-${i}.brief`)).toString();
    const before = minorFaults(pid);
    const r = await session.openAndDiagnose(uri, text);
    cells.push(`${r.ms.toFixed(1)} ms/${minorFaults(pid) - before}`);
    await session.close(uri);
  }
  console.log(`  ${label.padEnd(8)} ${cells.join('  ')}`);
}

async function main(): Promise<void> {
  if (!fs.existsSync('/proc/self/stat')) throw new Error('this probe reads /proc: Linux only');
  const runs = Number(option('runs') ?? 5);
  const root = path.join(BENCH_DIR, 'full');
  const small = loadOrGenerateKb(SEED, 1000, path.join(root, 'kb-1000')).kb;
  // The bench's 1 MB brief (same seed and options as bench/run.ts).
  const doc = generateDocument(small, { seed: SEED + 101, size: 1024 * 1024, definitions: 'all', definitionTarget: (id) => `https://kb.invalid/entity/${id}` });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-fault-probe-'));
  try {
    fs.writeFileSync(path.join(work, 'brief-1mb.brief'), doc.brief);
    fs.writeFileSync(path.join(work, 'tiny.brief'), tinyDocument('brief').text);
    const preload = path.join(work, 'report-faults.js');
    fs.writeFileSync(preload, `process.on('exit', () => process.stderr.write(${JSON.stringify(MARK)} + process.resourceUsage().minorPageFault + '\\n'));\n`);

    console.log(`first touch of a page: ${pageTouchMicroseconds().toFixed(2)} µs (64 MiB, one byte per 4 KiB, the median of three)`);

    console.log(`whole processes (medians of ${runs}; minor page faults as the process counts them):`);
    const env = { ...process.env, BRIEF_DATA_DIR: small.dataDir, BRIEF_CACHE_DIR: BRIEF_CACHE };
    const rows: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['brief-lint --version', [LINT_JS, '--version']],
      ['brief-lint, one-line brief', [LINT_JS, '--format', 'json', 'tiny.brief']],
      ['brief-lint, 1 MB brief', [LINT_JS, '--format', 'json', 'brief-1mb.brief']],
    ];
    for (const [label, args] of rows) {
      const r = processFaults(args, work, env, runs, preload);
      console.log(`  ${label.padEnd(28)} ${r.ms.toFixed(1).padStart(6)} ms  ${r.faults.toFixed(0).padStart(6)} faults`);
    }

    console.log('opens of the 1 MB brief, one session each (time to diagnostics / minor page faults of the server):');
    const folder = fs.mkdtempSync(path.join(work, 'folder-'));
    for (const spec of [briefServer(small.dataDir), minimalServer(small.namesFile)]) {
      const session = await LspSession.start(spec, [folder]);
      try {
        await waitReady(session, folder);
        await opens(spec.name, session, folder, doc.brief);
      } finally {
        await session.stop();
      }
    }
    if (process.argv.includes('--large')) {
      const large = loadOrGenerateKb(SEED + 1, 100_000, path.join(root, 'kb-100000')).kb;
      console.log(`warm starts on the KB of 100,000 entities (after one that fills the cache; ${runs}):`);
      for (let i = 0; i < runs + 1; i++) {
        const t0 = performance.now();
        const session = await LspSession.start(briefServer(large.dataDir), [folder]);
        try {
          await waitReady(session, folder);
          const ms = performance.now() - t0;
          const pid = session.process.pid ?? 0;
          if (i > 0) console.log(`  ${ms.toFixed(0)} ms  ${minorFaults(pid)} faults  ${(session.currentRss() / 2 ** 20).toFixed(0)} MiB resident`);
        } finally {
          await session.stop();
        }
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/**
 * A KB file of a workspace of 10,000 briefs saved with a comment line added on top, which moves
 * every entity of the file a line down and changes none: how many briefs the server re-checks,
 * and the CPU time the save costs it.
 *
 * `node out/bench/kbMove.js [saves] [--server=FILE]` (after `npm run build` and
 * `npx tsc -p bench/tsconfig.json`) copies the bench's workspace of 10,000 briefs and its KB of
 * 1,000 entities (as in `npm run bench`, seeds 20240501 and 20240801) into one folder whose
 * `.briefrc.yaml` lists the KB, starts the server on it, waits until the closed briefs are
 * checked, then saves `person.yaml` (3 times unless given), each time with one comment line more
 * on top. Per save it prints the server's "Re-checking" line and the server's CPU time from the
 * save until a second passes in which it takes less than 20 ms (read from /proc, so Linux only).
 * `--server` runs another build's `dist/server.js`, to compare two builds. Not part of
 * `npm run bench`: a reload is not among the goals.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BENCH_DIR, briefServer, SEED } from './config';
import { loadOrGenerateKb, loadOrGenerateWorkspace } from './generate';
import { LspSession } from './lspDriver';
import { describeMachine, machineInfo } from './machine';

const QUIET_CPU_MS = 20;

/** The process's CPU time so far (user and system), ms. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a second passes with less than QUIET_CPU_MS of CPU; returns the CPU time then. */
async function quiet(pid: number): Promise<number> {
  for (let last = cpuMs(pid); ; ) {
    await sleep(1000);
    const now = cpuMs(pid);
    if (now - last < QUIET_CPU_MS) return now;
    last = now;
  }
}

async function main(): Promise<void> {
  const saves = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
  const server = process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length);
  const kb = loadOrGenerateKb(SEED, 1000, path.join(BENCH_DIR, 'full', 'kb-1000')).kb;
  const briefs = loadOrGenerateWorkspace(kb, SEED + 300, 10_000, path.join(BENCH_DIR, 'full', 'workspace')).workspace;
  const root = path.join(BENCH_DIR, 'kb-move');
  const ws = path.join(root, 'ws');
  const dataDir = path.join(root, 'data');
  fs.rmSync(root, { recursive: true, force: true });
  fs.cpSync(briefs.briefFolder, path.join(ws, 'briefs'), { recursive: true });
  fs.cpSync(path.join(kb.dataDir, 'kb'), path.join(ws, 'kb'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.briefrc.yaml'), 'kb: [kb/*.yaml]\n');
  // The bundled data: the source alone, so that the workspace's files hold every entity.
  fs.mkdirSync(path.join(dataDir, 'kb'), { recursive: true });
  fs.cpSync(path.join(kb.dataDir, 'sources'), path.join(dataDir, 'sources'), { recursive: true });
  const kbFile = path.join(ws, 'kb', 'person.yaml');
  const original = fs.readFileSync(kbFile, 'utf8');

  const spec = { ...briefServer(dataDir), ...(server ? { script: path.resolve(server) } : {}) };
  console.log(`machine: ${describeMachine(machineInfo())}; Node ${process.version}; server ${spec.script}`);
  const session = await LspSession.start(spec, [ws]);
  while (!session.logs.some((l) => /^Checked \d+ closed/.test(l))) await sleep(50);
  const pid = session.process.pid;
  if (pid === undefined) throw new Error('the server has no pid');
  for (let k = 1; k <= saves; k++) {
    const before = await quiet(pid);
    const mark = session.logs.length;
    // The server watches its KB files itself: the bench's client declares no file watching.
    fs.writeFileSync(kbFile, `${'# comment\n'.repeat(k)}${original}`);
    const rechecking = () => session.logs.slice(mark).find((l) => /^Re-checking/.test(l));
    while (!rechecking()) await sleep(20);
    const after = await quiet(pid);
    console.log(`save ${k}: ${rechecking()} Server CPU for the save: ${after - before} ms.`);
  }
  await session.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

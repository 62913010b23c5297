/**
 * Find references to the workspace's most mentioned entity over the protocol, many times in one
 * session: the request behind the bench's find-references p95 (a megabyte of locations), timed in
 * three parts as the client sees them.
 *
 * `node out/bench/refsProbe.js [options]` (after `npm run build` and
 * `npx tsc -p bench/tsconfig.json`, on the workspace `npm run bench` generated in BENCH_DIR):
 * starts Brief's server on the bench's workspace of 10,000 briefs with the bench's client, waits
 * for the indexing progress to end, opens the brief of the entity's first mention and asks for its
 * references `n` times, one after the other as the bench does.
 *
 * - `--requests=N` — requests (default 30);
 * - `--after-check` — first wait until the server has checked the closed briefs (its log says so),
 *   which it does in the background after indexing, while the bench's requests run;
 * - `--server=FILE` — another build's server script, for alternating two builds;
 * - `--node-flags="…"` — node or V8 flags for the server's process (space-separated).
 *
 * Prints p50 and p95 and, for each request: the whole round trip, when the first bytes after the
 * request reached the client (the server's work, unless a notification came first) and when the
 * last did (the rest of the round trip is the client reading the answer).
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import { LspSession } from './lspDriver';
import { BENCH_DIR, SEED, briefServer } from './config';
import { loadOrGenerateKb, loadOrGenerateWorkspace } from './generate';
import { summarize } from './stats';

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const root = path.join(BENCH_DIR, 'full');
  const kb = loadOrGenerateKb(SEED, 1000, path.join(root, 'kb-1000')).kb;
  const ws = loadOrGenerateWorkspace(kb, SEED + 300, 10_000, path.join(root, 'workspace')).workspace;
  const requests = Number(option('requests') ?? 30);
  const nodeArgs = (option('node-flags') ?? '').split(' ').filter((flag) => flag !== '');
  const spec = briefServer(kb.dataDir, nodeArgs);
  const session = await LspSession.start({ ...spec, script: option('server') ?? spec.script }, [ws.briefFolder]);
  try {
    await session.progressSettled(5000);
    if (process.argv.includes('--after-check')) {
      while (!session.logs.some((line) => /closed briefs? in/.test(line))) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const [id, count] = [...ws.referenceCounts.entries()].sort((a, b) => b[1] - a[1])[0];
    const mention = ws.firstMention.get(id);
    if (!mention) throw new Error(`no mention of ${id} in the workspace`);
    const uri = pathToFileURL(mention.file).toString();
    await session.openAndDiagnose(uri, fs.readFileSync(mention.file, 'utf8'));
    const position = { line: mention.site.brief.line, character: mention.site.brief.nameCol + 1 };
    let sent = 0;
    let firstByte = NaN;
    let lastByte = NaN;
    session.process.stdout?.on('data', () => {
      const now = performance.now() - sent;
      if (Number.isNaN(firstByte)) firstByte = now;
      lastByte = now;
    });
    const rows: { whole: number; first: number; last: number }[] = [];
    let bytes = 0;
    for (let i = 0; i < requests; i++) {
      firstByte = NaN;
      sent = performance.now();
      const answer = await session.references(uri, position);
      if (answer.result?.length !== count) throw new Error(`${answer.result?.length ?? 0} references to ${id} found, ${count} planted`);
      rows.push({ whole: answer.ms, first: firstByte, last: lastByte });
      bytes = Buffer.byteLength(JSON.stringify(answer.result));
    }
    const s = summarize(rows.map((r) => r.whole));
    const list = (pick: (r: (typeof rows)[number]) => number) => rows.map((r) => pick(r).toFixed(0).padStart(4)).join('');
    console.log(`${id}: ${count} locations, ${(bytes / 1024).toFixed(0)} KiB of JSON; p50 ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms`);
    console.log(`whole round trip, ms: ${list((r) => r.whole)}`);
    console.log(`first bytes in, ms:   ${list((r) => r.first)}`);
    console.log(`last bytes in, ms:    ${list((r) => r.last)}`);
    console.log(session.logs.filter((line) => /Indexed|closed briefs?/.test(line)).join('\n'));
  } finally {
    await session.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/**
 * Completions or hovers over the protocol, many per session, at the bench's positions: for telling
 * a change in what an answer costs from the spread of the bench's single session of 100.
 *
 * `node out/bench/requestProbe.js [options]` (after `npm run build` and
 * `npx tsc -p bench/tsconfig.json`, on the inputs `npm run bench` generated in BENCH_DIR):
 * starts Brief's server (dist/server.js) on the bench's KB of 100,000 entities with the bench's
 * client (VS Code's completion capabilities), opens the 1 MB brief, waits for the workspace
 * index's update of it, then asks at `n` positions spread over its references (1–3 characters
 * into a name for completion, as the bench does; the first five are not counted).
 *
 * - `--hover` — hovers instead of completions;
 * - `--requests=N` — positions (default 400; the bench's figure uses 100);
 * - `--prewarm=N` — first, N completions and N hovers at other positions, not counted;
 * - `--kb=DIR` — another KB folder (a copy of the bench's, e.g.) in place of the KB of 100,000;
 * - `--server=FILE` — another build's server script (e.g. a worktree's
 *   `out/server/src/node/main.js`), for alternating two builds;
 * - `--node-flags="…"` — node or V8 flags for the server's process (space-separated, e.g.
 *   `--no-opt`), for telling which of V8's mechanisms a slow request waits for (none that
 *   prints to stdout, which is the protocol's channel: `--trace-gc` breaks the session);
 * - `--split` — each request's time in four parts, on the machine's clock: to the server (sent →
 *   its stdin has it), in the server (→ it writes the answer; `serverClock.ts`, preloaded), the
 *   pipe back (→ the bench's stdout listener has it) and the client (→ the answer is resolved);
 * - `--as-bench` — in the bench's order instead: 12 opens and closes of the 1 MB brief under
 *   other names and 12 one-character edits of it, and the requests at once after the last edit,
 *   without waiting for the workspace index.
 *
 * Prints p50 and p95, the answers' median size and the slowest requests: their places, the entity
 * each asked about and the answer's size.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import { LspSession } from './lspDriver';
import { BENCH_DIR, SEED, briefServer } from './config';
import { generateDocument, loadOrGenerateKb } from './generate';
import { waitReady } from './measure';
import { summarize } from './stats';
import { observeCollections, type Collection } from './serverClock';

const MB = 1024 * 1024;
const WARMUP = 5;

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const hover = process.argv.includes('--hover');
  const requests = Number(option('requests') ?? 400) + WARMUP;
  const prewarm = Number(option('prewarm') ?? 0);
  const asBench = process.argv.includes('--as-bench');
  const root = path.join(BENCH_DIR, 'full');
  const large = loadOrGenerateKb(SEED + 1, 100_000, path.join(root, 'kb-100000')).kb;
  const doc = generateDocument(large, { seed: SEED + 200, size: MB, definitions: 'all', definitionTarget: (id) => id });
  const folder = path.join(root, 'folder-large');
  const spec = briefServer(option('kb') ?? large.dataDir);
  const server = option('server');
  const nodeArgs = (option('node-flags') ?? '').split(' ').filter((flag) => flag !== '');
  const split = process.argv.includes('--split');
  const clockFile = path.join(os.tmpdir(), `brief-probe-clock-${process.pid}.json`);
  if (split) nodeArgs.push(`--require=${path.join(__dirname, 'serverClock.js')}`);
  const clientCollections = split ? observeCollections() : [];
  const env = split ? { ...spec.env, BENCH_CLOCK_FILE: clockFile, BENCH_CLOCK_METHOD: hover ? 'textDocument/hover' : 'textDocument/completion' } : spec.env;
  const session = await LspSession.start({ ...spec, env, script: server ?? spec.script, nodeArgs }, [folder]);
  const clock = () => performance.timeOrigin + performance.now();
  /** Per timed request, on the machine's clock: sent, the answer's first bytes in, resolved. */
  const marks: { sent: number; arrived: number; resolved: number }[] = [];
  let arrived = NaN;
  session.process.stdout?.on('data', (chunk: Buffer) => {
    if (Number.isNaN(arrived) && chunk.includes('"result"')) arrived = clock();
  });
  try {
    await waitReady(session, folder);
    const uri = pathToFileURL(path.join(folder, 'probe.brief')).toString();
    if (asBench) {
      for (let i = 0; i < 12; i++) {
        const other = pathToFileURL(path.join(folder, `probe-open${i}.brief`)).toString();
        await session.openAndDiagnose(other, doc.brief);
        await session.close(other);
      }
    }
    await session.openAndDiagnose(uri, doc.brief);
    if (asBench) {
      const at = doc.editAt.brief;
      for (let i = 0; i < 12; i++) {
        const end = i % 2 === 0 ? at : { line: at.line, character: at.character + 1 };
        await session.editAndDiagnose(uri, { range: { start: at, end }, text: i % 2 === 0 ? 'x' : '' });
      }
    } else {
      // The workspace index takes an open brief's text after a second without edits (openBriefIndex.ts).
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    const known = doc.references.filter((r) => r.entity !== undefined);
    for (let i = 0; i < prewarm; i++) {
      const site = known[(i * 7919 + 13) % known.length].brief;
      await session.completion(uri, { line: site.line, character: site.nameCol + 1 + (i % 3) });
      await session.hover(uri, { line: site.line, character: site.nameCol + 1 });
    }
    const picked = Array.from({ length: requests }, (_, i) => known[Math.floor((i * known.length) / requests) % known.length]);
    const timed: { place: number; ms: number; bytes: number; entity: string }[] = [];
    for (let i = 0; i < picked.length; i++) {
      const site = picked[i].brief;
      arrived = NaN;
      const sent = clock();
      const r = hover
        ? await session.hover(uri, { line: site.line, character: site.nameCol + 1 })
        : await session.completion(uri, { line: site.line, character: site.nameCol + Math.min(site.nameLength, 1 + (i % 3)) });
      marks.push({ sent, arrived, resolved: clock() });
      if (i >= WARMUP) timed.push({ place: i, ms: r.ms, bytes: JSON.stringify(r.result).length, entity: String(picked[i].entity) });
    }
    const times = summarize(timed.map((t) => t.ms));
    const bytes = summarize(timed.map((t) => t.bytes));
    console.log(`${hover ? 'hover' : 'completion'}${asBench ? ' (in the bench\'s order)' : ''}: ${timed.length} after ${WARMUP}${prewarm ? ` and ${prewarm} at other places` : ''}; p50 ${times.median.toFixed(2)} ms, p95 ${times.p95.toFixed(2)} ms; answer ${(bytes.median / 1024).toFixed(1)} KB`);
    const slowest = [...timed].sort((a, b) => b.ms - a.ms).slice(0, 8);
    console.log(`slowest: ${slowest.map((t) => `#${t.place} ${t.ms.toFixed(1)} ms (${t.entity}, ${(t.bytes / 1024).toFixed(1)} KB)`).join(', ')}`);
  } finally {
    await session.stop();
  }
  if (split) printSplit(clockFile, marks, clientCollections);
}

/** The four parts of each request's time (see `--split`): the slowest eight and the medians. */
function printSplit(clockFile: string, marks: readonly { sent: number; arrived: number; resolved: number }[], clientCollections: readonly Collection[]): void {
  const server = JSON.parse(fs.readFileSync(clockFile, 'utf8')) as { read: number[]; written: number[]; collections: Collection[] };
  fs.rmSync(clockFile, { force: true });
  // The server saw every request of the method; the timed ones are the last.
  const read = server.read.slice(-marks.length);
  const written = server.written.slice(-marks.length);
  const parts = marks
    .map((m, i) => ({ place: i, sent: m.sent, resolved: m.resolved, whole: m.resolved - m.sent, toServer: read[i] - m.sent, inServer: written[i] - read[i], pipe: m.arrived - written[i], client: m.resolved - m.arrived }))
    .slice(WARMUP);
  const f = (ms: number) => ms.toFixed(2);
  const median = (pick: (p: (typeof parts)[number]) => number) => f(summarize(parts.map(pick)).median);
  console.log(`split, medians: whole ${median((p) => p.whole)} = to the server ${median((p) => p.toServer)} + in it ${median((p) => p.inServer)} + the pipe back ${median((p) => p.pipe)} + the client ${median((p) => p.client)} ms`);
  // A collection in either process that overlaps a request's time: where a slow one waited.
  const during = (who: string, collections: readonly Collection[], p: (typeof parts)[number]) =>
    collections
      .filter((c) => c.start < p.resolved && c.start + c.ms > p.sent)
      .map((c) => `${who} ${c.kind} collection ${f(c.ms)} ms at +${f(c.start - p.sent)}`);
  for (const p of [...parts].sort((a, b) => b.whole - a.whole).slice(0, 8)) {
    const gcs = [...during('server', server.collections, p), ...during('client', clientCollections, p)];
    console.log(`  #${p.place} ${f(p.whole)} = ${f(p.toServer)} + ${f(p.inServer)} + ${f(p.pipe)} + ${f(p.client)}${gcs.length > 0 ? `; ${gcs.join(', ')}` : ''}`);
  }
  const count = (collections: readonly Collection[], kind: Collection['kind']) => collections.filter((c) => c.kind === kind && c.start >= parts[0].sent).length;
  console.log(`collections while timed: server ${count(server.collections, 'young')} young, ${count(server.collections, 'full')} full; client ${count(clientCollections, 'young')} young, ${count(clientCollections, 'full')} full`);
}

void main();

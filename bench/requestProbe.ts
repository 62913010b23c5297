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
 * - `--as-bench` — in the bench's order instead: 12 opens and closes of the 1 MB brief under
 *   other names and 12 one-character edits of it, and the requests at once after the last edit,
 *   without waiting for the workspace index.
 *
 * Prints p50 and p95, the answers' median size and the slowest requests: their places, the entity
 * each asked about and the answer's size.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspSession } from './lspDriver';
import { BENCH_DIR, SEED, briefServer } from './config';
import { generateDocument, loadOrGenerateKb } from './generate';
import { waitReady } from './measure';
import { summarize } from './stats';

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
  const session = await LspSession.start({ ...spec, script: server ?? spec.script, nodeArgs }, [folder]);
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
      const r = hover
        ? await session.hover(uri, { line: site.line, character: site.nameCol + 1 })
        : await session.completion(uri, { line: site.line, character: site.nameCol + Math.min(site.nameLength, 1 + (i % 3)) });
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
}

void main();

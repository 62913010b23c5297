/**
 * The core's own time for what the bench times over the protocol, without the protocol: checking
 * the 1 MB brief (KB of 1,000 entities), and completion and hover on the 1 MB brief over the KB of
 * 100,000, at the bench's positions (1–3 characters into a reference of a known entity). For telling
 * a change in Brief's work from a change in a run's round trips, which on this machine move the
 * server figures by as much as a change of code.
 *
 * `node out/bench/coreProbe.js` (after `npx tsc -p bench/tsconfig.json`), on the bench's inputs
 * (generated as `npm run bench` does, same seed, reused from BENCH_DIR). Reads the KB of 100,000
 * without a reading cache (about 5 s). Prints median (min–max, n), and p95 for the requests.
 */
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver-types';
import { loadProject } from '../server/src/core/project';
import { createLanguageService } from '../server/src/core/languageService';
import { NodeWorkspace } from '../server/src/node/nodeWorkspace';
import { BENCH_DIR, SEED } from './config';
import { generateDocument, loadOrGenerateKb } from './generate';
import { describeMachine, machineInfo } from './machine';
import { describe, ms, summarize } from './stats';

const MB = 1024 * 1024;
const REQUESTS = 600;

function timed(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const root = path.join(BENCH_DIR, 'full');
  const language = createLanguageService();
  const workspace = new NodeWorkspace({ stamps: false });
  const definitionTarget = (id: string) => id;
  console.log(describeMachine(machineInfo()));

  // Checking the 1 MB brief: each run a new document (uri and text), so nothing is reused.
  const small = loadOrGenerateKb(SEED, 1000, path.join(root, 'kb-1000')).kb;
  const smallState = await loadProject(workspace, { bundledDataDir: small.dataDir, trusted: true });
  const text = generateDocument(small, { seed: SEED + 101, size: MB, definitions: 'all', definitionTarget }).brief;
  const checks: number[] = [];
  for (let i = 0; i < 40; i++) {
    const doc = TextDocument.create(`file:///probe-${i}.brief`, 'brief', 1, `${text}\nline ${i}\n`);
    const t = timed(() => language.validate(doc, smallState.project));
    if (i >= 10) checks.push(t);
  }
  console.log(`check of the 1 MB brief (parse and validate), KB of 1000: ${describe(summarize(checks))}`);

  // Completion and hover on the KB of 100,000.
  const large = loadOrGenerateKb(SEED + 1, 100_000, path.join(root, 'kb-100000')).kb;
  const largeState = await loadProject(workspace, { bundledDataDir: large.dataDir, trusted: true });
  const generated = generateDocument(large, { seed: SEED + 200, size: MB, definitions: 'all', definitionTarget });
  const doc = TextDocument.create('file:///probe-large.brief', 'brief', 1, generated.brief);
  language.validate(doc, largeState.project);
  const known = generated.references.filter((r) => r.entity !== undefined);
  const sites = Array.from({ length: REQUESTS }, (_, i) => known[Math.floor((i * known.length) / REQUESTS)].brief);
  const completion: number[] = [];
  const hover: number[] = [];
  // A first round warms the code up; the second is kept.
  for (let round = 0; round < 2; round++) {
    completion.length = 0;
    hover.length = 0;
    sites.forEach((site, i) => {
      const typing: Position = { line: site.line, character: site.nameCol + Math.min(site.nameLength, 1 + (i % 3)) };
      completion.push(timed(() => language.complete(doc, largeState.project, typing)));
      hover.push(timed(() => language.hover(doc, largeState.project, { line: site.line, character: site.nameCol + 1 })));
    });
  }
  for (const [name, samples] of [['completion', completion], ['hover', hover]] as const) {
    const s = summarize(samples);
    console.log(`${name}, KB of 100000, in-process: ${describe(s)}, p95 ${ms(s.p95)}`);
  }
}

void main();

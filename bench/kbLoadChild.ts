/**
 * Runs in a fresh Node process for each KB-load measurement, so that "cold" means what it says:
 * no JIT, no module cache, no in-memory KB. Prints one JSON line.
 *
 *   node out/bench/kbLoadChild.js brief <dataDir> [repeats]   Brief's real loader (loadProject)
 *   node out/bench/kbLoadChild.js yaml-parse <dataDir>         yaml.parse of every file (the reference)
 *   node out/bench/kbLoadChild.js yaml-document <dataDir>      yaml.parseDocument (what the loader parses with)
 *   node out/bench/kbLoadChild.js js-yaml <dataDir>            js-yaml's load, when it is installed
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parse, parseDocument } from 'yaml';
import { loadProject } from '../server/src/core/project';
import { NodeWorkspace } from '../server/src/node/nodeWorkspace';

export interface KbLoadReport {
  readonly mode: string;
  /** The first load in this process, ms. */
  readonly first: number;
  /** Later loads in the same process (JIT warm), ms. */
  readonly repeats: number[];
  readonly entities?: number;
  readonly problems?: number;
  readonly peakRss: number;
  readonly error?: string;
}

function yamlFiles(dataDir: string): string[] {
  return ['kb', 'sources'].flatMap((dir) =>
    fs
      .readdirSync(path.join(dataDir, dir))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => path.join(dataDir, dir, f)),
  );
}

function peakRss(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main(): Promise<KbLoadReport> {
  const [mode, dataDir, repeatArg] = process.argv.slice(2);
  const repeats = Number(repeatArg ?? 0);
  if (mode === 'brief') {
    const ws = new NodeWorkspace();
    const load = async () => {
      const t0 = performance.now();
      const state = await loadProject(ws, { bundledDataDir: dataDir, trusted: true });
      return { ms: performance.now() - t0, state };
    };
    const first = await load();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) times.push((await load()).ms);
    const problems = [...first.state.fileDiagnostics.values()].reduce((n, list) => n + list.length, 0);
    return { mode, first: first.ms, repeats: times, entities: first.state.kbLoad.kb.entities.size, problems, peakRss: peakRss() };
  }
  const files = yamlFiles(dataDir);
  let parseAll: () => void;
  if (mode === 'yaml-parse') parseAll = () => files.forEach((f) => parse(fs.readFileSync(f, 'utf8')));
  else if (mode === 'yaml-document') parseAll = () => files.forEach((f) => parseDocument(fs.readFileSync(f, 'utf8')));
  else if (mode === 'js-yaml') {
    let jsYaml: { load(text: string): unknown };
    try {
      // Not a dependency of Brief: present in node_modules through a dev tool, used when found.
      jsYaml = require('js-yaml') as { load(text: string): unknown };
    } catch {
      return { mode, first: NaN, repeats: [], peakRss: NaN, error: 'js-yaml is not installed' };
    }
    parseAll = () => files.forEach((f) => jsYaml.load(fs.readFileSync(f, 'utf8')));
  } else throw new Error(`unknown mode ${mode}`);
  const t0 = performance.now();
  parseAll();
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    parseAll();
    times.push(performance.now() - t);
  }
  return { mode, first, repeats: times, peakRss: peakRss() };
}

main().then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ mode: process.argv[2], first: NaN, repeats: [], peakRss: NaN, error: String(error) })}\n`);
    process.exitCode = 1;
  },
);

/**
 * A KB file saved in a workspace whose own KB holds 100,000 entities: how long the analyst's
 * hovers wait while the server reads the save, and when the open brief shows it.
 *
 * `node out/bench/kbSave.js [saves] [--server=path/to/server.js]` (after `npm run build` and
 * `npx tsc -p bench/tsconfig.json`) writes the bench's KB of 100,000 entities (seed 20240502, as
 * `npm run bench`; reused when there) as a workspace's KB files of at most 3 MB each (a workspace
 * KB file is read up to 8 MiB), starts the server once to fill the reading cache, then again, opens
 * a brief that names the first entity of one file by a name it does not have yet, and saves that
 * file `saves` times (3 unless given), each once the last is read: a comment line on top (every
 * entity of the file moves a line) and the entity renamed to the name the brief says. Meanwhile
 * it hovers over the brief every 20 ms. Prints, per save: the longest hover wait, the hovers over
 * 100 ms, and the time from the save to the brief's fresh diagnostics. Not part of `npm run bench`:
 * a reload is not among the goals, and each save takes seconds.
 *
 * `--broken` saves three times, the edits an analyst makes on the way: the first with an error in
 * the file's own reading (the renamed entity's kind misspelt), the second with an error only the
 * checks across files find (a relation's target that is no entity), the third clean; the first two
 * are timed to the KB file's diagnostics showing the error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import { DiagnosticSeverity, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { BENCH_DIR, BRIEF_CACHE, briefServer, SEED } from './config';
import { loadOrGenerateKb } from './generate';
import { LspSession } from './lspDriver';
import { describeMachine, machineInfo } from './machine';

const PART_BYTES = 3_000_000;
const HOVER_EVERY_MS = 20;

/** The KB's files cut into parts of at most PART_BYTES, entry by entry, as `kb/<kind>-<n>.yaml`. */
function writeWorkspace(kbDir: string, ws: string): void {
  fs.rmSync(ws, { recursive: true, force: true });
  fs.mkdirSync(path.join(ws, 'kb'), { recursive: true });
  for (const file of fs.readdirSync(kbDir).sort()) {
    const text = fs.readFileSync(path.join(kbDir, file), 'utf8');
    const entries = text.slice(text.indexOf('entities:\n') + 'entities:\n'.length).split(/(?=^ {2}- id: )/m);
    let part: string[] = [];
    let size = 0;
    let n = 0;
    const flush = () => {
      if (part.length > 0) fs.writeFileSync(path.join(ws, 'kb', `${file.replace(/\.yaml$/, '')}-${n++}.yaml`), `entities:\n${part.join('')}`);
      [part, size] = [[], 0];
    };
    for (const entry of entries) {
      if (size + entry.length > PART_BYTES) flush();
      part.push(entry);
      size += entry.length;
    }
    flush();
  }
  fs.writeFileSync(path.join(ws, '.briefrc.yaml'), 'kb: [kb/*.yaml]\n');
}

/** The next diagnostics of the KB file that hold an error. */
async function kbErrorShown(session: LspSession, kbUri: string): Promise<PublishDiagnosticsParams> {
  for (;;) {
    const published = await session.waitForPublish(kbUri);
    if (published.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error)) return published;
  }
}

/**
 * The brief's next diagnostics without a problem: those of the save. (A re-check of the brief for
 * the save before may publish it first, with the problem the save is to fix.)
 */
async function briefClean(session: LspSession, uri: string): Promise<PublishDiagnosticsParams> {
  for (;;) {
    const published = await session.waitForPublish(uri);
    if (published.diagnostics.length === 0) return published;
  }
}

async function main(): Promise<void> {
  const broken = process.argv.includes('--broken');
  const saves = broken ? 3 : Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
  const server = process.argv.find((a) => a.startsWith('--server='))?.slice('--server='.length);
  const large = loadOrGenerateKb(SEED + 1, 100_000, path.join(BENCH_DIR, 'full', 'kb-100000'));
  const root = path.join(BENCH_DIR, 'kb-save');
  const ws = path.join(root, 'ws');
  writeWorkspace(path.join(large.kb.dataDir, 'kb'), ws);
  // The bundled data: the source alone, so that the workspace's files hold every entity.
  const dataDir = path.join(root, 'data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dataDir, 'kb'), { recursive: true });
  fs.cpSync(path.join(large.kb.dataDir, 'sources'), path.join(dataDir, 'sources'), { recursive: true });
  fs.rmSync(BRIEF_CACHE, { recursive: true, force: true });

  const spec = { ...briefServer(dataDir), ...(server ? { script: path.resolve(server) } : {}) };
  const kbFile = path.join(ws, 'kb', fs.readdirSync(path.join(ws, 'kb')).find((f) => f.startsWith('initiative-')) ?? '');
  const original = fs.readFileSync(kbFile, 'utf8');
  const nameLine = /^( {4}name: )"?([^"\n]+)"?$/m.exec(original);
  if (!nameLine) throw new Error(`no name in ${kbFile}`);
  const renamed = (k: number) => `# save ${k}\n${original.slice(0, nameLine.index)}${nameLine[1]}"${nameLine[2]} Z${k}"${original.slice(nameLine.index + nameLine[0].length)}`;
  // The edits of `--broken`: the first entity's kind misspelt, then a relation's target that is no entity.
  const edited = (k: number) => {
    if (!broken || k === saves) return renamed(k);
    if (k === 1) return renamed(k).replace(/^( {4}kind: )initiative$/m, '$1initiativ');
    return renamed(k).replace(/^( +target: )\S+$/m, '$1no-such-entity');
  };
  const kbUri = pathToFileURL(kbFile).toString();
  const briefFile = path.join(ws, 'analysis.brief');
  const briefText = (k: number) => `# Analysis\n\nThe initiative @[${nameLine[2]} Z${k}] goes on.\n`;
  fs.writeFileSync(briefFile, briefText(saves));
  const uri = pathToFileURL(briefFile).toString();
  const closedChecked = async (session: LspSession) => {
    while (!session.logs.some((l) => /^Checked \d+ closed/.test(l))) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  console.log(`machine: ${describeMachine(machineInfo())}; Node ${process.version}; server ${spec.script}`);
  const filling = await LspSession.start(spec, [ws]);
  await closedChecked(filling);
  await filling.stop();

  const session = await LspSession.start(spec, [ws]);
  await closedChecked(session);
  console.log(session.logs.filter((l) => /^Loaded/.test(l)).join('\n'));
  const lines: string[] = [];
  for (let k = 1; k <= saves; k++) {
    const text = briefText(k);
    const opened = k === 1 ? await session.openAndDiagnose(uri, text) : await session.editAndDiagnose(uri, { text });
    if (opened.diagnostics.length !== 1) throw new Error(`the brief should name one unknown entity before save ${k}`);
    const showsError = broken && k < saves;
    const published = showsError ? kbErrorShown(session, kbUri) : briefClean(session, uri);
    const kbText = edited(k);
    if (kbText === renamed(k) && showsError) throw new Error(`save ${k}: no edit to break ${kbFile}`);
    fs.writeFileSync(kbFile, kbText);
    // No didChangeWatchedFiles: the bench's client declares no file watching, so the server
    // watches its KB files itself (projectFileWatcher.ts), as for Neovim; an event of the client's
    // too would be a second reload of the same save.
    const saved = performance.now();
    const waits: number[] = [];
    let seen = false;
    const fresh = published.then(() => {
      seen = true;
      return { at: performance.now() };
    });
    while (!seen) {
      waits.push((await session.hover(uri, { line: 2, character: 20 })).ms);
      await new Promise((resolve) => setTimeout(resolve, HOVER_EVERY_MS));
    }
    const { at } = await fresh;
    lines.push(`save ${k}: ${showsError ? "the KB file's error shown" : 'brief fresh'} ${(at - saved).toFixed(0)} ms after the save; ${waits.length} hovers meanwhile, longest ${Math.max(...waits).toFixed(0)} ms, ${waits.filter((w) => w > 100).length} over 100 ms`);
    console.log(lines[lines.length - 1]);
  }
  console.log(session.logs.filter((l) => /^(Loaded|Read the KB|Could not read)/.test(l)).slice(1).join('\n'));
  console.log(`server peak RSS ${(session.peakRss() / 1048576).toFixed(0)} MiB`);
  await session.stop();
  fs.writeFileSync(kbFile, original);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

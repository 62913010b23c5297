/**
 * A KB reloaded in slices (core/steps.ts, kb/knowledgeBase.ts `knowledgeBaseSteps`, folders.ts):
 * the server's reload stops every few milliseconds to let requests be answered from the last
 * load. What it loads must be what the same files loaded at once give, errors and all.
 */
import { strict as assert } from 'assert';
import { loadProject, type ProjectOptions, type ProjectState } from '../../server/src/core/project';
import { runInSlices, runSteps, type Steps } from '../../server/src/core/steps';
import { Folders } from '../../server/src/node/folders';
import { MemoryWorkspace } from '../helpers/memoryWorkspace';

const SOURCE = 'id: src\ntitle: T\nauthor: A\npublisher: P\nyear: 2021\nparagraphs:\n  - { id: p1, section: S, text: "Cells meet in the hall." }\n';

/**
 * A KB file of `count` organizations, each part of the next one, with evidence; the last is part of the
 * first (a part-of cycle, a warning), and the first shares its name with the first of file `a`.
 */
function kbFile(file: string, count: number, edit: (n: number) => string = () => ''): string {
  const entry = (n: number) =>
    `  - id: ${file}-${n}\n    kind: organization\n    name: ${n === 0 ? 'Shared Cell' : `Cell ${file} ${n}`}\n    summary: S.\n` +
    `    relations:\n      - type: part-of\n        target: ${file}-${(n + 1) % count}\n        evidence: [ { source: src, paragraph: p1, quote: "Cells meet" } ]\n${edit(n)}`;
  return `entities:\n${Array.from({ length: count }, (_, n) => entry(n)).join('')}`;
}

const FILES = ['a', 'b', 'c'];
const COUNT = 1500;

function workspace(): MemoryWorkspace {
  const files: Record<string, string> = { '/data/sources/src.yaml': SOURCE, '/ws/.briefrc.yaml': 'kb: [kb/*.yaml]\n' };
  for (const f of FILES) files[`/ws/kb/${f}.yaml`] = kbFile(f, COUNT);
  return new MemoryWorkspace(files);
}

const OPTIONS: ProjectOptions = { bundledDataDir: '/data', folder: '/ws', trusted: true };

/** What a load gives, as data: every file's diagnostics, the entities in order, the names held back. */
function outcome(state: ProjectState): string {
  const { kb, diagnostics } = state.kbLoad;
  return JSON.stringify({
    diagnostics: [...diagnostics].sort(([a], [b]) => a.localeCompare(b)),
    entities: [...kb.entities.values()].map((e) => [e.id, e.name, e.relations.map((r) => r.target)]),
    held: [...kb.heldBack],
  });
}

describe('a KB reloaded in slices', () => {
  it('runInSlices pauses between slices and gives what runSteps gives', async () => {
    function* counting(): Steps<number> {
      let sum = 0;
      for (let i = 1; i <= 10; i++) {
        sum += i;
        yield;
      }
      return sum;
    }
    let pauses = 0;
    assert.equal(await runInSlices(counting(), async () => void pauses++, 0), 55);
    assert.equal(pauses, 10, 'a slice of 0 ms pauses at every step');
    assert.equal(runSteps(counting()), 55);
    pauses = 0;
    assert.equal(await runInSlices(counting(), async () => void pauses++, 60_000), 55);
    assert.equal(pauses, 0, 'a slice longer than the work never pauses');
  });

  it('loads what a load at once loads: a clean KB, then one with an error in a file of its own and one across files, from the last load', async () => {
    const ws = workspace();
    let pauses = 0;
    const sliced = { ...OPTIONS, slices: { pause: async () => void pauses++, sliceMs: 0 } };
    const clean = await loadProject(ws, OPTIONS);
    assert.ok(![...clean.kbLoad.diagnostics.values()].flat().some((d) => d.severity === 1), 'the first KB has warnings only');
    assert.equal(clean.kbLoad.kb.entities.size, FILES.length * COUNT);
    const cleanSliced = await loadProject(ws, sliced);
    assert.equal(outcome(cleanSliced), outcome(clean));
    // Each file read, then every thousand entities of the checks, and the steps of the cycles, the index and the shared labels.
    assert.ok(pauses >= FILES.length + (FILES.length * COUNT) / 1000, `${pauses} pauses`);
    assert.match(outcome(clean), /part-of cycle/);
    assert.match(outcome(clean), /Shared Cell/);

    // b.yaml: a kind misspelt (its own reading's error); c.yaml: a target that is no entity (an error across files).
    ws.files.set('/ws/kb/b.yaml', kbFile('b', COUNT, (n) => (n === 7 ? '  - { id: b-extra, kind: grup, name: Extra, summary: S. }\n' : '')));
    ws.files.set('/ws/kb/c.yaml', kbFile('c', COUNT).replace('target: c-9\n', 'target: nowhere-9\n'));
    const broken = await loadProject(ws, OPTIONS, clean);
    pauses = 0;
    const brokenSliced = await loadProject(ws, sliced, cleanSliced);
    assert.equal(outcome(brokenSliced), outcome(broken));
    assert.ok(pauses > FILES.length, `${pauses} pauses`);
    assert.match(outcome(broken), /targets 'nowhere-9', which is no entity/);
    assert.match(outcome(broken), /grup/, "b.yaml's own error");
    assert.equal(broken.kbLoad.kb.entities.get('c-8')?.relations[0].target, 'c-9', 'c.yaml falls back on its last good version');
  });

  it("a folder's reload pauses, answering from the last load meanwhile; its first load does not", async () => {
    const ws = workspace();
    const seen: (string | undefined)[] = [];
    const folders = new Folders({
      workspace: ws,
      bundledDataDir: '/data',
      trusted: true,
      log: () => undefined,
      reloadPause: async () => void seen.push(folders.loaded()[0]?.state.kbLoad.kb.entities.get('a-1')?.name),
    });
    folders.setFolders(['file:///ws']);
    await folders.reload('/ws');
    assert.deepEqual(seen, [], 'nothing to answer from before the first load');
    ws.files.set('/ws/kb/a.yaml', kbFile('a', COUNT).replace('name: Cell a 1\n', 'name: Renamed Cell\n'));
    await folders.reload('/ws');
    assert.ok(seen.length > 0, 'the reload paused');
    assert.deepEqual(new Set(seen), new Set(['Cell a 1']), 'requests meanwhile see the last load');
    assert.equal(folders.loaded()[0].state.kbLoad.kb.entities.get('a-1')?.name, 'Renamed Cell');
  });
});

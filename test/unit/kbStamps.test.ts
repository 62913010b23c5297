/**
 * KB files found by their stamp: a start whose readings are cached under the files' stamps reads
 * no YAML, a changed file is read again, and a file too fresh to stamp is always read.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { DiskReadingCache } from '../../server/src/node/kbCache';
import { NodeWorkspace } from '../../server/src/node/nodeWorkspace';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

const HOUR = 60 * 60 * 1000;

/** The disk, with a clock an hour ahead (every file has settled) and a count of the YAML files read. */
class CountingWorkspace extends NodeWorkspace {
  readonly yamlRead: string[] = [];
  constructor(clock: () => number = () => Date.now() + HOUR) {
    super({ now: clock });
  }
  override readFileNow(file: string): string | undefined {
    if (file.endsWith('.yaml')) this.yamlRead.push(path.basename(file));
    return super.readFileNow(file);
  }
}

describe('KB files found by their stamp', () => {
  let folder: string;
  let dataDir: string;
  let cacheDir: string;
  const load = (ws: NodeWorkspace): Promise<ProjectState> => loadProject(ws, { bundledDataDir: dataDir, trusted: false, cache: new DiskReadingCache([], cacheDir) });
  const entities = (state: ProjectState) => [...state.kbLoad.kb.entities.values()].map((e) => JSON.stringify(e));

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-stamps-'));
    dataDir = path.join(folder, 'data');
    cacheDir = path.join(folder, 'cache');
    for (const sub of ['kb', 'sources']) {
      fs.mkdirSync(path.join(dataDir, sub), { recursive: true });
      for (const f of fs.readdirSync(path.join(REPO_ROOT, 'data', sub)).filter((n) => n.endsWith('.yaml'))) {
        fs.copyFileSync(path.join(REPO_ROOT, 'data', sub, f), path.join(dataDir, sub, f));
      }
    }
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('a second start reads no YAML, and loads the same KB and diagnostics', async () => {
    const first = new CountingWorkspace();
    const cold = await load(first);
    assert.equal(first.yamlRead.length, 9, 'the first start reads every KB and source file');
    assert.ok(fs.readdirSync(cacheDir).some((n) => n.endsWith('.kbt')), 'stamp records are written');
    const second = new CountingWorkspace();
    const warm = await load(second);
    assert.deepEqual(second.yamlRead, []);
    assert.deepEqual(entities(warm), entities(cold));
    assert.equal(warm.kbLoad.kb.entities.size, 77);
    assert.deepEqual([...warm.fileDiagnostics.entries()], [...cold.fileDiagnostics.entries()]);
  });

  it('reads a file again when it changed, even to text of the same length', async () => {
    await load(new CountingWorkspace());
    const file = path.join(dataDir, 'kb', 'states.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const edited = text.replace('name: Tajikistan', 'name: Tajikistam');
    assert.equal(edited.length, text.length);
    fs.writeFileSync(file, edited);
    const ws = new CountingWorkspace();
    const state = await load(ws);
    assert.deepEqual(ws.yamlRead, ['states.yaml']);
    assert.equal(state.kbLoad.kb.entities.get('tajikistan')?.name, 'Tajikistam');
  });

  it('does not stamp a file changed within the last two seconds, so it is read every time', async () => {
    await load(new CountingWorkspace());
    const now = new CountingWorkspace(Date.now);
    await load(now);
    assert.equal(now.yamlRead.length, 9, 'files written just now are read, not found by stamp');
    const file = path.join(dataDir, 'kb', 'states.yaml');
    assert.equal(new NodeWorkspace({ now: Date.now }).stamp(file), undefined);
    assert.match(new NodeWorkspace({ now: () => Date.now() + HOUR }).stamp(file) ?? '', /^\d+:\d+:\d+:\d+:\d+$/);
    assert.equal(new NodeWorkspace({ now: () => Date.now() + HOUR }).stamp(path.join(dataDir, 'kb')), undefined, 'a folder has no stamp');
    assert.equal(new NodeWorkspace({ now: () => Date.now() + HOUR }).stamp(path.join(dataDir, 'missing.yaml')), undefined);
    assert.equal(new NodeWorkspace({ now: () => Date.now() + HOUR, stamps: false }).stamp(file), undefined, 'compile-kb stamps nothing');
  });

  it('parses the YAML again when the snapshot a stamp names is gone', async () => {
    const cold = await load(new CountingWorkspace());
    for (const n of fs.readdirSync(cacheDir).filter((n) => n.endsWith('.kbs'))) fs.rmSync(path.join(cacheDir, n));
    const ws = new CountingWorkspace();
    const again = await load(ws);
    assert.equal(ws.yamlRead.length, 9);
    assert.deepEqual(entities(again), entities(cold));
  });
});

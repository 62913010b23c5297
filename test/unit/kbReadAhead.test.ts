/**
 * A large KB read again in a worker thread before a reload (server/src/node/kbReadAhead.ts,
 * folders.ts): which reloads read ahead, that requests meanwhile see the last load, that a failed
 * worker costs nothing but the time, that saves during the read make it read again, and that the
 * real worker leaves in the disk cache what the server's own load then finds there.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Folders } from '../../server/src/node/folders';
import { readAheadInWorkers, type ReadAheadOutcome, type ReadAheadRequest } from '../../server/src/node/kbReadAhead';
import { NodeWorkspace } from '../../server/src/node/nodeWorkspace';
import { loadProject } from '../../server/src/core/project';
import { MemoryWorkspace } from '../helpers/memoryWorkspace';
import { CountingCache } from '../helpers/countingCache';

const CONFIG = 'kb: [kb/*.yaml]\n';
/** A KB file of `count` groups named "Cell <n> <tag>". */
const kbFile = (count: number, tag: string) =>
  `entities:\n${Array.from({ length: count }, (_, n) => `  - { id: cell-${n}, kind: group, name: Cell ${n} ${tag}, summary: S. }\n`).join('')}`;

function setUp(count: number, options: { readAheadFrom?: number; readAhead?: (request: ReadAheadRequest) => Promise<ReadAheadOutcome> }) {
  const workspace = new MemoryWorkspace({ '/ws/.briefrc.yaml': CONFIG, '/ws/kb/cells.yaml': kbFile(count, 'A') });
  const logs: string[] = [];
  const folders = new Folders({ workspace, bundledDataDir: '/data', trusted: true, log: (m) => logs.push(m), ...options });
  folders.setFolders(['file:///ws']);
  const names = () => folders.loaded()[0]?.state.kbLoad.kb.entities.get('cell-0')?.name;
  return { workspace, folders, logs, names };
}

/** A save of the KB file, as `cells.yaml` of `count` entities named with `tag`, and the reload it asks for. */
async function save({ workspace, folders }: ReturnType<typeof setUp>, tag: string, count = 5): Promise<void> {
  workspace.files.set('/ws/kb/cells.yaml', kbFile(count, tag));
  await folders.reload('/ws');
}

/** A read-ahead that reads at once, and counts its calls. */
function counting(): { calls: number; readAhead: () => Promise<ReadAheadOutcome> } {
  const counter = { calls: 0, readAhead: async () => (counter.calls++, 'read' as const) };
  return counter;
}

describe('reading a large KB ahead in a worker', () => {
  it('reads ahead on the reload of a KB of at least the threshold, and answers from the last load meanwhile', async () => {
    const seen: { request: ReadAheadRequest; name?: string }[] = [];
    const { workspace, folders, logs, names } = setUp(5, {
      readAheadFrom: 5,
      readAhead: async (request) => {
        seen.push({ request, name: names() });
        return 'read';
      },
    });
    await folders.reload('/ws');
    assert.equal(seen.length, 0, 'the first load has no last load to answer from: it reads at once');
    workspace.files.set('/ws/kb/cells.yaml', kbFile(5, 'B'));
    await folders.reload('/ws');
    assert.deepEqual(seen, [{ request: { folder: '/ws', bundledDataDir: '/data', trusted: true }, name: 'Cell 0 A' }]);
    assert.equal(names(), 'Cell 0 B');
    assert.ok(logs.some((l) => /^Read the KB of \/ws in a worker in \d+ ms\.$/.test(l)), logs.join('\n'));
  });

  it('does not read ahead for a KB under the threshold', async () => {
    const counter = counting();
    const setup = setUp(4, { readAheadFrom: 5, readAhead: counter.readAhead });
    await setup.folders.reload('/ws');
    await save(setup, 'B', 4);
    assert.equal(counter.calls, 0);
    assert.equal(setup.names(), 'Cell 0 B');
  });

  it('a worker that fails leaves the reload to the server: the new KB loads all the same', async () => {
    const setup = setUp(5, {
      readAheadFrom: 5,
      readAhead: async () => {
        throw new Error('out of memory');
      },
    });
    await setup.folders.reload('/ws');
    await save(setup, 'B');
    assert.equal(setup.names(), 'Cell 0 B');
    const { logs } = setup;
    assert.ok(logs.includes('Could not read the KB of /ws in a worker (out of memory); reading it here.'), logs.join('\n'));
  });

  it('a worker that stops at a file with errors leaves the load to the server, and reads no more rounds', async () => {
    let calls = 0;
    let saved: Promise<unknown> | undefined;
    const { workspace, folders, logs, names } = setUp(5, {
      readAheadFrom: 5,
      readAhead: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        // Saved during the first read: a worker that had read would read again.
        if (++calls === 1) saved = folders.reload('/ws');
        return 'unsettled';
      },
    });
    await folders.reload('/ws');
    workspace.files.set('/ws/kb/cells.yaml', kbFile(5, 'B'));
    await folders.reload('/ws');
    assert.equal(calls, 1);
    assert.equal(names(), 'Cell 0 B');
    await saved; // the save's own load, after this one
    assert.ok(logs.some((l) => /^A KB file of \/ws has errors: its KB is read here, where its files' last good versions are kept \(the worker's part: \d+ ms\)\.$/.test(l)), logs.join('\n'));
  });

  it('does not read ahead while the KB has errors: the load here would follow the worker at once', async () => {
    const counter = counting();
    const setup = setUp(5, { readAheadFrom: 5, readAhead: counter.readAhead });
    const { workspace, folders, names } = setup;
    workspace.files.set('/ws/kb/broken.yaml', 'entities:\n  - id: broken\n    kind: nonsense\n    name: Broken\n');
    await folders.reload('/ws');
    await save(setup, 'B');
    assert.equal(counter.calls, 0, 'the last load had an error');
    assert.equal(names(), 'Cell 0 B');
    // Fixed: that reload still follows a load with an error; the next one reads ahead.
    workspace.files.delete('/ws/kb/broken.yaml');
    await folders.reload('/ws');
    assert.equal(counter.calls, 0);
    await save(setup, 'C');
    assert.equal(counter.calls, 1);
    assert.equal(names(), 'Cell 0 C');
  });

  it('a save during the read makes the worker read again, three times at most, and one more load follows', async () => {
    let calls = 0;
    const pending: Promise<unknown>[] = [];
    const { workspace, folders, names } = setUp(5, {
      readAheadFrom: 5,
      readAhead: async () => {
        // A read takes time, as a worker's does: the test's own steps run in between.
        await new Promise((resolve) => setTimeout(resolve, 5));
        // Saved while the worker reads, in the first four reads: the cap ends the first load's rounds.
        if (++calls <= 4) {
          workspace.files.set('/ws/kb/cells.yaml', kbFile(5, `S${calls}`));
          pending.push(folders.reload('/ws'));
        }
        return 'read';
      },
    });
    await folders.reload('/ws');
    workspace.files.set('/ws/kb/cells.yaml', kbFile(5, 'B'));
    await folders.reload('/ws');
    assert.equal(calls, 3, 'three rounds, however many saves');
    assert.equal(names(), 'Cell 0 S3', 'the load after the rounds reads the files as they are then');
    // The saves during the rounds share one load after it (folders.ts): it reads ahead again,
    // twice (a save during its first read), and the save during it makes one more load.
    for (let count = 0; count < pending.length; ) {
      count = pending.length;
      await Promise.all(pending);
    }
    assert.equal(calls, 6);
    assert.equal(names(), 'Cell 0 S4');
  });
});

describe('the read-ahead worker', () => {
  const made: string[] = [];
  const cacheBefore = process.env.BRIEF_CACHE_DIR;
  afterEach(() => {
    if (cacheBefore === undefined) delete process.env.BRIEF_CACHE_DIR;
    else process.env.BRIEF_CACHE_DIR = cacheBefore;
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (name: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `brief-${name}-`));
    made.push(dir);
    return dir;
  };
  const bundledDataDir = path.resolve(__dirname, '../../../data');
  /** A workspace folder with cells.yaml (200 entities) and `files` in kb/, a cache folder, and the real worker. */
  const withWorker = (files: Record<string, string> = {}) => {
    const ws = tempDir('read-ahead-ws');
    const cacheDir = tempDir('read-ahead-cache');
    fs.mkdirSync(path.join(ws, 'kb'));
    fs.writeFileSync(path.join(ws, '.briefrc.yaml'), CONFIG);
    for (const [name, text] of Object.entries({ 'cells.yaml': kbFile(200, 'A'), ...files })) fs.writeFileSync(path.join(ws, 'kb', name), text);
    // The worker reads the cache folder from its environment, as the server's own cache does.
    process.env.BRIEF_CACHE_DIR = cacheDir;
    // The compiled server's entry point: as dist/server.js, it runs as the worker when started as one.
    const readAhead = readAheadInWorkers(path.resolve(__dirname, '../../server/src/node/main.js'), true);
    assert.ok(readAhead);
    return { ws, cacheDir, read: () => readAhead({ folder: ws, bundledDataDir, trusted: true }) };
  };

  it('leaves the readings and the cross-file verdict in the disk cache, where the next load finds them', async function () {
    this.timeout(60_000);
    const { ws, cacheDir, read } = withWorker();
    assert.equal(await read(), 'read');
    const cache = new CountingCache(cacheDir);
    const state = await loadProject(new NodeWorkspace(), { folder: ws, bundledDataDir, trusted: true, cache });
    assert.equal(cache.hits, 1, 'the cross-file pass was replayed from the worker\'s verdict');
    assert.equal(cache.stored, 0, 'nothing was left for this load to work out');
    assert.equal(state.kbLoad.kb.entities.get('cell-199')?.name, 'Cell 199 A');
  });

  it('stops at a KB file with errors (before the cross-file checks where its own reading has one), and says so', async function () {
    this.timeout(60_000);
    const { ws, cacheDir, read } = withWorker({ 'broken.yaml': 'entities:\n  - id: broken\n    kind: nonsense\n    name: Broken\n' });
    assert.equal(await read(), 'unsettled');
    // The clean file's reading is in the cache all the same; no verdict is.
    const cache = new CountingCache(cacheDir);
    const state = await loadProject(new NodeWorkspace(), { folder: ws, bundledDataDir, trusted: true, cache });
    assert.equal(cache.hits, 0);
    assert.ok(cache.entityReadings.some((r) => r.entities?.some((e) => e.id === 'cell-199')), 'the clean file was read from the cache');
    assert.ok([...state.kbLoad.diagnostics.values()].flat().some((d) => d.severity === 1), 'the broken file has its error');
    // An error only the cross-file checks find (an id two files define): they run, and leave no verdict.
    fs.writeFileSync(path.join(ws, 'kb', 'broken.yaml'), 'entities:\n  - { id: cell-7, kind: group, name: Another Cell, summary: S. }\n');
    assert.equal(await read(), 'unsettled');
  });

  it('is not used without a cache folder to write to', () => {
    assert.equal(readAheadInWorkers('/nowhere/server.js', false), undefined);
  });

  it("keeps what the thread prints off the process's stdout, which over --stdio carries the protocol", async () => {
    const dir = tempDir('read-ahead-print');
    fs.writeFileSync(path.join(dir, 'prints.js'), "console.log('printed by the worker');\nrequire('worker_threads').parentPort.postMessage('read');\n");
    const readAhead = readAheadInWorkers(path.join(dir, 'prints.js'), true);
    assert.ok(readAhead);
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await readAhead({ folder: dir, bundledDataDir: dir, trusted: true });
      // Whatever the thread wrote has had a turn of the event loop to arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(written.filter((w) => w.includes('printed by the worker')), []);
  });

  it('a worker that throws, or ends before it has read, rejects', async () => {
    const dir = tempDir('read-ahead-script');
    const script = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return readAheadInWorkers(path.join(dir, name), true);
    };
    await assert.rejects(script('throws.js', "throw new Error('no memory left');\n")!({ folder: dir, bundledDataDir: dir, trusted: true }), /no memory left/);
    await assert.rejects(script('ends.js', 'process.exit(3);\n')!({ folder: dir, bundledDataDir: dir, trusted: true }), /the worker ended with code 3 before it had read the KB/);
  });
});

/**
 * Tier 2: the real server (`dist/server.js --stdio`) as the workspace changes under it — folders
 * added, removed, deleted and created on disk, ignored briefs opened and closed, file names that
 * URI spellings disagree on. The small test KB (test/fixtures/mini-data), no reading cache.
 * Run `npm run build` first.
 *
 * What must NOT be on screen is checked on the last publication of each file, after a request
 * whose answer proves that everything the server sent before it has arrived.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { FileChangeType, WorkDoneProgressCreateRequest, type FileEvent, type Location, type PublishDiagnosticsParams, type SymbolInformation } from 'vscode-languageserver-protocol/node';
import { DEFAULT_CAPABILITIES, LspClient, makeFolder, uriOf, writeFile } from './lspClient';

const running: LspClient[] = [];
const folders: string[] = [];

async function start(options: Parameters<typeof LspClient.start>[0]): Promise<LspClient> {
  const client = await LspClient.start({ env: { BRIEF_CACHE_DIR: '' }, ...options });
  running.push(client);
  return client;
}

function folder(files: Record<string, string> = {}): string {
  const dir = makeFolder(files);
  folders.push(dir);
  return dir;
}

/** A request whose answer proves that the server has sent everything it sent before it. */
async function barrier(client: LspClient): Promise<void> {
  await client.request<SymbolInformation[]>('workspace/symbol', { query: 'barrier' });
}

/** The files whose last published list is not empty: what the Problems panel shows. */
function onScreen(client: LspClient): string[] {
  const last = new Map<string, PublishDiagnosticsParams>();
  for (const p of client.published) last.set(p.uri, p);
  return [...last.values()].filter((p) => p.diagnostics.length > 0).map((p) => p.uri);
}

/** Resolves once `done()` holds; fails after ten seconds, saying what it saw. */
async function until(done: () => boolean, seen: () => string): Promise<void> {
  for (const started = Date.now(); !done(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() - started > 10_000) assert.fail(`still waiting; seen: ${seen()}`);
  }
}

/** Stops each test's servers (kills them after a failure) and removes its folders. */
async function stopAll(this: Mocha.Context): Promise<void> {
  const failed = this.currentTest?.state === 'failed';
  for (const client of running.splice(0)) {
    if (failed) client.kill();
    else await client.stop().catch(() => client.kill());
  }
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Once `a.brief` (`@old-cell`) of `root` is checked, saves the KB file `kbFile` with `new-cell`
 * in place of `old-cell` and tells the server: the brief is checked again against it.
 */
async function savedKbReloads(client: LspClient, root: string, kbFile: string): Promise<void> {
  await client.waitForLog(/^Checked 1 closed brief\b/);
  writeFile(root, kbFile, 'entities:\n  - { id: new-cell, kind: group, name: New Cell, summary: S. }\n');
  const mark = client.mark();
  await client.watchedFilesChanged([{ uri: uriOf(path.join(root, kbFile)), type: FileChangeType.Changed }]);
  const after = await client.waitForDiagnostics(uriOf(path.join(root, 'a.brief')), { after: mark });
  assert.match(String(after.diagnostics[0]?.message), /^Unknown entity '@old-cell'/);
}

/** VS Code's spelling of a file's URI (vscode-uri, as the editor sends it). */
const vscodeUri = (file: string) => URI.file(file).toString();

describe('language server as the workspace changes (the real process, over JSON-RPC)', function () {
  this.timeout(60_000);

  afterEach(stopAll);

  it("one document per file whatever the URI's spelling: a folder and a brief named with @ and +", async () => {
    const root = folder();
    const ws = path.join(root, 'team@work');
    writeFile(ws, '.briefrc.yaml', 'kb: [kb/local+1.yaml]\n');
    writeFile(ws, 'kb/local+1.yaml', 'entities:\n  - id: kabul-office\n    kind: organization\n    name: Kabul Office\n    summary: A local test entity.\n');
    writeFile(ws, 'russia+china.brief', '# Alpha head\n@kabul-office @Nobody\n');
    writeFile(ws, 'b.brief', '# Beta head\n@kabul-office\n');
    const client = await start({ folder: ws, folderUri: vscodeUri });
    const a = vscodeUri(path.join(ws, 'russia+china.brief'));
    const b = vscodeUri(path.join(ws, 'b.brief'));
    const kb = vscodeUri(path.join(ws, 'kb/local+1.yaml'));
    assert.notEqual(a, uriOf(path.join(ws, 'russia+china.brief')), 'the two spellings differ (else this test shows nothing)');
    await client.waitForDiagnostics(a); // indexed and checked from disk
    // Opened in the editor with the problem fixed and a line inserted: the disk's version must go.
    await client.open(a, '\n# Alpha head\n@kabul-office\n');
    await client.open(b, '# Beta head\n@kabul-office\n');
    await client.waitForDiagnostics(a, { minVersion: 1 });
    await barrier(client);
    assert.deepEqual(onScreen(client), [], 'no stale problem under another spelling');
    assert.deepEqual([...new Set(client.published.map((p) => p.uri))].sort(), [a, b].sort(), 'published under the editor\'s spelling only');
    const position = { line: 1, character: 3 };
    const references = await client.request<Location[]>('textDocument/references', { textDocument: { uri: b }, position, context: { includeDeclaration: false } });
    assert.deepEqual(references.map((r) => `${r.uri === a ? 'a' : r.uri === b ? 'b' : r.uri}:${r.range.start.line}`).sort(), ['a:2', 'b:1']);
    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'head' });
    assert.deepEqual(symbols.map((s) => s.name).sort(), ['Alpha head', 'Beta head']);
    const edit = await client.request<{ changes: Record<string, { range: { start: { line: number } } }[]> }>('textDocument/rename', { textDocument: { uri: b }, position, newName: 'kabul-bureau' });
    assert.deepEqual(Object.keys(edit.changes).sort(), [a, b, kb].sort(), 'each file edited once');
    assert.deepEqual(edit.changes[a].map((e) => e.range.start.line), [2], "the open brief's text, not the disk's");
  });

  it('a folder removed while it loads, indexes or checks its briefs leaves none of their problems on screen', async () => {
    const files: Record<string, string> = { '.briefrc.yaml': 'rules: { bogus: off }\n' };
    for (let i = 0; i < 1500; i++) files[`n${i}.brief`] = `# Note ${i}\n@Nobody${i}\n`;
    const ws = folder(files);
    const client = await start({ folder: ws });
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: uriOf(ws), name: 'ws' }] } });
    // Two loads end: the first, of the folder as it was, and the one after the removal.
    await until(() => client.logs.filter((l) => /^Checked \d+ closed briefs? in/.test(l)).length === 2, () => client.logs.join(' | '));
    await barrier(client);
    assert.deepEqual(onScreen(client), []);
    assert.deepEqual(await client.request<SymbolInformation[]>('workspace/symbol', { query: 'note' }), []);
  });

  it('a config saved while the closed briefs are checked after indexing: every brief ends checked with the new config', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`n${i}.brief`] = `# Note ${i}\n@Nobody${i}\n`;
    const ws = folder(files);
    const client = await start({ folder: ws });
    await client.waitForLog(/^Indexed \d+ briefs/);
    // The check of 3,000 closed briefs takes some hundred ms: the save lands inside it.
    writeFile(ws, '.briefrc.yaml', 'rules: { unknown-reference: off }\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(ws, '.briefrc.yaml')), type: FileChangeType.Created }] });
    await until(() => client.logs.some((l) => /^Checked \d+ closed briefs/.test(l)) && client.logs.some((l) => /^Re-checking/.test(l)), () => client.logs.join(' | '));
    await barrier(client);
    assert.deepEqual(onScreen(client).length, 0, 'briefs checked before the save were checked again; those after it, with the new config');
  });

  it('the re-check of every closed brief after a config save steps aside for requests', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`n${i}.brief`] = `# Note ${i}\n@Nobody${i}\n`;
    const ws = folder(files);
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 3000 closed briefs/);
    await barrier(client);
    const mark = client.mark();
    writeFile(ws, '.briefrc.yaml', 'rules: { unknown-reference: off }\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(ws, '.briefrc.yaml')), type: FileChangeType.Created }] });
    await client.waitForLog(/^Re-checking 3000 of 3000 briefs/);
    // Asked once the re-check has begun: answered between its slices, not after all 3,000.
    await client.request('textDocument/hover', { textDocument: { uri: uriOf(path.join(ws, 'n0.brief')) }, position: { line: 1, character: 2 } });
    const before = client.published.length - mark;
    assert.ok(before < 3000, `the hover was answered after ${before} of the re-check's 3000 publications`);
    await until(() => client.published.length - mark >= 3000, () => `${client.published.length - mark} publications`);
    await barrier(client);
    assert.deepEqual(onScreen(client), []);
  });

  it('a KB file saved again and again: the closed briefs are re-checked about once, not once per save', async () => {
    const briefs = 3000;
    const saves = 4;
    const kbFile = (k: number) => `entities:\n  - { id: cell, kind: group, name: Cell ${k}, summary: S. }\n`;
    const files: Record<string, string> = { '.briefrc.yaml': 'kb: [kb/local.yaml]\n', 'kb/local.yaml': kbFile(0) };
    for (let i = 0; i < briefs; i++) files[`n${i}.brief`] = `# Note ${i}\n@Nobody${i}\n`;
    const ws = folder(files);
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 3000 closed briefs/);
    await barrier(client);
    const mark = client.mark();
    const loads = () => client.logs.filter((l) => /^Loaded \d+ entities/.test(l)).length;
    // Saved while the re-check of the last save goes on (autosave, a tool writing the KB), each
    // save read by a load of its own: every reload changes an entity.
    for (let k = 1; k <= saves; k++) {
      const loaded = loads();
      writeFile(ws, 'kb/local.yaml', kbFile(k));
      await client.watchedFilesChanged([{ uri: uriOf(path.join(ws, 'kb/local.yaml')), type: FileChangeType.Changed }]);
      await until(() => loads() > loaded, () => client.logs.join(' | '));
    }
    await until(() => client.logs.filter((l) => /^Re-checking/.test(l)).length === saves, () => client.logs.join(' | '));
    assert.equal(client.logs.filter((l) => /^Re-checking 3000 of 3000 briefs/.test(l)).length, saves, client.logs.join(' | '));
    // Until the publications stop (or are past any count the assertion below accepts).
    let seen = -1;
    for (let quiet = 0; quiet < 100 && client.published.length - mark <= 3 * briefs; await new Promise((resolve) => setTimeout(resolve, 10))) {
      const now = client.published.length;
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
    const published = client.published.length - mark;
    // Side by side, each save's re-check checked every brief: 4 × 3000.
    assert.ok(published >= briefs, `every brief re-checked (${published} publications)`);
    assert.ok(published <= 2.5 * briefs, `${published} publications for ${briefs} briefs after ${saves} saves`);
    await barrier(client);
    assert.equal(onScreen(client).length, briefs, 'each brief keeps its unknown reference');
  });

  it('a KB file saved many times while the folder loads: one more load reads the last save, not one load per save', async () => {
    const saves = 8;
    const kbFile = (k: number) => `entities:\n  - { id: cell, kind: group, name: Cell ${k}, summary: S. }\n`;
    const ws = folder({ '.briefrc.yaml': 'kb: [kb/local.yaml]\n', 'kb/local.yaml': kbFile(0), 'a.brief': `@[Cell ${saves}]\n` });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 1 closed brief/);
    const loads = () => client.logs.filter((l) => /^Loaded \d+ entities/.test(l)).length;
    const before = loads();
    // Each save its own event, all on the pipe at once: the first load is under way while the
    // server reads the others.
    for (let k = 1; k <= saves; k++) {
      writeFile(ws, 'kb/local.yaml', kbFile(k));
      void client.watchedFilesChanged([{ uri: uriOf(path.join(ws, 'kb/local.yaml')), type: FileChangeType.Changed }]);
    }
    await until(() => client.logs.filter((l) => /^Re-checking/.test(l)).length === saves, () => client.logs.join(' | '));
    await barrier(client);
    assert.deepEqual(onScreen(client), [], `the last save is read: @[Cell ${saves}] is known`);
    const loaded = loads() - before;
    assert.ok(loaded >= 1 && loaded <= saves / 2, `${loaded} loads for ${saves} saves`);
  });

  it('a KB of 10,000 entities saved: a worker reads it first, then the brief sees the save', async function () {
    this.timeout(60_000);
    const kbFile = (tag: string) => `entities:\n${Array.from({ length: 10_000 }, (_, n) => `  - { id: cell-${n}, kind: group, name: Cell ${n} ${tag}, summary: S. }\n`).join('')}`;
    const ws = folder({ '.briefrc.yaml': 'kb: [kb/cells.yaml]\n', 'kb/cells.yaml': kbFile('A'), 'a.brief': '@[Cell 7 B] and @[Cell 9 A]\n' });
    // The worker leaves what it reads in the reading cache: the server needs one to read ahead.
    const client = await start({ folder: ws, env: { BRIEF_CACHE_DIR: folder() } });
    await client.waitForLog(/^Checked 1 closed brief/);
    await barrier(client);
    assert.deepEqual(onScreen(client), [uriOf(path.join(ws, 'a.brief'))], '@[Cell 7 B] is not in the KB yet');
    writeFile(ws, 'kb/cells.yaml', kbFile('B'));
    await client.watchedFilesChanged([{ uri: uriOf(path.join(ws, 'kb/cells.yaml')), type: FileChangeType.Changed }]);
    await client.waitForLog(/^Re-checking 1 of 1 brief after a change in /);
    assert.ok(client.logs.some((l) => /^Read the KB of .* in a worker in \d+ ms\.$/.test(l)), client.logs.join('\n'));
    await barrier(client);
    const last = client.published.filter((p) => p.uri === uriOf(path.join(ws, 'a.brief'))).pop();
    assert.deepEqual(last?.diagnostics.map((d) => String(d.message).split('.')[0]), ["Unknown entity '@[Cell 9 A]'"], 'the save is read: Cell 7 B known, Cell 9 A gone');
    assert.deepEqual(client.logs.filter((l) => /failed|error|unhandled/i.test(l)), []);
  });

  it('a KB file saved with a line added on top: no brief is checked again, and a definition lands on the line the entity moved to', async () => {
    const kb = 'entities:\n  - { id: desk, kind: group, name: Desk, summary: A desk. }\n  - { id: cell, kind: group, name: Cell, summary: A cell. }\n';
    const ws = folder({ '.briefrc.yaml': 'kb: [kb/local.yaml]\n', 'kb/local.yaml': kb, 'a.brief': '@desk and @cell\n', 'b.brief': '@cell\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 2 closed briefs/);
    const kbUri = uriOf(path.join(ws, 'kb/local.yaml'));
    const save = async (text: string, log: RegExp) => {
      const mark = client.logs.length;
      writeFile(ws, 'kb/local.yaml', text);
      await client.watchedFilesChanged([{ uri: kbUri, type: FileChangeType.Changed }]);
      await until(() => client.logs.slice(mark).some((l) => /^Re-checking/.test(l)), () => client.logs.join(' | '));
      assert.match(client.logs.slice(mark).find((l) => /^Re-checking/.test(l)) ?? '', log);
    };
    await save(`# Desks and cells\n\n${kb}`, /^Re-checking 0 of 2 briefs /);
    const a = path.join(ws, 'a.brief');
    await client.open(uriOf(a), fs.readFileSync(a, 'utf8'));
    const found = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf(a) }, position: { line: 0, character: 13 } });
    assert.deepEqual(found.map((l) => [l.uri, l.range.start.line]), [[kbUri, 4]], 'cell is now on line 5');
    // A change of what an entity holds still re-checks the briefs that name it.
    await save(`# Desks and cells\n\n${kb.replace('A cell.', 'A small cell.')}`, /^Re-checking 2 of 2 briefs /);
  });

  it('an ignored brief, opened and closed, leaves nothing: no problems, no index entry', async () => {
    const ws = folder({ '.gitignore': 'drafts/\n', 'drafts/d.brief': '# Draft head\n@Putin @Nobody\n', 'node_modules/m.brief': '# Module head\n@Putin @Nobody\n', 'kept.brief': '@Putin\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked \d+ closed briefs? in/);
    for (const name of ['drafts/d.brief', 'node_modules/m.brief']) {
      const uri = uriOf(path.join(ws, name));
      await client.open(uri, fs.readFileSync(path.join(ws, name), 'utf8'));
      assert.equal((await client.waitForDiagnostics(uri, { minVersion: 1 })).diagnostics.length, 1, 'an open brief is checked, ignored or not');
      const mark = client.mark();
      await client.close(uri);
      assert.deepEqual((await client.waitForDiagnostics(uri, { after: mark })).diagnostics, [], `${name} closed: its problems go`);
    }
    await barrier(client);
    assert.deepEqual(onScreen(client), []);
    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'head' });
    assert.deepEqual(symbols, [], 'ignored briefs are not indexed after they were open');
  });

  it(".gitignore changed while the server runs: briefs it now ignores leave the index and the screen, those it no longer ignores join them", async () => {
    const ws = folder({ 'a.brief': '# Alpha head\n@Nobody\n', 'drafts/d.brief': '# Draft head\n@Nobody\n', 'open.brief': '# Open head\n@Nobody\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 3 closed briefs/);
    const uri = (name: string) => uriOf(path.join(ws, name));
    await client.open(uri('open.brief'), '# Open head\n@Nobody\n');
    await client.waitForDiagnostics(uri('open.brief'), { minVersion: 1 });
    const heads = async () => (await client.request<SymbolInformation[]>('workspace/symbol', { query: 'head' })).map((s) => s.name).sort();

    // Created: it ignores a brief and a folder, and the open brief (which stays checked: the editor shows it).
    writeFile(ws, '.gitignore', 'a.brief\ndrafts/\nopen.brief\n');
    let mark = client.mark();
    await client.watchedFilesChanged([{ uri: uri('.gitignore'), type: FileChangeType.Created }]);
    for (const name of ['a.brief', 'drafts/d.brief']) assert.deepEqual((await client.waitForDiagnostics(uri(name), { after: mark })).diagnostics, [], `${name} now ignored`);
    await barrier(client);
    assert.deepEqual(onScreen(client).sort(), [uri('open.brief')]);
    assert.deepEqual(await heads(), ['Open head']);

    // Changed: the folder is no longer ignored.
    writeFile(ws, '.gitignore', 'a.brief\n');
    mark = client.mark();
    await client.watchedFilesChanged([{ uri: uri('.gitignore'), type: FileChangeType.Changed }]);
    assert.equal((await client.waitForDiagnostics(uri('drafts/d.brief'), { after: mark })).diagnostics.length, 1, 'drafts/d.brief indexed again');
    await barrier(client);
    assert.deepEqual(onScreen(client).sort(), [uri('drafts/d.brief'), uri('open.brief')].sort());
    assert.deepEqual(await heads(), ['Draft head', 'Open head']);

    // Deleted: nothing is ignored any more.
    fs.rmSync(path.join(ws, '.gitignore'));
    mark = client.mark();
    await client.watchedFilesChanged([{ uri: uri('.gitignore'), type: FileChangeType.Deleted }]);
    assert.equal((await client.waitForDiagnostics(uri('a.brief'), { after: mark })).diagnostics.length, 1, 'a.brief indexed again');
    await barrier(client);
    assert.deepEqual(onScreen(client).sort(), [uri('a.brief'), uri('drafts/d.brief'), uri('open.brief')].sort());
    assert.deepEqual(await heads(), ['Alpha head', 'Draft head', 'Open head']);
  });

  it('a folder of briefs deleted on disk (one event, for the folder) leaves the index and the screen; created, it joins them', async () => {
    const ws = folder({ 'dir/n0.brief': '# Dir head 0\n@Nobody\n', 'dir/sub/n1.brief': '# Dir head 1\n@Nobody\n', 'other.brief': '# Other head\n@Nobody\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 3 closed briefs/);
    const dir = path.join(ws, 'dir');
    fs.renameSync(dir, path.join(ws, 'moved'));
    let mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(dir), type: FileChangeType.Deleted }]);
    for (const name of ['n0.brief', 'sub/n1.brief']) assert.deepEqual((await client.waitForDiagnostics(uriOf(path.join(dir, name)), { after: mark })).diagnostics, []);
    await barrier(client);
    assert.deepEqual(onScreen(client), [uriOf(path.join(ws, 'other.brief'))]);
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'dir head' })).map((s) => s.name), []);

    mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(path.join(ws, 'moved')), type: FileChangeType.Created }]);
    for (const name of ['n0.brief', 'sub/n1.brief']) await client.waitForDiagnostics(uriOf(path.join(ws, 'moved', name)), { after: mark });
    await barrier(client);
    assert.deepEqual(onScreen(client).sort(), ['moved/n0.brief', 'moved/sub/n1.brief', 'other.brief'].map((n) => uriOf(path.join(ws, n))).sort());
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'dir head' })).map((s) => s.name).sort(), ['Dir head 0', 'Dir head 1']);
  });

  it('a Deleted event for a brief or folder that is back on disk (events out of order) keeps what is there', async () => {
    const ws = folder({ 'a.brief': '# Alpha head\n@Nobody\n', 'dir/b.brief': '# Beta head\n@Nobody\n', 'dir/gone.brief': '# Gone head\n@Nobody\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 3 closed briefs/);
    // A checkout deleted both paths and wrote them again (dir without gone.brief); the watcher reports Created, then Deleted.
    fs.rmSync(path.join(ws, 'dir'), { recursive: true });
    writeFile(ws, 'a.brief', '# Alpha head\n@Nobody2\n');
    writeFile(ws, 'dir/b.brief', '# Beta head\n@Nobody\n');
    const events: FileEvent[] = [];
    for (const type of [FileChangeType.Created, FileChangeType.Deleted] as FileChangeType[]) for (const name of ['a.brief', 'dir']) events.push({ uri: uriOf(path.join(ws, name)), type });
    const mark = client.mark();
    await client.watchedFilesChanged(events);
    assert.match(String((await client.waitForDiagnostics(uriOf(path.join(ws, 'a.brief')), { after: mark })).diagnostics[0].message), /@Nobody2/);
    await client.waitForDiagnostics(uriOf(path.join(ws, 'dir/gone.brief')), { after: mark });
    await barrier(client);
    assert.deepEqual(onScreen(client).sort(), ['a.brief', 'dir/b.brief'].map((n) => uriOf(path.join(ws, n))).sort());
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'head' })).map((s) => s.name).filter((n) => n.endsWith(' head')).sort(), ['Alpha head', 'Beta head']);
  });

  it('a batch of file events with a malformed entry still applies its good ones', async () => {
    const ws = folder({ 'a.brief': '# Aye head\n@Nobody\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 1 closed brief/);
    fs.writeFileSync(path.join(ws, 'b.brief'), '# Bee head\n@Nobody\n');
    const mark = client.mark();
    await client.watchedFilesChanged([null, { uri: 42 }, { uri: uriOf(path.join(ws, 'b.brief')), type: FileChangeType.Created }] as unknown as FileEvent[]);
    assert.equal((await client.waitForDiagnostics(uriOf(path.join(ws, 'b.brief')), { after: mark })).diagnostics.length, 1);
    assert.doesNotMatch(client.logs.join('\n'), /reacting to file changes failed/);
  });

  it('a client that never answers the request for a progress bar still gets its workspace indexed and checked', async () => {
    const ws = folder({ 'a.brief': '# Aye head\n@Nobody\n' });
    const client = await start({
      folder: ws,
      capabilities: { ...DEFAULT_CAPABILITIES, window: { workDoneProgress: true } },
      beforeInitialize: async (connection) => {
        connection.onRequest(WorkDoneProgressCreateRequest.type, () => new Promise<void>(() => undefined));
      },
    });
    assert.equal((await client.waitForDiagnostics(uriOf(path.join(ws, 'a.brief')))).diagnostics.length, 1);
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'aye head' })).map((s) => s.name), ['Aye head']);
  });

  it('a created symbolic link to a folder is not followed, as at start', async () => {
    const outside = folder({ 'ext.brief': '# Outside head\n@Nobody\n' });
    const ws = folder({ 'main.brief': '# Main head\n@Nobody\n' });
    const client = await start({ folder: ws });
    await client.waitForLog(/^Checked 1 closed brief in/);
    fs.symlinkSync(outside, path.join(ws, 'extlink'));
    fs.symlinkSync('.', path.join(ws, 'self'));
    await client.watchedFilesChanged(['extlink', 'self'].map((name) => ({ uri: uriOf(path.join(ws, name)), type: FileChangeType.Created })));
    await barrier(client);
    assert.deepEqual(onScreen(client), [uriOf(path.join(ws, 'main.brief'))]);
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'head' })).map((s) => s.name), ['Main head']);
  });

  it('the workspace folder itself deleted, a folder named like a brief, a folder URI with a final slash', async () => {
    const a = folder({ 'a.brief': '# Aa head\n@Nobody\n', 'weird.brief/in.brief': '# Weird head\n@Nobody\n' });
    const b = folder({ 'b.brief': '# Bb head\n@Nobody\n' });
    const client = await start({ folders: [a, b] });
    await client.waitForDiagnostics(uriOf(path.join(b, 'b.brief')));
    await client.waitForDiagnostics(uriOf(path.join(a, 'weird.brief/in.brief')));
    // A folder whose name ends in .brief, deleted: its brief goes.
    fs.rmSync(path.join(a, 'weird.brief'), { recursive: true });
    let mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(path.join(a, 'weird.brief')), type: FileChangeType.Deleted }]);
    assert.deepEqual((await client.waitForDiagnostics(uriOf(path.join(a, 'weird.brief/in.brief')), { after: mark })).diagnostics, []);
    // Created again, as one event: its brief comes back.
    writeFile(a, 'weird.brief/in.brief', '# Weird head\n@Nobody\n');
    mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(path.join(a, 'weird.brief')), type: FileChangeType.Created }]);
    assert.equal((await client.waitForDiagnostics(uriOf(path.join(a, 'weird.brief/in.brief')), { after: mark })).diagnostics.length, 1);
    // The workspace folder b itself deleted on disk: its briefs go.
    fs.rmSync(b, { recursive: true });
    mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(b), type: FileChangeType.Deleted }]);
    assert.deepEqual((await client.waitForDiagnostics(uriOf(path.join(b, 'b.brief')), { after: mark })).diagnostics, []);
    // Folder a removed from the workspace under another spelling of its URI (a final slash).
    mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: `${uriOf(a)}/`, name: 'a' }] } });
    await client.waitForDiagnostics(uriOf(path.join(a, 'a.brief')), { after: mark });
    await until(() => onScreen(client).length === 0, () => onScreen(client).join(' | '));
    await barrier(client);
    assert.deepEqual(onScreen(client), []);
    assert.deepEqual(await client.request<SymbolInformation[]>('workspace/symbol', { query: 'head' }), []);
  });

  it('a brief whose name holds a backslash is one document, spelled %5C', async function () {
    if (process.platform === 'win32') this.skip(); // no such file name on Windows
    const ws = folder({ 'odd\\name.brief': '# Odd head\n@Nobody\n' });
    const client = await start({ folder: ws, folderUri: vscodeUri });
    const odd = vscodeUri(path.join(ws, 'odd\\name.brief'));
    assert.match(odd, /odd%5Cname\.brief$/);
    assert.equal((await client.waitForDiagnostics(odd)).diagnostics.length, 1);
    await client.open(odd, '# Odd head\n@Putin\n');
    await client.waitForDiagnostics(odd, { minVersion: 1 });
    await barrier(client);
    assert.deepEqual(onScreen(client), []);
    assert.deepEqual([...new Set(client.published.map((p) => p.uri))], [odd]);
  });

  it('a malformed folder change (a list null or missing) changes what it can and throws nothing', async () => {
    const a = folder({ 'a.brief': '@Nobody\n' });
    const b = folder({ 'b.brief': '# Bee head\n@Nobody\n' });
    const client = await start({ folder: a, capabilities: { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, workspaceFolders: true } } });
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(b), name: 'b' }, null], removed: null } });
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: {} });
    assert.equal((await client.waitForDiagnostics(uriOf(path.join(b, 'b.brief')))).diagnostics.length, 1);
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'bee head' })).map((s) => s.name), ['Bee head']);
    assert.doesNotMatch(client.stderr, /unhandled|TypeError/);
  });

  it('a folder added in the same breath as `initialized` is loaded', async () => {
    const a = folder({ 'a.brief': '@Nobody\n' });
    const b = folder({ 'b.brief': '# Bee head\n@Nobody\n' });
    const client = await start({ folder: a, capabilities: { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, workspaceFolders: true } } });
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(b), name: 'b' }], removed: [] } });
    assert.equal((await client.waitForDiagnostics(uriOf(path.join(b, 'b.brief')))).diagnostics.length, 1);
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'bee head' })).map((s) => s.name), ['Bee head']);
  });
});

describe('language server with workspace folders nested in one another (the real process)', function () {
  this.timeout(60_000);

  afterEach(stopAll);

  const DESK_KB = 'entities:\n  - { id: desk, kind: group, name: Desk, summary: A desk. }\n';
  /** The briefs find references lists from the first reference of `file`, opened as it is on disk. */
  const references = async (client: LspClient, file: string) => {
    await client.open(uriOf(file), fs.readFileSync(file, 'utf8'));
    const found = await client.request<Location[]>('textDocument/references', { textDocument: { uri: uriOf(file) }, position: { line: 0, character: 2 }, context: { includeDeclaration: false } });
    return found.map((l) => l.uri).sort();
  };
  const checks = (client: LspClient) => client.logs.filter((m) => /^Checked \d+ closed brief/.test(m)).length;

  it('a folder added inside another takes its briefs out of the outer index: its own config checks them, the outer references do not count them', async () => {
    const a = folder({
      '.briefrc.yaml': 'rules: { unknown-reference: warning }\nkb: [kb/a.yaml]\n',
      'kb/a.yaml': DESK_KB,
      'one.brief': '@desk\n',
      'nested/.briefrc.yaml': 'rules: { unknown-reference: error }\n',
      'nested/n.brief': '@desk @Nobody\n',
    });
    const client = await start({ folder: a });
    await client.waitForLog(/^Checked 2 closed briefs/);
    const nested = path.join(a, 'nested');
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(nested), name: 'nested' }], removed: [] } });
    await until(() => checks(client) === 2, () => client.logs.join(' | '));
    // The outer config saved: the outer folder re-checks its own briefs only.
    writeFile(a, '.briefrc.yaml', 'rules: { unknown-reference: hint }\nkb: [kb/a.yaml]\n');
    const mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(path.join(a, '.briefrc.yaml')), type: FileChangeType.Changed }]);
    await client.waitForLog(/^Re-checking 1 of 1 brief after a change in /);
    await barrier(client);
    const last = [...client.published].reverse().find((p) => p.uri === uriOf(path.join(nested, 'n.brief')));
    assert.deepEqual(last?.diagnostics.map((d) => d.severity), [1, 1], 'n.brief as its own folder checks it');
    assert.ok(client.published.slice(mark).every((p) => p.uri !== uriOf(path.join(nested, 'n.brief'))), 'not published again by the outer folder');
    assert.deepEqual(await references(client, path.join(a, 'one.brief')), [uriOf(path.join(a, 'one.brief'))]);
  });

  it('a brief open while its folder is added joins that folder: references and rename count it', async () => {
    const a = folder({ 'kb/local.yaml': DESK_KB, '.briefrc.yaml': 'kb: [kb/local.yaml]\n', 'c.brief': '@desk\n' });
    const b = folder({ 'b.brief': '# Bee\n' });
    const client = await start({ folder: b });
    await client.waitForLog(/^Checked 1 closed brief\b/);
    const open = path.join(a, 'o.brief');
    writeFile(a, 'o.brief', '# Open head\n@desk\n');
    await client.open(uriOf(open), '# Open head\n@desk\n');
    assert.equal((await client.waitForDiagnostics(uriOf(open))).diagnostics.length, 1, 'unknown outside every folder');
    await barrier(client); // workspace symbols take the open brief into the index of briefs outside every folder
    const mark = client.mark();
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(a), name: 'a' }], removed: [] } });
    await until(() => client.published.slice(mark).some((p) => p.uri === uriOf(open) && p.diagnostics.length === 0), () => JSON.stringify(client.published.slice(mark)));
    assert.deepEqual(await references(client, path.join(a, 'c.brief')), [uriOf(path.join(a, 'c.brief')), uriOf(open)].sort());
  });

  it('a KB file of a nested folder that the outer folder lists too: a save reloads both', async () => {
    const a = folder({
      '.briefrc.yaml': 'kb: [N/kb/shared.yaml]\n',
      'a.brief': '@old-cell\n',
      'N/.briefrc.yaml': 'kb: [kb/shared.yaml]\n',
      'N/kb/shared.yaml': 'entities:\n  - { id: old-cell, kind: group, name: Old Cell, summary: S. }\n',
    });
    await savedKbReloads(await start({ folders: [a, path.join(a, 'N')] }), a, 'N/kb/shared.yaml');
  });

  it('a KB file named in capitals (LOCAL.YAML), as `kb:` takes it: a save reloads it', async () => {
    const a = folder({
      '.briefrc.yaml': 'kb: [kb/LOCAL.YAML]\n',
      'a.brief': '@old-cell\n',
      'kb/LOCAL.YAML': 'entities:\n  - { id: old-cell, kind: group, name: Old Cell, summary: S. }\n',
    });
    await savedKbReloads(await start({ folder: a }), a, 'kb/LOCAL.YAML');
  });

  it('a KB file an outer folder lists, created in a nested folder (by name and by glob): the outer folder reads it', async () => {
    const a = folder({ '.briefrc.yaml': 'kb: [inner/kb/new.yaml, "inner/kb2/*.yaml"]\n', 'a.brief': '@new-cell @glob-cell\n', 'inner/n.brief': '# Inner\n' });
    const client = await start({ folders: [a, path.join(a, 'inner')] });
    await client.waitForLog(/^Checked 2 closed briefs/);
    writeFile(a, 'inner/kb/new.yaml', 'entities:\n  - { id: new-cell, kind: group, name: New Cell, summary: S. }\n');
    writeFile(a, 'inner/kb2/g.yaml', 'entities:\n  - { id: glob-cell, kind: group, name: Glob Cell, summary: S. }\n');
    const mark = client.mark();
    await client.watchedFilesChanged([
      { uri: uriOf(path.join(a, 'inner/kb/new.yaml')), type: FileChangeType.Created },
      { uri: uriOf(path.join(a, 'inner/kb2')), type: FileChangeType.Created },
    ]);
    await until(() => client.published.slice(mark).some((p) => p.uri === uriOf(path.join(a, 'a.brief')) && p.diagnostics.length === 0), () => JSON.stringify(client.published.slice(mark).map((p) => [p.uri, p.diagnostics.map((d) => d.message)])));
    await barrier(client);
    assert.deepEqual(onScreen(client), []);
  });

  it('a folder deleted with a workspace folder inside it (one event, for the outer path) leaves none of the inner folder on screen', async () => {
    const a = folder({ 'a.brief': '@Nobody\n', 'x/x.brief': '@Nobody\n', 'x/N/n.brief': '# Inner head\n@Nobody\n' });
    const inner = path.join(a, 'x/N');
    const client = await start({ folders: [a, inner] });
    await client.waitForLog(/^Checked 3 closed briefs/);
    fs.rmSync(path.join(a, 'x'), { recursive: true });
    const mark = client.mark();
    await client.watchedFilesChanged([{ uri: uriOf(path.join(a, 'x')), type: FileChangeType.Deleted }]);
    assert.deepEqual((await client.waitForDiagnostics(uriOf(path.join(inner, 'n.brief')), { after: mark })).diagnostics, []);
    await barrier(client);
    assert.deepEqual(onScreen(client), [uriOf(path.join(a, 'a.brief'))]);
    assert.deepEqual((await client.request<SymbolInformation[]>('workspace/symbol', { query: 'inner head' })).map((s) => s.name), []);
  });
});

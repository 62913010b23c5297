/**
 * Navigation in and into KB YAML files, on the real server (`dist/server.js --stdio`; run
 * `npm run build` first) with the small test KB and two workspace KB files: positions follow the
 * text the analyst sees when a KB file is open with unsaved edits or broken on disk, `target:`
 * values lead to the entity they name, and find references lists the `target:` fields that a
 * rename edits. Each test has its own workspace; nothing sleeps.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  FileChangeType,
  MarkupContent,
  ResponseError,
  type CodeAction,
  type CodeLens,
  type Location,
  type Position,
  type SymbolInformation,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { LspClient, makeFolder, uriOf, writeFile } from './lspClient';

const DESK = `entities:
  - id: night-watch
    kind: group
    name: Night Watch
    aliases: [NW]
    summary: A militia of the borderlands.
    relations:
      - type: opposes
        target: vladimir-putin
        negated: false
        evidence:
          - { source: mini-2021, paragraph: p2, quote: "Russian President Vladimir Putin" }
  - id: border-cell
    kind: organization
    name: Border Cell
    summary: A fusion cell.
    relations:
      - type: cooperates-with
        target: night-watch
        negated: false
        evidence:
          - { source: mini-2021, paragraph: p2, quote: "Russian President" }
`;
const LOCAL = `entities:
  - id: valley-guard
    kind: group
    name: Valley Guard
    summary: Another militia.
    relations:
      - { type: cooperates-with, target: "night-watch", negated: false, evidence: [ { source: mini-2021, paragraph: p2, quote: "Russian President" } ] }
`;
const WATCH = '# Watch\nThe @NW and @[Night Watch] met.\nclaim: @NW opposes @Putin\n';

/** The position of `needle` in `text`, plus `plus` characters. */
function positionOf(text: string, needle: string, plus = 0): Position {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `'${needle}' is not in the test text`);
  return TextDocument.create('x:', 'x', 0, text).positionAt(at + plus);
}
const lineOf = (text: string, needle: string) => positionOf(text, needle).line;

const running: LspClient[] = [];
const folders: string[] = [];

/** A workspace with the desk and local KB files and an open brief; its server, indexed. */
async function workspace() {
  const root = makeFolder({ '.briefrc.yaml': 'kb: [kb/desk.yaml, kb/local.yaml]\n', 'kb/desk.yaml': DESK, 'kb/local.yaml': LOCAL, 'briefs/watch.brief': WATCH });
  folders.push(root);
  const client = await LspClient.start({ folder: root, env: { BRIEF_CACHE_DIR: '' }, capabilities: { window: { workDoneProgress: true } } });
  running.push(client);
  await client.waitForProgressEnd();
  const uri = (name: string) => uriOf(path.join(root, name));
  await client.open(uri('briefs/watch.brief'), WATCH);
  await client.waitForDiagnostics(uri('briefs/watch.brief'));
  const at = (name: string, position: Position) => ({ textDocument: { uri: uri(name) }, position });
  /** `file:line` of each location (folder-relative). */
  const show = (locations: readonly Location[]) => locations.map((l) => `${l.uri.startsWith(uri('')) ? l.uri.slice(uri('').length + 1) : path.basename(l.uri)}:${l.range.start.line}`);
  return { root, client, uri, at, show };
}

describe('language server: navigation in KB files as the analyst sees them', function () {
  this.timeout(60_000);
  afterEach(async function () {
    for (const client of running.splice(0)) {
      if (this.currentTest?.state === 'failed') client.kill();
      else await client.stop().catch(() => client.kill());
    }
    for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
  });

  it('a KB file open with unsaved lines above its entries: lenses, references, definition and symbols take the editor lines', async () => {
    const { client, uri, at, show } = await workspace();
    const edited = '# notes\n'.repeat(12) + DESK;
    await client.open(uri('kb/desk.yaml'), DESK, 1, 'yaml');
    await client.change(uri('kb/desk.yaml'), 2, [{ text: edited }]);
    const watchLine = lineOf(edited, '- id: night-watch');
    const cellLine = lineOf(edited, '- id: border-cell');

    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('kb/desk.yaml') } });
    assert.deepEqual(lenses.map((l) => `${l.range.start.line} ${l.command?.title}`), [`${watchLine} 3 mentions in 1 brief`, `${cellLine} 0 mentions in 0 briefs`]);

    const references = await client.request<Location[]>('textDocument/references', { ...at('kb/desk.yaml', { line: watchLine, character: 9 }), context: { includeDeclaration: true } });
    assert.deepEqual(show(references), [`kb/desk.yaml:${watchLine}`, 'briefs/watch.brief:1', 'briefs/watch.brief:1', 'briefs/watch.brief:2', `kb/desk.yaml:${lineOf(edited, 'target: night-watch')}`, 'kb/local.yaml:6']);

    const definition = await client.request<Location[]>('textDocument/definition', at('briefs/watch.brief', positionOf(WATCH, '@NW', 1)));
    assert.deepEqual(show(definition), [`kb/desk.yaml:${watchLine}`]);
    const relation = await client.request<Location[]>('textDocument/definition', at('briefs/watch.brief', positionOf(WATCH, 'opposes', 2)));
    assert.deepEqual(show(relation), [`kb/desk.yaml:${lineOf(edited, 'type: opposes')}`]);

    const [symbol] = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'Night Watch' });
    assert.deepEqual(show([symbol.location]), [`kb/desk.yaml:${watchLine}`]);

    // Rename edits the editor's text too: it now agrees with where definition went.
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at('briefs/watch.brief', positionOf(WATCH, '@NW', 1)), newName: 'night-guard' });
    assert.equal(edit.changes?.[uri('kb/desk.yaml')]?.[0].range.start.line, watchLine);
  });

  it('a new entry being typed in an open KB file (no id yet) leaves the other entries found', async () => {
    const { client, uri, at, show } = await workspace();
    await client.open(uri('kb/desk.yaml'), DESK, 1, 'yaml');
    await client.change(uri('kb/desk.yaml'), 2, [{ text: `${DESK}  - \n` }]);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('kb/desk.yaml') } });
    assert.deepEqual(lenses.map((l) => l.range.start.line), [lineOf(DESK, '- id: night-watch'), lineOf(DESK, '- id: border-cell')]);
    const definition = await client.request<Location[]>('textDocument/definition', at('briefs/watch.brief', positionOf(WATCH, '@NW', 1)));
    assert.deepEqual(show(definition), [`kb/desk.yaml:${lineOf(DESK, '- id: night-watch')}`]);
    assert.deepEqual(client.logs.filter((m) => / failed: /.test(m)), [], 'nothing failed');
  });

  it('a KB file broken on disk: definition and lenses follow its text on disk; rename names it as a path', async () => {
    const { root, client, uri, at, show } = await workspace();
    const broken = '# one\n# two\n# three\n# four\n# five\n' + DESK + '  - id: [unclosed\n';
    writeFile(root, 'kb/desk.yaml', broken);
    const mark = client.mark();
    await client.watchedFilesChanged([{ uri: uri('kb/desk.yaml'), type: FileChangeType.Changed }]);
    await client.waitForDiagnostics(uri('kb/desk.yaml'), { after: mark, where: (p) => p.diagnostics.length > 0 });

    const definition = await client.request<Location[]>('textDocument/definition', at('briefs/watch.brief', positionOf(WATCH, '@NW', 1)));
    assert.deepEqual(show(definition), [`kb/desk.yaml:${lineOf(broken, '- id: night-watch')}`]);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri('kb/desk.yaml') } });
    assert.deepEqual(lenses.map((l) => l.range.start.line), [lineOf(broken, '- id: night-watch'), lineOf(broken, '- id: border-cell')]);

    const refused = await client
      .request('textDocument/rename', { ...at('briefs/watch.brief', positionOf(WATCH, '@NW', 1)), newName: 'night-guard' })
      .then(() => assert.fail('expected a refusal'), (error: unknown) => error);
    assert.ok(refused instanceof ResponseError);
    assert.equal(refused.message, 'Fix the YAML errors in ../kb/desk.yaml first: the rename edits that file.');
  });

  it('a `target:` value: definition, hover and references act on the entity it names', async () => {
    const { client, uri, at, show } = await workspace();
    await client.open(uri('kb/desk.yaml'), DESK, 1, 'yaml');
    const onPutin = at('kb/desk.yaml', positionOf(DESK, 'target: vladimir-putin', 12));
    const [definition] = await client.request<Location[]>('textDocument/definition', onPutin);
    assert.deepEqual(show([definition]), ['others.yaml:11']);
    const hover = await client.hover(uri('kb/desk.yaml'), onPutin.position);
    assert.ok(hover && MarkupContent.is(hover.contents));
    assert.match(hover.contents.value, /\*\*Vladimir Putin\*\* · _person_/);

    // In border-cell's entry, on its target: night-watch's references, not border-cell's.
    const onWatch = at('kb/desk.yaml', positionOf(DESK, 'target: night-watch', 10));
    const references = await client.request<Location[]>('textDocument/references', { ...onWatch, context: { includeDeclaration: true } });
    assert.deepEqual(show(references), ['kb/desk.yaml:1', 'briefs/watch.brief:1', 'briefs/watch.brief:1', 'briefs/watch.brief:2', `kb/desk.yaml:${lineOf(DESK, 'target: night-watch')}`, 'kb/local.yaml:6']);
    assert.deepEqual(await client.request('textDocument/definition', at('kb/desk.yaml', positionOf(DESK, 'name: Border', 8))), [], 'not on a target');
  });

  it('completion in a KB file offers the values of its fields; in a YAML file that is no KB file, nothing', async () => {
    const { root, client, uri } = await workspace();
    await client.open(uri('kb/desk.yaml'), DESK, 1, 'yaml');
    const target = await client.completion(uri('kb/desk.yaml'), positionOf(DESK, 'target: vladimir-putin', 'target: vlad'.length));
    assert.equal(target[0]?.label, 'vladimir-putin');
    const kinds = await client.completion(uri('kb/desk.yaml'), positionOf(DESK, 'kind: group', 'kind: '.length));
    assert.ok(kinds.some((i) => i.label === 'organization'));
    writeFile(root, 'other.yaml', 'kind: \n');
    await client.open(uri('other.yaml'), 'kind: \n', 1, 'yaml');
    assert.deepEqual(await client.completion(uri('other.yaml'), { line: 0, character: 6 }), []);
  });

  it('a quick fix in .briefrc.yaml applies the rule its diagnostic proposes', async () => {
    const { root, client, uri } = await workspace();
    const misspelt = 'rules: { unsuported-claim: off }\nkb: [kb/desk.yaml, kb/local.yaml]\n';
    writeFile(root, '.briefrc.yaml', misspelt);
    const mark = client.mark();
    await client.watchedFilesChanged([{ uri: uri('.briefrc.yaml'), type: FileChangeType.Changed }]);
    const { diagnostics } = await client.waitForDiagnostics(uri('.briefrc.yaml'), { after: mark });
    await client.open(uri('.briefrc.yaml'), misspelt, 1, 'yaml');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri('.briefrc.yaml') }, range: diagnostics[0].range, context: { diagnostics } });
    assert.deepEqual(actions.map((a) => a.title), ["Change to 'unsupported-claim'"]);
    const [edit] = actions[0].edit?.changes?.[uri('.briefrc.yaml')] ?? [];
    assert.equal(TextDocument.applyEdits(TextDocument.create('x:', 'yaml', 0, misspelt), [edit]), misspelt.replace('unsuported', 'unsupported'));
  });

  it('find references from a brief lists the `target:` fields a rename edits', async () => {
    const { client, at, show } = await workspace();
    const onNw = at('briefs/watch.brief', positionOf(WATCH, '@NW', 1));
    const references = await client.request<Location[]>('textDocument/references', { ...onNw, context: { includeDeclaration: true } });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...onNw, newName: 'night-guard' });
    const yaml = (ls: readonly Location[]) => show(ls.filter((l) => l.uri.endsWith('.yaml'))).sort();
    const edited = Object.entries(edit.changes ?? {}).flatMap(([u, edits]) => edits.map((e) => ({ uri: u, range: e.range })));
    assert.deepEqual(yaml(references), yaml(edited));
    assert.deepEqual(yaml(references), ['kb/desk.yaml:1', `kb/desk.yaml:${lineOf(DESK, 'target: night-watch')}`, 'kb/local.yaml:6']);
  });

  it('workspace symbols without a workspace folder (one file opened alone) list the bundled KB and the open briefs', async () => {
    const client = await LspClient.start();
    running.push(client);
    const alone = makeFolder({ 'alone.brief': '# Alone with @Tajikistan\n' });
    folders.push(alone);
    await client.open(uriOf(path.join(alone, 'alone.brief')), '# Alone with @Tajikistan\n');
    const names = (await client.request<SymbolInformation[]>('workspace/symbol', { query: 'Tajik' })).map((s) => s.name);
    assert.ok(names.includes('Tajikistan'), `the bundled entity: ${names.join(', ')}`);
    assert.ok(names.some((n) => n.includes('Alone with')), `the open brief's heading: ${names.join(', ')}`);
  });

  it('workspace symbols take a query written as a reference', async () => {
    const { client } = await workspace();
    for (const [query, name] of [['@csto', 'Collective Security Treaty Organization'], ['@[Xi Jinping]', 'Xi Jinping'], ['@NW', 'Night Watch']]) {
      const [first] = await client.request<SymbolInformation[]>('workspace/symbol', { query });
      assert.equal(first?.name, name, query);
    }
  });
});

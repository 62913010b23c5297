/**
 * Tier 2: protocol conformance as clients other than VS Code meet it (Neovim, Helix, Emacs, Zed,
 * Sublime): the lifecycle's answers to requests out of turn, a client that keeps no diagnostic
 * `data`, one that opens a document twice, one that watches no files, `only` on code actions.
 * The real bundled server over JSON-RPC (`npm run build` first).
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  CodeActionRequest,
  CompletionItemKind,
  DidChangeWorkspaceFoldersNotification,
  ErrorCodes,
  InitializeRequest,
  ResponseError,
  ShutdownRequest,
  SymbolKind,
  type ClientCapabilities,
  type CodeAction,
  type CompletionList,
  type Diagnostic,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';
import { perTest, uriOf, writeFile } from './lspClient';

/** The error code a request is answered with, or 'answered'. */
function codeOf(answer: Promise<unknown>): Promise<number | string> {
  return answer.then(
    () => 'answered',
    (error: unknown) => (error instanceof ResponseError ? error.code : String(error)),
  );
}

/** The pid of a process that has ended: no process has it (for now). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('protocol conformance (the real server, as other editors drive it)', () => {
  const { start, folder } = perTest();

  describe('a client that watches no files (no didChangeWatchedFiles dynamic registration: Neovim on Linux)', () => {
    it('sees a KB file and a config saved, and the entity added resolves', async () => {
      const kb0 = 'entities:\n  - id: kant-town\n    kind: place\n    name: Kant (town)\n    summary: A town.\n';
      const ws = folder({ '.briefrc.yaml': 'kb: [kb/local.yaml]\n', 'kb/local.yaml': kb0 });
      const client = await start({ folder: ws, capabilities: { workspace: { workspaceFolders: true } } });
      assert.deepEqual(client.registrations, [], 'nothing to register with this client');
      const uri = uriOf(path.join(ws, 'a.brief'));
      await client.open(uri, '@[Border Cell] and @Nobody\n');
      assert.equal((await client.waitForDiagnostics(uri, { where: (p) => p.diagnostics.length === 2 })).diagnostics.length, 2);
      // The analyst adds the entity to the KB file in the editor and saves it: the client tells the server nothing.
      const after = client.mark();
      writeFile(ws, 'kb/local.yaml', `${kb0}  - id: border-cell\n    kind: group\n    name: Border Cell\n    summary: A cell.\n`);
      const resolved = await client.waitForDiagnostics(uri, { after, where: (p) => p.diagnostics.length === 1 });
      assert.match(JSON.stringify(resolved.diagnostics[0].message), /Nobody/);
      // And the config: the rule turned off.
      const later = client.mark();
      writeFile(ws, '.briefrc.yaml', 'kb: [kb/local.yaml]\nrules: { unknown-reference: off }\n');
      await client.waitForDiagnostics(uri, { after: later, where: (p) => p.diagnostics.length === 0 });
    });
  });

  describe('a client that lists no symbol or completion kinds (it knows the first 18 of each)', () => {
    it("gets an organization as a Class where VS Code's list of kinds gets it as a Struct, in workspace symbols and completion", async () => {
      const kindsOf = async (capabilities: ClientCapabilities) => {
        const ws = folder({ 'a.brief': 'The @CSTO met.\n' });
        const client = await start({ folder: ws, capabilities });
        const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'Collective Security' });
        const uri = uriOf(path.join(ws, 'b.brief'));
        await client.open(uri, 'Talks with @CST');
        const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 15 } });
        return [symbols.find((s) => s.name === 'Collective Security Treaty Organization')?.kind, list.items.find((i) => i.label === 'CSTO')?.kind];
      };
      assert.deepEqual(await kindsOf({ workspace: { workspaceFolders: true }, textDocument: { completion: {} } }), [SymbolKind.Class, CompletionItemKind.Class]);
      const all = <T extends number>(count: number) => Array.from({ length: count }, (_, n) => (n + 1) as T);
      const listed: ClientCapabilities = {
        workspace: { workspaceFolders: true, symbol: { symbolKind: { valueSet: all<SymbolKind>(26) } } },
        textDocument: { completion: { completionItemKind: { valueSet: all<CompletionItemKind>(25) } } },
      };
      assert.deepEqual(await kindsOf(listed), [SymbolKind.Struct, CompletionItemKind.Struct]);
    });
  });

  describe('a client that keeps no diagnostic data (no publishDiagnostics.dataSupport)', () => {
    it('gets the same quick fixes when it sends the diagnostics back without their data', async () => {
      const client = await start({ capabilities: {} });
      const uri = uriOf(path.join(folder(), 'fixes.brief'));
      const text = ['---', 'title: T', 'confidnce: high', 'sources: [mini-2022]', '---', '- claim: @Tajikistan memberof @CSTO', 'Cited [^mini-2021:3].', '%% brief-disable-next-line unknown-referense', '@Tajikstan', ''].join('\n');
      await client.open(uri, text);
      const published = await client.waitForDiagnostics(uri);
      const fixes = async (d: Diagnostic) => {
        const actions = await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
        return actions.filter((a) => a.kind === 'quickfix' && !a.title.startsWith('Disable')).map((a) => a.title);
      };
      const codes = published.diagnostics.map((d) => d.code);
      for (const code of ['front-matter-unknown-key', 'unknown-source', 'unknown-predicate', 'unknown-paragraph', 'unknown-rule', 'unknown-reference']) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
      for (const d of published.diagnostics) {
        const withData = await fixes(d);
        if (withData.length === 0) continue;
        const { data: _data, ...without } = d;
        assert.deepEqual(await fixes(without), withData, `${String(d.code)}: the fixes without the diagnostic's data`);
      }
    });
  });

  describe('requests out of turn', () => {
    it('answers any method before initialize with ServerNotInitialized and after shutdown with InvalidRequest, unknown ones too', async () => {
      let early: (number | string)[] = [];
      const client = await start({
        beforeInitialize: async (connection) => {
          early = await Promise.all(['brief/noSuchMethod', 'textDocument/semanticTokens/full/delta', 'textDocument/diagnostic'].map((m) => codeOf(connection.sendRequest(m, {}))));
        },
      });
      assert.deepEqual(early, [ErrorCodes.ServerNotInitialized, ErrorCodes.ServerNotInitialized, ErrorCodes.ServerNotInitialized]);
      assert.equal(await codeOf(client.connection.sendRequest('brief/noSuchMethod', {})), ErrorCodes.MethodNotFound, 'in turn, an unknown method is just unknown');
      await client.connection.sendRequest(ShutdownRequest.type);
      const late = await Promise.all(['brief/noSuchMethod', 'textDocument/semanticTokens/full/delta'].map((m) => codeOf(client.connection.sendRequest(m, {}))));
      assert.deepEqual(late, [ErrorCodes.InvalidRequest, ErrorCodes.InvalidRequest]);
      assert.equal(await client.exit(), 0);
    });

    it('exits with 1 after a shutdown it refused (sent before initialize)', async () => {
      let refused: number | string = '';
      const client = await start({
        beforeInitialize: async (connection) => {
          refused = await codeOf(connection.sendRequest(ShutdownRequest.type));
        },
      });
      assert.equal(refused, ErrorCodes.ServerNotInitialized);
      // LSP: exit 0 only "if the shutdown request has been received before"; this one was refused.
      assert.equal(await client.exit(), 1);
    });

    it('a refused second initialize changes nothing: folder events still count', async () => {
      const added = folder({ 'late.brief': '@Nobody\n' });
      const client = await start({ capabilities: { workspace: { workspaceFolders: true } } });
      const again = await codeOf(client.connection.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, workspaceFolders: null, capabilities: { workspace: { workspaceFolders: true } } }));
      assert.equal(again, ErrorCodes.InvalidRequest);
      await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [{ uri: uriOf(added), name: 'added' }], removed: [] } });
      const late = await client.waitForDiagnostics(uriOf(path.join(added, 'late.brief')));
      assert.deepEqual(late.diagnostics.map((d) => d.code), ['unknown-reference']);
    });

    it('a refused initialize does not arm the parent-process watchdog with its processId', async function () {
      this.timeout(20000);
      const gone = deadPid();
      let malformed: number | string = '';
      const client = await start({
        beforeInitialize: async (connection) => {
          // No capabilities: refused, and a good initialize follows (with this process's pid).
          malformed = await codeOf(connection.sendRequest('initialize', { processId: gone, rootUri: null }));
        },
      });
      assert.equal(malformed, ErrorCodes.InvalidParams);
      const second = await codeOf(client.connection.sendRequest(InitializeRequest.type, { processId: gone, rootUri: null, workspaceFolders: null, capabilities: {} }));
      assert.equal(second, ErrorCodes.InvalidRequest);
      // The library checks the parent every 3 s and exits when it is gone.
      const ended = await Promise.race([client.exited, new Promise((resolve) => setTimeout(() => resolve('running'), 3600))]);
      assert.equal(ended, 'running', `the server ended (${String(ended)}) after a refused initialize named a dead parent\n${client.stderr}`);
    });
  });

  describe('a document opened again without a close', () => {
    it('is checked and answered on its new text, even under the same version', async () => {
      const client = await start({});
      const uri = uriOf(path.join(folder(), 'twice.brief'));
      await client.open(uri, '@Nobody\n', 1);
      assert.deepEqual((await client.waitForDiagnostics(uri)).diagnostics.map((d) => d.code), ['unknown-reference']);
      const after = client.mark();
      await client.open(uri, '@Tajikistan\n', 1);
      const again = await client.waitForDiagnostics(uri, { after });
      assert.deepEqual(again.diagnostics, [], 'the diagnostics of the text opened second');
      const hover = await client.hover(uri, { line: 0, character: 3 });
      assert.match(JSON.stringify(hover), /Tajikistan/);
    });
  });

  describe('code actions of a KB or config file', () => {
    it('honour `only`: a request for other kinds gets no quick fix', async () => {
      const ws = folder({ '.briefrc.yaml': 'rules: { unsuported-claim: off }\n' });
      const client = await start({ folder: ws });
      const uri = uriOf(path.join(ws, '.briefrc.yaml'));
      const text = fs.readFileSync(path.join(ws, '.briefrc.yaml'), 'utf8');
      const published = await client.waitForDiagnostics(uri, { where: (p) => p.diagnostics.length > 0 });
      await client.open(uri, text, 1, 'yaml');
      const d = published.diagnostics.find((x) => x.code === 'unknown-rule');
      assert.ok(d, JSON.stringify(published.diagnostics));
      const kinds = async (only?: string[]) => (await client.request<CodeAction[]>(CodeActionRequest.method, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], ...(only ? { only } : {}) } })).map((a) => a.kind);
      assert.deepEqual(await kinds(), ['quickfix']);
      assert.deepEqual(await kinds(['quickfix']), ['quickfix']);
      assert.deepEqual(await kinds(['source.fixAll']), []);
    });
  });
});

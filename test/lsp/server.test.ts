/**
 * Tier 2: the real bundled language server (`dist/server.js --stdio`) driven over JSON-RPC.
 * Run `npm run build` first. The server reads the small test KB (BRIEF_DATA_DIR =
 * test/fixtures/mini-data) unless a test says otherwise; each workspace is a temp folder.
 */
import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DiagnosticSeverity,
  ErrorCodes,
  FileChangeType,
  LSPErrorCodes,
  HoverRequest,
  InitializeRequest,
  RegistrationRequest,
  ResponseError,
  ShutdownRequest,
  DidOpenTextDocumentNotification,
  MarkupContent,
  MarkupKind,
  TextDocumentSyncKind,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type Message,
  type RequestMessage,
  type ResponseMessage,
  type Position,
  type SymbolInformation,
  type TextDocumentContentChangeEvent,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { LspClient, MINI_DATA_DIR, perTest, SERVER_JS, uriOf, writeFile } from './lspClient';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

const BRIEF_LINT = path.join(REPO_ROOT, 'dist', 'brief-lint.js');

/** The position of the `n`-th (0-based) occurrence of `needle` in `text`, plus `offset` characters. */
function positionOf(text: string, needle: string, offset = 0, n = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `'${needle}' (#${n}) is not in the test text`);
  }
  return TextDocument.create('x:', 'brief', 0, text).positionAt(at + offset);
}

function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

function markdownOf(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents, 'expected MarkupContent');
  assert.equal(contents.kind, MarkupKind.Markdown);
  return contents.value;
}

describe('language server (the real process, over JSON-RPC)', () => {
  const { start, folder } = perTest();

  describe('lifecycle and capabilities', () => {
    it('answers initialize with hover, completion, incremental sync and its name', async () => {
      const client = await start({ folder: folder() });
      const result = client.initializeResult;
      assert.ok(result);
      const caps = result.capabilities;
      assert.equal(caps.hoverProvider, true);
      assert.ok(caps.completionProvider, 'completionProvider');
      assert.deepEqual([...(caps.completionProvider.triggerCharacters ?? [])].sort(), [':', '@', '[', '^']);
      assert.equal(caps.completionProvider.resolveProvider, true, 'documentation on completionItem/resolve');
      const sync = caps.textDocumentSync;
      assert.ok(sync && typeof sync === 'object', 'textDocumentSync options');
      assert.equal(sync.change, TextDocumentSyncKind.Incremental);
      assert.equal(sync.openClose, true);
      assert.equal(result.serverInfo?.name, 'brief-language-server');
      assert.equal(result.serverInfo?.version, JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version, "serverInfo.version is package.json's");
    });

    it('answers requests out of turn with the protocol errors: before initialize, a second initialize, after shutdown', async () => {
      const dir = folder();
      const uri = uriOf(path.join(dir, 'a.brief'));
      const hover = { textDocument: { uri }, position: { line: 0, character: 2 } };
      let early: unknown;
      let earlyShutdown: unknown;
      /** Requests out of turn whose params are broken too: the lifecycle's error comes first. */
      const broken = (connection: LspClient['connection']) =>
        Promise.all(['textDocument/hover', 'textDocument/foldingRange', 'textDocument/references'].map((method) => connection.sendRequest(method, {}).then(() => 'answered', (error: unknown) => (error instanceof ResponseError ? error.code : String(error)))));
      let earlyBroken: unknown;
      let badInitialize: unknown[] = [];
      const client = await LspClient.start({
        folder: dir,
        beforeInitialize: async (connection) => {
          // An initialize without capabilities is refused, and leaves room for a good one.
          badInitialize = await Promise.all([{}, null, { capabilities: null }].map((params) => connection.sendRequest('initialize', params).then(() => 'answered', (error: unknown) => (error instanceof ResponseError ? error.code : String(error)))));
          // LSP: a notification before initialize is dropped; this open must not count.
          await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'brief', version: 1, text: '@Nobody\n' } });
          early = await connection.sendRequest(HoverRequest.type, hover).then(() => 'answered', (error: unknown) => error);
          earlyBroken = await broken(connection);
          earlyShutdown = await connection.sendRequest(ShutdownRequest.type).then(() => 'answered', (error: unknown) => error);
        },
      });
      try {
        assert.deepEqual(badInitialize, [ErrorCodes.InvalidParams, ErrorCodes.InvalidParams, ErrorCodes.InvalidParams], 'initialize without capabilities');
        assert.ok(early instanceof ResponseError, `a hover before initialize: ${String(early)}`);
        assert.equal(early.code, ErrorCodes.ServerNotInitialized);
        assert.deepEqual(earlyBroken, [ErrorCodes.ServerNotInitialized, ErrorCodes.ServerNotInitialized, ErrorCodes.ServerNotInitialized], 'requests with broken params before initialize');
        assert.deepEqual(await broken(client.connection), [ErrorCodes.InvalidParams, ErrorCodes.InvalidParams, ErrorCodes.InvalidParams], 'the same requests in turn');
        assert.ok(earlyShutdown instanceof ResponseError && earlyShutdown.code === ErrorCodes.ServerNotInitialized, `a shutdown before initialize: ${String(earlyShutdown)}`);
        assert.equal(await client.hover(uri, hover.position), null, 'the open sent before initialize was dropped');
        assert.deepEqual(client.published, [], 'nothing published for it');
        const again = await client.connection.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {} }).then(() => 'answered', (error: unknown) => error);
        assert.ok(again instanceof ResponseError, `a second initialize: ${String(again)}`);
        assert.equal(again.code, ErrorCodes.InvalidRequest);
        await client.open(uri, '@Tajikistan\n');
        assert.ok(await client.hover(uri, hover.position), 'requests in turn are answered');
        await client.connection.sendRequest(ShutdownRequest.type);
        const late = await client.connection.sendRequest(HoverRequest.type, hover).then(() => 'answered', (error: unknown) => error);
        assert.ok(late instanceof ResponseError, `a hover after shutdown: ${String(late)}`);
        assert.equal(late.code, ErrorCodes.InvalidRequest);
        assert.deepEqual(await broken(client.connection), [ErrorCodes.InvalidRequest, ErrorCodes.InvalidRequest, ErrorCodes.InvalidRequest], 'requests with broken params after shutdown');
        const secondShutdown = await client.connection.sendRequest(ShutdownRequest.type).then(() => 'answered', (error: unknown) => error);
        assert.ok(secondShutdown instanceof ResponseError && secondShutdown.code === ErrorCodes.InvalidRequest, `a second shutdown: ${String(secondShutdown)}`);
        assert.equal(await client.exit(), 0);
      } finally {
        client.kill();
      }
    });

    for (const answer of ['refuses', 'never answers'] as const) {
      it(`indexes the workspace when the client ${answer} the file watchers' registration`, async () => {
        const dir = folder({ 'closed.brief': '@Nobody\n' });
        const client = await start({
          folder: dir,
          beforeInitialize: async (connection) => {
            // Replaces the test client's own handler, which accepts every registration.
            connection.onRequest(RegistrationRequest.type, () => (answer === 'refuses' ? new ResponseError(ErrorCodes.InternalError, 'no watching here') : new Promise<never>(() => undefined)));
          },
        });
        const closed = await client.waitForDiagnostics(uriOf(path.join(dir, 'closed.brief')));
        assert.deepEqual(closed.diagnostics.map((d) => d.code), ['unknown-reference']);
        if (answer === 'refuses') assert.match(await client.waitForLog(/could not register its file watchers/), /no watching here/);
      });
    }

    /**
     * The server over raw stdio pipes, for what the test client hides: the streams themselves.
     * Killed after each test, also one that timed out waiting for an answer that never came.
     */
    const rawServers: ReturnType<typeof spawn>[] = [];
    afterEach(() => rawServers.splice(0).forEach((child) => child.kill()));
    const rawServer = (args: string[]) => {
      const child = spawn(process.execPath, [...args, '--stdio'], { env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA_DIR }, stdio: ['pipe', 'pipe', 'pipe'] });
      rawServers.push(child);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const writer = new StreamMessageWriter(child.stdin);
      const reader = new StreamMessageReader(child.stdout);
      const answers = new Map<number, (answer: ResponseMessage) => void>();
      const asked = new Map<string, () => void>();
      reader.listen((message) => {
        const answer = message as ResponseMessage;
        if (typeof answer.id === 'number' && !('method' in message)) answers.get(answer.id)?.(answer);
        if ('method' in message) asked.get((message as RequestMessage).method)?.();
      });
      /** Resolves when the server sends the client a message of `method` (which this client never answers). */
      const serverSends = (method: string) => new Promise<void>((resolve) => asked.set(method, resolve));
      // The writer sends asynchronously: `sent` is for a test that closes stdin behind its requests.
      const writes: Promise<void>[] = [];
      const ask = (id: number, method: string, params: unknown) =>
        new Promise<ResponseMessage>((resolve) => {
          answers.set(id, resolve);
          writes.push(writer.write({ jsonrpc: '2.0', id, method, params } as Message));
        });
      const notify = (method: string, params: unknown) => writer.write({ jsonrpc: '2.0', method, params } as Message);
      const sent = () => Promise.all(writes);
      /** A request and its `$/cancelRequest` in one write to the pipe: the server reads them together. */
      const askAndCancel = async (id: number, method: string, params: unknown) => {
        await sent();
        const frame = (message: object) => {
          const body = Buffer.from(JSON.stringify(message), 'utf8');
          return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
        };
        return new Promise<ResponseMessage>((resolve) => {
          answers.set(id, resolve);
          child.stdin.write(Buffer.concat([frame({ jsonrpc: '2.0', id, method, params }), frame({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id } })]));
        });
      };
      return { child, exited, ask, notify, sent, serverSends, askAndCancel };
    };

    it("answers a feature request whose params are null (not an object) with InvalidParams", async () => {
      // Raw JSON-RPC: the test client's library would send a null argument as a list, `[null]`.
      const { ask, notify } = rawServer([SERVER_JS]);
      await ask(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
      await notify('initialized', {});
      for (const [id, method] of [[2, 'textDocument/hover'], [3, 'textDocument/completion'], [4, 'workspace/symbol']] as const) {
        const answer = await ask(id, method, null);
        assert.equal(answer.error?.code, ErrorCodes.InvalidParams, `${method} with params null: ${JSON.stringify(answer)}`);
      }
    });

    it('answers find references with RequestCancelled when its cancellation came with it', async () => {
      const { ask, notify, askAndCancel } = rawServer([SERVER_JS]);
      await ask(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
      await notify('initialized', {});
      await notify('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/cancelled.brief', languageId: 'brief', version: 1, text: '@Nobody met @Nobody.\n' } });
      const where = { textDocument: { uri: 'file:///tmp/cancelled.brief' }, position: { line: 0, character: 2 }, context: { includeDeclaration: false } };
      const cancelled = await askAndCancel(2, 'textDocument/references', where);
      assert.equal(cancelled.error?.code, -32800, `RequestCancelled: ${JSON.stringify(cancelled)}`);
      // Not cancelled, the same request finds both references: the cancellation was what stopped it.
      const answered = await ask(3, 'textDocument/references', where);
      assert.equal((answered.result as unknown[]).length, 2, JSON.stringify(answered));
    });

    it('does no more work after shutdown: indexing stops, and an open after it is not checked', async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 300; i++) files[`bulk/b${i}.brief`] = '@Nobody\n';
      const dir = folder(files);
      const client = await start({ folder: dir });
      // Right after `initialized`, while the workspace is being indexed and checked.
      await client.connection.sendRequest(ShutdownRequest.type);
      const published = client.published.length;
      await client.open(uriOf(path.join(dir, 'late.brief')), '@Nobody\n');
      // A client that waits a little before `exit`: whatever the server still did would arrive now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(client.published.length, published, `${client.published.length - published} publications after shutdown, the first for ${client.published[published]?.uri}`);
      assert.ok(published < 300, `the workspace was checked before shutdown arrived (${published} publications): this test needs a larger one`);
      assert.equal(await client.exit(), 0);
    });

    it('exits when the client closes the output stream, without unhandled errors', async () => {
      const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA_DIR }, stdio: ['pipe', 'pipe', 'pipe'] });
      try {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        const writer = new StreamMessageWriter(child.stdin);
        const answered = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await writer.write({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } } as Message);
        await answered;
        await writer.write({ jsonrpc: '2.0', method: 'initialized', params: {} } as Message);
        // The client stops reading; stdin stays open, so only the closed output can end the server.
        child.stdout.destroy();
        for (let i = 0; i < 3; i++) {
          try {
            await writer.write({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: `file:///tmp/closed-${i}.brief`, languageId: 'brief', version: 1, text: '@Nobody\n' } } } as Message);
          } catch {
            // The server may already have left, on the first brief's diagnostics: its stdin is then
            // closed too (EPIPE), which is what this case expects of it.
            break;
          }
        }
        // Waited for, not timed: a server that never exits fails here, and is killed below.
        const stillRunning = new Promise<string>((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000).unref());
        assert.equal(await Promise.race([exited, stillRunning]), 1);
        assert.doesNotMatch(stderr, /unhandled rejection/);
        assert.match(stderr, /the client closed the output stream/);
      } finally {
        child.kill();
      }
    });

    for (const [when, shutdownFirst, code] of [['without shutdown', false, 1], ['after shutdown', true, 0]] as const) {
      it(`ends when the client closes stdin, with code ${code} ${when}`, async () => {
        const { child, exited, ask } = rawServer([SERVER_JS]);
        await ask(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
        if (shutdownFirst) assert.equal((await ask(2, 'shutdown', null)).error, undefined);
        child.stdin.end();
        assert.equal(await exited, code);
      });
    }

    it('answers the requests it read before the client closed stdin, then ends (shutdown sent on the way out)', async () => {
      const { child, exited, ask, notify, sent } = rawServer([SERVER_JS]);
      await ask(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
      await notify('initialized', {});
      await notify('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/last.brief', languageId: 'brief', version: 1, text: '@Nobody\n' } });
      // A hover and `shutdown` in one go, and stdin closed right behind them, as a client that is quitting.
      const answers = [ask(2, 'textDocument/hover', { textDocument: { uri: 'file:///tmp/last.brief' }, position: { line: 0, character: 2 } }), ask(3, 'shutdown', null)];
      await sent();
      child.stdin.end();
      const [hover, shutdown] = await Promise.all(answers);
      assert.match(JSON.stringify(hover.result), /Nobody/);
      assert.equal(shutdown.error, undefined);
      assert.equal(await exited, 0);
    });

    it('ends when stdin closes even with a request it cannot finish (waiting on a client that has gone)', async () => {
      const dir = folder({ 'kb/local.yaml': 'entities:\n  - id: border-cell\n    kind: organization\n    name: Border Cell\n    summary: A cell.\n' });
      const { child, exited, ask, notify, sent, serverSends } = rawServer([SERVER_JS]);
      await ask(1, 'initialize', { processId: null, rootUri: uriOf(dir), capabilities: { window: { showDocument: { support: true } } } });
      await notify('initialized', {});
      // The command shows the KB file through `window/showDocument`, which this client leaves unanswered.
      const showing = serverSends('window/showDocument');
      void ask(2, 'workspace/executeCommand', { command: 'brief.showKbEntity', arguments: [uriOf(path.join(dir, 'kb', 'local.yaml')), 'border-cell'] });
      await sent();
      await showing;
      child.stdin.end();
      assert.equal(await exited, 1);
    });

    it("keeps stdout for the protocol: what code in the server prints with console goes to stderr", async () => {
      // The bundle as a dependency of a script that prints once the server is up, as a library in
      // it might: through the global console, one it took before the server started, and `require('console')`.
      const printing = [
        `const taken = console;`,
        `require(${JSON.stringify(SERVER_JS)});`,
        `console.log('said with console.log'); console.info('said with console.info'); console.table([{ capital: 'Dushanbe' }]);`,
        `taken.log('said with a console taken before'); require('console').log('said with the console module');`,
      ].join(' ');
      const { child, ask } = rawServer(['-e', printing, '--']);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const answer = await ask(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
      assert.equal(answer.error, undefined);
      assert.ok(stdout.startsWith('Content-Length: '), `stdout begins with a frame: ${JSON.stringify(stdout.slice(0, 80))}`);
      assert.doesNotMatch(stdout, /said with|Dushanbe/);
      for (const said of ['said with console.log', 'said with console.info', 'Dushanbe', 'said with a console taken before', 'said with the console module']) {
        assert.ok(stderr.includes(said), `${said} on stderr: ${JSON.stringify(stderr)}`);
      }
    });

    it('goes on serving when the client closes its stderr, which the server logs to', async () => {
      const { child, exited, ask, notify } = rawServer([SERVER_JS]);
      child.stderr.destroy();
      // Logged on stderr ("Dropped … before 'initialize'") into a pipe nobody reads any more.
      await notify('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/early.brief', languageId: 'brief', version: 1, text: '@Nobody\n' } });
      const gone = exited.then((code) => `the server exited with code ${code}`);
      const answer = await Promise.race([ask(1, 'initialize', { processId: null, rootUri: null, capabilities: {} }), gone]);
      assert.equal(typeof answer === 'string' ? answer : answer.error, undefined);
      await notify('initialized', {});
      await notify('textDocument/didOpen', { textDocument: { uri: 'file:///tmp/late.brief', languageId: 'brief', version: 1, text: '@Nobody\n' } });
      const hover = await Promise.race([ask(2, 'textDocument/hover', { textDocument: { uri: 'file:///tmp/late.brief' }, position: { line: 0, character: 2 } }), gone]);
      assert.match(typeof hover === 'string' ? hover : JSON.stringify(hover.result), /Nobody/);
    });

    it('exits with code 0 after shutdown and exit', async () => {
      const client = await LspClient.start({ folder: folder() });
      try {
        assert.equal(await client.stop(), 0);
      } finally {
        client.kill();
      }
    });
  });

  describe('a client that shows label details', () => {
    it('gets the kind, and whom an alias names, beside each entity in the list', async () => {
      const ws = folder();
      const client = await start({ folder: ws, capabilities: { textDocument: { completion: { completionItem: { labelDetailsSupport: true } } } } });
      const uri = uriOf(path.join(ws, 'details.brief'));
      const text = 'Talks with @Puti\n';
      await client.open(uri, text);
      const items = await client.completion(uri, positionOf(text, '@Puti', 5));
      assert.deepEqual(items.find((i) => i.label === 'Putin')?.labelDetails, { detail: ' (Vladimir Putin)', description: 'person' });
    });
  });

  describe('a client that resolves completion documentation and takes list defaults, as VS Code', () => {
    it('gets a list without documentation, one edit range for it, and the documentation on completionItem/resolve', async () => {
      const ws = folder();
      const vscode = await start({
        folder: ws,
        capabilities: {
          textDocument: {
            completion: {
              completionItem: { documentationFormat: ['markdown', 'plaintext'], resolveSupport: { properties: ['documentation', 'detail'] }, labelDetailsSupport: true },
              completionList: { itemDefaults: ['editRange', 'data'] },
            },
          },
        },
      });
      const eager = await start({ folder: ws });
      const uri = uriOf(path.join(ws, 'typing.brief'));
      const text = 'Talks with @Ta said\n';
      const at = positionOf(text, '@Ta', 3);
      for (const client of [vscode, eager]) await client.open(uri, text);
      const list = await vscode.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: at });
      const full = await eager.completion(uri, at);
      assert.deepEqual(list.items.map((i) => i.label), full.map((i) => i.label));
      assert.ok(list.itemDefaults?.editRange, 'a default edit range');
      assert.ok(list.items.every((i) => i.documentation === undefined), 'no documentation in the list');
      const taj = list.items.find((i) => i.label === 'Tajikistan');
      assert.ok(taj && taj.textEdit === undefined, 'Tajikistan takes the default range');
      assert.deepEqual({ range: list.itemDefaults.editRange, newText: taj.textEditText ?? taj.label }, full.find((i) => i.label === 'Tajikistan')?.textEdit);
      const resolved = await vscode.request<CompletionItem>('completionItem/resolve', taj);
      assert.deepEqual(resolved.documentation, full.find((i) => i.label === 'Tajikistan')?.documentation);
      assert.ok(MarkupContent.is(resolved.documentation) && /Afghan border/.test(resolved.documentation.value), JSON.stringify(resolved.documentation));
      // An item the server did not send comes back as it was; no item at all is a bad request.
      assert.deepEqual(await vscode.request<CompletionItem>('completionItem/resolve', { label: 'Elsewhere', data: [99, 0] }), { label: 'Elsewhere', data: [99, 0] });
      await assert.rejects(vscode.request('completionItem/resolve', null), (e: ResponseError<unknown>) => e.code === ErrorCodes.InvalidParams);
    });
  });

  describe('a client of few capabilities (plain text, flat symbols)', () => {
    it('gets hovers and completion documentation in plain text, and document symbols flat', async () => {
      const ws = folder();
      const client = await start({
        folder: ws,
        capabilities: { textDocument: { hover: { contentFormat: ['plaintext'] }, completion: { completionItem: { documentationFormat: ['plaintext'] } } } },
      });
      const text = '# Leaders\n@Tajikistan and @Tajikstan.\n## Claims\n- claim: @Uzbekistan member-of @CSTO\n';
      const uri = uriOf(path.join(ws, 'plain.brief'));
      await client.open(uri, text);
      await client.waitForDiagnostics(uri);
      for (const position of [positionOf(text, '@Tajikistan', 2), positionOf(text, '@Tajikstan', 2), positionOf(text, 'member-of', 2)]) {
        const hover = await client.hover(uri, position);
        assert.ok(hover && MarkupContent.is(hover.contents), `a hover at ${JSON.stringify(position)}`);
        assert.equal(hover.contents.kind, MarkupKind.PlainText);
        assert.doesNotMatch(hover.contents.value, /\*\*|\\[^\s]|&lt;|&amp;|`/, `Markdown left in ${JSON.stringify(hover.contents.value)}`);
      }
      const unknown = (await client.hover(uri, positionOf(text, '@Tajikstan', 2)))?.contents;
      assert.equal(MarkupContent.is(unknown) && unknown.value, 'Unknown entity Tajikstan. Did you mean Tajikistan?');
      const items = await client.completion(uri, positionOf(text, '@Tajikistan', 4));
      assert.ok(items.length > 0 && items.every((i) => i.labelDetails === undefined), 'no label details for a client that does not show them');
      const documented = items.filter((i) => i.documentation !== undefined);
      assert.ok(documented.length > 0);
      for (const item of documented) assert.deepEqual(MarkupContent.is(item.documentation) && item.documentation.kind, MarkupKind.PlainText);
      const symbols = await client.request<SymbolInformation[]>('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(symbols.map((s) => [s.name, s.containerName, s.location.uri === uri]), [
        ['Leaders', undefined, true],
        ['Claims', 'Leaders', true],
        ['@Uzbekistan member-of @CSTO', 'Claims', true],
      ]);
    });
  });

  describe('diagnostics, hover and completion (mini KB)', () => {
    let client: LspClient;
    let ws: string;
    beforeEach(async () => {
      ws = folder();
      client = await start({ folder: ws });
    });

    it('publishes diagnostics on didOpen, with source, code, severity and range', async () => {
      const text = 'Then @Tajikstan moved.\n- claim: @Uzbekistan member-of @CSTO\n';
      const uri = uriOf(path.join(ws, 'open.brief'));
      await client.open(uri, text, 1);
      const published = await client.waitForDiagnostics(uri, { minVersion: 1 });
      assert.equal(published.version, 1);
      const [unknown, contradicted, ...rest] = published.diagnostics.map((d) => ({ ...d, message: messageOf(d) }));
      assert.deepEqual(rest, []);
      assert.equal(unknown.code, 'unknown-reference');
      assert.equal(unknown.source, 'brief');
      assert.equal(unknown.severity, DiagnosticSeverity.Error);
      assert.deepEqual(unknown.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 15 } });
      assert.match(unknown.message, /Did you mean Tajikistan\?/);
      assert.equal(contradicted.code, 'contradicted-claim');
      assert.equal(contradicted.source, 'brief');
      assert.equal(contradicted.severity, DiagnosticSeverity.Error);
      assert.deepEqual(contradicted.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 36 } });
      assert.match(contradicted.message, /“excludes Uzbekistan” \(mini-2021 ¶p1\)/);
    });

    it('hovers a reference, a citation and a claim predicate', async () => {
      const text = '@Tajikistan is cited [^mini-2021:p2].\nclaim: @Uzbekistan member-of @CSTO\n';
      const uri = uriOf(path.join(ws, 'hover.brief'));
      await client.open(uri, text);
      const onReference = await client.hover(uri, positionOf(text, '@Tajikistan', 3));
      assert.match(markdownOf(onReference), /\*\*Tajikistan\*\* · _state_/);
      assert.deepEqual(onReference?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 11 } });
      const onCitation = markdownOf(await client.hover(uri, positionOf(text, 'p2]')));
      assert.match(onCitation, /Russian President Vladimir Putin spoke with Chinese President Xi Jinping/);
      const onPredicate = markdownOf(await client.hover(uri, positionOf(text, 'member-of', 4)));
      assert.match(onPredicate, /Contradicted/);
      assert.match(onPredicate, /excludes Uzbekistan/);
      assert.equal(await client.hover(uri, positionOf(text, 'is cited', 2)), null);
    });

    it('a request on a brief cancelled at once answers RequestCancelled or in full, never empty', async () => {
      const text = '# Central Asia\n@Tajikistan and @Ta\n%% region\nclaim: @Uzbekistan member-of @CSTO\n%% endregion\n';
      const uri = uriOf(path.join(ws, 'cancel.brief'));
      await client.open(uri, text);
      const textDocument = { uri };
      const requests: [string, unknown][] = [
        ['textDocument/hover', { textDocument, position: positionOf(text, '@Tajikistan', 2) }],
        ['textDocument/completion', { textDocument, position: positionOf(text, '@Ta\n', 3) }],
        ['textDocument/foldingRange', { textDocument }],
        ['textDocument/documentSymbol', { textDocument }],
        ['textDocument/semanticTokens/full', { textDocument }],
      ];
      // Whether a cancellation is read before the handler starts is up to timing (a brief's
      // handler sees one only if it was read by then; cancellation.ts waits for the pipe only for
      // requests over the whole workspace): a fast one, such as folding ranges, was refused in 0
      // to 5 of 20 in runs on this machine. What each answer may be is checked for every request;
      // that cancellation reaches these handlers at all, over the hundred of them.
      let refused = 0;
      for (const [method, params] of requests) {
        const full = await client.request<unknown>(method, params);
        assert.ok(full !== null && JSON.stringify(full).length > 20, `${method}: the full answer is not empty (${JSON.stringify(full)})`);
        for (let i = 0; i < 20; i++) {
          try {
            assert.deepEqual(await client.requestCancelled<unknown>(method, params), full, `${method}: a cancelled request answered, but not in full`);
          } catch (error) {
            if (!(error instanceof ResponseError)) throw error;
            assert.equal(error.code, LSPErrorCodes.RequestCancelled, `${method}: ${error.message}`);
            refused++;
          }
        }
      }
      assert.ok(refused > 0, 'none of 100 requests cancelled at once was refused');
    });

    /** Applies a completion item's edit to the line, as an editor would. */
    const apply = (text: string, edit: TextEdit | undefined) => {
      assert.ok(edit && 'range' in edit, 'the item has a textEdit');
      const doc = TextDocument.create('x:', 'brief', 0, text);
      return TextDocument.applyEdits(doc, [edit]);
    };

    it('completes @Taj to @Tajikistan, replacing what was typed', async () => {
      const text = 'Tensions in @Taj';
      const uri = uriOf(path.join(ws, 'complete1.brief'));
      await client.open(uri, text);
      const items = await client.completion(uri, positionOf(text, '@Taj', 4));
      const item = items.find((i) => i.label === 'Tajikistan');
      assert.ok(item, `labels: ${items.map((i) => i.label).join(', ')}`);
      assert.ok(item.textEdit && 'range' in item.textEdit);
      assert.equal(item.textEdit.newText, '@Tajikistan');
      assert.deepEqual(item.textEdit.range, { start: { line: 0, character: 12 }, end: { line: 0, character: 16 } });
      assert.equal(apply(text, item.textEdit), 'Tensions in @Tajikistan');
    });

    it('completes @[Xi to @[Xi Jinping]', async () => {
      const text = 'Talks with @[Xi';
      const uri = uriOf(path.join(ws, 'complete2.brief'));
      await client.open(uri, text);
      const items = await client.completion(uri, positionOf(text, '@[Xi', 4));
      const texts = items.map((i) => (i.textEdit && 'range' in i.textEdit ? i.textEdit.newText : ''));
      assert.ok(texts.includes('@[Xi Jinping]'), `inserted texts: ${texts.join(', ')}`);
      const item = items[texts.indexOf('@[Xi Jinping]')];
      assert.equal(apply(text, item.textEdit as TextEdit), 'Talks with @[Xi Jinping]');
    });

    it('completes source ids after [^ and paragraphs after [^mini-2021:', async () => {
      const text = 'As reported [^\nAs reported [^mini-2021:';
      const uri = uriOf(path.join(ws, 'complete3.brief'));
      await client.open(uri, text);
      const sources = await client.completion(uri, { line: 0, character: 14 });
      assert.deepEqual(sources.map((i) => i.label), ['mini-2021']);
      assert.equal(apply('As reported [^', sources[0].textEdit as TextEdit), 'As reported [^mini-2021');
      const paragraphs = await client.completion(uri, { line: 1, character: 24 });
      assert.deepEqual(paragraphs.map((i) => i.label), ['p1', 'p2', 'p3']);
      assert.deepEqual(paragraphs.map((i) => (i.textEdit as TextEdit).newText), ['p1', 'p2', 'p3']);
    });

    it('re-validates after incremental edits and never publishes an older version after a newer one', async () => {
      const uri = uriOf(path.join(ws, 'edit.brief'));
      let doc = TextDocument.create(uri, 'brief', 1, '@Tajikistan\n');
      await client.open(uri, doc.getText(), 1);
      assert.deepEqual((await client.waitForDiagnostics(uri, { minVersion: 1 })).diagnostics, []);

      // Several quick edits, each sent without waiting: the server sees them as fast as it reads.
      const edits: TextDocumentContentChangeEvent[][] = [
        [{ range: { start: { line: 0, character: 11 }, end: { line: 0, character: 11 } }, text: ' and @Nobody' }],
        [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'claim: @Uzbekistan member-of @CSTO\n' }],
        [{ range: { start: { line: 0, character: 17 }, end: { line: 0, character: 23 } }, text: 'Russia' }],
        // Two changes in one notification, applied in order.
        [
          { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '@Tajikstan' },
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# ' },
        ],
        [{ range: { start: { line: 1, character: 19 }, end: { line: 1, character: 19 } }, text: 'not ' }],
        [{ range: { start: { line: 1, character: 19 }, end: { line: 1, character: 23 } }, text: '' }],
      ];
      let version = 1;
      for (const changes of edits) {
        version++;
        doc = TextDocument.update(doc, changes, version);
        await client.change(uri, version, changes);
      }
      assert.equal(doc.getText(), '# @Tajikistan and @Russia\nclaim: @Uzbekistan member-of @CSTO\n@Tajikstan');
      const latest = await client.waitForDiagnostics(uri, { minVersion: version });
      assert.equal(latest.version, version);
      assert.deepEqual(
        latest.diagnostics.map((d) => [d.code, doc.getText(d.range)]),
        [['contradicted-claim', 'claim: @Uzbekistan member-of @CSTO'], ['unknown-reference', '@Tajikstan']],
      );

      // One more edit as a barrier: once its diagnostics arrive, anything stale would have arrived too.
      const fix = [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 10 } }, text: '@Tajikistan' }];
      doc = TextDocument.update(doc, fix, ++version);
      await client.change(uri, version, fix);
      const fixed = await client.waitForDiagnostics(uri, { minVersion: version });
      assert.deepEqual(fixed.diagnostics.map((d) => d.code), ['contradicted-claim']);

      const versions = client.publishedFor(uri).map((p) => p.version ?? -1);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions out of order: ${versions.join(', ')}`);
      assert.equal(client.publishedFor(uri).at(-1)?.version, version);
    });

    it('survives requests on an unknown document and at malformed positions', async () => {
      const text = '@Tajikistan\n';
      const uri = uriOf(path.join(ws, 'robust.brief'));
      await client.open(uri, text);
      const unknownDoc = uriOf(path.join(ws, 'never-opened.brief'));
      assert.equal(await client.hover(unknownDoc, { line: 0, character: 1 }), null);
      assert.deepEqual(await client.completion(unknownDoc, { line: 0, character: 1 }), []);
      // Past the end of the line or the document: clamped, as LSP says (the end of the line, of the text).
      for (const position of [{ line: 999_999, character: 999_999 }, { line: 0, character: 1e9 }]) {
        const hover = await client.hover(uri, position);
        assert.ok(hover === null || typeof hover === 'object', `hover at ${JSON.stringify(position)}`);
        const items = await client.completion(uri, position);
        assert.ok(Array.isArray(items), `completion at ${JSON.stringify(position)}`);
      }
      assert.match(markdownOf(await client.hover(uri, { line: 0, character: 1e9 })), /\*\*Tajikistan\*\*/, 'the end of line 0 is on @Tajikistan');
      // No position at all: negative, fractional, not numbers, missing. Refused with InvalidParams.
      const invalid = [{ line: -1, character: -1 }, { line: 0.5, character: Number.MAX_SAFE_INTEGER }, { line: 'one', character: null }, undefined] as unknown as Position[];
      for (const position of invalid) {
        for (const request of [client.hover(uri, position), client.completion(uri, position)]) {
          const error = await request.then(() => 'answered', (e: unknown) => e);
          assert.ok(error instanceof ResponseError && error.code === ErrorCodes.InvalidParams, `at ${JSON.stringify(position)}: ${String(error)}`);
        }
      }
      // The same for references on a KB YAML file, which need no open document.
      const kbUri = uriOf(path.join(ws, 'kb', 'local.yaml'));
      for (const position of invalid) {
        const error = await client.connection.sendRequest('textDocument/references', { textDocument: { uri: kbUri }, position, context: { includeDeclaration: true } }).then(() => 'answered', (e: unknown) => e);
        assert.ok(error instanceof ResponseError && error.code === ErrorCodes.InvalidParams, `references on a KB file at ${JSON.stringify(position)}: ${String(error)}`);
      }
      // No document: refused the same way, by every request that needs one.
      for (const method of ['textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/documentSymbol', 'textDocument/codeLens', 'textDocument/semanticTokens/full']) {
        const error = await client.connection.sendRequest(method, {}).then(() => 'answered', (e: unknown) => e);
        assert.ok(error instanceof ResponseError && error.code === ErrorCodes.InvalidParams, `${method} without a document: ${String(error)}`);
      }
      // No params at all, or without the range, context or query the request needs: refused the
      // same way, and not logged as a failure of the server.
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } };
      const failuresBefore = client.logs.filter((m) => /failed/.test(m)).length;
      const incomplete: [string, unknown][] = [
        ['textDocument/hover', null],
        ['textDocument/codeAction', { textDocument: { uri }, range }],
        ['textDocument/codeAction', { textDocument: { uri }, context: { diagnostics: [] } }],
        ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [null] } }],
        ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [{ message: 'no range' }] } }],
        ['textDocument/inlayHint', { textDocument: { uri } }],
        ['textDocument/semanticTokens/range', { textDocument: { uri }, range: { start: range.start } }],
        ['workspace/symbol', {}],
        ['workspace/symbol', { query: 5 }],
      ];
      for (const [method, params] of incomplete) {
        const error = await client.connection.sendRequest(method, params).then(() => 'answered', (e: unknown) => e);
        assert.ok(error instanceof ResponseError && error.code === ErrorCodes.InvalidParams, `${method} with ${JSON.stringify(params)}: ${String(error)}`);
      }
      assert.deepEqual(client.logs.filter((m) => /failed/.test(m)).slice(failuresBefore), []);
      // Still serving.
      assert.match(markdownOf(await client.hover(uri, { line: 0, character: 2 })), /\*\*Tajikistan\*\*/);
      assert.ok((await client.completion(uri, { line: 0, character: 4 })).some((i) => i.label === 'Tajikistan'));
      assert.equal(client.process.exitCode, null, 'the server is still running');
    });
  });

  describe('.briefrc.yaml and workspace KB files', () => {
    it('honours rules in .briefrc.yaml and re-validates open briefs when it changes on disk', async () => {
      const ws = folder({ '.briefrc.yaml': 'rules: { unknown-reference: off }\n' });
      const client = await start({ folder: ws });
      const uri = uriOf(path.join(ws, 'config.brief'));
      await client.open(uri, '@Nobody and @Georgia\n');
      const first = await client.waitForDiagnostics(uri, { minVersion: 1 });
      assert.deepEqual(first.diagnostics.map((d) => d.code), ['ambiguous-reference']);

      const configFile = writeFile(ws, '.briefrc.yaml', 'rules: { unknown-reference: warning, ambiguous-reference: off }\n');
      const mark = client.mark();
      await client.watchedFilesChanged([{ uri: uriOf(configFile), type: FileChangeType.Changed }]);
      const after = await client.waitForDiagnostics(uri, { after: mark, where: (p) => p.diagnostics.some((d) => d.code === 'unknown-reference') });
      assert.deepEqual(after.diagnostics.map((d) => [d.code, d.severity]), [['unknown-reference', DiagnosticSeverity.Warning]]);
      assert.equal(after.version, 1, 'the document did not change, only its config');
    });

    it('loads a workspace KB file, reports a broken one on the file and keeps its last good entities', async () => {
      const good = 'entities:\n  - id: taliban\n    kind: group\n    name: Taliban\n    summary: A local test entity.\n';
      const ws = folder({ '.briefrc.yaml': 'kb: [kb/local.yaml]\n', 'kb/local.yaml': good });
      const client = await start({ folder: ws });
      const uri = uriOf(path.join(ws, 'kb.brief'));
      await client.open(uri, '@Taliban and @Tajikistan\n');
      assert.deepEqual((await client.waitForDiagnostics(uri, { minVersion: 1 })).diagnostics, []);
      assert.match(markdownOf(await client.hover(uri, { line: 0, character: 3 })), /A local test entity/);

      const kbFile = writeFile(ws, 'kb/local.yaml', 'entities:\n  - id: taliban\n    name: [unclosed\n');
      const kbUri = uriOf(kbFile);
      let mark = client.mark();
      await client.watchedFilesChanged([{ uri: kbUri, type: FileChangeType.Changed }]);
      const broken = await client.waitForDiagnostics(kbUri, { after: mark, where: (p) => p.diagnostics.length > 0 });
      assert.ok(broken.diagnostics.every((d) => d.code === 'kb-syntax' && d.source === 'brief'), JSON.stringify(broken.diagnostics));
      assert.equal(broken.diagnostics[0].severity, DiagnosticSeverity.Error);
      // No entity changed (the broken file's last good version serves), so the brief is not
      // re-checked: the last good KB still answers for @Taliban.
      assert.match(markdownOf(await client.hover(uri, { line: 0, character: 3 })), /A local test entity/, 'the last good KB still defines @Taliban');

      // Fixed again: the KB file's diagnostics are cleared.
      writeFile(ws, 'kb/local.yaml', good.replace('A local test entity', 'A fixed test entity'));
      mark = client.mark();
      await client.watchedFilesChanged([{ uri: kbUri, type: FileChangeType.Changed }]);
      await client.waitForDiagnostics(kbUri, { after: mark, where: (p) => p.diagnostics.length === 0 });
      await client.waitForDiagnostics(uri, { after: mark });
      assert.match(markdownOf(await client.hover(uri, { line: 0, character: 3 })), /A fixed test entity/);
    });

    it('refuses a kb: path that leads outside the folder, with a diagnostic on .briefrc.yaml', async () => {
      const config = 'rules: {}\nkb: [../outside.yaml]\n';
      const ws = folder({ '.briefrc.yaml': config });
      const client = await start({ folder: ws });
      const configUri = uriOf(path.join(ws, '.briefrc.yaml'));
      const uri = uriOf(path.join(ws, 'refused.brief'));
      await client.open(uri, '@Tajikistan\n');
      const published = await client.waitForDiagnostics(configUri, { where: (p) => p.diagnostics.length > 0 });
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['kb-path-refused']);
      const doc = TextDocument.create(configUri, 'yaml', 1, config);
      assert.equal(doc.getText(published.diagnostics[0].range), '../outside.yaml');
    });

    it('refuses a kb: file that is a symbolic link to a file outside the folder', async () => {
      const outside = folder({ 'outside.yaml': 'entities:\n  - id: taliban\n    kind: group\n    name: Taliban\n    summary: Outside.\n' });
      const ws = folder({ '.briefrc.yaml': 'kb: [kb/link.yaml]\n' });
      fs.mkdirSync(path.join(ws, 'kb'));
      fs.symlinkSync(path.join(outside, 'outside.yaml'), path.join(ws, 'kb', 'link.yaml'));
      const client = await start({ folder: ws });
      const uri = uriOf(path.join(ws, 'link.brief'));
      await client.open(uri, '@Taliban\n');
      const configUri = uriOf(path.join(ws, '.briefrc.yaml'));
      const published = await client.waitForDiagnostics(configUri, { where: (p) => p.diagnostics.length > 0 });
      assert.deepEqual(published.diagnostics.map((d) => d.code), ['kb-path-refused']);
      const brief = await client.waitForDiagnostics(uri, { minVersion: 1 });
      assert.deepEqual(brief.diagnostics.map((d) => d.code), ['unknown-reference']);
    });

    it('does not load workspace KB files when the client says the workspace is untrusted', async () => {
      const ws = folder({
        '.briefrc.yaml': 'kb: [kb/local.yaml]\n',
        'kb/local.yaml': 'entities:\n  - id: taliban\n    kind: group\n    name: Taliban\n    summary: A local test entity.\n',
      });
      const client = await start({ folder: ws, initializationOptions: { trusted: false } });
      const uri = uriOf(path.join(ws, 'untrusted.brief'));
      await client.open(uri, '@Taliban and @Tajikistan\n');
      const published = await client.waitForDiagnostics(uri, { minVersion: 1 });
      assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range.start.character]), [['unknown-reference', 0]]);
    });
  });

  describe('the bundled KB', () => {
    it('hovers @CSTO with the Collective Security Treaty Organization card', async () => {
      const ws = folder();
      const client = await start({ folder: ws, dataDir: null });
      const uri = uriOf(path.join(ws, 'real.brief'));
      const text = 'Russia leads the @CSTO.\n';
      await client.open(uri, text);
      const hover = markdownOf(await client.hover(uri, positionOf(text, '@CSTO', 2)));
      assert.match(hover, /Collective Security Treaty Organization/);
    });

    it('prepares the KB for hovers once a brief is checked, and its hovers then list the relations that point at an entity', async () => {
      const ws = folder();
      const client = await start({ folder: ws, dataDir: null });
      const uri = uriOf(path.join(ws, 'prepared.brief'));
      const text = 'Russia leads the @CSTO.\n';
      await client.open(uri, text);
      await client.waitForDiagnostics(uri);
      const logged = await client.waitForLog(/^Prepared hovers for \d+ entities/);
      const loaded = client.logs.map((m) => /^Loaded (\d+) entities for /.exec(m)?.[1]).find((n) => n !== undefined);
      // The bundled KB is clean: its cross-file pass (or the verdict stored from it) made the index.
      assert.equal(logged, `Prepared hovers for ${loaded} entities: the KB came with its index of incoming relations.`);
      // Once per KB: later checks of the brief do not prepare it again.
      await client.change(uri, 2, [{ text: 'Russia leads the @CSTO, again.\n' }]);
      await client.waitForDiagnostics(uri, { minVersion: 2 });
      // Members of the CSTO hold `member-of` relations to it: the card lists them.
      const hover = markdownOf(await client.hover(uri, positionOf(text, '@CSTO', 2)));
      assert.match(hover, /\*\*Relations\*\*\n- .*member of Collective Security Treaty Organization/);
      assert.equal(client.logs.filter((m) => m.startsWith('Prepared hovers')).length, 1);
    });
  });

  describe('a KB with an error', () => {
    it('builds the index of incoming relations in slices once a brief is checked, and its hovers list those relations', async () => {
      // A target no entity has is a cross-file error: the file is left out, and the pass hands no index over.
      const broken = 'entities:\n  - id: x-land\n    kind: state\n    name: X Land\n    summary: S.\n    relations:\n      - type: borders\n        target: nowhere\n        evidence:\n          - { source: carlson-2021, paragraph: p2, quote: "the Taliban\'s takeover of Afghanistan" }\n';
      const ws = folder({ '.briefrc.yaml': 'kb: [kb/broken.yaml]\n', 'kb/broken.yaml': broken });
      const client = await start({ folder: ws, dataDir: null });
      const uri = uriOf(path.join(ws, 'sliced.brief'));
      const text = 'Russia leads the @CSTO.\n';
      await client.open(uri, text);
      await client.waitForDiagnostics(uri);
      const logged = await client.waitForLog(/^Prepared hovers for \d+ entities/);
      assert.match(logged, /^Prepared hovers for \d+ entities: \d+ ms of work in \d+ slices? over \d+ ms\.$/);
      const hover = markdownOf(await client.hover(uri, positionOf(text, '@CSTO', 2)));
      assert.match(hover, /\*\*Relations\*\*\n- .*member of Collective Security Treaty Organization/);
    });
  });

  describe('the server and brief-lint give the same diagnostics', () => {
    const CONFIG = 'rules: { unsupported-claim: hint, ambiguous-reference: error, front-matter-unknown-key: information, unknown-source: warning }\n';
    // Every rule of §3.7 across three briefs; the first has CRLF line ends, the third a BOM.
    const EVERY = [
      '---',
      'title: Every mistake',
      'author: [A, 5]',
      'date: 2021-02-30',
      'confidence: sure',
      'colour: red',
      'sources: [mini-2021, nowhere]',
      '---',
      '# About @Tajikstan',
      'In @Georgia, 𝒳😀 @Nobody and @[ETH Zürich].',
      'See @[Xi Jinping and more [^nowhere',
      'Empty @[] here, \\@escaped, `@Code`, mail analyst@example.org.',
      'Cite [^nowhere-1999:p1] and [^mini-2021:p9] and [^mini-2021:p3-p1] and [^mini-2021:x].',
      '- claim: @Uzbekistan member-of @CSTO [^mini-2021:p1]',
      '- claim: @Tajikistan member-of @CSTO',
      '> claim: @Russia member-of @SCO',
      '1. claim: @Putin member-of @CSTO',
      'claim: @Tajikistan memberof @CSTO',
      'claim: @Tajikistan @CSTO',
      'claim: @Tajikstan member-of @CSTO',
      '%% brief-disable-next-line unknown-reference',
      '@Nobody',
      '%% brief-disable nosuchrule, unknown-paragraph',
      '[^mini-2021:p7] @Nobody',
      '%% brief-enable',
      '```',
      '@Nobody [^nowhere]',
      '```',
      '',
    ].join('\r\n');
    const SYNTAX = '---\ntitle: [unclosed\n---\n@Nobody\n';
    const UNTERMINATED = '\uFEFF---\ntitle: x\n@Nobody [^mini-2021:p4]\n';

    it('for briefs with every kind of mistake, a config, CRLF and a BOM', async function () {
      const ws = folder({ '.briefrc.yaml': CONFIG, 'every.brief': EVERY, 'sub/syntax.brief': SYNTAX, 'unterminated.brief': UNTERMINATED });
      const files = ['every.brief', 'sub/syntax.brief', 'unterminated.brief'];

      const cli = spawnSync(process.execPath, [BRIEF_LINT, '--format', 'json'], { cwd: ws, env: { ...process.env, BRIEF_DATA_DIR: MINI_DATA_DIR }, encoding: 'utf8' });
      assert.equal(cli.status, 1, cli.stderr);
      const fromCli = JSON.parse(cli.stdout) as { file: string; code: string }[];
      assert.deepEqual([...new Set(fromCli.map((r) => r.file))].sort(), files);

      const client = await start({ folder: ws });
      const fromServer: unknown[] = [];
      const severity = ['', 'error', 'warning', 'information', 'hint'];
      for (const file of files) {
        const uri = uriOf(path.join(ws, file));
        // What the editor shows is what the file holds; the CLI reads it from disk.
        await client.open(uri, fs.readFileSync(path.join(ws, file), 'utf8'));
        const published = await client.waitForDiagnostics(uri, { minVersion: 1 });
        for (const d of published.diagnostics as Diagnostic[]) {
          assert.equal(d.source, 'brief');
          fromServer.push({
            file,
            line: d.range.start.line + 1,
            column: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
            severity: severity[d.severity ?? 1],
            code: d.code,
            message: messageOf(d),
          });
        }
      }
      assert.deepEqual(fromServer, fromCli);
      // Make sure the comparison is not vacuous: every rule of §3.7 occurred.
      const codes = new Set(fromCli.map((r) => r.code));
      for (const code of [
        'unknown-reference', 'ambiguous-reference', 'malformed-reference', 'unknown-source', 'unknown-paragraph',
        'malformed-claim', 'unknown-predicate', 'kind-mismatch', 'contradicted-claim', 'unsupported-claim',
        'front-matter-syntax', 'front-matter-unterminated', 'front-matter-unknown-key', 'front-matter-invalid-value', 'unknown-rule',
      ]) assert.ok(codes.has(code), `no ${code} in the comparison`);
    });
  });
});

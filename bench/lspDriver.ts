/**
 * One JSON-RPC client over stdio for every server the bench drives: Brief's, the Markdown peer
 * and the minimal server. It times what an editor would wait for, and answers the requests a
 * server makes of its client — including the Markdown server's `markdown/*` requests, which
 * VS Code's extension host answers (it parses with markdown-it and reads the workspace).
 *
 * Diagnostics come two ways: pushed (`textDocument/publishDiagnostics`, Brief and the minimal
 * server) or pulled (`textDocument/diagnostic`, the Markdown server, which VS Code asks right
 * after each open and change). `diagnose` hides the difference.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { performance } from 'perf_hooks';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeResult,
  type Location,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ServerCapabilities,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** How to start a server and talk to it. */
export interface ServerSpec {
  /** Short name for the report: brief, peer, minimal. */
  readonly name: string;
  /** The Node binary that runs it. */
  readonly node: string;
  readonly nodeArgs?: readonly string[];
  readonly script: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** The language id of the documents it is sent. */
  readonly languageId: string;
  /** Settings sent with `workspace/didChangeConfiguration` after `initialized`, and for `workspace/configuration`. */
  readonly settings?: Record<string, unknown>;
  readonly initializationOptions?: unknown;
}

/** A `$/progress` sequence the server reported. */
export interface ProgressRecord {
  readonly token: string | number;
  readonly title?: string;
  readonly begin: number;
  end?: number;
}

const WAIT_MS = Number(process.env.BENCH_WAIT_MS ?? 300_000);

type MarkdownParser = { parse(src: string, env: object): unknown[] };

let markdownIt: MarkdownParser | undefined;
function markdownParser(): MarkdownParser {
  // markdown-it is what VS Code's client uses to answer `markdown/parse`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const MarkdownIt = require('markdown-it') as new (options: object) => MarkdownParser;
  markdownIt ??= new MarkdownIt({ html: true, linkify: false });
  return markdownIt;
}

interface DiagnosticsWaiter {
  readonly uri: string;
  readonly version?: number;
  readonly resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspSession {
  capabilities: ServerCapabilities = {};
  /** Time from spawn to the `initialize` response (the client then sends `initialized`). */
  spawnToInitialized = NaN;
  /** When `initialized` was sent (performance.now()). */
  initializedAt = NaN;
  readonly logs: string[] = [];
  readonly progress: ProgressRecord[] = [];
  /** Methods the server registered dynamically (client/registerCapability). */
  readonly registered = new Set<string>();
  stderr = '';
  private readonly waiters = new Set<DiagnosticsWaiter>();
  private readonly progressWaiters = new Set<() => void>();
  private readonly documents = new Map<string, TextDocument>();
  private readonly exited: Promise<void>;
  private hasExited = false;
  /** What `within` calls if the server exits while it waits; each removes itself when it settles. */
  private readonly exitWatchers = new Set<() => void>();

  private constructor(
    readonly spec: ServerSpec,
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly folders: readonly string[],
  ) {
    this.exited = new Promise((resolve) =>
      process.on('exit', () => {
        this.hasExited = true;
        for (const watcher of [...this.exitWatchers]) watcher();
        resolve();
      }),
    );
    process.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-20_000)));
    this.wire();
    connection.listen();
  }

  /** Spawns the server, sends `initialize` with the workspace folders, then `initialized` (and settings). */
  static async start(spec: ServerSpec, folders: readonly string[] = []): Promise<LspSession> {
    const t0 = performance.now();
    const child = spawn(spec.node, [...(spec.nodeArgs ?? []), spec.script, ...spec.args], {
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (!child.stdout || !child.stdin) throw new Error('no stdio pipes');
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const session = new LspSession(spec, child, connection, folders);
    const folderList = folders.map((f) => ({ uri: pathToFileURL(f).toString(), name: path.basename(f) }));
    const result = await session.within<InitializeResult>(
      'initialize',
      connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'brief-bench' },
        rootUri: folderList[0]?.uri ?? null,
        workspaceFolders: folderList.length > 0 ? folderList : null,
        capabilities: {
          window: { workDoneProgress: true },
          workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            publishDiagnostics: { versionSupport: true },
            diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            // What VS Code's client (vscode-languageclient 11) says of completion: it resolves the
            // documentation of the row it shows, and takes a list's default edit range.
            completion: {
              contextSupport: true,
              completionItem: {
                snippetSupport: true,
                documentationFormat: ['markdown', 'plaintext'],
                resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
                labelDetailsSupport: true,
              },
              completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
            },
            references: {},
          },
        },
        initializationOptions: spec.initializationOptions ?? {},
      }),
    );
    session.spawnToInitialized = performance.now() - t0;
    session.capabilities = result.capabilities;
    await connection.sendNotification('initialized', {});
    session.initializedAt = performance.now();
    if (spec.settings) await connection.sendNotification('workspace/didChangeConfiguration', { settings: spec.settings });
    return session;
  }

  /** Answers the server's requests and records its notifications. */
  private wire(): void {
    const { connection, spec, folders } = this;
    const onNotification = (method: string, params: unknown) => {
      if (method === 'textDocument/publishDiagnostics') {
        this.onPublish(params as PublishDiagnosticsParams);
      } else if (method === 'window/logMessage' || method === 'window/showMessage') {
        this.logs.push((params as { message: string }).message);
      } else if (method === '$/progress') {
        const { token, value } = params as { token: string | number; value: { kind: string; title?: string } };
        if (value.kind === 'begin') this.progress.push({ token, title: value.title, begin: performance.now() });
        if (value.kind === 'end') {
          const record = [...this.progress].reverse().find((p) => p.token === token && p.end === undefined);
          if (record) record.end = performance.now();
        }
        this.progressWaiters.forEach((w) => w());
      }
    };
    for (const method of ['textDocument/publishDiagnostics', 'window/logMessage', 'window/showMessage', '$/progress']) {
      connection.onNotification(method, (params: unknown) => onNotification(method, params));
    }
    const onRequest = (method: string, params: unknown): unknown => {
      switch (method) {
        case 'workspace/configuration': {
          const items = (params as { items: { section?: string }[] }).items;
          return items.map((item) => (item.section ? lookup(spec.settings, item.section) : spec.settings) ?? null);
        }
        case 'client/registerCapability':
          for (const r of (params as { registrations: { method: string }[] }).registrations) this.registered.add(r.method);
          return null;
        case 'workspace/workspaceFolders':
          return folders.map((f) => ({ uri: pathToFileURL(f).toString(), name: path.basename(f) }));
        case 'markdown/parse': {
          const { uri, text } = params as { uri: string; text?: string };
          const source = text ?? this.documents.get(uri)?.getText() ?? readText(uri);
          return source === undefined ? [] : markdownParser().parse(source, {});
        }
        case 'markdown/fs/readFile':
          return Array.from(fs.readFileSync(fileURLToPath((params as { uri: string }).uri)));
        case 'markdown/fs/stat': {
          try {
            return { isDirectory: fs.statSync(fileURLToPath((params as { uri: string }).uri)).isDirectory() };
          } catch {
            return null;
          }
        }
        case 'markdown/fs/readDirectory': {
          const dir = fileURLToPath((params as { uri: string }).uri);
          return fs.readdirSync(dir, { withFileTypes: true }).map((d) => [d.name, { isDirectory: d.isDirectory() }]);
        }
        case 'markdown/findMarkdownFilesInWorkspace':
          return folders.flatMap((f) => listFiles(f, '.md')).map((f) => pathToFileURL(f).toString());
        default:
          // client/registerCapability, window/workDoneProgress/create, workspace/diagnostic/refresh,
          // markdown/fs/watcher/*: acknowledged, nothing to do.
          return null;
      }
    };
    const requests = [
      'workspace/configuration', 'workspace/workspaceFolders', 'client/registerCapability', 'client/unregisterCapability',
      'window/workDoneProgress/create', 'workspace/diagnostic/refresh', 'window/showMessageRequest',
      'markdown/parse', 'markdown/fs/readFile', 'markdown/fs/stat', 'markdown/fs/readDirectory',
      'markdown/findMarkdownFilesInWorkspace', 'markdown/fs/watcher/create', 'markdown/fs/watcher/delete',
    ];
    for (const method of requests) connection.onRequest(method, (params: unknown) => onRequest(method, params));
  }

  private onPublish(p: PublishDiagnosticsParams): void {
    for (const w of [...this.waiters]) {
      if (w.uri === p.uri && (w.version === undefined || p.version === undefined || p.version === w.version)) {
        this.waiters.delete(w);
        w.resolve(p);
      }
    }
  }

  /** True when the server offers `textDocument/<feature>`, statically or by registration. */
  supports(feature: 'hover' | 'completion' | 'references'): boolean {
    const provider = { hover: 'hoverProvider', completion: 'completionProvider', references: 'referencesProvider' }[feature] as keyof ServerCapabilities;
    return Boolean(this.capabilities[provider]) || this.registered.has(`textDocument/${feature}`);
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get pullsDiagnostics(): boolean {
    return this.capabilities.diagnosticProvider !== undefined;
  }

  /** The next diagnostics published for a document (of `version`, when given). */
  waitForPublish(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return this.within(
      `diagnostics for ${path.basename(uri)}`,
      new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.add({ uri, version, resolve })),
    );
  }

  private async pull(uri: string): Promise<Diagnostic[]> {
    const report = (await this.within('textDocument/diagnostic', this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }))) as DocumentDiagnosticReport;
    return report.kind === 'full' ? report.items : [];
  }

  /** Opens a document and waits for its diagnostics; returns them and the time it took. */
  async openAndDiagnose(uri: string, text: string): Promise<{ ms: number; diagnostics: Diagnostic[] }> {
    const doc = TextDocument.create(uri, this.spec.languageId, 1, text);
    this.documents.set(uri, doc);
    const t0 = performance.now();
    const published = this.pullsDiagnostics ? undefined : this.waitForPublish(uri);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: this.spec.languageId, version: 1, text } });
    const diagnostics = published ? (await published).diagnostics : await this.pull(uri);
    return { ms: performance.now() - t0, diagnostics };
  }

  /** Applies an edit and waits for the diagnostics of the new version. */
  async editAndDiagnose(uri: string, change: TextDocumentContentChangeEvent): Promise<{ ms: number; diagnostics: Diagnostic[] }> {
    const doc = this.documents.get(uri);
    if (!doc) throw new Error(`${uri} is not open`);
    const version = doc.version + 1;
    const next = TextDocument.update(doc, [change], version);
    this.documents.set(uri, next);
    const t0 = performance.now();
    const published = this.pullsDiagnostics ? undefined : this.waitForPublish(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    const diagnostics = published ? (await published).diagnostics : await this.pull(uri);
    return { ms: performance.now() - t0, diagnostics };
  }

  async close(uri: string): Promise<void> {
    this.documents.delete(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Sends a request and returns its answer and round-trip time. */
  async timed<T>(method: string, params: unknown): Promise<{ ms: number; result: T }> {
    const t0 = performance.now();
    const result = (await this.within(method, this.connection.sendRequest(method, params))) as T;
    return { ms: performance.now() - t0, result };
  }

  hover(uri: string, position: Position): Promise<{ ms: number; result: Hover | null }> {
    return this.timed('textDocument/hover', { textDocument: { uri }, position });
  }

  completion(uri: string, position: Position): Promise<{ ms: number; result: CompletionList | CompletionItem[] | null }> {
    return this.timed('textDocument/completion', { textDocument: { uri }, position, context: { triggerKind: 1 } });
  }

  references(uri: string, position: Position): Promise<{ ms: number; result: Location[] | null }> {
    return this.timed('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: false } });
  }

  /** Waits until every progress the server began has ended, or `quietMs` pass with none begun. */
  async progressSettled(quietMs: number): Promise<void> {
    const deadline = performance.now() + WAIT_MS;
    for (;;) {
      const open = this.progress.some((p) => p.end === undefined);
      if (!open && (this.progress.length > 0 || performance.now() - this.initializedAt > quietMs)) return;
      if (performance.now() > deadline) throw new Error(`${this.spec.name}: progress did not end within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.progressWaiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.progressWaiters.clear();
    }
  }

  /** The server process's peak resident set size so far (VmHWM), in bytes. */
  peakRss(): number {
    return procStatus(this.pid, 'VmHWM');
  }

  currentRss(): number {
    return procStatus(this.pid, 'VmRSS');
  }

  /** `shutdown` and `exit`; the process is killed if it does not leave within 5 s. */
  async stop(): Promise<void> {
    if (this.hasExited) return;
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), delay(5000)]);
      await this.connection.sendNotification('exit');
    } catch {
      // the connection may already be gone
    }
    await Promise.race([this.exited, delay(5000)]);
    if (!this.hasExited) this.process.kill('SIGKILL');
    this.connection.dispose();
  }

  /**
   * `promise`, or an error if the server exits or WAIT_MS pass first. It watches for the exit
   * only until `promise` settles: a race against a promise that lives as long as the session
   * would keep every answer reachable until the server exits (a megabyte per find-references
   * answer), and the bench's own collections would grow with them.
   */
  within<T>(what: string, promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (why: () => string) => {
        settle();
        reject(new Error(`${this.spec.name}: ${why()} ${what}\n${this.stderr.slice(-2000)}`));
      };
      const onExit = () => fail(() => `exited (code ${this.process.exitCode}) while waiting for`);
      const timer = setTimeout(() => fail(() => `nothing within ${WAIT_MS} ms for`), WAIT_MS);
      const settle = () => {
        clearTimeout(timer);
        this.exitWatchers.delete(onExit);
      };
      if (this.hasExited) return onExit();
      this.exitWatchers.add(onExit);
      promise.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }
}

function lookup(settings: Record<string, unknown> | undefined, section: string): unknown {
  let value: unknown = settings;
  for (const key of section.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function readText(uri: string): string | undefined {
  try {
    return fs.readFileSync(fileURLToPath(uri), 'utf8');
  } catch {
    return undefined;
  }
}

/** Files under a folder whose names end with `ext`, recursively. */
export function listFiles(folder: string, ext: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full);
      else if (d.name.endsWith(ext)) out.push(full);
    }
  };
  walk(folder);
  return out;
}

function procStatus(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

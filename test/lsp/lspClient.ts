/**
 * A small LSP client for tier-2 tests: it spawns the real bundled server (`dist/server.js
 * --stdio`), speaks JSON-RPC to it, records every `textDocument/publishDiagnostics`, and lets a
 * test await the publication it expects. Nothing is mocked and nothing sleeps a fixed time:
 * every wait is on a message from the server, with a timeout that fails the test.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  CancellationTokenSource,
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type CancellationToken,
  type ClientCapabilities,
  type CompletionList,
  type CompletionItem,
  type FileEvent,
  type Hover,
  type InitializeResult,
  type Position,
  type ProgressToken,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type ShowDocumentParams,
  type TextDocumentContentChangeEvent,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'server.js');
export const MINI_DATA_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'mini-data');

/** How long any single wait on the server may take before the test fails. */
const WAIT_MS = 10_000;

export interface StartOptions {
  /** The workspace folder (an absolute path); none starts the server without folders. */
  readonly folder?: string;
  /** BRIEF_DATA_DIR for the server; `null` leaves it unset (the bundled data beside dist/). */
  readonly dataDir?: string | null;
  readonly initializationOptions?: unknown;
  /** Several workspace folders (multi-root); when given, `folder` is ignored. */
  readonly folders?: readonly string[];
  /** The client capabilities to announce, instead of `DEFAULT_CAPABILITIES`. */
  readonly capabilities?: ClientCapabilities;
  /** More environment variables for the server (e.g. `BRIEF_CACHE_DIR: ''`). */
  readonly env?: Readonly<Record<string, string>>;
  /** How folder URIs are spelled (default: Node's `pathToFileURL`). */
  readonly folderUri?: (folder: string) => string;
  /** Runs on the open connection before `initialize` is sent (tests of what comes out of turn). */
  readonly beforeInitialize?: (connection: ProtocolConnection) => Promise<void>;
}

/** The capabilities `start` announces unless a test passes its own. */
export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: false } },
    publishDiagnostics: { versionSupport: true },
  },
};

/** One `$/progress` value the server reported, with its token. */
export interface ProgressEvent {
  readonly token: ProgressToken;
  readonly value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
}

// Every folder makeFolder made, removed when the test process ends: many tests keep theirs to the
// end of a suite, and a run should not leave its folders in the machine's temporary directory.
const madeFolders: string[] = [];
process.once('exit', () => {
  for (const folder of madeFolders) fs.rmSync(folder, { recursive: true, force: true });
});

/**
 * For the tests of a `describe`: servers and folders made through these are cleaned up after
 * each test, whatever happened (a failed test's server is killed, a passed one's shut down as a
 * client would).
 */
export function perTest(): { start: (options: Parameters<typeof LspClient.start>[0]) => Promise<LspClient>; folder: (files?: Record<string, string>) => string } {
  const running: LspClient[] = [];
  const folders: string[] = [];
  afterEach(async function () {
    for (const client of running.splice(0)) {
      if (this.currentTest?.state === 'failed') client.kill();
      else await client.stop().catch(() => client.kill());
    }
    for (const f of folders.splice(0)) fs.rmSync(f, { recursive: true, force: true });
  });
  return {
    start: async (options) => {
      const client = await LspClient.start(options);
      running.push(client);
      return client;
    },
    folder: (files = {}) => {
      const f = makeFolder(files);
      folders.push(f);
      return f;
    },
  };
}

/** A temporary workspace folder on disk, holding the given files (paths relative to it). */
export function makeFolder(files: Record<string, string | Buffer> = {}): string {
  // realpath: the server compares real paths when it checks that KB files stay inside the folder.
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'brief-lsp-')));
  madeFolders.push(folder);
  for (const [name, text] of Object.entries(files)) writeFile(folder, name, text);
  return folder;
}

export function writeFile(folder: string, name: string, text: string | Buffer): string {
  const file = path.join(folder, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

interface Waiter {
  readonly match: (p: PublishDiagnosticsParams) => boolean;
  readonly resolve: (p: PublishDiagnosticsParams) => void;
  readonly reject: (e: Error) => void;
}

/** What a test waits for: a publication for `uri`, optionally a minimum version and a condition. */
export interface DiagnosticsWait {
  /** Only publications received after this mark (see `mark()`). */
  readonly after?: number;
  /** Only publications whose `version` is at least this. */
  readonly minVersion?: number;
  /** Only publications for which this holds. */
  readonly where?: (p: PublishDiagnosticsParams) => boolean;
}

export class LspClient {
  /** Every diagnostics publication, in the order received. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** Capabilities the server registered dynamically. */
  readonly registrations: Registration[] = [];
  readonly logs: string[] = [];
  /** What the server asked the client to show (`window/showDocument`), in order. */
  readonly shownDocuments: ShowDocumentParams[] = [];
  /** Tokens of the `window/workDoneProgress/create` requests the server sent. */
  readonly progressTokens: ProgressToken[] = [];
  /** Every `$/progress` on those tokens, in the order received. */
  readonly progress: ProgressEvent[] = [];
  stderr = '';
  initializeResult?: InitializeResult;
  /** The exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  private readonly waiters = new Set<Waiter>();
  private readonly progressWaiters = new Set<() => void>();
  private readonly logWaiters = new Set<() => void>();
  private exitCode?: number | null;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.exited = new Promise((resolve) =>
      process.on('exit', (code) => {
        this.exitCode = code;
        for (const w of this.waiters) w.reject(new Error(`the server exited (code ${code}) while a test waited for diagnostics\n${this.stderr}`));
        this.waiters.clear();
        resolve(code);
      }),
    );
    process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      for (const w of [...this.waiters]) {
        if (w.match(p)) {
          this.waiters.delete(w);
          w.resolve(p);
        }
      }
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
      for (const wake of [...this.logWaiters]) wake();
    });
    connection.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
    });
    connection.onRequest(ShowDocumentRequest.type, (p) => {
      this.shownDocuments.push(p);
      return { success: true };
    });
    // Accept progress tokens (sent only to clients that announce `window.workDoneProgress`).
    connection.onRequest(WorkDoneProgressCreateRequest.type, (p) => {
      this.progressTokens.push(p.token);
      connection.onProgress(WorkDoneProgress.type, p.token, (value) => {
        this.progress.push({ token: p.token, value });
        for (const wake of [...this.progressWaiters]) wake();
      });
    });
    connection.listen();
  }

  /** Spawns the server, then sends `initialize` and `initialized`. */
  static async start(options: StartOptions = {}): Promise<LspClient> {
    const env = { ...process.env };
    if (options.dataDir === null) delete env.BRIEF_DATA_DIR;
    else env.BRIEF_DATA_DIR = options.dataDir ?? MINI_DATA_DIR;
    Object.assign(env, options.env ?? {});
    const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    if (!child.stdout || !child.stdin) throw new Error('no stdio pipes to the server');
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection);
    try {
      const paths = options.folders ?? (options.folder ? [options.folder] : []);
      const folders = paths.length > 0 ? paths.map((f) => ({ uri: (options.folderUri ?? uriOf)(f), name: path.basename(f) })) : null;
      await options.beforeInitialize?.(connection);
      client.initializeResult = await client.within('initialize', connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: folders ? folders[0].uri : null,
        workspaceFolders: folders,
        capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
        initializationOptions: options.initializationOptions,
      }));
      await connection.sendNotification(InitializedNotification.type, {});
      return client;
    } catch (error) {
      client.kill();
      throw error;
    }
  }

  /** The number of publications so far: pass it as `after` to wait for a newer one. */
  mark(): number {
    return this.published.length;
  }

  async open(uri: string, text: string, version = 1, languageId = 'brief'): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async watchedFilesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.within('hover', this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }));
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.within('completion', this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }));
    if (!result) return [];
    return Array.isArray(result) ? result : (result as CompletionList).items;
  }

  /**
   * Any request, answered within the wait limit. With a `token`, cancelling it sends
   * `$/cancelRequest`. A JSON-RPC error answer rejects with a `ResponseError`.
   */
  request<R>(method: string, params: unknown, token?: CancellationToken): Promise<R> {
    const answer = token ? this.connection.sendRequest<R>(method, params, token) : this.connection.sendRequest<R>(method, params);
    return this.within(method, answer);
  }

  /** Sends a request and cancels it at once; resolves with the answer or rejects with the error. */
  requestCancelled<R>(method: string, params: unknown): Promise<R> {
    const source = new CancellationTokenSource();
    const answer = this.request<R>(method, params, source.token);
    source.cancel();
    return answer;
  }

  /** Resolves with the first log message that matches `pattern` (at once if one came already). */
  waitForLog(pattern: RegExp): Promise<string> {
    const found = () => this.logs.find((m) => pattern.test(m));
    const already = found();
    if (already !== undefined) return Promise.resolve(already);
    return this.within(
      `a log message matching ${pattern}; logged: ${this.logs.join(' | ')}`,
      new Promise<string>((resolve) => {
        const wake = () => {
          const message = found();
          if (message === undefined) return;
          this.logWaiters.delete(wake);
          resolve(message);
        };
        this.logWaiters.add(wake);
      }),
    );
  }

  /** Resolves once the server has ended a work-done progress (at once if it already has). */
  waitForProgressEnd(): Promise<ProgressEvent> {
    const ended = () => this.progress.find((e) => e.value.kind === 'end');
    const already = ended();
    if (already) return Promise.resolve(already);
    return this.within(
      'the end of a work-done progress',
      new Promise<ProgressEvent>((resolve) => {
        const wake = () => {
          const end = ended();
          if (!end) return;
          this.progressWaiters.delete(wake);
          resolve(end);
        };
        this.progressWaiters.add(wake);
      }),
    );
  }

  /**
   * Resolves with the first publication for `uri` that meets `wait` — one already received after
   * `wait.after`, or the next to arrive. Fails after a timeout, listing what was published.
   */
  waitForDiagnostics(uri: string, wait: DiagnosticsWait = {}): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) =>
      p.uri === uri && (wait.minVersion === undefined || (p.version ?? -1) >= wait.minVersion) && (wait.where?.(p) ?? true);
    const earlier = this.published.slice(wait.after ?? 0).find(match);
    if (earlier) return Promise.resolve(earlier);
    if (this.exitCode !== undefined) return Promise.reject(new Error(`the server has exited (code ${this.exitCode})`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.published.filter((p) => p.uri === uri).map((p) => `v${p.version}: ${p.diagnostics.map((d) => d.code).join(', ') || '(none)'}`);
        reject(new Error(`no matching diagnostics for ${uri} within ${WAIT_MS} ms; published for it: ${seen.join(' | ') || 'nothing'}\n${this.stderr}`));
      }, WAIT_MS);
      const waiter: Waiter = {
        match,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /** Every publication for `uri`, in order. */
  publishedFor(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((p) => p.uri === uri);
  }

  /** `shutdown`, then `exit`; resolves with the exit code. Kills the process if it does not comply. */
  async stop(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    try {
      await this.within('shutdown', this.connection.sendRequest(ShutdownRequest.type));
      await this.connection.sendNotification(ExitNotification.type);
      return await this.within('exit', this.exited);
    } catch (error) {
      this.kill();
      throw error;
    } finally {
      this.connection.dispose();
    }
  }

  /** `exit` alone, after a `shutdown` the test sent itself; resolves with the exit code. */
  async exit(): Promise<number | null> {
    try {
      await this.connection.sendNotification(ExitNotification.type);
      return await this.within('exit', this.exited);
    } finally {
      this.connection.dispose();
    }
  }

  /** Ends the process at once (for failed tests); safe to call twice. */
  kill(): void {
    if (this.exitCode === undefined && !this.process.killed) this.process.kill('SIGKILL');
    this.connection.dispose();
  }

  private within<T>(what: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer from the server within ${WAIT_MS} ms\n${this.stderr}`)), WAIT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

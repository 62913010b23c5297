/**
 * The extension's client lifecycle (client/src/extension.ts), with stand-ins for `vscode` and
 * `vscode-languageclient/node`: activate returns before the language client is even created;
 * the restart command, a settings change and granting trust while the server is still starting
 * wait for that start; a failed start is logged, never an unhandled rejection; deactivate stops
 * the server, also while it is starting. The stand-in client keeps the library's rules that
 * matter here (vscode-languageclient 11): `stop()` throws unless the client is running or
 * stopped, and `start()` while starting returns the pending start.
 */
import { strict as assert } from 'assert';
import Module = require('module');
import * as path from 'path';
import { serverEnvironment } from '../../client/src/serverEnvironment';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

const EXTENSION = path.join(REPO_ROOT, 'out', 'client', 'src', 'extension.js');

interface Deferred {
  resolve(): void;
  reject(error: Error): void;
}

type ClientState = 'initial' | 'starting' | 'startFailed' | 'running' | 'stopping' | 'stopped';

/** What one activation did, as the stand-ins saw it. */
class World {
  readonly clients: FakeClient[] = [];
  readonly log: string[] = [];
  readonly commands = new Map<string, () => unknown>();
  readonly configListeners: ((e: { affectsConfiguration(s: string): boolean }) => unknown)[] = [];
  readonly trustListeners: (() => unknown)[] = [];
  /** Errors of stop() called in a state the library refuses. */
  readonly refusedStops: string[] = [];
  inlayHintsSetting = true;
}

let world: World;

class FakeClient {
  private stateName: ClientState = 'initial';
  private onStart: Promise<void> | undefined;
  readonly starts: Deferred[] = [];
  stops = 0;
  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: unknown,
    readonly clientOptions: { initializationOptions?: unknown },
  ) {
    world.clients.push(this);
  }
  get state(): number {
    return { running: 2, starting: 3, startFailed: 4 }[this.stateName as string] ?? 1;
  }
  isRunning(): boolean {
    return this.stateName === 'running';
  }
  start(): Promise<void> {
    if (this.onStart) return this.onStart;
    this.stateName = 'starting';
    this.onStart = new Promise<void>((resolve, reject) => {
      this.starts.push({
        resolve: () => {
          this.stateName = 'running';
          resolve();
        },
        reject: (error) => {
          this.stateName = 'startFailed';
          reject(error);
        },
      });
    });
    return this.onStart;
  }
  async stop(): Promise<void> {
    if (this.stateName === 'stopped' || this.stateName === 'initial') return;
    if (this.stateName !== 'running') {
      const message = `Client is not running and can't be stopped. It's current state is: ${this.stateName}`;
      world.refusedStops.push(message);
      throw new Error(message);
    }
    this.stateName = 'stopping';
    await Promise.resolve();
    this.stops++;
    this.stateName = 'stopped';
    this.onStart = undefined;
  }
}

const fakeLanguageClient = { LanguageClient: FakeClient, TransportKind: { ipc: 1 }, State: { Stopped: 1, Running: 2, Starting: 3, StartFailed: 4 } };

const disposable = { dispose() {} };
const fakeVscode = {
  window: {
    createOutputChannel: () => ({
      info: (m: string) => world.log.push(`info ${m}`),
      error: (m: string) => world.log.push(`error ${m}`),
      warn: (m: string) => world.log.push(`warn ${m}`),
      appendLine: (m: string) => world.log.push(m),
      dispose() {},
    }),
  },
  workspace: {
    isTrusted: true,
    getConfiguration: () => ({ get: <T>(key: string, value: T) => (key.startsWith('inlayHints.') ? world.inlayHintsSetting : value) }),
    onDidChangeConfiguration: (listener: World['configListeners'][number]) => (world.configListeners.push(listener), disposable),
    onDidGrantWorkspaceTrust: (listener: () => unknown) => (world.trustListeners.push(listener), disposable),
  },
  commands: {
    registerCommand: (id: string, fn: () => unknown) => (world.commands.set(id, fn), disposable),
  },
  Uri: { parse: (s: string) => s },
};

interface Extension {
  activate(context: unknown): unknown;
  deactivate(): Promise<void>;
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };
const realLoad = moduleInternals._load;

/** A fresh copy of the extension module (its state is module-level), with the stand-ins. */
function loadExtension(): Extension {
  delete require.cache[EXTENSION];
  return require(EXTENSION) as Extension;
}

const context = () => ({ subscriptions: [] as unknown[], asAbsolutePath: (p: string) => path.join(REPO_ROOT, p) });
/** Lets every queued macrotask (the start activate defers) and the microtasks after it run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('extension activation and the client lifecycle', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let listeners: NodeJS.UnhandledRejectionListener[] = [];

  before(() => {
    moduleInternals._load = function (request, ...rest) {
      if (request === 'vscode') return fakeVscode;
      if (request === 'vscode-languageclient/node') return fakeLanguageClient;
      return realLoad.call(this, request, ...rest);
    };
    // Mocha turns an unhandled rejection into a failure of whichever test runs then; this suite
    // records them itself, to say which step left one.
    listeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', onUnhandled);
  });
  after(() => {
    moduleInternals._load = realLoad;
    delete require.cache[EXTENSION];
    process.removeListener('unhandledRejection', onUnhandled);
    for (const l of listeners) process.on('unhandledRejection', l);
  });
  beforeEach(() => {
    world = new World();
    unhandled.length = 0;
  });
  afterEach(async () => {
    await settle();
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  it('activate returns at once; the client is created and started in a task after it', async () => {
    const ext = loadExtension();
    const result = ext.activate(context());
    assert.equal(result, undefined, 'activate returns nothing to wait for');
    assert.equal(world.clients.length, 0, 'no client created inside activate');
    assert.ok(world.commands.has('brief.restartServer'), 'the restart command is registered inside activate');
    await settle();
    assert.equal(world.clients.length, 1);
    assert.equal(world.clients[0].starts.length, 1, 'the client is started once');
    world.clients[0].starts[0].resolve();
    await settle();
    assert.ok(world.clients[0].isRunning());
    await ext.deactivate();
    assert.equal(world.clients[0].stops, 1);
  });

  it("starts the server with serverEnvironment.ts's variables, in the run and the debug configuration", async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    const options = world.clients[0].serverOptions as Record<'run' | 'debug', { module: string; options?: { env?: Record<string, string> } }>;
    const expected = serverEnvironment(process.env, process.platform);
    for (const mode of ['run', 'debug'] as const) {
      assert.ok(options[mode].module.endsWith(path.join('dist', 'server.js')), mode);
      assert.deepEqual(options[mode].options?.env, expected, mode);
    }
    // On the Linux machines the tests run on, that is malloc's huge pages (unless the environment chose).
    if (process.platform === 'linux' && !/glibc\.malloc\.hugetlb=/.test(process.env.GLIBC_TUNABLES ?? '')) assert.match(expected.GLIBC_TUNABLES ?? '', /glibc\.malloc\.hugetlb=1$/);
    world.clients[0].starts[0].resolve();
    await settle();
    await ext.deactivate();
  });

  it('the restart command while the server is starting waits for the start, then restarts it', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    const restarted = world.commands.get('brief.restartServer')!();
    await settle();
    const client = world.clients[0];
    assert.equal(client.stops, 0, 'nothing stopped while starting');
    client.starts[0].resolve();
    await settle();
    assert.equal(client.stops, 1, 'stopped once the start was done');
    assert.equal(client.starts.length, 2, 'then started again');
    client.starts[1].resolve();
    await restarted;
    assert.ok(client.isRunning());
    assert.deepEqual(world.refusedStops, []);
    assert.deepEqual(world.log.filter((l) => l.startsWith('error')), []);
    await ext.deactivate();
  });

  it('a settings change and granting trust while starting restart the server with fresh options, in turn', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    const client = world.clients[0];
    assert.deepEqual(client.clientOptions.initializationOptions, { trusted: true, inlayHints: { canonicalNames: true, claimVerdicts: true } });
    world.inlayHintsSetting = false;
    for (const l of world.configListeners) l({ affectsConfiguration: (s) => s === 'brief.inlayHints' || s === 'brief' });
    for (const l of world.trustListeners) l();
    await settle();
    assert.equal(client.stops, 0);
    client.starts[0].resolve();
    await settle();
    assert.equal(client.stops, 1, 'the settings change stopped the running server');
    assert.equal(client.starts.length, 2);
    assert.deepEqual(client.clientOptions.initializationOptions, { trusted: true, inlayHints: { canonicalNames: false, claimVerdicts: false } });
    client.starts[1].resolve();
    await settle();
    assert.equal(client.stops, 2, 'then granting trust restarted it once more');
    client.starts[2].resolve();
    await settle();
    assert.ok(client.isRunning());
    assert.deepEqual(world.refusedStops, []);
    await ext.deactivate();
  });

  it('a settings change that is not Brief\'s inlay hints restarts nothing', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    world.clients[0].starts[0].resolve();
    for (const l of world.configListeners) l({ affectsConfiguration: (s) => s === 'editor' });
    await settle();
    assert.equal(world.clients[0].stops, 0);
    assert.equal(world.clients[0].starts.length, 1);
    await ext.deactivate();
  });

  it('a failed start is logged to the output channel, and the restart command then starts a new client', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    world.clients[0].starts[0].reject(new Error('spawn ENOENT'));
    await settle();
    assert.deepEqual(world.log.filter((l) => l.startsWith('error')), ['error Starting the Brief language server failed: spawn ENOENT']);
    const restarted = world.commands.get('brief.restartServer')!();
    await settle();
    assert.equal(world.clients.length, 2, 'a new client after the failed one');
    assert.equal(world.clients[1].starts.length, 1);
    world.clients[1].starts[0].resolve();
    await restarted;
    assert.ok(world.clients[1].isRunning());
    await ext.deactivate();
    assert.equal(world.clients[1].stops, 1);
  });

  it('deactivate while the server is starting waits for the start, then stops it', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    let done = false;
    const deactivated = ext.deactivate().then(() => (done = true));
    await settle();
    assert.equal(done, false, 'deactivate waits for the start');
    world.clients[0].starts[0].resolve();
    await deactivated;
    assert.equal(world.clients[0].stops, 1);
    assert.deepEqual(world.refusedStops, []);
  });

  it('deactivate before the start task ran: no client is created at all', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await ext.deactivate();
    await settle();
    assert.equal(world.clients.length, 0);
    await world.commands.get('brief.restartServer')!();
    assert.equal(world.clients.length, 0, 'nor by a command after deactivate');
  });

  it('deactivate after a failed start resolves (nothing to stop), with the failure logged', async () => {
    const ext = loadExtension();
    ext.activate(context());
    await settle();
    world.clients[0].starts[0].reject(new Error('initialize failed'));
    await ext.deactivate();
    assert.equal(world.log.filter((l) => l.startsWith('error')).length, 1);
  });
});

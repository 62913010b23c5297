/**
 * The VS Code side of Brief: starts the bundled language server for `brief` documents, and
 * offers "Brief: Restart Language Server". It is the only code that knows the `vscode` API.
 *
 * `activate` returns at once: it registers the command and the listeners, and leaves loading the
 * language client library and starting the server to a task that runs right after it. Every
 * start, restart and stop goes through one queue, so a restart asked for while the server is
 * still starting waits for that start instead of failing ("Client is not running").
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { serverEnvironment } from './serverEnvironment';

let client: LanguageClient | undefined;
/** The last queued lifecycle step (start, restart, stop); it never rejects. */
let lifecycle: Promise<void> = Promise.resolve();
/** Set by `deactivate`: a start still queued then does not happen. */
let deactivated = false;
let log: vscode.LogOutputChannel | undefined;
type LanguageClientModule = typeof import('vscode-languageclient/node');
/** vscode-languageclient, once the first start has loaded it. */
let lc: LanguageClientModule | undefined;

/** Runs `step` after every step queued before it; a failure is logged, never thrown. */
function enqueue(what: string, step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step).catch((error: unknown) => {
    log?.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  return lifecycle;
}

export function activate(context: vscode.ExtensionContext): void {
  deactivated = false;
  const output = vscode.window.createOutputChannel('Brief', { log: true });
  log = output;
  context.subscriptions.push(output);
  const settings = () => vscode.workspace.getConfiguration('brief');
  const initializationOptions = () => ({
    // In an untrusted workspace the server uses only the bundled KB (see README, "Workspace trust").
    trusted: vscode.workspace.isTrusted,
    inlayHints: { canonicalNames: settings().get('inlayHints.canonicalNames', true), claimVerdicts: settings().get('inlayHints.claimVerdicts', true) },
  });

  const create = (): LanguageClient => {
    // Loaded here, not at the top: running the library's modules is most of the bundle's load
    // time, and nothing needs them before the server starts. esbuild keeps them in dist/client.js.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lc ??= require('vscode-languageclient/node') as LanguageClientModule;
    const { LanguageClient, TransportKind } = lc;
    const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
    // The library passes the extension host's environment on, plus these (serverEnvironment.ts).
    const env = serverEnvironment(process.env, process.platform);
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { env } },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      // KB YAML files too: find references and "N mentions" code lenses start from an entity's entry.
      documentSelector: [{ language: 'brief' }, { scheme: 'file', language: 'yaml' }],
      outputChannel: output,
      initializationOptions: initializationOptions(),
      middleware: {
        // The server sends the arguments of editor.action.showReferences as plain protocol data;
        // VS Code's command wants a Uri, a Position and Locations.
        provideCodeLenses: async (document, token, next) => {
          const lenses = (await next(document, token)) ?? [];
          for (const lens of lenses) {
            const args = lens.command?.arguments;
            if (lens.command?.command === 'editor.action.showReferences' && args?.length === 3 && client) {
              const p2c = client.protocol2CodeConverter;
              lens.command.arguments = [vscode.Uri.parse(args[0]), p2c.asPosition(args[1]), (args[2] as unknown[]).map((l) => p2c.asLocation(l as Parameters<typeof p2c.asLocation>[0]))];
            }
          }
          return lenses;
        },
      },
    };
    return new LanguageClient('brief', 'Brief Language Server', serverOptions, clientOptions);
  };

  /** Stops the server if it runs, then starts it with fresh options (a new client after a failed start). */
  const restart = async (): Promise<void> => {
    if (deactivated) return;
    if (client && lc && client.state === lc.State.StartFailed) {
      await release(client);
      client = undefined;
    }
    if (!client) {
      client = create();
    } else {
      if (client.isRunning()) await client.stop();
      client.clientOptions.initializationOptions = initializationOptions();
    }
    await client.start();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('brief.restartServer', () => {
      output.info('Restarting the Brief language server.');
      return enqueue('Restarting the Brief language server', restart);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('brief.inlayHints')) void enqueue('Restarting the Brief language server after a settings change', restart);
    }),
    // Trusting the workspace changes what the server may load: start it again with the new answer.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void enqueue('Restarting the Brief language server in the trusted workspace', restart)),
  );

  // After activate has returned (setImmediate, not a microtask, which would still run before the
  // extension host counts activation as done).
  const ready = new Promise<void>((resolve) => setImmediate(resolve));
  lifecycle = ready;
  void enqueue('Starting the Brief language server', async () => {
    if (deactivated) return;
    client = create();
    await client.start();
  });
}

export async function deactivate(): Promise<void> {
  deactivated = true;
  // Waits for a start in progress: the client cannot stop a server it is still starting.
  await enqueue('Stopping the Brief language server', async () => {
    const running = client;
    client = undefined;
    if (running) await release(running);
  });
}

/** Stops a running client; after a failed start, `stop` still ends a server process left behind (and rejects, ignored). */
async function release(c: LanguageClient): Promise<void> {
  if (c.isRunning()) await c.stop();
  else await c.stop().catch(() => undefined);
}

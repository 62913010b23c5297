/**
 * The VS Code side of Brief: starts the bundled language server for `brief` documents, and
 * offers "Brief: Restart Language Server". It is the only code that knows the `vscode` API.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Brief', { log: true });
  context.subscriptions.push(output);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const settings = () => vscode.workspace.getConfiguration('brief');
  const initializationOptions = () => ({
    // In an untrusted workspace the server uses only the bundled KB (see README, "Workspace trust").
    trusted: vscode.workspace.isTrusted,
    inlayHints: { canonicalNames: settings().get('inlayHints.canonicalNames', true), claimVerdicts: settings().get('inlayHints.claimVerdicts', true) },
  });
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
  client = new LanguageClient('brief', 'Brief Language Server', serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.commands.registerCommand('brief.restartServer', async () => {
      output.info('Restarting the Brief language server.');
      await client?.restart();
    }),
    // Trusting the workspace changes what the server may load: start it again with the new answer.
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!client || !event.affectsConfiguration('brief.inlayHints')) return;
      client.clientOptions.initializationOptions = initializationOptions();
      await client.restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      if (!client) return;
      client.clientOptions.initializationOptions = initializationOptions();
      await client.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

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
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'brief' }],
    outputChannel: output,
    // In an untrusted workspace the server uses only the bundled KB (see README, "Workspace trust").
    initializationOptions: { trusted: vscode.workspace.isTrusted },
  };
  client = new LanguageClient('brief', 'Brief Language Server', serverOptions, clientOptions);

  context.subscriptions.push(
    vscode.commands.registerCommand('brief.restartServer', async () => {
      output.info('Restarting the Brief language server.');
      await client?.restart();
    }),
    // Trusting the workspace changes what the server may load: start it again with the new answer.
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      if (!client) return;
      client.clientOptions.initializationOptions = { trusted: true };
      await client.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

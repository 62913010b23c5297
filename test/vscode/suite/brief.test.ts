// Runs inside a real desktop VS Code with the Brief extension under development: the hover on
// @CSTO and the unknown-reference diagnostic on @Tajikstan, read through VS Code's own API.
// Results are polled for with a deadline; nothing sleeps a fixed time.
import * as assert from 'assert';
import * as vscode from 'vscode';

const TIMEOUT_MS = 45000;

/** Calls fn until it returns a value, or fails with `what` after TIMEOUT_MS. */
async function poll<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((part) => (typeof part === 'string' ? part : part.value))
    .join('\n');
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code ?? '');
}

describe('Brief in desktop VS Code', () => {
  let doc: vscode.TextDocument;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace (test/e2e/workspace) is open');
    doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.brief'));
    await vscode.window.showTextDocument(doc);
  });

  it('opens sample.brief in the brief language', () => {
    assert.strictEqual(doc.languageId, 'brief');
  });

  it('shows a hover on @CSTO naming the organization', async () => {
    const offset = doc.getText().indexOf('@CSTO');
    assert.ok(offset >= 0, 'sample.brief contains @CSTO');
    const position = doc.positionAt(offset + 2);
    const text = await poll('a hover on @CSTO', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
      const joined = hoverText(hovers ?? []);
      return joined.includes('Collective Security Treaty Organization') ? joined : undefined;
    });
    assert.match(text, /Collective Security Treaty Organization/);
  });

  it('reports unknown-reference on @Tajikstan', async () => {
    const diagnostic = await poll('an unknown-reference diagnostic on @Tajikstan', async () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) =>
        codeOf(d) === 'unknown-reference' && doc.getText(d.range).includes('Tajikstan')));
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostic.message, /Tajikistan/, 'the message suggests Tajikistan');
  });
});

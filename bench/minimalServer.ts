/**
 * The reference point for Brief's server: a minimal push-diagnostics language server over
 * vscode-languageserver that does only the floor's check (one regex pass, a Map lookup per
 * reference) on every open and change, with no debounce. Its hover answers with the reference
 * under the cursor and the id it is known by (the line's scan and one Map lookup): the round
 * trip of a request on this machine, with next to no work in it. Bench-only; driven by the
 * same client.
 *
 * Usage: node out/bench/minimalServer.js --stdio   (BENCH_NAMES=<names.json>)
 */
import * as fs from 'fs';
import { createConnection, DiagnosticSeverity, TextDocuments, TextDocumentSyncKind, type Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { floorCheck, floorReferenceAt, loadNameTable } from './floor';

const namesFile = process.env.BENCH_NAMES;
if (!namesFile) {
  process.stderr.write('minimalServer: set BENCH_NAMES to a names.json file\n');
  process.exit(2);
}
const names = loadNameTable(fs.readFileSync(namesFile, 'utf8'));
const connection = createConnection();
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental }, hoverProvider: true },
  serverInfo: { name: 'bench-minimal-server' },
}));

documents.onDidChangeContent(({ document }) => {
  const { unknown } = floorCheck(document.getText(), names);
  const diagnostics: Diagnostic[] = unknown.map((u) => ({
    range: { start: document.positionAt(u.start), end: document.positionAt(u.end) },
    severity: DiagnosticSeverity.Error,
    code: 'unknown-reference',
    source: 'bench-minimal',
    message: `Unknown entity '${u.name}'.`,
  }));
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
});
connection.onHover(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return null;
  const line = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
  const found = floorReferenceAt(line, position.character, names);
  return found ? { contents: { kind: 'plaintext' as const, value: found.id ? `${found.name} (${found.id})` : `${found.name}: unknown` } } : null;
});
documents.onDidClose(({ document }) => void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }));

documents.listen(connection);
connection.listen();

/**
 * Entry point of `brief-language-server`: over stdio (`--stdio`) for any editor, with Brief's
 * own writer (stdioTransport.ts), or node IPC when VS Code starts it (`--node-ipc`), a socket or
 * a pipe, which vscode-languageserver sets up from the arguments.
 */
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { startServer } from './server';
import { bundledDataDir, NodeWorkspace } from './nodeWorkspace';
import { defaultReadingCache } from './kbCache';
import { createCollector } from './collector';
import { ProjectFileWatcher } from './projectFileWatcher';
import { incomingMessages } from './incoming';
import { outputWritten, stdioTransport } from './stdioTransport';
import type { Session } from './session';
import { VERSION } from './version';
import { isKbReadAhead, readAheadInWorkers, runKbReadAhead } from './kbReadAhead';

// The same script runs as the server's read-ahead thread (kbReadAhead.ts), which only reads a KB.
if (isKbReadAhead()) void runKbReadAhead();
else serve();

/** The language server, over the transport its arguments name. */
function serve(): void {
  if (process.argv.includes('--version')) {
    process.stdout.write(`brief-language-server ${VERSION}\n`);
    process.exit(0);
  }
  if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
    process.stderr.write('Usage: brief-language-server --stdio\n(VS Code starts it with --node-ipc.)\n');
    process.exit(2);
  }
  // A promise that fails where nobody waits must not end the session: log it, keep serving.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`brief-language-server: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
  });
  // stderr is the server's log, which an editor may not read and may close: what would have gone
  // there is lost, but a failed write to it (EPIPE) must not end the session.
  process.stderr.on('error', () => undefined);
  // Over stdio the answers go to stdout: once the client has closed its end, nothing the server
  // does reaches anyone, and it ends as it does when stdin closes.
  if (process.argv.includes('--stdio')) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`brief-language-server: the client closed the output stream (${error.code ?? error.message}); exiting\n`);
      process.exit(1);
    });
  }
  // Every incoming message passes through incoming.ts before any handler sees it.
  let session: Session | undefined;
  const messageStrategy = incomingMessages(
    () => session?.lifecycle,
    (message) => process.stderr.write(`brief-language-server: ${message}\n`),
  );
  /** The connection to the editor: see the top of this file. */
  function connect(): Connection {
    if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all, { messageStrategy });
    const { reader, writer } = stdioTransport(() => session?.lifecycle.initialized === true && !session.lifecycle.running);
    return createConnection(ProposedFeatures.all, reader, writer, { messageStrategy });
  }
  // Over stdio, the collection after an answer, and the background work an answer holds off, wait
  // until stdout has written it (collector.ts, session.ts).
  const answerWritten = process.argv.includes('--stdio') ? () => outputWritten(process.stdout) : undefined;
  const collector = createCollector(undefined, answerWritten);
  const projectFileWatcher = (changed: (files: readonly string[]) => void) => new ProjectFileWatcher(changed);
  const cache = defaultReadingCache();
  const readAhead = readAheadInWorkers(__filename, cache.writable);
  session = startServer(connect(), { workspace: new NodeWorkspace(), bundledDataDir: bundledDataDir(), cache, collector, answerWritten, projectFileWatcher, readAhead });
}

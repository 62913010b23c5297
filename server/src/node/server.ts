/**
 * The language server: the only layer that knows JSON-RPC. `startServer` wires a session (open
 * documents, workspace folders, diagnostics; session.ts) and the feature handlers (handlers.ts)
 * to a connection.
 */
import { DidChangeWatchedFilesNotification, ResponseError, TextDocumentSyncKind, WatchKind, type Connection, type FileEvent, type InitializeResult } from 'vscode-languageserver';
import { Session, type ServerDependencies } from './session';
import { registerHandlers, serverCapabilities, type HandlerOptions } from './handlers';
import { OUT_OF_TURN, type OutOfTurn } from './incoming';
import { VERSION } from './version';

export type { ServerDependencies } from './session';

/** Settings a client may send in `initializationOptions`. */
interface BriefInitializationOptions {
  /** False when the editor does not trust the workspace: workspace KB files are then not loaded. */
  readonly trusted?: boolean;
  /** `brief.inlayHints.*` settings. */
  readonly inlayHints?: { readonly canonicalNames?: boolean; readonly claimVerdicts?: boolean };
}

export function startServer(connection: Connection, deps: ServerDependencies): Session {
  const session = new Session(connection, deps);
  let options: HandlerOptions = { inlayHints: {} };

  connection.onInitialize((params): InitializeResult => {
    // A second `initialize`, or one without capabilities, never gets here (incoming.ts).
    session.lifecycle.initialize();
    const init = (params.initializationOptions ?? {}) as BriefInitializationOptions;
    session.client = params.capabilities;
    options = { inlayHints: init.inlayHints ?? {} };
    session.folders = session.newFolders(init.trusted !== false);
    session.folders.setFolders(params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...serverCapabilities(),
      },
      serverInfo: { name: 'brief-language-server', version: VERSION },
    };
  });

  connection.onInitialized(async () => {
    const client = session.client;
    // Before any await: a folder change the client sends right after `initialized` must find its handler.
    if (client.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
        // A malformed event (a list missing or null) changes what it can, and never throws.
        const uris = (list: unknown) => (Array.isArray(list) ? list : []).map((f: { uri?: unknown } | null) => f?.uri).filter((u): u is string => typeof u === 'string');
        const removed = uris(event?.removed);
        const current = new Set(session.folders.paths.map((p) => deps.workspace.toUri(p)));
        removed.forEach((u) => current.delete(u));
        uris(event?.added).forEach((u) => current.add(u));
        session.folders.setFolders([...current]);
        await session.foldersRemoved(removed);
        await session.openBriefs.regroup(session.documents.all());
        await session.loadWorkspace(client.window?.workDoneProgress === true);
      });
    }
    if (client.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      // Not awaited: indexing does not wait for the client's answer, and a client that refuses
      // (any request may be answered with an error) loses only the watching, which is logged.
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            // Any file or folder created or deleted: a folder of briefs deleted, renamed or checked
            // out comes as one event for the folder (the server filters the rest out).
            { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
            { globPattern: '**/*.brief', kind: WatchKind.Change },
            { globPattern: '**/.briefrc.yaml', kind: WatchKind.Change },
            // KB files: `.yaml` or `.yml` in any case, as the config's `kb:` takes them.
            { globPattern: '**/*.[yY][aA][mM][lL]', kind: WatchKind.Change },
            { globPattern: '**/*.[yY][mM][lL]', kind: WatchKind.Change },
            // What a folder's index skips (only the folder's own .gitignore counts).
            { globPattern: '**/.gitignore', kind: WatchKind.Change },
          ],
        })
        .catch((error: unknown) => {
          connection.console.warn(`Brief could not register its file watchers, so it will not see briefs changed outside the editor (it watches its config and KB files itself): ${error instanceof Error ? error.message : String(error)}`);
          session.watchFilesItself();
        });
    } else {
      // A client that watches no files for the server (Neovim on Linux by default) would never
      // tell it of a KB file or config saved, in the editor or not.
      session.watchFilesItself();
    }
    await session.loadWorkspace(client.window?.workDoneProgress === true);
  });

  // TextDocuments reports an open as an open and then a content change: the change must not
  // push the open's immediate check back by the typing delay.
  const justOpened = new Set<string>();
  session.documents.onDidOpen((e) => {
    // An open replaces whatever the server held for the URI (a client may open it again without a
    // close, or with the version of an earlier open): the parse cached by version is not this text.
    session.service.forget(e.document.uri);
    justOpened.add(e.document.uri);
    session.openBriefs.textChanged(e.document);
    session.schedule(e.document, 0);
  });
  session.documents.onDidChangeContent((e) => {
    if (justOpened.delete(e.document.uri)) return;
    session.openBriefs.textChanged(e.document);
    session.schedule(e.document);
  });
  session.documents.onDidClose((e) => void session.closed(e.document));
  connection.onDidChangeWatchedFiles((params: { changes?: unknown } | null) => session.filesChanged(wellFormedEvents(params?.changes)));
  connection.onShutdown(() => {
    session.lifecycle.shutDown();
    session.stopWatching();
  });
  // A request out of turn, with the error to answer (incoming.ts).
  connection.onRequest(OUT_OF_TURN, (refusal: OutOfTurn) => new ResponseError(refusal.code, refusal.message));
  registerHandlers(connection, session, () => session.client, () => options);

  session.documents.listen(connection);
  connection.listen();
  return session;
}

/**
 * The events of a `didChangeWatchedFiles` batch that say which file and what happened: one
 * malformed entry (a client's bug) must not cost the batch its good ones.
 */
function wellFormedEvents(changes: unknown): FileEvent[] {
  if (!Array.isArray(changes)) return [];
  return changes.filter((c): c is FileEvent => typeof c === 'object' && c !== null && typeof (c as FileEvent).uri === 'string' && typeof (c as FileEvent).type === 'number');
}

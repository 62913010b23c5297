/**
 * The language server: the only layer that knows JSON-RPC. It keeps the open documents, maps
 * each to its folder's project, and hands requests to the core's language service. Every
 * handler runs through `safely`, so a failing feature logs and answers empty; the server stays up.
 */
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { createLanguageService } from '../core/languageService';
import { COMPLETION_TRIGGERS } from '../core/features/completion';
import type { Workspace } from '../core/project';
import type { FileReadingCache } from '../core/kb/fileCache';
import { ProjectManager } from './projects';

/** What the server needs from its host: the disk and where the bundled KB is. */
export interface ServerDependencies {
  readonly workspace: Workspace;
  readonly bundledDataDir: string;
  /** Readings of KB files parsed before (optional: without it every start parses the YAML). */
  readonly cache?: FileReadingCache;
}

/** Settings a client may send in `initializationOptions`. */
interface BriefInitializationOptions {
  /** False when the editor does not trust the workspace: workspace KB files are then not loaded. */
  readonly trusted?: boolean;
}

/** How long typing may pause before a brief is re-validated. */
const DIAGNOSTICS_DELAY_MS = 100;

export function startServer(connection: Connection, deps: ServerDependencies): void {
  const documents = new TextDocuments(TextDocument);
  const service = createLanguageService();
  const log = (message: string) => connection.console.log(message);
  let projects = new ProjectManager({ workspace: deps.workspace, bundledDataDir: deps.bundledDataDir, trusted: true, log, cache: deps.cache });
  let canWatchFiles = false;
  const timers = new Map<string, NodeJS.Timeout>();
  /** KB and config files whose diagnostics are on screen, so that fixed files get an empty list. */
  const publishedDataFiles = new Set<string>();

  async function safely<T>(what: string, fallback: T, run: () => Promise<T> | T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      connection.console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as BriefInitializationOptions;
    projects = new ProjectManager({ workspace: deps.workspace, bundledDataDir: deps.bundledDataDir, trusted: options.trusted !== false, log, cache: deps.cache });
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    projects.setFolders(folders);
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: COMPLETION_TRIGGERS, resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'brief-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (canWatchFiles) {
      await safely('file watching', undefined, () =>
        connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/.briefrc.yaml' }, { globPattern: '**/*.{yaml,yml}' }],
        }),
      );
    }
    await safely('workspace folder events', undefined, () => {
      connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
        const current = new Set(projects.folderPaths.map((p) => deps.workspace.toUri(p)));
        event.removed.forEach((f) => current.delete(f.uri));
        event.added.forEach((f) => current.add(f.uri));
        projects.setFolders([...current]);
        await reloadAndRevalidate();
      });
    });
    await reloadAndRevalidate();
  });

  async function reloadAndRevalidate(): Promise<void> {
    await safely('loading the knowledge base', undefined, () => projects.reloadAll());
    publishDataDiagnostics();
    for (const doc of documents.all()) schedule(doc, 0);
  }

  /**
   * Publishes the diagnostics of `.briefrc.yaml` and KB files that have problems, and clears
   * those of files that had problems before and are clean now.
   */
  function publishDataDiagnostics(): void {
    const now = new Map<string, Diagnostic[]>();
    for (const state of projects.all()) {
      for (const [uri, list] of state.fileDiagnostics) {
        if (list.length === 0 && !publishedDataFiles.has(uri)) continue;
        now.set(uri, [...(now.get(uri) ?? []), ...list]);
      }
    }
    for (const uri of publishedDataFiles) if (!now.has(uri)) now.set(uri, []);
    publishedDataFiles.clear();
    for (const [uri, diagnostics] of now) {
      if (diagnostics.length > 0) publishedDataFiles.add(uri);
      void connection.sendDiagnostics({ uri, diagnostics });
    }
  }

  /** Validates a document after a pause; a result for an older version than the current one is dropped. */
  function schedule(document: TextDocument, delay = DIAGNOSTICS_DELAY_MS): void {
    clearTimeout(timers.get(document.uri));
    timers.set(
      document.uri,
      setTimeout(() => {
        timers.delete(document.uri);
        void validate(document.uri, document.version);
      }, delay),
    );
  }

  async function validate(uri: string, version: number): Promise<void> {
    await safely('validation', undefined, async () => {
      const project = await projects.forUri(uri);
      const current = documents.get(uri);
      if (!current || current.version !== version || !isBrief(current)) return;
      const diagnostics = service.validate(current, project.project);
      if (documents.get(uri)?.version !== version) return;
      await connection.sendDiagnostics({ uri, version, diagnostics });
    });
  }

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    service.forget(e.document.uri);
    if (isBrief(e.document)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    const folders = new Set(params.changes.flatMap((c) => projects.affectedFolders(c.uri)));
    if (folders.size === 0) return;
    await safely('reloading the knowledge base', undefined, async () => {
      for (const folder of folders) await projects.reload(folder);
    });
    if (params.changes.some((c) => c.type === FileChangeType.Deleted)) log('A watched file was deleted; its folder was reloaded.');
    publishDataDiagnostics();
    for (const doc of documents.all()) schedule(doc, 0);
  });

  const withDocument = async <T>(uri: string, token: CancellationToken, fallback: T, what: string, run: (doc: TextDocument, state: Awaited<ReturnType<ProjectManager['forUri']>>) => T): Promise<T> =>
    safely(what, fallback, async () => {
      const document = documents.get(uri);
      if (!document || !isBrief(document)) return fallback;
      const state = await projects.forUri(uri);
      if (token.isCancellationRequested) return fallback;
      return run(document, state);
    });

  connection.onHover((params, token) =>
    withDocument(params.textDocument.uri, token, null, 'hover', (doc, state) => service.hover(doc, state.project, params.position)),
  );

  connection.onCompletion((params, token) =>
    withDocument(params.textDocument.uri, token, { isIncomplete: false, items: [] }, 'completion', (doc, state) =>
      service.complete(doc, state.project, params.position),
    ),
  );

  documents.listen(connection);
  connection.listen();
}

function isBrief(document: TextDocument): boolean {
  return document.languageId === 'brief' || document.uri.endsWith('.brief');
}

/**
 * One language-server session: the open documents, the workspace folders with their projects
 * and brief indexes, and the diagnostics Brief publishes — for open briefs after each edit
 * (debounced, never stale), for every other brief of the workspace from its text on disk, and
 * for `.briefrc.yaml` and KB files.
 *
 * Diagnostics are pushed for the whole workspace rather than pulled: push works in every
 * client (VS Code's Problems panel, Neovim, Emacs) without workspace pull support, and Brief
 * knows exactly when a brief's result changes (an edit, a file change, a KB or config reload).
 */
import { FileChangeType, ResponseError, TextDocuments, type ClientCapabilities, type Connection, type FileEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService, type LanguageService } from '../core/languageService';
import { counted } from '../core/wording';
import type { Workspace } from '../core/project';
import type { FileReadingCache } from '../core/kb/fileCache';
import type { KnowledgeBase } from '../core/kb/knowledgeBase';
import { Folders, uriToPath, type Folder } from './folders';
import type { Collector } from './collector';
import { prepareForHovers, preparationReport } from './hoverPreparation';
import { withinTime } from './waiting';
import { ClosedBriefChecks } from './closedBriefChecks';
import type { ProjectFiles } from './projectFileWatcher';
import { Lifecycle } from './lifecycle';
import { isBrief, OpenBriefIndex } from './openBriefIndex';
import { applyDiskChanges, type DiskChangeHost } from './diskChanges';
import { DataDiagnostics } from './dataDiagnostics';
import { QUIET_MS, RequestTraffic } from './requestTraffic';
import type { ReadAhead } from './kbReadAhead';

/** What the server needs from its host: the disk, where the bundled KB is, and a reading cache. */
export interface ServerDependencies {
  readonly workspace: Workspace;
  readonly bundledDataDir: string;
  /** Readings of KB files parsed before (optional: without it every start parses the YAML). */
  readonly cache?: FileReadingCache;
  /** Collects what checks of large briefs leave behind (optional: without it V8 decides when). */
  readonly collector?: Collector;
  /** Resolves once the output has written what it was given (optional: else an answer is out when returned). */
  readonly answerWritten?: () => Promise<void>;
  /**
   * Watches the files projects are read from, for a client that does not watch files for the
   * server (projectFileWatcher.ts; optional: without it such a client's saves go unseen).
   */
  readonly projectFileWatcher?: (changed: (files: readonly string[]) => void) => ProjectFiles;
  /** Reads a large KB into the cache off the main thread before a reload (kbReadAhead.ts; optional). */
  readonly readAhead?: ReadAhead;
}

/**
 * How long typing may pause before a brief is re-validated, at most. The wait is there to spare
 * the CPU a check per keystroke when checks are costly; a brief whose last check took t ms waits
 * only 2t, so a check that costs a millisecond (the usual case after a one-line edit, see
 * validation.ts) shows its result at once, and a slow one is still not run for every key.
 */
const DIAGNOSTICS_DELAY_MS = 100;
/** How many brief files are read at once while indexing. */
const READ_BATCH = 64;
/** How many briefs are indexed between two progress reports (whole batches). */
const PROGRESS_STEP = 4 * READ_BATCH;
/** How long the server waits for the client to accept a progress bar before indexing without one, ms. */
const PROGRESS_ASK_MS = 2000;

export class Session {
  readonly documents = new TextDocuments(TextDocument);
  readonly service: LanguageService = createLanguageService();
  folders: Folders;
  /** What the client said it supports (set at initialize). */
  client: ClientCapabilities = {};
  /** Requests are answered between `initialize` and `shutdown` only. */
  readonly lifecycle = new Lifecycle();
  /** The server's own watching of config and KB files, when the client does not watch files for it. */
  private ownWatcher: ProjectFiles | undefined;
  /** The pending check of each open brief, as the function that cancels it. */
  private readonly timers = new Map<string, () => void>();
  /** How long the last check of each open brief took, ms. */
  private readonly checkCost = new Map<string, number>();
  /** Closed briefs whose workspace diagnostics are on screen. */
  private readonly publishedBriefs = new Set<string>();
  private readonly dataDiagnostics: DataDiagnostics;

  constructor(
    private readonly connection: Connection,
    readonly deps: ServerDependencies,
  ) {
    this.folders = this.newFolders(true);
    this.dataDiagnostics = new DataDiagnostics(connection);
  }

  newFolders(trusted: boolean): Folders {
    return new Folders({
      workspace: this.deps.workspace,
      bundledDataDir: this.deps.bundledDataDir,
      trusted,
      log: (m) => this.log(m),
      cache: this.deps.cache,
      readAhead: this.deps.readAhead,
      // The files the server watches itself follow the folders' projects as each loads (before its
      // first brief is checked): a config may list other KB files now; a folder removed takes its own.
      loaded: () => this.ownWatcher?.watch(this.folders.loaded()),
    });
  }

  log(message: string): void {
    this.connection.console.log(message);
  }

  /** The requests being answered, which background work steps aside for. */
  private readonly traffic = new RequestTraffic();

  /**
   * Answers a request through `safely`, counted as in flight meanwhile: background work (checking
   * ten thousand closed briefs after indexing) steps aside until the answer is out and the
   * analyst has paused, so a hover or a find-references asked meanwhile does not wait behind it.
   */
  async answer<T>(what: string, fallback: T, run: () => Promise<T> | T): Promise<T> {
    this.lifecycle.admit(what);
    this.traffic.started();
    try {
      return await this.safely(what, fallback, run);
    } finally {
      this.deps.collector?.afterAnswer();
      this.traffic.returned(this.deps.answerWritten);
    }
  }

  /**
   * Runs a handler; a failure is logged and answered with `fallback`, and the server stays up.
   * A `ResponseError` is an answer (e.g. a refused rename) and goes to the client as it is.
   */
  async safely<T>(what: string, fallback: T, run: () => Promise<T> | T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      const report = `${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      try {
        this.connection.console.error(report);
      } catch {
        // The connection is gone (the client closed its end): the log still gets it.
        process.stderr.write(`brief-language-server: ${report}\n`);
      }
      return fallback;
    }
  }

  /**
   * Loads every folder's project, indexes all its briefs with progress, then checks the closed
   * ones in the background and publishes their problems. The check runs in short slices that
   * step aside for requests (`RequestTraffic.quiet`): the analyst can navigate as soon as the
   * progress ends, while the Problems panel fills.
   */
  async loadWorkspace(withProgress: boolean): Promise<void> {
    await this.safely('loading the workspace', undefined, async () => {
      const progress = withProgress ? await withinTime(this.connection.window.createWorkDoneProgress().catch(() => undefined), PROGRESS_ASK_MS) : undefined;
      // A `shutdown` may have come while the client was asked for a progress token.
      if (!this.lifecycle.running) return;
      progress?.begin('Brief: indexing briefs', 0, 'loading the knowledge base', false);
      for (const path of this.folders.paths) await this.folders.ensure(path);
      const files = (await Promise.all(this.folders.paths.map(async (p) => (await this.folders.briefFiles(p)).map((f) => ({ folder: p, file: f }))))).flat();
      const started = Date.now();
      // Reads go out a batch at a time: one at a time, each waits for its own disk round trip.
      for (let from = 0; from < files.length; from += READ_BATCH) {
        // After `shutdown` the client is closing: no more indexing, progress or diagnostics.
        if (!this.lifecycle.running) return;
        const batch = files.slice(from, from + READ_BATCH).map(({ file }) => ({ file, uri: this.deps.workspace.toUri(file) }));
        const texts = await Promise.all(batch.map(({ file, uri }) => (this.documents.get(uri) ? undefined : this.deps.workspace.readFile(file))));
        for (let i = 0; i < batch.length; i++) {
          const text = texts[i];
          if (text === undefined || this.documents.get(batch[i].uri)) continue;
          const folder = await this.folders.forUri(batch[i].uri);
          // A folder removed meanwhile: its briefs belong to no index (not even the fallback's).
          if (folder.path !== files[from + i].folder) continue;
          folder.index.update(batch[i].uri, text);
        }
        const done = Math.min(files.length, from + READ_BATCH);
        if (Math.floor(done / PROGRESS_STEP) > Math.floor(from / PROGRESS_STEP)) progress?.report(Math.round((100 * done) / files.length), `${done} of ${counted(files.length, 'brief')}`);
      }
      this.log(`Indexed ${counted(files.length, 'brief')} in ${Date.now() - started} ms.`);
      progress?.done();
      this.publishDataDiagnostics();
      const checkStarted = Date.now();
      let checked = 0;
      for (const folder of this.folders.loaded()) {
        const uris = folder.index.uris();
        checked += uris.length;
        await this.closedChecks.check(folder, uris);
      }
      this.log(`Checked ${counted(checked, 'closed brief')} in ${Date.now() - checkStarted} ms.`);
      for (const doc of this.documents.all()) this.schedule(doc, 0);
    });
  }

  /** Closed briefs checked in slices, one queue per folder (closedBriefChecks.ts). */
  private readonly closedChecks = new ClosedBriefChecks({
    publish: (folder, uris) => this.publishClosedBriefs(folder, uris),
    current: (folder) => this.folders.isCurrent(folder) && this.lifecycle.running,
    quiet: () => this.traffic.quiet(),
    safely: (what, run) => this.safely(what, undefined, run),
  });

  /** Re-validates an open brief after a pause; a result for an older version is dropped. */
  schedule(document: TextDocument, delay = Math.min(DIAGNOSTICS_DELAY_MS, Math.ceil(2 * (this.checkCost.get(document.uri) ?? DIAGNOSTICS_DELAY_MS)))): void {
    this.timers.get(document.uri)?.();
    if (!this.lifecycle.running) return;
    const run = () => {
      this.timers.delete(document.uri);
      void this.validateOpen(document.uri, document.version);
    };
    // No delay (an open, a KB change) runs right after the messages at hand: `setTimeout(0)` waits
    // at least a millisecond, a twentieth of opening a megabyte brief.
    if (delay <= 0) {
      const immediate = setImmediate(run);
      this.timers.set(document.uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, delay);
      this.timers.set(document.uri, () => clearTimeout(timer));
    }
  }

  private async validateOpen(uri: string, version: number): Promise<void> {
    await this.safely('validation', undefined, async () => {
      const folder = await this.folders.forUri(uri);
      const current = this.documents.get(uri);
      if (!current || current.version !== version || !isBrief(current) || !this.lifecycle.running) return;
      const started = performance.now();
      const diagnostics = this.service.validate(current, folder.project);
      const edited = this.checkCost.has(uri);
      this.checkCost.set(uri, performance.now() - started);
      if (this.documents.get(uri)?.version !== version) return;
      this.publishedBriefs.delete(uri);
      await this.connection.sendDiagnostics({ uri, version, diagnostics });
      this.deps.collector?.afterCheck(current.getText().length, edited);
      this.prepareKb(folder.project.resolver.kb);
    });
  }

  /** KBs whose preparation for hovers has begun (a reloaded KB is a new object). */
  private readonly preparedKbs = new WeakSet<KnowledgeBase>();

  /** Once a brief's diagnostics are out, the analyst reads them and hovers: the KB gets ready for that meanwhile. */
  private prepareKb(kb: KnowledgeBase): void {
    if (this.preparedKbs.has(kb)) return;
    this.preparedKbs.add(kb);
    void this.safely('preparing the KB for hovers', undefined, async () => {
      this.log(preparationReport(kb.entities.size, await prepareForHovers(kb, () => this.idle())));
    });
  }

  /** Resolves once no check of an open brief is pending and no request is being answered. */
  private async idle(): Promise<void> {
    while (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    await this.traffic.quiet();
  }

  /** The workspace index kept in step with the open briefs (openBriefIndex.ts). */
  readonly openBriefs = new OpenBriefIndex({
    openDocument: (uri) => this.documents.get(uri),
    folderOf: (uri) => this.folders.forUri(uri),
    parse: (document) => this.service.parse(document),
    inBackground: (what, run) => void this.safely(what, undefined, run),
    indexed: (length) => this.deps.collector?.afterCheck(length),
  });

  /** Publishes the diagnostics of briefs that are not open, from their indexed text; resolves when sent. */
  publishClosedBriefs(view: Folder, uris: Iterable<string>): Promise<void> {
    const sent: Promise<void>[] = [];
    // Removed from the workspace meanwhile: nothing to publish. Reloaded meanwhile: checked with
    // the new KB and config.
    const folder = this.folders.current(view);
    if (!folder) return Promise.resolve();
    for (const uri of uris) {
      if (this.documents.get(uri)) continue;
      const syntax = folder.index.syntaxOf(uri);
      if (!syntax) continue;
      const diagnostics = this.service.validateSyntax(syntax, folder.project);
      if (diagnostics.length === 0 && !this.publishedBriefs.has(uri)) continue;
      if (diagnostics.length > 0) this.publishedBriefs.add(uri);
      else this.publishedBriefs.delete(uri);
      sent.push(this.connection.sendDiagnostics({ uri, diagnostics }));
    }
    return Promise.all(sent).then(() => undefined);
  }

  /** A brief was closed: its diagnostics now come from the file on disk, or go away with it. */
  async closed(document: TextDocument): Promise<void> {
    this.timers.get(document.uri)?.();
    this.timers.delete(document.uri);
    this.checkCost.delete(document.uri);
    this.service.forget(document.uri);
    if (!isBrief(document)) return;
    const folder = await this.folders.forUri(document.uri);
    const file = uriToPath(document.uri);
    // Outside every folder, ignored (node_modules, .gitignore) or gone from disk: a closed brief
    // that is not indexed shows nothing, as at start.
    const indexable = folder.path !== '' && file !== undefined && (await this.folders.isIndexable(folder.path, file));
    const text = indexable ? await this.deps.workspace.readFile(file) : undefined;
    if (text === undefined) {
      folder.index.remove(document.uri);
      this.publishedBriefs.delete(document.uri);
      await this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      return;
    }
    folder.index.update(document.uri, text);
    this.publishedBriefs.add(document.uri); // make sure the closed file's list is sent, even empty
    void this.publishClosedBriefs(folder, [document.uri]);
  }

  /**
   * Files and folders changed on disk (diskChanges.ts): briefs re-indexed or forgotten, a
   * config or KB change reloads its folder.
   */
  async filesChanged(changes: readonly FileEvent[]): Promise<void> {
    await this.safely('reacting to file changes', undefined, () => applyDiskChanges(this.onDisk, changes));
  }

  /** What diskChanges.ts needs of the session. */
  private get onDisk(): DiskChangeHost {
    return {
      folders: () => this.folders,
      workspace: this.deps.workspace,
      isOpen: (uri) => this.documents.get(uri) !== undefined,
      forget: (folder, uri) => this.forgetClosedBrief(folder, uri),
      check: (folder, uri, text) => {
        folder.index.update(uri, text);
        void this.publishClosedBriefs(folder, [uri]);
      },
      refreshLenses: () => {
        if (this.client.workspace?.codeLens?.refreshSupport) this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      },
      syncOpenBriefs: () => this.openBriefs.sync(),
      publishDataDiagnostics: () => this.publishDataDiagnostics(),
      log: (message) => this.log(message),
      hasProblemsShown: (uri) => this.publishedBriefs.has(uri) || this.documents.get(uri) !== undefined,
      // Not waited for: a reload that waited for the check kept its two projects (and KBs) alive
      // until the check ended, which saves coming faster than a check of every brief put off for
      // good: 22 KBs alive after 20 saves 300 ms apart in the workspace of 10,000 briefs.
      checkClosed: (folder, uris) => void this.closedChecks.check(folder, uris),
      recheckOpen: (folder, uris) => {
        for (const uri of uris) {
          const doc = this.documents.get(uri);
          if (doc) this.schedule(doc, 0);
        }
        // Open briefs not in the index yet (e.g. just created) are re-checked too.
        for (const doc of this.documents.all()) if (!folder.index.has(doc.uri)) this.schedule(doc, 0);
      },
      refreshViews: () => this.refreshViews(),
    };
  }

  /**
   * The client does not watch files for the server (no `didChangeWatchedFiles` dynamic
   * registration, or it refused it): the server watches its folders' config and KB files itself,
   * and a change there reloads the folder as the client's event would.
   */
  watchFilesItself(): void {
    if (this.ownWatcher || !this.deps.projectFileWatcher) return;
    this.ownWatcher = this.deps.projectFileWatcher((files) => {
      if (!this.lifecycle.running) return;
      void this.filesChanged(files.map((file) => ({ uri: this.deps.workspace.toUri(file), type: FileChangeType.Changed })));
    });
    this.ownWatcher.watch(this.folders.loaded());
  }

  /** Stops the server's own watching (at `shutdown`). */
  stopWatching(): void {
    this.ownWatcher?.dispose();
    this.ownWatcher = undefined;
  }

  /** A closed brief leaves the index, and its problems the Problems panel. */
  private async forgetClosedBrief(folder: Folder, uri: string): Promise<void> {
    folder.index.remove(uri);
    if (this.publishedBriefs.delete(uri)) await this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Workspace folders were removed: the problems of their closed briefs leave the Problems panel with them. */
  async foldersRemoved(folderUris: readonly string[]): Promise<void> {
    const removed = folderUris.map(uriToPath).filter((p): p is string => p !== undefined);
    for (const uri of [...this.publishedBriefs]) {
      const file = uriToPath(uri);
      if (!file || this.documents.get(uri) || !removed.some((folder) => file.startsWith(`${folder}/`))) continue;
      this.publishedBriefs.delete(uri);
      await this.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }

  /** Asks the client to re-request hints, tokens and lenses, where it says it can. */
  private refreshViews(): void {
    const ws = this.client.workspace;
    const ignore = () => undefined;
    if (ws?.inlayHint?.refreshSupport) this.connection.languages.inlayHint.refresh().catch(ignore);
    if (ws?.semanticTokens?.refreshSupport) this.connection.languages.semanticTokens.refresh().catch(ignore);
    if (ws?.codeLens?.refreshSupport) this.connection.sendRequest('workspace/codeLens/refresh').catch(ignore);
  }
  publishDataDiagnostics(): void {
    this.dataDiagnostics.publish(this.folders.loaded());
  }
}


/**
 * The workspace folders of a session (multi-root): for each, its project (config + KB) and its
 * index of every brief, open or not. Briefs outside every folder share a fallback project with
 * the bundled KB only.
 */
import { fileURLToPath } from 'url';
import { loadProject, isInside, type ProjectState, type Workspace } from '../core/project';
import type { FileReadingCache } from '../core/kb/fileCache';
import { hasErrors } from '../core/kb/knowledgeBase';
import { WorkspaceIndex, type FolderScope } from '../core/workspaceIndex';
import { parseGitignore } from '../core/ignore';
import type { ReadAhead } from './kbReadAhead';
import { turnsOfTheLoop } from './waiting';
import { counted } from '../core/wording';

/**
 * From how many entities a folder's reload reads its KB in a worker first (kbReadAhead.ts). With
 * 10,000 one-line entities in one file, a reload held the main thread 300–410 ms; read ahead, it
 * holds it 23–53 ms, and the save shows about half a second later (the worker's 0.8 s). With
 * 100,000 a reload held it for seconds. A smaller KB reloads faster than a worker starts.
 */
const READ_AHEAD_FROM = 10_000;
/**
 * How long a reload reads and checks the KB before it lets the requests that came meanwhile be
 * answered (from the folder's last load), ms. A KB of 100,000 entities with an error took the
 * main thread 2.1–2.6 s in one piece; the longest steps that remain are one file's YAML and the
 * sorting of the name index.
 */
const RELOAD_SLICE_MS = 10;
/** How many times a reload's worker reads while the folder's files keep changing. */
const READ_AHEAD_ROUNDS = 3;

/** Folders never indexed, whatever `.gitignore` says. */
const SKIPPED = new Set(['node_modules', '.git']);

export interface FoldersOptions {
  readonly workspace: Workspace;
  readonly bundledDataDir: string;
  readonly trusted: boolean;
  readonly log: (message: string) => void;
  readonly cache?: FileReadingCache;
  /** Told each time a folder's project has (re)loaded: it may read other files now. */
  readonly loaded?: () => void;
  /** Reads a large KB into `cache` off the main thread before a reload (optional). */
  readonly readAhead?: ReadAhead;
  /** From how many entities a reload reads ahead (default READ_AHEAD_FROM). */
  readonly readAheadFrom?: number;
  /**
   * What a reload awaits between two slices of its KB's reading and checks (default: three
   * turns of the event loop, in which vscode-jsonrpc starts a request it has read: see
   * closedBriefChecks.ts).
   */
  readonly reloadPause?: () => Promise<void>;
}

/** One workspace folder: its path, loaded project and brief index. */
export interface Folder extends FolderScope {
  readonly path: string;
  readonly state: ProjectState;
}

export class Folders {
  private readonly folders = new Map<string, FolderEntry>();
  private fallback?: { state: ProjectState; index: WorkspaceIndex };

  constructor(private readonly options: FoldersOptions) {}

  /**
   * Sets the folder list; folders that left are forgotten, new ones load on first use. A brief
   * belongs to its innermost folder: one that a folder added inside another now holds leaves the
   * outer folder's index (and the fallback's, for a brief that was outside every folder), or it
   * would be checked with the outer folder's config and KB and counted in its references.
   */
  setFolders(folderUris: readonly string[]): void {
    const paths = folderUris.map(uriToPath).filter((p): p is string => p !== undefined);
    for (const key of [...this.folders.keys()]) if (!paths.includes(key)) this.folders.delete(key);
    for (const p of paths) if (!this.folders.has(p)) this.folders.set(p, { path: p, index: new WorkspaceIndex(), asked: 0 });
    // The fallback's path is '', the folder of a brief outside every folder.
    const indexes = [...this.folders.values(), ...(this.fallback ? [{ path: '', index: this.fallback.index }] : [])];
    for (const { path: owner, index } of indexes) {
      for (const uri of index.uris()) {
        const file = uriToPath(uri);
        if (file !== undefined && (this.folderOf(file) ?? '') !== owner) index.remove(uri);
      }
    }
  }

  /** The folders, other than `besides`, whose project reads `path` (or, for a folder, a file in it) as its config or a KB file. */
  readersOf(path: string, besides?: string): string[] {
    const reads = (file: string | undefined) => file !== undefined && isInside(file, path);
    return this.loaded()
      .filter((f) => f.path !== besides && (reads(f.state.configPath) || f.state.workspaceKbFiles.some(reads)))
      .map((f) => f.path);
  }

  get paths(): string[] {
    return [...this.folders.keys()];
  }

  /**
   * Whether a folder is still in the workspace, as the same folder: work that started before it
   * was removed (the first indexing, the check of its closed briefs) must not publish for it.
   */
  isCurrent(folder: Folder): boolean {
    return folder.path === '' || this.folders.get(folder.path)?.index === folder.index;
  }

  /**
   * The folder as it is now, with the project of its latest load; undefined when it left the
   * workspace. A `Folder` is a view taken at one time: work that outlives a reload (the check of
   * ten thousand closed briefs after indexing, while a KB file is saved) must check with the new
   * KB and config, not publish the old ones' problems over the reload's.
   */
  current(folder: Folder): Folder | undefined {
    if (folder.path === '') return this.fallback ? { ...folder, state: this.fallback.state, project: this.fallback.state.project } : folder;
    const entry = this.folders.get(folder.path);
    return entry && entry.index === folder.index && entry.state ? this.toFolder(entry) : undefined;
  }

  /** The innermost workspace folder holding a file, if any. */
  folderOf(file: string): string | undefined {
    return this.paths.filter((f) => isInside(file, f)).sort((a, b) => b.length - a.length)[0];
  }

  /**
   * Loads (or reloads) a folder's project, keeping its last good KB files. One load at a time
   * per folder; reloads asked for while one runs share the next, which starts when it ends and
   * reads every file as it is then: a KB file saved ten times while a load of 100,000 entities
   * ran (autosave, a tool writing it) made ten loads of a second each in a row, seven of them
   * of the same text, the server deaf to hovers meanwhile.
   */
  async reload(folderPath: string): Promise<Folder | undefined> {
    const entry = this.folders.get(folderPath);
    if (!entry) return undefined;
    entry.asked++;
    if (!entry.loading) return this.startLoad(entry);
    // A load another caller started in between (once the last ended) reads the files as they are too.
    const after = () => {
      entry.next = undefined;
      return entry.loading ?? this.startLoad(entry);
    };
    entry.next ??= entry.loading.then(after, after);
    return entry.next;
  }

  private startLoad(entry: FolderEntry): Promise<Folder | undefined> {
    entry.loading = this.load(entry).finally(() => (entry.loading = undefined));
    return entry.loading;
  }

  /**
   * The folder's project, loaded only if no load has finished or is under way: an open that
   * arrives before the workspace load has already started the folder's, and a second load of
   * the same files would only double the wait (4.7 s more with 100,000 entities).
   */
  async ensure(folderPath: string): Promise<Folder | undefined> {
    const entry = this.folders.get(folderPath);
    if (!entry) return undefined;
    while (entry.loading) await entry.loading;
    return entry.state ? this.toFolder(entry) : this.reload(folderPath);
  }

  private async load(entry: FolderEntry): Promise<Folder | undefined> {
    const folderPath = entry.path;
    // Not while the KB has errors: a worker stops at them, and the load here would follow it.
    if (entry.state && entry.state.kbLoad.kb.entities.size >= (this.options.readAheadFrom ?? READ_AHEAD_FROM) && !hasErrors(entry.state.kbLoad.diagnostics)) {
      // A file saved again while the worker read would miss the cache here, and this thread would
      // read it after all: the worker reads again while saves keep coming, a few times at most.
      for (let round = 0; round < READ_AHEAD_ROUNDS; round++) {
        const asked = entry.asked;
        if (!(await this.readAhead(folderPath)) || entry.asked === asked) break;
      }
    }
    const started = Date.now();
    entry.state = await loadProject(
      this.options.workspace,
      {
        bundledDataDir: this.options.bundledDataDir,
        folder: folderPath,
        trusted: this.options.trusted,
        cache: this.options.cache,
        // A reload: requests have the last load to answer from. (The first load they wait for.)
        slices: entry.state ? { pause: this.options.reloadPause ?? (() => turnsOfTheLoop(3)), sliceMs: RELOAD_SLICE_MS } : undefined,
      },
      entry.state,
    );
    this.options.log(`Loaded ${counted(entry.state.kbLoad.kb.entities.size, 'entity', 'entities')} for ${folderPath} in ${Date.now() - started} ms.`);
    this.options.loaded?.();
    return this.toFolder(entry);
  }

  /**
   * Has a worker read the folder's project into the cache, so that the load that follows finds
   * it there; meanwhile requests are answered from the folder's last load. Should the worker
   * fail, or stop at a file with errors, the load reads the files itself, as it did before
   * read-ahead. True when the worker read the KB.
   */
  private async readAhead(folder: string): Promise<boolean> {
    const { readAhead, bundledDataDir, trusted, log } = this.options;
    if (!readAhead) return false;
    const started = Date.now();
    try {
      if ((await readAhead({ folder, bundledDataDir, trusted })) === 'unsettled') {
        log(`A KB file of ${folder} has errors: its KB is read here, where its files' last good versions are kept (the worker's part: ${Date.now() - started} ms).`);
        return false;
      }
      log(`Read the KB of ${folder} in a worker in ${Date.now() - started} ms.`);
      return true;
    } catch (error) {
      log(`Could not read the KB of ${folder} in a worker (${error instanceof Error ? error.message : String(error)}); reading it here.`);
      return false;
    }
  }

  /** The folder a file belongs to (the innermost), loading it when needed; the fallback otherwise. */
  async forUri(uri: string): Promise<Folder> {
    const file = uriToPath(uri);
    const folderPath = file ? this.folderOf(file) : undefined;
    const entry = folderPath ? this.folders.get(folderPath) : undefined;
    if (entry?.loading && !entry.state) await entry.loading;
    if (entry) return entry.state ? this.toFolder(entry) : ((await this.reload(entry.path)) as Folder);
    return this.fallbackFolder();
  }

  /** The project of briefs outside every folder: the bundled KB, and those briefs. */
  private async fallbackFolder(): Promise<Folder> {
    this.fallback ??= {
      state: await loadProject(this.options.workspace, { bundledDataDir: this.options.bundledDataDir, trusted: false, cache: this.options.cache }),
      index: new WorkspaceIndex(),
    };
    return { path: '', project: this.fallback.state.project, state: this.fallback.state, index: this.fallback.index };
  }

  /** Every loaded folder. */
  loaded(): Folder[] {
    return [...this.folders.values()].filter((e) => e.state).map((e) => this.toFolder(e));
  }

  /**
   * Every loaded folder, or without any the fallback project: a search over "the workspace" of
   * an editor that opened a single file (Neovim, Emacs) finds the bundled KB's entities, as
   * hover and references there do.
   */
  async loadedOrFallback(): Promise<Folder[]> {
    const loaded = this.loaded();
    return loaded.length > 0 ? loaded : [await this.fallbackFolder()];
  }

  /** Every `*.brief` of a folder, skipping `node_modules`, `.git` and what its `.gitignore` ignores. */
  async briefFiles(folderPath: string): Promise<string[]> {
    const indexable = await this.indexableTest(folderPath);
    return (await this.options.workspace.listFiles(folderPath, true)).filter(indexable);
  }

  /** Whether a file of a folder belongs in its index (re-reads `.gitignore`, which may have changed). */
  async isIndexable(folderPath: string, file: string): Promise<boolean> {
    return (await this.indexableTest(folderPath))(file);
  }

  /** Which files of a folder belong in its index, as one test (reading `.gitignore` once). */
  async indexableTest(folderPath: string): Promise<(file: string) => boolean> {
    const gitignore = await this.options.workspace.readFile(`${folderPath}/.gitignore`);
    const ignored = gitignore === undefined ? () => false : parseGitignore(gitignore);
    return (file) => {
      const relative = file.slice(folderPath.length + 1);
      return file.endsWith('.brief') && !relative.split('/').some((part) => SKIPPED.has(part)) && !ignored(relative);
    };
  }

  private toFolder(entry: { path: string; state?: ProjectState; index: WorkspaceIndex }): Folder {
    const state = entry.state as ProjectState;
    return { path: entry.path, state, project: state.project, index: entry.index };
  }
}

/** A workspace folder as `Folders` keeps it. */
interface FolderEntry {
  readonly path: string;
  state?: ProjectState;
  /** The load under way, if any. */
  loading?: Promise<Folder | undefined>;
  /** The load that starts once `loading` ends, which reloads asked for meanwhile wait for. */
  next?: Promise<Folder | undefined>;
  /** How many reloads have been asked for: a count that moved during a read-ahead means files changed. */
  asked: number;
  readonly index: WorkspaceIndex;
}

export function uriToPath(uri: string): string | undefined {
  try {
    // `file:///ws/` and `file:///ws` are one folder.
    return uri.startsWith('file:') ? fileURLToPath(uri).replace(/(?<=.)\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The projects of a session: one per workspace folder (multi-root), plus a fallback for briefs
 * outside every folder. Each is reloaded as a whole when its config or KB files change.
 */
import { fileURLToPath } from 'url';
import { loadProject, isInside, type ProjectState, type Workspace } from '../core/project';
import type { FileReadingCache } from '../core/kb/fileCache';

export interface ProjectManagerOptions {
  readonly workspace: Workspace;
  readonly bundledDataDir: string;
  readonly trusted: boolean;
  readonly log: (message: string) => void;
  readonly cache?: FileReadingCache;
}

export class ProjectManager {
  private readonly states = new Map<string, ProjectState>();
  private fallback?: ProjectState;
  private folders: string[] = [];

  constructor(private readonly options: ProjectManagerOptions) {}

  setFolders(folderUris: readonly string[]): void {
    this.folders = folderUris.map(uriToPath).filter((p): p is string => p !== undefined);
    for (const key of [...this.states.keys()]) if (!this.folders.includes(key)) this.states.delete(key);
  }

  get folderPaths(): readonly string[] {
    return this.folders;
  }

  /** Loads (or reloads) every folder's project, keeping each folder's last good KB files. */
  async reloadAll(): Promise<void> {
    for (const folder of this.folders) await this.reload(folder);
    this.fallback = await loadProject(this.options.workspace, { bundledDataDir: this.options.bundledDataDir, trusted: false, cache: this.options.cache }, this.fallback);
  }

  async reload(folder: string): Promise<ProjectState> {
    const started = Date.now();
    const state = await loadProject(
      this.options.workspace,
      { bundledDataDir: this.options.bundledDataDir, folder, trusted: this.options.trusted, cache: this.options.cache },
      this.states.get(folder),
    );
    this.states.set(folder, state);
    this.options.log(`Loaded ${state.kbLoad.kb.entities.size} entities for ${folder} in ${Date.now() - started} ms.`);
    return state;
  }

  /** The project a document belongs to: its innermost workspace folder's, or the fallback. */
  async forUri(uri: string): Promise<ProjectState> {
    const file = uriToPath(uri);
    const folder = file ? this.folders.filter((f) => isInside(file, f)).sort((a, b) => b.length - a.length)[0] : undefined;
    if (folder) return this.states.get(folder) ?? (await this.reload(folder));
    this.fallback ??= await loadProject(this.options.workspace, { bundledDataDir: this.options.bundledDataDir, trusted: false, cache: this.options.cache });
    return this.fallback;
  }

  /** Every loaded project, for publishing config and KB file diagnostics. */
  all(): ProjectState[] {
    return [...this.states.values()];
  }

  /** The folder whose project a changed file affects: its config, or one of its KB files. */
  affectedFolders(changedUri: string): string[] {
    const file = uriToPath(changedUri);
    if (!file) return [];
    return this.folders.filter((folder) => {
      const state = this.states.get(folder);
      return isInside(file, folder) && (file.endsWith('/.briefrc.yaml') || (state?.workspaceKbFiles.includes(file) ?? false) || file.endsWith('.yaml'));
    });
  }
}

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

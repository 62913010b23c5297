/**
 * The server's own watching of the files each folder's project is read from (`.briefrc.yaml` and
 * its KB files), for a client that does not watch files for it: one without `didChangeWatchedFiles`
 * dynamic registration (Neovim on Linux, by default), or one that refused the registration. Such a
 * client sends nothing when the analyst saves a KB file (Neovim attaches the server to briefs only,
 * so not even a `didSave`): without this, an entity added to the KB ("Add … to the workspace KB",
 * then a save) stayed unknown until the server was restarted.
 *
 * Only the folders that hold those files are watched, not the workspace: a handful of watches, not
 * one per folder of the tree (what made Neovim turn its own watching off on Linux). A folder is
 * watched rather than the file, so that a save that writes a new file and renames it over the old
 * one is seen too. Briefs changed on disk by other programs are not seen this way; an open brief's
 * text comes from the editor anyway.
 */
import { watch, type FSWatcher } from 'fs';
import * as path from 'path';
import { KB_FILE_NAME } from '../core/project';
import type { Folder } from './folders';

/** How long events are gathered before they are reported: a save is several events. */
const SETTLE_MS = 50;

/** What the session asks of a watcher of its projects' files. */
export interface ProjectFiles {
  /** Watches these folders' configs and KB files from now on, and no others. */
  watch(projects: readonly Folder[]): void;
  dispose(): void;
}

export class ProjectFileWatcher implements ProjectFiles {
  private readonly watchers = new Map<string, FSWatcher>();
  /** The files whose change counts: configs and KB files. */
  private files = new Set<string>();
  /** Folders of KB files, where any YAML file that comes may be one a `kb:` glob matches. */
  private kbFolders = new Set<string>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  /** @param changed told of the files (absolute paths) that changed, a batch at a time */
  constructor(private readonly changed: (files: readonly string[]) => void) {}

  /** Watches these folders' configs and KB files from now on (and no longer those of the last call). */
  watch(projects: readonly Folder[]): void {
    const kb = projects.flatMap((f) => f.state.workspaceKbFiles);
    this.files = new Set([...projects.flatMap((f) => (f.state.configPath ? [f.state.configPath] : [])), ...kb]);
    this.kbFolders = new Set(kb.map((f) => path.dirname(f)));
    const folders = new Set([...this.files].map((f) => path.dirname(f)));
    for (const [folder, watcher] of this.watchers) {
      if (folders.has(folder)) continue;
      watcher.close();
      this.watchers.delete(folder);
    }
    for (const folder of folders) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, { persistent: false }, (_event, name) => this.seen(folder, name));
        // A folder deleted, or a watch the system refuses later: that folder is no longer watched.
        watcher.on('error', () => {
          watcher.close();
          if (this.watchers.get(folder) === watcher) this.watchers.delete(folder);
        });
        this.watchers.set(folder, watcher);
      } catch {
        // A folder that is not there (yet): a KB file a `kb:` entry names before it exists.
      }
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private seen(folder: string, name: string | Buffer | null): void {
    // Without a name (some platforms), any of the folder's files may have changed.
    const files = name ? [path.join(folder, name.toString())] : [...this.files].filter((f) => path.dirname(f) === folder);
    for (const file of files) {
      if (this.files.has(file) || (this.kbFolders.has(folder) && KB_FILE_NAME.test(file))) this.pending.add(file);
    }
    if (this.pending.size === 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = [...this.pending];
      this.pending.clear();
      this.changed(batch);
    }, SETTLE_MS);
  }
}

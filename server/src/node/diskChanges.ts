/**
 * Files and folders changed on disk (`workspace/didChangeWatchedFiles`): briefs are indexed,
 * re-indexed or forgotten; a config or KB change reloads its folder, which re-checks only the
 * briefs that mention entities that changed (all of them for a config change); a change of a
 * folder's `.gitignore` makes its index follow what it ignores.
 *
 * Editors send one event for a folder created or deleted (a rename is both, and so is a branch
 * checkout), none for the files in it: so every path created or deleted is also looked at as a
 * folder. The server asks for these events with a `**\/*` watcher, so most of them are for plain
 * files; each costs a map lookup (deleted) or a listing that fails (created).
 */
import { FileChangeType, type FileEvent } from 'vscode-languageserver';
import { dirname, isInside, KB_FILE_NAME, type Workspace } from '../core/project';
import { changedKeySteps } from '../core/workspaceIndex';
import { runInSlices } from '../core/steps';
import { counted } from '../core/wording';
import { turnsOfTheLoop } from './waiting';
import { uriToPath, type Folder, type Folders } from './folders';

/** What the session lends to this file. */
export interface DiskChangeHost {
  folders(): Folders;
  readonly workspace: Workspace;
  /** Whether the editor has the brief open: its text, not the disk's, counts then. */
  isOpen(uri: string): boolean;
  /** A closed brief leaves the index and the Problems panel. */
  forget(folder: Folder, uri: string): Promise<void>;
  /** A closed brief's text is indexed and checked. */
  check(folder: Folder, uri: string, text: string): void;
  /** The mention counts on KB files ("3 mentions in 2 briefs") follow the briefs on disk. */
  refreshLenses(): void;
  /** The workspace index takes in the open briefs' latest text. */
  syncOpenBriefs(): Promise<void>;
  /** The config's and KB files' problems go out. */
  publishDataDiagnostics(): void;
  log(message: string): void;
  /** Whether a brief's problems are on screen (a closed brief's published, or an open brief). */
  hasProblemsShown(uri: string): boolean;
  /** Closed briefs are checked again, in the background. */
  checkClosed(folder: Folder, uris: readonly string[]): void;
  /** The open briefs among these, and those the folder's index does not hold yet, are checked again. */
  recheckOpen(folder: Folder, uris: readonly string[]): void;
  /** Hints, tokens and lenses are asked for again. */
  refreshViews(): void;
}

/** How long a created folder's briefs are indexed, or a reload's entities compared, before requests get their turn, ms. */
const SLICE_MS = 4;

export async function applyDiskChanges(host: DiskChangeHost, changes: readonly FileEvent[]): Promise<void> {
  const folders = host.folders();
  const reloads = new Set<string>();
  /** Folders whose `.gitignore` changed, came or went. */
  const ignores = new Set<string>();
  let briefs = false;
  // Which files a folder indexes: its .gitignore read and parsed once for the whole batch.
  const tests = new Map<string, (file: string) => boolean>();
  const indexable = async (folder: string) => {
    let test = tests.get(folder);
    if (!test) tests.set(folder, (test = await folders.indexableTest(folder)));
    return test;
  };
  for (const change of changes) {
    const file = uriToPath(change.uri);
    if (!file) continue;
    const folder = folders.folderOf(file);
    if (!folder) continue;
    if (file !== folder && file.endsWith('.brief')) {
      if ((await indexable(folder))(file)) {
        await briefChanged(host, change, file);
        briefs = true;
      }
    } else if (file !== folder && KB_FILE_NAME.test(file)) reloads.add(folder);
    else if (file === `${folder}/.gitignore`) ignores.add(folder);
    // An outer folder may list a KB file of a folder nested in it (or a file in a folder that
    // came or went): it reads the file too. One that came may be one its `kb:` names or a glob
    // of it matches now: an outer folder with `kb:` entries reads its list again.
    for (const reader of folders.readersOf(file, folder)) reloads.add(reader);
    if (change.type !== FileChangeType.Changed && !file.endsWith('.brief')) {
      for (const outer of folders.loaded()) if (outer.path !== folder && isInside(file, outer.path) && (outer.state.config?.config.kb.length ?? 0) > 0) reloads.add(outer.path);
    }
    // Whatever its name, a path created or deleted may be a folder, even the workspace folder itself.
    if (change.type !== FileChangeType.Changed) {
      const touched = await folderChanged(host, change, file, folder, await indexable(folder));
      if (touched.data) reloads.add(folder);
      briefs ||= touched.briefs;
    }
    // A folder deleted with workspace folders inside it: the editor sends one event, for the
    // outermost path; each folder within is as deleted as if the event had named it.
    if (change.type === FileChangeType.Deleted) {
      for (const nested of folders.paths.filter((p) => p !== file && isInside(p, file))) {
        const touched = await folderChanged(host, { uri: host.workspace.toUri(nested), type: FileChangeType.Deleted }, nested, nested, await indexable(nested));
        if (touched.data) reloads.add(nested);
        briefs ||= touched.briefs;
      }
    }
  }
  for (const path of ignores) if (await ignoreChanged(host, path, await indexable(path))) briefs = true;
  for (const path of reloads) await reloadFolder(host, path);
  if (briefs && reloads.size === 0) host.refreshLenses();
}

async function briefChanged(host: DiskChangeHost, change: FileEvent, file: string): Promise<void> {
  if (host.isOpen(change.uri)) return; // the editor's text wins while the brief is open
  const folder = await host.folders().forUri(change.uri);
  // A brief gone by the time it is read (deleted right after a change) is as good as deleted; one
  // that is there is as it is, whatever the event said (a checkout that deleted and wrote it
  // again may report Created, then Deleted).
  const text = await host.workspace.readFile(file);
  if (text === undefined) await host.forget(folder, change.uri);
  else host.check(folder, change.uri, text);
}

/**
 * A path created or deleted, as a folder. The briefs under a deleted folder leave the index and
 * the Problems panel; those under a created one are indexed and checked, unless it is a symbolic
 * link (links to folders are not followed, as at start). Says whether briefs were touched, and
 * whether the folder's config or KB files may have been, which then reload.
 */
async function folderChanged(host: DiskChangeHost, change: FileEvent, path: string, folderPath: string, indexable: (file: string) => boolean): Promise<{ briefs: boolean; data: boolean }> {
  const none = { briefs: false, data: false };
  const folder = await host.folders().forUri(change.uri);
  if (folder.path !== folderPath) return none;
  const under = (file: string) => file.startsWith(`${path}/`);
  if (change.type === FileChangeType.Deleted) {
    // A folder back on disk by now (events out of order) keeps what is still there, and is read
    // again below as a created one.
    const back = (await host.workspace.realPath(path)) !== undefined;
    let briefs = false;
    for (const uri of folder.index.urisUnder(host.workspace.toUri(path))) {
      if (host.isOpen(uri)) continue;
      briefs = true;
      const file = uriToPath(uri);
      if (back && file) await briefChanged(host, { uri, type: FileChangeType.Changed }, file);
      else await host.forget(folder, uri);
    }
    const data = folder.state.workspaceKbFiles.some(under) || (folder.state.configPath !== undefined && under(folder.state.configPath));
    if (!back) return { briefs, data };
    const created = await folderChanged(host, { uri: change.uri, type: FileChangeType.Created }, path, folderPath, indexable);
    return { briefs: briefs || created.briefs, data: data || created.data };
  }
  // Created. Nothing under node_modules, .git or an ignored folder is indexed: not even listed.
  if (path !== folderPath && !indexable(`${path}/x.brief`)) return none;
  if (path !== folderPath && (await host.workspace.realPath(path)) !== `${(await host.workspace.realPath(dirname(path))) ?? ''}/${path.slice(path.lastIndexOf('/') + 1)}`) {
    return none; // a symbolic link (or gone already)
  }
  const files = await host.workspace.listFiles(path, true); // a file, not a folder, lists nothing
  const found = files.filter(indexable);
  await indexFromDisk(host, found);
  return { briefs: found.length > 0, data: files.some((f) => KB_FILE_NAME.test(f)) };
}

/**
 * A folder's `.gitignore` changed, came or went: its index follows it, as a start would have made
 * it. Closed briefs it now ignores leave the index and the Problems panel; briefs it no longer
 * ignores are indexed and checked. Says whether any brief was touched.
 */
async function ignoreChanged(host: DiskChangeHost, folderPath: string, indexable: (file: string) => boolean): Promise<boolean> {
  const folder = await host.folders().forUri(host.workspace.toUri(`${folderPath}/.gitignore`));
  if (folder.path !== folderPath) return false;
  const indexed = new Set(folder.index.uris());
  let touched = false;
  for (const uri of indexed) {
    const file = uriToPath(uri);
    if (file === undefined || indexable(file) || host.isOpen(uri)) continue;
    touched = true;
    await host.forget(folder, uri);
  }
  const unignored = (await host.workspace.listFiles(folderPath, true)).filter((file) => indexable(file) && !indexed.has(host.workspace.toUri(file)));
  await indexFromDisk(host, unignored);
  return touched || unignored.length > 0;
}

/** Indexes and checks briefs from disk (those open keep the editor's text), in slices. */
async function indexFromDisk(host: DiskChangeHost, files: readonly string[]): Promise<void> {
  let sliceEnd = performance.now() + SLICE_MS;
  for (const file of files) {
    await briefChanged(host, { uri: host.workspace.toUri(file), type: FileChangeType.Created }, file);
    // A checkout of thousands of briefs: requests that come meanwhile are answered between slices.
    if (performance.now() > sliceEnd) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEnd = performance.now() + SLICE_MS;
    }
  }
}

/** Reloads a folder's config and KB, then re-checks the briefs the change can affect. */
async function reloadFolder(host: DiskChangeHost, path: string): Promise<void> {
  await host.syncOpenBriefs();
  const folders = host.folders();
  const before = folders.loaded().find((f) => f.path === path);
  const after = await folders.reload(path);
  if (!after) return;
  host.publishDataDiagnostics();
  const configChanged = JSON.stringify(before?.state.config?.config) !== JSON.stringify(after.state.config?.config);
  const heldChanged = () => !sameEntries(before?.state.kbLoad.kb.heldBack, after.state.kbLoad.kb.heldBack);
  // In slices, as the load was (folders.ts): with 100,000 entities the comparison takes a fifth of a second.
  const changed = (was: Folder) => runInSlices(changedKeySteps(was.state.kbLoad.kb.entities, after.state.kbLoad.kb.entities), () => turnsOfTheLoop(3), SLICE_MS);
  const affected = configChanged || !before ? after.index.uris() : affectedByKbChange(host, after, await changed(before), heldChanged());
  // A later save may have loaded while the comparison ran: the briefs are checked with the newest
  // load (that save's own reload re-checks what it changed).
  const now = folders.loaded().find((f) => f.path === path);
  if (!now) return;
  host.log(`Re-checking ${affected.length} of ${counted(now.index.size, 'brief')} after a change in ${path}.`);
  host.checkClosed(now, affected);
  host.recheckOpen(now, affected);
  host.refreshViews();
}

/**
 * The briefs a change of these entities' keys can affect: those that mention one, and, when
 * anything changed, every brief with a problem on screen. A did-you-mean suggestion depends on
 * every name of the KB, so an unknown reference's message can change with any entity; and so
 * can its "defines it, but that KB file has errors" with a file that broke (`heldChanged`), while
 * the entities, served from the file's last good version, stay as they were.
 */
function affectedByKbChange(host: DiskChangeHost, folder: Folder, changed: ReadonlySet<string>, heldChanged: boolean): readonly string[] {
  const mentioning = folder.index.briefsMentioning(changed);
  if (changed.size === 0 && !heldChanged) return mentioning;
  const withProblems = folder.index.uris().filter((uri) => host.hasProblemsShown(uri));
  return [...new Set([...mentioning, ...withProblems])];
}

/** Whether two maps hold the same keys with the same values. */
function sameEntries<K, V>(a: ReadonlyMap<K, V> | undefined, b: ReadonlyMap<K, V>): boolean {
  if (!a || a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

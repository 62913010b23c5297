/**
 * The KB files as the analyst sees them (`KbFilesAsSeen`, kbYaml.ts), for the requests that show
 * positions in KB files or take them from there: code lenses, references, definitions, symbols.
 *
 * The KB is loaded from the disk, and a file that breaks keeps its last good version; so the
 * positions the KB holds are not those of the text on screen when a KB file is open with unsaved
 * edits, or broken on disk. Those texts are read for their entries (kbEntries.ts); every other
 * file keeps the KB's positions, for nothing. Kept cheap: whether an open file's text is the
 * disk's is asked once per document version, and a text is read for its entries once.
 */
import { DiagnosticSeverity, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location } from 'vscode-languageserver-types';
import type { Workspace } from '../core/project';
import { WrittenEntriesCache, type WrittenEntry } from '../core/features/kbEntries';
import { targetsIn, type KbFilesAsSeen } from '../core/features/kbYaml';
import { uriToPath, type Folder } from './folders';

export class KbFilesSeen {
  private readonly entries = new WrittenEntriesCache();
  /** Whether an open file's text was the disk's, by uri, for one version of it. */
  private readonly sameAsDisk = new Map<string, { version: number; same: boolean }>();
  /**
   * The text of each workspace KB file read for its targets, under the stamp it was read with:
   * find references asks at every request, and a large KB file is not read again unchanged (the
   * same string also makes the entries cache's comparison instant).
   */
  private readonly onDisk = new Map<string, { stamp: string; text: string }>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly workspace: Workspace,
  ) {
    documents.onDidClose((e) => {
      this.entries.forget(e.document.uri);
      this.sameAsDisk.delete(e.document.uri);
    });
  }

  /**
   * The KB files of `folders` as the analyst sees them. `withTargets`: folders whose workspace KB
   * files are read as they are now (the editor's text, else the disk's), for `targetsNaming`.
   */
  async of(folders: readonly Folder[], withTargets: readonly Folder[] = []): Promise<KbFilesAsSeen> {
    const edited = new Map<string, readonly WrittenEntry[]>();
    for (const { state } of folders) {
      const sources = new Set([...state.kbLoad.kb.sources.values()].map((s) => s.location.uri));
      // Every file the load read has an entry here, clean or not: the KB's files.
      for (const [uri, diagnostics] of state.kbLoad.diagnostics) {
        if (edited.has(uri) || sources.has(uri)) continue;
        // A file with an error is served from its last good version, not from the disk's text.
        const broken = diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
        const open = this.documents.get(uri);
        const text = open ? (broken || !(await this.sameAsOnDisk(open)) ? open.getText() : undefined) : broken ? await this.readUri(uri) : undefined;
        if (text !== undefined) edited.set(uri, this.entries.entriesOf(uri, text));
      }
    }
    const files = new Map<string, string>();
    for (const { state } of withTargets) {
      for (const path of state.workspaceKbFiles) {
        const uri = this.workspace.toUri(path);
        if (files.has(uri)) continue;
        const text = this.documents.get(uri)?.getText() ?? (await this.readStamped(path));
        if (text !== undefined) files.set(uri, text);
      }
    }
    const targetsNaming = (id: string): Location[] =>
      [...files].flatMap(([uri, text]) => (text.includes(id) ? targetsIn(uri, this.entries.entriesOf(uri, text), id) : []));
    return { edited, targetsNaming };
  }

  /** The entries of a KB file's text as the analyst sees it: the editor's, else the disk's. */
  async entriesNow(uri: string): Promise<readonly WrittenEntry[]> {
    const text = this.documents.get(uri)?.getText() ?? (await this.readUri(uri));
    return text === undefined ? [] : this.entries.entriesOf(uri, text);
  }

  private async sameAsOnDisk(document: TextDocument): Promise<boolean> {
    const known = this.sameAsDisk.get(document.uri);
    if (known?.version === document.version) return known.same;
    const same = document.getText() === (await this.readUri(document.uri));
    this.sameAsDisk.set(document.uri, { version: document.version, same });
    return same;
  }

  private async readStamped(path: string): Promise<string | undefined> {
    const stamp = this.workspace.stamp?.(path);
    const known = this.onDisk.get(path);
    if (stamp !== undefined && known?.stamp === stamp) return known.text;
    const text = await this.workspace.readFile(path);
    if (stamp !== undefined && text !== undefined) this.onDisk.set(path, { stamp, text });
    else this.onDisk.delete(path);
    return text;
  }

  private async readUri(uri: string): Promise<string | undefined> {
    const path = uriToPath(uri);
    return path === undefined ? undefined : this.workspace.readFile(path);
  }
}

/**
 * The diagnostics of `.briefrc.yaml` and KB files, as the server publishes them after each load
 * or reload of a folder's project.
 */
import type { Connection } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Folder } from './folders';

export class DataDiagnostics {
  /** Files whose diagnostics are on screen, with what was sent (a fixed file gets an empty list, an unchanged one nothing). */
  private readonly published = new Map<string, string>();

  constructor(private readonly connection: Connection) {}

  /**
   * Publishes the diagnostics of the data files that have problems, and clears those of files
   * that had problems before and are clean now. A file whose diagnostics are what was last sent
   * is not sent again: every reload of any folder comes through here, and a KB file's warnings
   * would otherwise flicker in the Problems panel at each one.
   */
  publish(folders: readonly Folder[]): void {
    const now = new Map<string, Map<string, Diagnostic>>();
    for (const folder of folders) {
      for (const [uri, list] of folder.state.fileDiagnostics) {
        if (list.length === 0 && !this.published.has(uri)) continue;
        // A file in the KB of several folders (the bundled KB) has its problems once.
        const file = now.get(uri) ?? new Map<string, Diagnostic>();
        for (const d of list) file.set(JSON.stringify(d), d);
        now.set(uri, file);
      }
    }
    for (const uri of this.published.keys()) if (!now.has(uri)) now.set(uri, new Map());
    for (const [uri, file] of now) {
      const sent = [...file.keys()].join('\n');
      if (this.published.get(uri) === sent || (file.size === 0 && !this.published.has(uri))) continue;
      if (file.size > 0) this.published.set(uri, sent);
      else this.published.delete(uri);
      void this.connection.sendDiagnostics({ uri, diagnostics: [...file.values()] });
    }
  }
}

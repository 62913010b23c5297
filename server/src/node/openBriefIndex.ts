/**
 * Keeping the workspace index in step with the open briefs. Indexing a large brief on every
 * keystroke would cost more than checking it, so an open brief's latest text reaches the index
 * after a pause in typing, or at once when a request that reads other briefs arrives (`sync`).
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { BriefSyntax } from '../core/syntax';
import type { Folder } from './folders';

/** How long typing may pause before the workspace index takes in an open brief's text. */
const INDEX_DELAY_MS = 1000;

export interface OpenBriefIndexDeps {
  /** The open document of a uri, if it is open. */
  readonly openDocument: (uri: string) => TextDocument | undefined;
  readonly folderOf: (uri: string) => Promise<Folder>;
  readonly parse: (document: TextDocument) => BriefSyntax;
  /** Runs background work, logging a failure instead of throwing it. */
  readonly inBackground: (what: string, run: () => Promise<void>) => void;
  /**
   * Called once an open brief of `length` UTF-16 units is in the index. Indexing a megabyte brief
   * allocates some 4.6 MiB, a second after the last keystroke, with no check after it to collect
   * (collector.ts `afterCheck`).
   */
  readonly indexed?: (length: number) => void;
}

export class OpenBriefIndex {
  /** Open briefs whose latest text is not in the index yet. */
  private readonly stale = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: OpenBriefIndexDeps) {}

  /**
   * Call on every open and edit of a document. The brief is marked at once, not when its check
   * runs after the typing pause: find-references asked from another brief in between must see
   * the new text, not the positions before the edit.
   */
  textChanged(document: TextDocument): void {
    if (!isBrief(document)) return;
    this.stale.add(document.uri);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.deps.inBackground('indexing', () => this.sync()), INDEX_DELAY_MS);
  }

  /**
   * After the workspace folders changed: each open brief goes into the index of the folder that
   * now holds it (the start's indexing reads closed briefs only), so that references, lenses and
   * rename in a folder added while a brief of it is open count that brief.
   */
  async regroup(open: Iterable<TextDocument>): Promise<void> {
    for (const document of open) this.textChanged(document);
    await this.sync();
  }

  /** Brings the index up to date with the open briefs. */
  async sync(): Promise<void> {
    for (const uri of [...this.stale]) {
      this.stale.delete(uri);
      if (!this.deps.openDocument(uri)) continue;
      const folder = await this.deps.folderOf(uri);
      // Looked up again after the wait: a brief closed meanwhile has had its disk text put in
      // the index by `Session.closed`, or been taken out of it, and must not come back as it was open.
      const doc = this.deps.openDocument(uri);
      if (!doc) continue;
      const text = doc.getText();
      folder.index.update(uri, text, doc.version, this.deps.parse(doc));
      this.deps.indexed?.(text.length);
    }
  }
}

/** True for a document Brief checks: a brief by language or by name. */
export function isBrief(document: TextDocument): boolean {
  return document.languageId === 'brief' || document.uri.endsWith('.brief');
}

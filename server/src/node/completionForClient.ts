/**
 * A completion list as the client asked for it, and as little of it as the client needs at once.
 *
 * With a KB of 100,000 entities every keystroke in a reference answers fifty entities: about
 * 0.3 ms of the core's work, then the round trip of the answer, which grows with its size, and
 * the garbage that building and sending it leaves (docs/performance.md, round 14: half the bytes,
 * a fifth less garbage, a tenth of a millisecond off the median). So:
 *
 * - **Documentation on demand.** A client that resolves `documentation` (VS Code does, for the
 *   row the analyst is on) gets each item without it and asks for it with
 *   `completionItem/resolve`; the documentation of the last few lists is kept here for that.
 * - **One edit range for the list.** Where the client takes list defaults (`editRange`), the range
 *   the items replace (the reference being typed) is said once, and the items that replace it
 *   carry only their text.
 * - **Only what the client shows**: label details only where supported; documentation in plain
 *   text for a client that shows no Markdown.
 */
import {
  MarkupContent,
  MarkupKind,
  TextEdit,
  type ClientCapabilities,
  type CompletionItem,
  type CompletionList,
  type Range,
} from 'vscode-languageserver';
import { markdownToPlainText } from '../core/markdown';

/** Lists whose documentation is kept for resolving: an editor resolves rows of the list it shows, which is the last or nearly. */
const KEPT_LISTS = 4;

/** What an item sent without its documentation carries to find it again: `[list, index]`. */
type ResolveData = [number, number];

export class CompletionShaper {
  private nextList = 0;
  /** The core's items of the last lists sent without documentation, by list number. */
  private readonly kept = new Map<number, readonly CompletionItem[]>();

  constructor(private readonly client: () => ClientCapabilities) {}

  /** The list to send for `list`, as the core made it. */
  shape(list: CompletionList): CompletionList {
    const caps = this.client().textDocument?.completion;
    const asked = caps?.completionItem;
    const lazy = asked?.resolveSupport?.properties.includes('documentation') === true && list.items.some((i) => i.documentation !== undefined);
    const listId = lazy ? this.keep(list.items) : 0;
    const editRange = caps?.completionList?.itemDefaults?.includes('editRange') ? sharedRange(list.items) : undefined;
    const items = list.items.map((item, index): CompletionItem => {
      const defaultEdit = editRange !== undefined && TextEdit.is(item.textEdit) && sameRange(item.textEdit.range, editRange);
      const edit = defaultEdit ? (item.textEdit as TextEdit) : undefined;
      return sent(item, {
        labelDetails: asked?.labelDetailsSupport ? item.labelDetails : undefined,
        documentation: lazy || item.documentation === undefined ? undefined : this.readable(item.documentation),
        data: lazy && item.documentation !== undefined ? ([listId, index] satisfies ResolveData) : item.data,
        textEdit: defaultEdit ? undefined : item.textEdit,
        // Without textEditText the client inserts the label.
        textEditText: edit && edit.newText !== item.label ? edit.newText : item.textEditText,
      });
    });
    return editRange ? { ...list, itemDefaults: { editRange }, items } : { ...list, items };
  }

  /**
   * An item of a list sent by `shape`, with its documentation; any other item as it came. The
   * label must match too: an item from before the server restarted carries a list number that
   * this process may have given to another list.
   */
  resolve(item: CompletionItem): CompletionItem {
    const data: unknown = item.data;
    if (!Array.isArray(data) || data.length !== 2) return item;
    const [listId, index] = data as unknown[];
    const original = typeof listId === 'number' && typeof index === 'number' ? this.kept.get(listId)?.[index] : undefined;
    if (original?.documentation === undefined || original.label !== item.label) return item;
    return { ...item, documentation: this.readable(original.documentation) };
  }

  private keep(items: readonly CompletionItem[]): number {
    const id = ++this.nextList;
    this.kept.set(id, items);
    this.kept.delete(id - KEPT_LISTS);
    return id;
  }

  /** Markdown for a client that shows it, else plain text. */
  private readable(documentation: NonNullable<CompletionItem['documentation']>): NonNullable<CompletionItem['documentation']> {
    const formats = this.client().textDocument?.completion?.completionItem?.documentationFormat;
    if (formats === undefined || formats.includes(MarkupKind.Markdown) || !MarkupContent.is(documentation)) return documentation;
    return { kind: MarkupKind.PlainText, value: markdownToPlainText(documentation.value) };
  }
}

type Shaped = Pick<CompletionItem, 'labelDetails' | 'documentation' | 'data' | 'textEdit' | 'textEditText'>;

/**
 * The item to send: every property of an LSP completion item written out, in one order, those
 * not sent left undefined (JSON leaves them out). A copy made by spreading the item and then
 * changing or adding properties cost V8 about 900 bytes an item (its shapes are made for each
 * copy), a tenth of what a completion answer allocates in all.
 */
function sent(item: CompletionItem, shaped: Shaped): CompletionItem {
  return {
    label: item.label,
    labelDetails: shaped.labelDetails,
    kind: item.kind,
    tags: item.tags,
    detail: item.detail,
    documentation: shaped.documentation,
    deprecated: item.deprecated,
    preselect: item.preselect,
    sortText: item.sortText,
    filterText: item.filterText,
    insertText: item.insertText,
    insertTextFormat: item.insertTextFormat,
    insertTextMode: item.insertTextMode,
    textEdit: shaped.textEdit,
    textEditText: shaped.textEditText,
    additionalTextEdits: item.additionalTextEdits,
    commitCharacters: item.commitCharacters,
    command: item.command,
    data: shaped.data,
  };
}

/** The range the first item's edit replaces (the reference being typed), if another item replaces it too. */
function sharedRange(items: readonly CompletionItem[]): Range | undefined {
  const first = items.find((i) => TextEdit.is(i.textEdit))?.textEdit as TextEdit | undefined;
  if (!first) return undefined;
  let sharing = 0;
  for (const { textEdit } of items) if (TextEdit.is(textEdit) && sameRange(textEdit.range, first.range)) sharing++;
  return sharing >= 2 ? first.range : undefined;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

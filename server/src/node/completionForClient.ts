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
 * - **Only what the client shows**: kinds it knows (kindsForClient.ts); label details only where
 *   supported; documentation in plain text for a client that shows no Markdown.
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
import { completionKindFor } from './kindsForClient';

/**
 * Lists whose documentation is kept for resolving. An editor resolves the row it shows of the
 * last list it received, but lists it has cancelled are made too (each keystroke of a key held
 * down asks for one): sixteen lists of fifty entities' summaries are about 160 KB.
 */
const KEPT_LISTS = 16;

/**
 * What an item sent without its documentation carries to find it again: this server's mark (a
 * number drawn when it starts, so that an item from before a restart finds nothing), the list's
 * number and the item's place in it.
 */
type ResolveData = [number, number, number];

/** The labels and documentation of a list sent without its documentation. */
interface KeptList {
  readonly labels: readonly string[];
  readonly documentation: ReadonlyArray<CompletionItem['documentation']>;
}

export class CompletionShaper {
  private readonly mark = Math.floor(Math.random() * 0x7fffffff);
  private nextList = 0;
  private readonly kept = new Map<number, KeptList>();

  constructor(private readonly client: () => ClientCapabilities) {}

  /** The list to send for `list`, as the core made it. */
  shape(list: CompletionList): CompletionList {
    const caps = this.client().textDocument?.completion;
    const asked = caps?.completionItem;
    // Only items that carry no data of their own: `data` is where the list's number goes.
    const deferred = (item: CompletionItem) => item.documentation !== undefined && item.data === undefined;
    const lazy = asked?.resolveSupport?.properties?.includes('documentation') === true && list.items.some(deferred);
    const listId = lazy ? this.keep(list.items) : 0;
    const editRange = caps?.completionList?.itemDefaults?.includes('editRange') ? sharedRange(list.items) : undefined;
    const items = list.items.map((item, index): CompletionItem => {
      const later = lazy && deferred(item);
      const edit = editRange !== undefined && TextEdit.is(item.textEdit) && sameRange(item.textEdit.range, editRange) ? item.textEdit : undefined;
      return sent(item, {
        kind: completionKindFor(item.kind, caps?.completionItemKind?.valueSet),
        labelDetails: asked?.labelDetailsSupport ? item.labelDetails : undefined,
        documentation: later || item.documentation === undefined ? undefined : this.readable(item.documentation),
        data: later ? ([this.mark, listId, index] satisfies ResolveData) : item.data,
        textEdit: edit ? undefined : item.textEdit,
        // Without textEditText a client inserts the label (or an item's insertText, some do).
        textEditText: edit && (edit.newText !== item.label || item.insertText !== undefined) ? edit.newText : item.textEditText,
      });
    });
    return editRange ? { ...list, itemDefaults: { editRange }, items } : { ...list, items };
  }

  /**
   * An item of a list sent by `shape`, with its documentation; any other item as it came (one
   * from before the server restarted, from a list forgotten since, or not Brief's).
   */
  resolve(item: CompletionItem): CompletionItem {
    const data: unknown = item.data;
    if (!Array.isArray(data) || data.length !== 3 || data[0] !== this.mark) return item;
    const [, listId, index] = data as unknown[];
    const list = typeof listId === 'number' && typeof index === 'number' ? this.kept.get(listId) : undefined;
    const documentation = list && list.labels[index as number] === item.label ? list.documentation[index as number] : undefined;
    return documentation === undefined ? item : { ...item, documentation: this.readable(documentation) };
  }

  private keep(items: readonly CompletionItem[]): number {
    const id = ++this.nextList;
    this.kept.set(id, { labels: items.map((i) => i.label), documentation: items.map((i) => i.documentation) });
    this.kept.delete(id - KEPT_LISTS);
    return id;
  }

  private readable(documentation: NonNullable<CompletionItem['documentation']>): NonNullable<CompletionItem['documentation']> {
    return readableIn(this.client().textDocument?.completion?.completionItem?.documentationFormat, documentation);
  }
}

/**
 * Text Brief wrote in Markdown (hovers, completion documentation) as a client that declares
 * `formats` can show it: as it is when Markdown is among them (or nothing is declared), else
 * in plain text. Plain strings are plain text already.
 */
export function readableIn<T extends MarkupContent | string>(formats: readonly string[] | undefined, content: T): T | MarkupContent {
  if (formats === undefined || formats.includes(MarkupKind.Markdown) || !MarkupContent.is(content)) return content;
  return { kind: MarkupKind.PlainText, value: markdownToPlainText(content.value) };
}

type Shaped = Pick<CompletionItem, 'kind' | 'labelDetails' | 'documentation' | 'data' | 'textEdit' | 'textEditText'>;

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
    kind: shaped.kind,
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

/**
 * The range most items' edits replace (the reference being typed), if two or more share it and
 * every item has an edit of its own: an item without one would take the list's range, and a
 * client would write its label there instead of inserting it at the cursor.
 */
function sharedRange(items: readonly CompletionItem[]): Range | undefined {
  if (items.some((i) => i.textEdit === undefined)) return undefined;
  // The distinct ranges are few (the reference, or a longer one for a name going on): a list of them.
  const counted: { range: Range; count: number }[] = [];
  for (const { textEdit } of items) {
    if (!TextEdit.is(textEdit)) continue;
    const seen = counted.find((c) => sameRange(c.range, textEdit.range));
    if (seen) seen.count++;
    else counted.push({ range: textEdit.range, count: 1 });
  }
  const best = counted.reduce<{ range: Range; count: number } | undefined>((a, c) => (!a || c.count > a.count ? c : a), undefined);
  return best && best.count >= 2 ? best.range : undefined;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

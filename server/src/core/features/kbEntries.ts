/**
 * The entity entries of a KB file as its text has them now, read for navigation only.
 *
 * The KB serves a file's saved content ("KB files count as saved"): while the analyst edits a
 * KB file without saving, or while the file is broken on disk, the KB's positions are those of
 * the text it was loaded from. What the editor shows — a lens's line, where a definition lands,
 * which entry holds the cursor — must be where the text on screen has it; so such a text is read
 * here, and each entity is found in it by its id (kbYaml.ts). The KB does not keep where a
 * `target:` field is written either, which rename and find references need: read here too.
 *
 * The fast reader takes the plain text KB files are written in; anything else goes to `yaml`,
 * which reads what it can of a broken text, so an edit in progress leaves the other entries found.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import { parseSimpleYaml } from '../kb/fastYaml';
import { ENTITY_KEYS, RELATION_KEYS } from '../kb/loader';
import { SimpleMap, SimpleScalar, SimpleSeq } from '../kb/fastYamlNodes';
import { OffsetMapper, splitLines } from '../text';

/** A relation as written in an entry: its target id, and where the relation and the target are. */
export interface WrittenRelation {
  readonly type: string | undefined;
  readonly target: string;
  /** The relation's mapping, as the KB's relation locations have it. */
  readonly range: Range;
  /** The target's value, quotes included: what a rename replaces. */
  readonly targetRange: Range;
}

/** An entity entry as written: its id and where it is. */
export interface WrittenEntry {
  readonly id: string;
  /** From the start of the `id:` line to the end of the id, as the KB's entity locations have it. */
  readonly idRange: Range;
  readonly relations: readonly WrittenRelation[];
}

type Offsets = readonly [number, number, ...number[]];

/**
 * The items of a file's version as last read, in file order, each with its entries (read at the
 * top of its own text): kept from one version to the next, so that an edit reads again only the
 * items it touched.
 */
export interface ReadItems {
  texts: string[];
  entries: (readonly WrittenEntry[])[];
}

/**
 * The entries of a KB file's text, in file order; none when the text holds no `entities:` list.
 * `last`: the items of the version read before, updated to this one's.
 */
export function writtenEntries(text: string, last?: ReadItems): WrittenEntry[] {
  const items = entityItems(text);
  if (!items) {
    if (last) last.texts = last.entries = [];
    return entriesOfText(text);
  }
  const texts: string[] = [];
  const read: (readonly WrittenEntry[])[] = [];
  const entries: WrittenEntry[] = [];
  // An edit leaves the items before it where they were, and those after it as far from the end:
  // each item is compared with the one at either place, not looked up (hashing every item's text
  // again cost a 3 MB file 12 ms a keystroke).
  const shift = (last?.texts.length ?? 0) - items.length;
  for (let i = 0; i < items.length; i++) {
    const { text: itemText, line } = items[i];
    const same = last && (last.texts[i] === itemText ? i : last.texts[i + shift] === itemText ? i + shift : -1);
    const itemEntries = last && same !== undefined && same >= 0 ? last.entries[same] : entriesOfText(`entities:\n${itemText}`);
    texts.push(itemText);
    read.push(itemEntries);
    // Read under an `entities:` line of its own: line 1 of that text is the item's first line.
    for (const entry of itemEntries) entries.push(moved(entry, line - 1));
  }
  if (last) {
    last.texts = texts;
    last.entries = read;
  }
  return entries;
}

/**
 * The items of the `entities:` list, each with the line it starts on, when the text is laid out
 * as KB files are written: one top-level `entities:` key, its items each starting with `- ` at
 * one indentation. A stray line inside the list (an edit in progress) stays with the item above
 * it; the list ends at the next top-level key. Anything else (no list, two `entities:` keys,
 * several YAML documents, a flow list) is undefined, and the whole text is read as one.
 */
function entityItems(text: string): { text: string; line: number }[] | undefined {
  const { starts, texts } = splitLines(text);
  const items: { start: number; line: number }[] = [];
  let head = -1;
  let indent = -1;
  let end = text.length;
  for (let line = 0; line < texts.length; line++) {
    const written = texts[line];
    if (written === '---' || written === '...' || written.startsWith('--- ')) return undefined;
    if (ENTITIES_KEY.test(written)) {
      if (head >= 0) return undefined;
      head = line;
      continue;
    }
    if (head < 0 || (end < text.length) || BLANK_OR_COMMENT.test(written)) continue;
    const item = ITEM_START.exec(written);
    if (indent < 0) {
      if (!item) return undefined;
      indent = item[1].length;
    }
    if (item && item[1].length === indent) items.push({ start: starts[line], line });
    // A key of an entry written at column 0 is an entry's line that lost its indent as the
    // analyst edits it: it stays with its item, and the entries after it are still found.
    else if (TOP_LEVEL_KEY.test(written) && !ENTRY_KEYS.has(written.slice(0, written.indexOf(':')).trim())) end = starts[line];
  }
  if (items.length === 0) return undefined;
  return items.map(({ start, line }, i) => ({ text: text.slice(start, i + 1 < items.length ? items[i + 1].start : end), line }));
}

const ENTITIES_KEY = /^entities:[ \t]*(?:#.*)?$/;
const ITEM_START = /^( *)-(?: |$)/;
const BLANK_OR_COMMENT = /^\s*(?:#.*)?$/;
const TOP_LEVEL_KEY = /^[^\s#-][^:]*:(?:\s|$)/;
/** The keys of an entity, a relation, a fact and an evidence item (kb/loader.ts). */
const ENTRY_KEYS = new Set([...ENTITY_KEYS, ...RELATION_KEYS, 'text', 'source', 'paragraph', 'quote']);

/** An entry read at the top of its own text, placed `lines` lines further down. */
function moved(entry: WrittenEntry, lines: number): WrittenEntry {
  if (lines === 0) return entry;
  const at = (r: Range): Range => ({ start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } });
  return { id: entry.id, idRange: at(entry.idRange), relations: entry.relations.map((r) => ({ ...r, range: at(r.range), targetRange: at(r.targetRange) })) };
}

/** The entries of a whole text, read by the fast reader, else by `yaml`. */
export function entriesOfText(text: string): WrittenEntry[] {
  // A lone `\r` ends a line for the editor and the loader (yamlFile.ts), not for the readers; one
  // character for another keeps every offset.
  const yaml = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  const root: unknown = parseSimpleYaml(yaml) ?? parseDocument(yaml, { prettyErrors: false, uniqueKeys: false }).contents;
  const lines = new OffsetMapper(text);
  // A node may be missing: an entry typed as far as `- `, or a relation without its `target:` yet.
  const rangeOf = (node: unknown) => {
    const r = (node as { range?: Offsets | null } | null | undefined)?.range;
    return r ? lines.rangeAt(r[0], r[1]) : undefined;
  };
  const entries: WrittenEntry[] = [];
  for (const item of itemsOf(valueAt(root, 'entities'))) {
    const idNode = valueAt(item, 'id');
    const id = scalarText(idNode);
    const idRange = rangeOf(idNode);
    if (id === undefined || !idRange) continue;
    const relations: WrittenRelation[] = [];
    for (const relation of itemsOf(valueAt(item, 'relations'))) {
      const targetNode = valueAt(relation, 'target');
      const target = scalarText(targetNode);
      const range = rangeOf(relation);
      const targetRange = blockContentRange(targetNode, text, lines) ?? rangeOf(targetNode);
      if (target !== undefined && range && targetRange) relations.push({ type: scalarText(valueAt(relation, 'type')), target, range, targetRange });
    }
    entries.push({ id, idRange: { start: { line: idRange.start.line, character: 0 }, end: idRange.end }, relations });
  }
  return entries;
}

/**
 * A block scalar (`target: >-` and the id on the next line) spans its header and line breaks: a
 * rename that replaced all of it would join the id to the line and break the file. Its content,
 * the id as written, is what a rename replaces and a reference shows.
 */
export function blockContentRange(node: unknown, text: string, lines: OffsetMapper): Range | undefined {
  if (!(node instanceof SimpleScalar) && !isScalar(node)) return undefined;
  if ((node.type !== 'BLOCK_FOLDED' && node.type !== 'BLOCK_LITERAL') || !node.range) return undefined;
  const written = String(node.value).trim();
  const at = text.indexOf(written, node.range[0]);
  return written !== '' && at >= 0 && at + written.length <= node.range[1] ? lines.rangeAt(at, at + written.length) : undefined;
}

/** The value under `key` of a mapping node of either reader. */
function valueAt(node: unknown, key: string): unknown {
  if (node instanceof SimpleMap) return node.get(key);
  return isMap(node) ? node.get(key, true) : undefined;
}

function itemsOf(node: unknown): readonly unknown[] {
  return node instanceof SimpleSeq || isSeq(node) ? node.items : [];
}

/** A scalar's text: a string, or a number as written (`id: 2021` is an id the loader refuses, not a crash). */
function scalarText(node: unknown): string | undefined {
  if (!(node instanceof SimpleScalar) && !isScalar(node)) return undefined;
  return typeof node.value === 'string' || typeof node.value === 'number' ? String(node.value) : undefined;
}

/**
 * Each file's entries, read once per text: a request on an open KB file asks again at every
 * keystroke's lens refresh, and an editor's text of one version is one string. Between versions
 * the items' texts are kept, so that a keystroke in a file of 5,000 entities reads one item again.
 */
export class WrittenEntriesCache {
  private readonly last = new Map<string, { text: string; entries: readonly WrittenEntry[]; items: ReadItems }>();

  entriesOf(uri: string, text: string): readonly WrittenEntry[] {
    const hit = this.last.get(uri);
    if (hit && hit.text === text) return hit.entries;
    const items = hit?.items ?? { texts: [], entries: [] };
    const entries = writtenEntries(text, items);
    this.last.set(uri, { text, entries, items });
    return entries;
  }

  /** Forgets a file (closed in the editor, no longer a KB file). */
  forget(uri: string): void {
    this.last.delete(uri);
  }
}

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
import { SimpleMap, SimpleScalar, SimpleSeq } from '../kb/fastYamlNodes';
import { OffsetMapper } from '../text';

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

/** The entries of a KB file's text, in file order; none when the text holds no `entities:` list. */
export function writtenEntries(text: string): WrittenEntry[] {
  const root: unknown = parseSimpleYaml(text) ?? parseDocument(text, { prettyErrors: false, uniqueKeys: false }).contents;
  const lines = new OffsetMapper(text);
  const rangeOf = (node: unknown) => {
    const r = (node as { range?: Offsets | null }).range;
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
 * keystroke's lens refresh, and an editor's text of one version is one string.
 */
export class WrittenEntriesCache {
  private readonly last = new Map<string, { text: string; entries: readonly WrittenEntry[] }>();

  entriesOf(uri: string, text: string): readonly WrittenEntry[] {
    const hit = this.last.get(uri);
    if (hit && hit.text === text) return hit.entries;
    const entries = writtenEntries(text);
    this.last.set(uri, { text, entries });
    return entries;
  }

  /** Forgets a file (closed in the editor, no longer a KB file). */
  forget(uri: string): void {
    this.last.delete(uri);
  }
}

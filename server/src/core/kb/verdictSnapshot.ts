/**
 * The stored form of a verdict of the cross-file pass (fileCache.ts `KbVerdict`), in the frame
 * of the readings (snapshotFrame.ts) under its own magic number:
 *
 *   ints     flags (1 when the name index's arrays follow, 2 when the incoming relations'
 *            do); then the five counts of the name index's arrays (keys, entries, length
 *            runs, words, word holders) and the arrays themselves, in the order of `ARRAYS`;
 *            then the number of entities and of relations, and the incoming relations'
 *            arrays (start, subject, place)
 *   strings  the keys, then the words
 *   extra    `{ added }`: what the pass added to each file's diagnostics
 *
 * The arrays are read back as views of the file's bytes, without a copy.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { VERDICT_FORMAT, type KbVerdict } from './fileCache';
import { MASK_LEVELS } from './nameDistance';
import type { NameIndexData } from './nameIndexData';
import type { IncomingIndexData } from './incomingRelations';
import { decodeFrame, encodeFrame, IntWriter, isDiagnostic, SnapshotError, type TableText } from './snapshotFrame';

const VERDICT_MAGIC = 0x56424942; // "BIBV"
const HAS_NAMES = 1;
const HAS_INCOMING = 2;

type ArrayName = 'entryStart' | 'entryEntity' | 'entryLabel' | 'order' | 'position' | 'lengthStart' | 'masks' | 'wordCounts' | 'wordStart' | 'wordKeys';
/** The arrays in stored order, with their lengths from the counts. */
const ARRAYS: readonly [ArrayName, (c: Counts) => number][] = [
  ['entryStart', (c) => c.keys + 1],
  ['entryEntity', (c) => c.entries],
  ['entryLabel', (c) => c.entries],
  ['order', (c) => c.keys],
  ['position', (c) => c.keys],
  ['lengthStart', (c) => c.lengthRuns],
  ['masks', (c) => c.keys * MASK_LEVELS],
  ['wordCounts', (c) => c.keys],
  ['wordStart', (c) => c.words + 1],
  ['wordKeys', (c) => c.wordHolders],
];

interface Counts {
  readonly keys: number;
  readonly entries: number;
  readonly lengthRuns: number;
  readonly words: number;
  readonly wordHolders: number;
}

export function encodeVerdict(verdict: KbVerdict): Uint8Array {
  const ints = new IntWriter();
  const { names, incoming } = verdict;
  ints.push((names ? HAS_NAMES : 0) | (incoming ? HAS_INCOMING : 0));
  if (names) {
    for (const count of [names.keys.length, names.entryEntity.length, names.lengthStart.length, names.words.length, names.wordKeys.length]) ints.push(count);
    for (const [name] of ARRAYS) ints.pushAll(names[name]);
  }
  if (incoming) {
    ints.push(incoming.start.length - 1);
    ints.push(incoming.subject.length);
    for (const list of [incoming.start, incoming.subject, incoming.place]) ints.pushAll(list);
  }
  return encodeFrame(VERDICT_MAGIC, VERDICT_FORMAT, ints.finish(), names ? [...names.keys, ...names.words] : [], { added: verdict.added });
}

/** Rebuilds a verdict; throws when the bytes are no valid stored verdict. `tableText` as for `decodeReading`. */
export function decodeVerdict(bytes: Uint8Array, tableText?: TableText): KbVerdict {
  const { ints, strings, extra } = decodeFrame(bytes, VERDICT_MAGIC, VERDICT_FORMAT, tableText);
  const added = (extra as { added?: unknown } | null)?.added;
  if (!Array.isArray(added) || !added.every((list) => Array.isArray(list) && list.every(isDiagnostic))) throw new SnapshotError('bad verdict');
  const flags = ints.length > 0 ? ints[0] : -1;
  if (flags < 0 || (flags & ~(HAS_NAMES | HAS_INCOMING)) !== 0) throw new SnapshotError('bad verdict');
  let at = 1;
  /** The next `n` ints, as a view. */
  const take = (n: number, what: string): Int32Array => {
    if (n < 0 || n > ints.length - at) throw new SnapshotError(`bad ${what}`);
    at += n;
    return ints.subarray(at - n, at);
  };
  let names: NameIndexData | undefined;
  if (flags & HAS_NAMES) {
    const [keys, entries, lengthRuns, words, wordHolders] = take(5, 'name index');
    const counts: Counts = { keys, entries, lengthRuns, words, wordHolders };
    if (Object.values(counts).some((n) => n < 0) || strings.length !== counts.keys + counts.words) throw new SnapshotError('bad name index');
    const arrays = {} as Record<ArrayName, Int32Array>;
    for (const [name, length] of ARRAYS) arrays[name] = take(length(counts), 'name index');
    names = { ...arrays, keys: strings.slice(0, counts.keys), words: strings.slice(counts.keys) };
  } else if (strings.length !== 0) throw new SnapshotError('bad verdict');
  let incoming: IncomingIndexData | undefined;
  if (flags & HAS_INCOMING) {
    const [entities, relations] = take(2, 'incoming relations');
    if (entities < 0) throw new SnapshotError('bad incoming relations');
    incoming = { start: take(entities + 1, 'incoming relations'), subject: take(relations, 'incoming relations'), place: take(relations, 'incoming relations') };
  }
  if (at !== ints.length) throw new SnapshotError('trailing data');
  return { added: added as Diagnostic[][], ...(names ? { names } : {}), ...(incoming ? { incoming } : {}) };
}

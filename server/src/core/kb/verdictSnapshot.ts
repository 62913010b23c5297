/**
 * The stored form of a verdict of the cross-file pass (fileCache.ts `KbVerdict`), in the frame
 * of the readings (snapshotFrame.ts) under its own magic number:
 *
 *   ints     a flag (1 when the name index's arrays follow); then the five counts of those
 *            arrays (keys, entries, length runs, words, word holders) and the arrays themselves,
 *            in the order of `ARRAYS`
 *   strings  the keys, then the words
 *   extra    `{ added }`: what the pass added to each file's diagnostics
 *
 * The arrays are read back as views of the file's bytes, without a copy.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { VERDICT_FORMAT, type KbVerdict } from './fileCache';
import { MASK_LEVELS } from './nameDistance';
import type { NameIndexData } from './nameIndexData';
import { decodeFrame, encodeFrame, IntWriter, isDiagnostic, SnapshotError } from './snapshotFrame';

const VERDICT_MAGIC = 0x56424942; // "BIBV"
const HAS_NAMES = 1;

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
  const names = verdict.names;
  if (!names) {
    ints.push(0);
    return encodeFrame(VERDICT_MAGIC, VERDICT_FORMAT, ints.finish(), [], { added: verdict.added });
  }
  ints.push(HAS_NAMES);
  for (const count of [names.keys.length, names.entryEntity.length, names.lengthStart.length, names.words.length, names.wordKeys.length]) ints.push(count);
  for (const [name] of ARRAYS) ints.pushAll(names[name]);
  return encodeFrame(VERDICT_MAGIC, VERDICT_FORMAT, ints.finish(), [...names.keys, ...names.words], { added: verdict.added });
}

/** Rebuilds a verdict; throws when the bytes are no valid stored verdict. */
export function decodeVerdict(bytes: Uint8Array): KbVerdict {
  const { ints, strings, extra } = decodeFrame(bytes, VERDICT_MAGIC, VERDICT_FORMAT);
  const added = (extra as { added?: unknown } | null)?.added;
  if (!Array.isArray(added) || !added.every((list) => Array.isArray(list) && list.every(isDiagnostic))) throw new SnapshotError('bad verdict');
  if (ints.length === 1 && ints[0] === 0 && strings.length === 0) return { added: added as Diagnostic[][] };
  if (ints.length < 6 || ints[0] !== HAS_NAMES) throw new SnapshotError('bad verdict');
  const counts: Counts = { keys: ints[1], entries: ints[2], lengthRuns: ints[3], words: ints[4], wordHolders: ints[5] };
  if (Object.values(counts).some((n) => n < 0) || strings.length !== counts.keys + counts.words) throw new SnapshotError('bad name index');
  let at = 6;
  const arrays = {} as Record<ArrayName, Int32Array>;
  for (const [name, length] of ARRAYS) {
    const n = length(counts);
    if (n > ints.length - at) throw new SnapshotError('bad name index');
    arrays[name] = ints.subarray(at, at + n);
    at += n;
  }
  if (at !== ints.length) throw new SnapshotError('trailing data');
  const names: NameIndexData = { ...arrays, keys: strings.slice(0, counts.keys), words: strings.slice(counts.keys) };
  return { added: added as Diagnostic[][], names };
}

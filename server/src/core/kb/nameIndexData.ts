/**
 * The arrays behind the name index (nameIndex.ts): every normalised id, name and alias of the
 * KB, the entities filed under each, and the search structures over them.
 *
 * They are a function of the KB's entities in order, which a warm start reads from cached
 * snapshots; building them again costs a KB of 100,000 entities about 0.35 s (normalising and
 * sorting 115,000 names, their masks and words) and the garbage it leaves. So they are stored
 * beside the cross-file verdict (verdictSnapshot.ts), whose key is exactly those files in
 * order, and a warm start reads them back as they are: flat integer arrays and two string lists.
 */
import { normalizeName } from '../normalize';
import type { Entity } from './model';
import type { EntityRoster } from './roster';
import { classMasks, MASK_LEVELS } from './nameDistance';
import { sortByCodeUnits } from './sortedStrings';
import { runSteps, stepper, type Steps } from '../steps';

/** Which label of an entity filed it under a key: its id, its name, or alias j (as j + 1). */
export const LABEL_ID = -1;
export const LABEL_NAME = 0;

/**
 * The name index's arrays. Entities are named by their place in the KB's entity order (the
 * order of `KnowledgeBase.entities`), so the arrays hold no strings but the keys and words.
 */
export interface NameIndexData {
  /** Every normalised name, sorted by UTF-16 code units so that a prefix is a contiguous run. */
  readonly keys: readonly string[];
  /** The entries of key k are `entryStart[k]` up to `entryStart[k + 1]`. */
  readonly entryStart: Int32Array;
  /** Each entry's entity (its place in the entity order), in the order the entities were filed. */
  readonly entryEntity: Int32Array;
  /** Each entry's label: the first of the entity's name, aliases and id whose normal form is the key. */
  readonly entryLabel: Int32Array;
  /**
   * Key indices by length, then alphabetically: the keys of length L are `order[i]` for i from
   * `lengthStart[L]` to `lengthStart[L + 1]`; `position` is the inverse of `order`.
   */
  readonly order: Int32Array;
  readonly position: Int32Array;
  readonly lengthStart: Int32Array;
  /** `MASK_LEVELS` character-class masks per key, level by level, each level in `order`'s order. */
  readonly masks: Int32Array;
  /** How many words (parts between `-`) each key has. */
  readonly wordCounts: Int32Array;
  /** The distinct words of all keys, sorted; the keys holding word w are `wordKeys[wordStart[w]]` to `wordKeys[wordStart[w + 1] - 1]`, ascending. */
  readonly words: readonly string[];
  readonly wordStart: Int32Array;
  readonly wordKeys: Int32Array;
}

/** Normalises and files every label of the entities, and builds the search structures. */
export function buildNameIndexData(entities: readonly Entity[]): NameIndexData {
  return runSteps(nameIndexSteps(entities));
}

/** `buildNameIndexData` as steps: it stops between entities and between keys (kb reloads run in slices). */
export function* nameIndexSteps(entities: readonly Entity[]): Steps<NameIndexData> {
  const pauseHere = stepper(1000);
  // Entities and labels by key, as pairs: [entity, label, entity, label, …].
  const filed = new Map<string, number[]>();
  const file = (key: string, entity: number, label: number) => {
    const pairs = filed.get(key);
    if (!pairs) filed.set(key, [entity, label]);
    // An entity's labels are filed one after another: if it is under this key, it is the last.
    else if (pairs[pairs.length - 2] !== entity) pairs.push(entity, label);
  };
  for (let i = 0; i < entities.length; i++) {
    if (pauseHere()) yield;
    const entity = entities[i];
    // Name first: when several labels of one entity share a normal form, the name is the label shown.
    const nameKey = normalizeName(entity.name);
    file(nameKey, i, LABEL_NAME);
    entity.aliases.forEach((alias, j) => file(normalizeName(alias), i, j + 1));
    // Most ids are their name's normal form ("Ostmir Offensive" → ostmir-offensive), and a
    // normal form is its own: such an id is filed under the name's key already.
    if (entity.id !== nameKey) file(normalizeName(entity.id), i, LABEL_ID);
  }

  const keys = sortByCodeUnits([...filed.keys()]);
  const count = keys.length;
  const entryStart = new Int32Array(count + 1);
  let entries = 0;
  for (let k = 0; k < count; k++) {
    entryStart[k] = entries;
    entries += (filed.get(keys[k]) as number[]).length / 2;
  }
  entryStart[count] = entries;
  const entryEntity = new Int32Array(entries);
  const entryLabel = new Int32Array(entries);
  for (let k = 0; k < count; k++) {
    if (pauseHere()) yield;
    const pairs = filed.get(keys[k]) as number[];
    for (let p = 0, e = entryStart[k]; p < pairs.length; p += 2, e++) {
      entryEntity[e] = pairs[p];
      entryLabel[e] = pairs[p + 1];
    }
  }

  // A counting sort by length, stable so that each length's keys stay alphabetical.
  let maxLength = 0;
  for (const key of keys) maxLength = Math.max(maxLength, key.length);
  const lengthStart = new Int32Array(maxLength + 2);
  for (const key of keys) lengthStart[key.length + 1]++;
  for (let length = 1; length < lengthStart.length; length++) lengthStart[length] += lengthStart[length - 1];
  const next = lengthStart.slice();
  const order = new Int32Array(count);
  const position = new Int32Array(count);
  const masks = new Int32Array(count * MASK_LEVELS);
  const wordCounts = new Int32Array(count);
  const holdersOf = new Map<string, number[]>();
  for (let k = 0; k < count; k++) {
    if (pauseHere()) yield;
    const key = keys[k];
    const at = next[key.length]++;
    order[at] = k;
    position[k] = at;
    classMasks(key, masks, at, count);
    // The words are the parts between `-`, as `split('-')` gives them; a key is filed once
    // under each of its words (keys come in order, so a repeat is the last one filed).
    let wordStart = 0;
    let wordCount = 0;
    for (let j = 0; j <= key.length; j++) {
      if (j < key.length && key.charCodeAt(j) !== 0x2d /* - */) continue;
      const word = key.slice(wordStart, j);
      wordCount++;
      wordStart = j + 1;
      const holders = holdersOf.get(word);
      if (!holders) holdersOf.set(word, [k]);
      else if (holders[holders.length - 1] !== k) holders.push(k);
    }
    wordCounts[k] = wordCount;
  }
  const words = sortByCodeUnits([...holdersOf.keys()]);
  const wordStart = new Int32Array(words.length + 1);
  let held = 0;
  words.forEach((word, w) => {
    wordStart[w] = held;
    held += (holdersOf.get(word) as number[]).length;
  });
  wordStart[words.length] = held;
  const wordKeys = new Int32Array(held);
  words.forEach((word, w) => wordKeys.set(holdersOf.get(word) as number[], wordStart[w]));
  return { keys, entryStart, entryEntity, entryLabel, order, position, lengthStart, masks, wordCounts, words, wordStart, wordKeys };
}

/**
 * Whether stored arrays fit these entities well enough to search without an index out of
 * range: every length, bound and index checked (a linear pass). Their key, the readings of the
 * KB files in order, makes them this KB's; this only keeps a damaged store from breaking Brief.
 */
export function fitsEntities(data: NameIndexData, entities: EntityRoster): boolean {
  const count = data.keys.length;
  const within = (list: Int32Array, low: number, high: number) => list.every((v) => v >= low && v < high);
  const rising = (list: Int32Array, last: number) => list.length > 0 && list[0] === 0 && list[list.length - 1] === last && list.every((v, i) => i === 0 || v >= list[i - 1]);
  if (data.entryStart.length !== count + 1 || !rising(data.entryStart, data.entryEntity.length)) return false;
  if (data.entryLabel.length !== data.entryEntity.length || !within(data.entryEntity, 0, entities.length)) return false;
  if (!data.entryLabel.every((label, e) => label >= LABEL_ID && label <= entities.aliasCountAt(data.entryEntity[e]))) return false;
  if (data.order.length !== count || data.position.length !== count || !within(data.order, 0, count) || !within(data.position, 0, count)) return false;
  if (data.lengthStart.length < 2 || !rising(data.lengthStart, count)) return false;
  if (data.masks.length !== count * MASK_LEVELS || data.wordCounts.length !== count) return false;
  return data.wordStart.length === data.words.length + 1 && rising(data.wordStart, data.wordKeys.length) && within(data.wordKeys, 0, count);
}

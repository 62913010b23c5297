/**
 * The KB's names (every id, name and alias, normalised) indexed for the two searches that must
 * stay quick on a KB of 100,000 entities: did-you-mean suggestions for a name the KB does not
 * know, and completion of a half-typed name.
 *
 * A scan of every name per unknown reference cost about 5 ms on 1,000 entities and 0.5 s on
 * 100,000; a brief of a megabyte has hundreds of unknown names. The index answers both searches
 * from sorted arrays (names, and the words inside names) and rules out the rest of the KB with
 * bounds that never drop a name the full scan would have kept: the results are the same.
 */
import type { Entity } from './model';
import type { EntityRoster } from './roster';
import { normalizeName } from '../normalize';
import { charMask, maxDistance, popcount } from './nameDistance';
import { LABEL_ID, LABEL_NAME, type NameIndexData } from './nameIndexData';
import { compareCodeUnits, exactRange, lowerBound, prefixRange } from './sortedStrings';
import { MIN_SIMILARITY, Search } from './suggestionSearch';
import { matchScore } from './nameScores';

export { MIN_SIMILARITY, SUGGESTION_MARGIN } from './suggestionSearch';

/** One name of the KB: its normal form's entities, and the label written for each. */
export interface KeyEntry {
  readonly ids: string[];
  /** `labels[i]`: the first of entity `ids[i]`'s name, aliases and id whose normal form is the key. */
  readonly labels: string[];
}

/** `matchScore` gives a word start at least this, and a whole-name prefix at least 80. */
const WORD_START_SCORE = 50;

/** A name that matched a completion query, with its score (see `matchScore`). */
export interface NameMatch {
  readonly id: string;
  readonly score: number;
  /** Index of the matching key in `NameIndex.keys` (alphabetical), the tie-breaker. */
  readonly key: number;
  readonly label: string;
  /** The entity's place in the KB's entity order (see `canonicalKey`). */
  readonly entity: number;
}

/** A match found by `complete` before it is ranked: its entity by number, its best key and the entry that filed it there. */
interface Candidate {
  readonly entity: number;
  readonly score: number;
  readonly key: number;
  readonly entry: number;
}

export class NameIndex {
  /** Every normalised name, sorted by UTF-16 code units so that a prefix is a contiguous range. */
  readonly keys: readonly string[];
  private readonly entryStart: Int32Array;
  private readonly entryEntity: Int32Array;
  private readonly entryLabel: Int32Array;
  /** See `NameIndexData`: keys by length, each length's run, and where each key is in `order`. */
  private readonly order: Int32Array;
  private readonly lengthStart: Int32Array;
  private readonly byLength: Int32Array[] = [];
  private readonly lengthsAscending: number[] = [];
  private readonly position: Int32Array;
  /**
   * `MASK_LEVELS` character-class masks per key (see `classMasks`), level by level, each level
   * in `order`'s order: the scan of one length reads the first level in sequence, and touches
   * a key itself only when the masks admit it.
   */
  private readonly masks: Int32Array;
  private readonly wordCounts: Int32Array;
  /** The distinct words of all keys, sorted, and the keys holding each (see `NameIndexData`). */
  private readonly words: readonly string[];
  private readonly wordStart: Int32Array;
  private readonly wordKeys: Int32Array;
  /** Per-key marks for one search at a time: `visited[k] === stamp` means k was scored. */
  private readonly visited: Int32Array;
  private stamp = 0;
  /**
   * For one search, how many of the query's words each key holds: `hits[k]`, valid when
   * `lastWord[k]` is at least the search's first serial; each word of each search has its own
   * serial, `lastWord[k]` the last that counted key k (a key may hold two words with one prefix).
   */
  private readonly hits: Int32Array;
  private readonly lastWord: Int32Array;
  private serial = 0;

  /**
   * @param data the arrays, built (`buildNameIndexData`) or stored, that fit `entities`
   * @param entities the KB's entities in the order the arrays name them by
   */
  constructor(
    readonly data: NameIndexData,
    private readonly entities: EntityRoster,
  ) {
    // Each array in a field of its own: the searches read them in their innermost loops.
    this.keys = data.keys;
    this.entryStart = data.entryStart;
    this.entryEntity = data.entryEntity;
    this.entryLabel = data.entryLabel;
    this.order = data.order;
    this.position = data.position;
    this.lengthStart = data.lengthStart;
    this.masks = data.masks;
    this.wordCounts = data.wordCounts;
    this.words = data.words;
    this.wordStart = data.wordStart;
    this.wordKeys = data.wordKeys;
    const count = this.keys.length;
    this.visited = new Int32Array(count);
    this.hits = new Int32Array(count);
    this.lastWord = new Int32Array(count);
    for (let length = 0; length + 1 < this.lengthStart.length; length++) {
      const [from, to] = [this.lengthStart[length], this.lengthStart[length + 1]];
      this.byLength.push(this.order.subarray(from, to));
      if (to > from) this.lengthsAscending.push(length);
    }
  }

  /** The entities filed under a normalised name: none, one, or several (in the KB's order). */
  lookup(key: string): Entity[] {
    const [from, to] = exactRange(this.keys, key);
    if (from === to) return [];
    const found: Entity[] = [];
    for (let e = this.entryStart[from]; e < this.entryStart[from + 1]; e++) found.push(this.entities.at(this.entryEntity[e]));
    return found;
  }

  /**
   * An entity's number in the KB's order, by id; −1 for an id the KB does not hold. An entity is
   * always filed under its id's normal form, so one binary search finds it.
   */
  numberOf(id: string): number {
    const [from, to] = exactRange(this.keys, normalizeName(id));
    for (let k = from; k < to; k++) {
      for (let e = this.entryStart[k]; e < this.entryStart[k + 1]; e++) if (this.entities.at(this.entryEntity[e]).id === id) return this.entryEntity[e];
    }
    return -1;
  }

  /** The entity of number n (a match's `entity`). */
  entityAt(n: number): Entity {
    return this.entities.at(n);
  }

  /** How many entities are filed under key k: one when its names denote the entity alone. */
  entityCount(key: number): number {
    return this.entryStart[key + 1] - this.entryStart[key];
  }

  /** By entity (its place in the KB's order), the key its canonical name is filed under; made on first use. */
  private canonicalKeys?: Int32Array;

  /**
   * The key of an entity's canonical name, without normalising the name again: completion asks
   * it of fifty entities per keystroke, and the name's normal form is already among the keys.
   */
  canonicalKey(entity: number): number {
    if (!this.canonicalKeys) {
      const keys = new Int32Array(this.entities.length);
      for (let k = 0; k < this.keys.length; k++) {
        for (let e = this.entryStart[k]; e < this.entryStart[k + 1]; e++) if (this.entryLabel[e] === LABEL_NAME) keys[this.entryEntity[e]] = k;
      }
      this.canonicalKeys = keys;
    }
    return this.canonicalKeys[entity];
  }

  /** The entities of key k, with the label that filed each. */
  entry(key: number): KeyEntry {
    const ids: string[] = [];
    const labels: string[] = [];
    for (let e = this.entryStart[key]; e < this.entryStart[key + 1]; e++) {
      ids.push(this.entities.at(this.entryEntity[e]).id);
      labels.push(this.label(e));
    }
    return { ids, labels };
  }

  /** The label written for entry e: the entity's id, name or one of its aliases. */
  private label(e: number): string {
    const entity = this.entities.at(this.entryEntity[e]);
    const label = this.entryLabel[e];
    return label === LABEL_ID ? entity.id : label === LABEL_NAME ? entity.name : entity.aliases[label - 1];
  }

  /** Offers the entities of key k to a search. */
  private offer(search: Search, k: number, score: number): void {
    for (let e = this.entryStart[k]; e < this.entryStart[k + 1]; e++) search.offer(this.entities.at(this.entryEntity[e]).id, score);
  }

  /**
   * Entities whose names are similar to `query` (normalised), with their best score: at least the
   * `max` best, plus any tied with the last of them, none more than `SUGGESTION_MARGIN` below the
   * best. Exactly the entities a scan of every key with `similarity` would rank there.
   */
  similar(query: string, max: number): Map<string, number> {
    if (query === '' || max <= 0) return new Map();
    const search = new Search(query, max);
    const stamp = this.nextStamp();
    const counted = this.countWordHits(search.words);
    // Names that start with the query, and names sharing a word with it: the only keys whose
    // prefix or word score is above zero. They are scored first, and often set a high bar.
    if (query.length >= 2) for (let k = lowerBound(this.keys, query); k < this.keys.length && this.keys[k].startsWith(query); k++) this.score(search, k, stamp, counted, true);
    for (const word of search.words) {
      const [from, to] = this.wordRange(word);
      for (let w = from; w < to; w++) {
        for (let i = this.wordStart[w]; i < this.wordStart[w + 1]; i++) this.score(search, this.wordKeys[i], stamp, counted, false);
      }
    }
    // Every other key can only score by edit distance, which is at least the difference in
    // length. Lengths closest to the query's come first (the shorter of two equally close),
    // since typos rarely change the length much; none beyond twice the query's can score.
    for (let gap = 0; gap <= query.length; gap++) {
      this.scanLength(search, query.length - gap, stamp);
      if (gap > 0) this.scanLength(search, query.length + gap, stamp);
    }
    return search.result();
  }

  /**
   * Counts the query's words each key holds (see `hits`): the words whose first letters the
   * query's word is (from three letters on) or which equal it. Returns the search's first serial.
   */
  private countWordHits(queryWords: readonly string[]): number {
    if (this.serial > 0x7fffffff - queryWords.length) {
      this.lastWord.fill(0);
      this.serial = 0;
    }
    const first = this.serial + 1;
    for (const word of queryWords) {
      const serial = ++this.serial;
      const [from, to] = this.wordRange(word);
      for (let w = from; w < to; w++) {
        for (let i = this.wordStart[w]; i < this.wordStart[w + 1]; i++) {
          const k = this.wordKeys[i];
          if (this.lastWord[k] === serial) continue;
          this.hits[k] = this.lastWord[k] >= first ? this.hits[k] + 1 : 1;
          this.lastWord[k] = serial;
        }
      }
    }
    return first;
  }

  /**
   * Scores key k by `similarity` unless this search did already; `prefix` when k starts with
   * the query (and the query has two units or more). A key found by a word never does, unless
   * the prefix tier scored it first. Neither needs the key's text unless the masks admit it.
   */
  private score(search: Search, k: number, stamp: number, counted: number, prefix: boolean): void {
    if (this.visited[k] === stamp) return;
    this.visited[k] = stamp;
    const { query, words } = search;
    let score = this.lastWord[k] >= counted ? this.hits[k] / Math.max(words.length, this.wordCounts[k]) : 0;
    const length = this.keys[k].length;
    if (prefix) score = Math.max(score, 0.7 + 0.3 * (query.length / length));
    // `query === key` needs no test: the edit distance, 0, scores it 1.
    const longer = Math.max(query.length, length);
    if (Math.abs(query.length - length) <= longer * (1 - MIN_SIMILARITY)) {
      const limit = maxDistance(longer, Math.max(search.threshold, score));
      if (limit >= 0 && this.masksAdmit(search, this.position[k], limit)) {
        const d = search.distance.within(this.keys[k], limit);
        if (d <= limit) score = Math.max(score, 1 - d / longer);
      }
    }
    if (score >= search.threshold) this.offer(search, k, score);
  }

  /** Offers the keys of one length that are close enough by edit distance and not yet scored. */
  private scanLength(search: Search, length: number, stamp: number): void {
    if (length < 0 || length >= this.byLength.length) return;
    const from = this.lengthStart[length];
    const to = this.lengthStart[length + 1];
    const longer = Math.max(search.query.length, length);
    const gap = Math.abs(search.query.length - length);
    if (from === to || gap > longer * (1 - MIN_SIMILARITY) || 1 - gap / longer < search.threshold) return;
    let limit = maxDistance(longer, search.threshold);
    let most = 2 * limit;
    // `masksAdmit`, inlined with the query's masks in locals: this loop runs for most keys of
    // the KB. The first level alone rules out most of them.
    const { masks } = this;
    const [first, second, third] = search.masks;
    const stride = this.keys.length;
    for (let i = from; i < to; i++) {
      let differ = popcount(first ^ masks[i]);
      if (differ > most) continue;
      differ += popcount(second ^ masks[i + stride]) + popcount(third ^ masks[i + 2 * stride]);
      if (differ > most) continue;
      const k = this.order[i];
      if (this.visited[k] === stamp) continue;
      const d = search.distance.within(this.keys[k], limit);
      if (d > limit) continue;
      this.offer(search, k, 1 - d / longer);
      limit = maxDistance(longer, search.threshold);
      most = 2 * limit;
    }
  }

  /**
   * Whether the masks of the key at position `at` of `order` leave room for an edit distance of
   * `limit`: it is at least half the bits they differ in (see `classMasks`).
   */
  private masksAdmit(search: Search, at: number, limit: number): boolean {
    const stride = this.keys.length;
    const differ = popcount(search.masks[0] ^ this.masks[at]) + popcount(search.masks[1] ^ this.masks[at + stride]) + popcount(search.masks[2] ^ this.masks[at + 2 * stride]);
    return differ <= 2 * limit;
  }

  /**
   * Completion: entities with a name that starts with `query`, then with a word that does, then
   * with the query's letters in order; each with its best-scoring name (its canonical name when
   * nothing is typed). Returns the `limit` best (score, then alphabetical name, then id) and
   * whether more entities match.
   *
   * `closeOnly`: names that start with the query or have a word that does, without the
   * letters-in-order tier, which reads the masks of every key as long as the query or longer. For
   * a whole name under the cursor (a long query, few matches) that tier cost a millisecond or more
   * on 100,000 entities, and names written that loosely are not what the analyst wrote.
   */
  complete(query: string, limit: number, closeOnly = false): { matches: NameMatch[]; more: boolean } {
    // By entity number: an entity, its id and the label are made only for the matches returned.
    const best = new Map<number, Candidate>();
    const consider = (k: number, score: number) => {
      for (let e = this.entryStart[k]; e < this.entryStart[k + 1]; e++) {
        const entity = this.entryEntity[e];
        const prev = best.get(entity);
        if (!prev || score > prev.score || (score === prev.score && k < prev.key)) best.set(entity, { entity, score, key: k, entry: e });
      }
    };
    if (query === '') {
      // Nothing typed yet: entities by canonical name, alphabetically (not by aliases or ids).
      for (let k = 0; k < this.keys.length && best.size <= limit; k++) {
        for (let e = this.entryStart[k]; e < this.entryStart[k + 1]; e++) {
          // Filed by its name: this key is the entity's canonical name, normalised.
          const entity = this.entryEntity[e];
          if (this.entryLabel[e] === LABEL_NAME && !best.has(entity)) best.set(entity, { entity, score: 1, key: k, entry: e });
        }
      }
      return this.ranked(best, limit, best.size > limit);
    }
    // Within a tier a shorter name scores higher, so each tier is read shortest names first and
    // stops after the length at which the list overflows: nothing longer could take a place.
    // The names starting with the query are one run of the sorted keys, and so one run of each
    // length's keys (kept in the same order): two binary searches a length.
    const [from, to] = prefixRange(this.keys, query);
    for (const length of this.lengthsAscending) {
      if (length < query.length) continue;
      const sameLength = this.byLength[length];
      for (let i = lowerBound(sameLength, from); i < sameLength.length && sameLength[i] < to; i++) consider(sameLength[i], matchScore(query, this.keys[sameLength[i]]));
      if (best.size > limit) return this.ranked(best, limit, true);
    }
    // Word starts score below every prefix match, and letters-in-order below both. A key with the
    // query at a word start holds a word starting with each of the query's words: the keys of the
    // rarest are enough to read (a whole name under the cursor, `central-…`, may share its first
    // word with thousands of keys and its last with a few).
    let [wordFrom, wordTo] = [0, 0];
    let fewest = Infinity;
    for (const word of query.split('-')) {
      if (word === '') continue;
      const [from, to] = prefixRange(this.words, word);
      const keys = this.wordStart[to] - this.wordStart[from];
      if (keys < fewest) [wordFrom, wordTo, fewest] = [from, to, keys];
    }
    for (let w = wordFrom; w < wordTo; w++) {
      for (let i = this.wordStart[w]; i < this.wordStart[w + 1]; i++) {
        const k = this.wordKeys[i];
        // Only word starts here: a key that matches just by letters in order waits for the
        // last tier, or it could take a place that a better letters-in-order match deserves.
        const score = matchScore(query, this.keys[k]);
        if (score >= WORD_START_SCORE) consider(k, score);
      }
    }
    if (best.size > limit || closeOnly) return this.ranked(best, limit, best.size > limit);
    const queryMask = charMask(query);
    for (const length of this.lengthsAscending) {
      if (length < query.length) continue;
      for (let i = this.lengthStart[length]; i < this.lengthStart[length + 1]; i++) {
        if ((queryMask & ~this.masks[i]) !== 0) continue; // a letter of the query is missing
        const k = this.order[i];
        const score = matchScore(query, this.keys[k]);
        if (score > 0) consider(k, score);
      }
      if (best.size > limit) return this.ranked(best, limit, true);
    }
    return this.ranked(best, limit, false);
  }

  /** The `limit` best candidates (score, then key, then id) as matches. */
  private ranked(best: ReadonlyMap<number, Candidate>, limit: number, more: boolean): { matches: NameMatch[]; more: boolean } {
    // Ids only break ties of score and key: two entities filed under one name.
    const id = (c: Candidate) => this.entities.at(c.entity).id;
    const top = [...best.values()].sort((a, b) => b.score - a.score || a.key - b.key || compareCodeUnits(id(a), id(b))).slice(0, limit);
    const matches = top.map((c): NameMatch => ({ id: id(c), score: c.score, key: c.key, label: this.label(c.entry), entity: c.entity }));
    return { matches, more };
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.visited.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** The words a query word matches: those it starts, from three letters on, else itself. */
  private wordRange(word: string): [number, number] {
    return word.length >= 3 ? prefixRange(this.words, word) : exactRange(this.words, word);
  }
}

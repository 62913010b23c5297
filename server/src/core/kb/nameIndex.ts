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
import { boundedEditDistance, charMask, LetterCounts, maxDistance, popcount } from './nameDistance';

/** One name of the KB: its normal form, the entities it denotes, and the label written for each. */
export interface KeyEntry {
  readonly ids: string[];
  /** `labels[i]`: the first of entity `ids[i]`'s name, aliases and id whose normal form is the key. */
  readonly labels: string[];
}

/** Suggestions below this similarity (0–1) are noise, not help. */
export const MIN_SIMILARITY = 0.55;
/**
 * Nor is a suggestion much worse than the best one: `@Tajikstan` should hear "Tajikistan", not
 * also two names that share half their letters with it. This bar also lets the search skip
 * most of a large KB once it has found a close name.
 */
export const SUGGESTION_MARGIN = 0.15;

/** `matchScore` gives a word start at least this, and a whole-name prefix at least 80. */
const WORD_START_SCORE = 50;

/** A name that matched a completion query, with its score (see `matchScore`). */
export interface NameMatch {
  readonly id: string;
  readonly score: number;
  /** Index of the matching key in `NameIndex.keys` (alphabetical), the tie-breaker. */
  readonly key: number;
  readonly label: string;
}

export class NameIndex {
  /** Every normalised name, sorted by UTF-16 code units so that a prefix is a contiguous range. */
  readonly keys: string[];
  private readonly entries: KeyEntry[];
  /** One bit per character class present in each key, for a cheap lower bound on edit distance. */
  private readonly masks: Int32Array;
  /** Key indices grouped by key length, and the lengths in ascending order. */
  private readonly byLength = new Map<number, Int32Array>();
  private readonly lengthsAscending: number[];
  /** The distinct words (the parts between `-`) of all keys, sorted, and the keys holding each. */
  private readonly words: string[];
  private readonly wordKeys: Int32Array[];
  /** Per-key marks for one search at a time: `visited[k] === stamp` means k was scored. */
  private readonly visited: Int32Array;
  private stamp = 0;

  /**
   * @param byKey the entities and labels of each normalised name
   * @param nameKeys each entity's canonical name, normalised (by entity id)
   */
  constructor(
    byKey: ReadonlyMap<string, KeyEntry>,
    private readonly nameKeys: ReadonlyMap<string, string>,
  ) {
    this.keys = [...byKey.keys()].sort(compareCodeUnits);
    this.entries = this.keys.map((k) => byKey.get(k) as KeyEntry);
    this.masks = new Int32Array(this.keys.length);
    this.visited = new Int32Array(this.keys.length);
    const lengths = new Map<number, number[]>();
    const words = new Map<string, number[]>();
    this.keys.forEach((key, i) => {
      this.masks[i] = charMask(key);
      const sameLength = lengths.get(key.length);
      if (sameLength) sameLength.push(i);
      else lengths.set(key.length, [i]);
      for (const word of new Set(key.split('-'))) {
        const holders = words.get(word);
        if (holders) holders.push(i);
        else words.set(word, [i]);
      }
    });
    for (const [length, list] of lengths) this.byLength.set(length, Int32Array.from(list));
    this.lengthsAscending = [...this.byLength.keys()].sort((a, b) => a - b);
    this.words = [...words.keys()].sort(compareCodeUnits);
    this.wordKeys = this.words.map((w) => Int32Array.from(words.get(w) as number[]));
  }

  entry(key: number): KeyEntry {
    return this.entries[key];
  }

  /**
   * Entities whose names are similar to `query` (normalised), with their best score: at least the
   * `max` best, plus any tied with the last of them, none more than `SUGGESTION_MARGIN` below the
   * best. Exactly the entities a scan of every key with `similarity` would rank there.
   */
  similar(query: string, max: number): Map<string, number> {
    const best = new Map<string, number>();
    if (query === '' || max <= 0) return best;
    const stamp = this.nextStamp();
    const queryWords = query.split('-');
    // The `max` best distinct entities so far; once full, a key must reach the last one's score.
    const top: { id: string; score: number }[] = [];
    let threshold = MIN_SIMILARITY;
    const offer = (k: number, score: number) => {
      if (score < threshold) return;
      const { ids } = this.entries[k];
      for (const id of ids) {
        if (score <= (best.get(id) ?? 0)) continue;
        best.set(id, score);
        const at = top.findIndex((t) => t.id === id);
        if (at >= 0) top[at].score = score;
        else if (top.length < max) top.push({ id, score });
        else if (score > top[top.length - 1].score) top[top.length - 1] = { id, score };
        else continue;
        top.sort((a, b) => b.score - a.score);
        threshold = Math.max(threshold, top[0].score - SUGGESTION_MARGIN);
        if (top.length === max) threshold = Math.max(threshold, top[top.length - 1].score);
      }
    };
    const queryMask = charMask(query);
    const letters = new LetterCounts(query);
    /** The edit distance to key k if it is at most `limit`, else more than `limit`; cheap bounds first. */
    const distance = (k: number, limit: number): number => {
      if ((popcount(queryMask ^ this.masks[k]) + 1) >> 1 > limit) return limit + 1;
      if (letters.distance(this.keys[k], limit) > limit) return limit + 1;
      return boundedEditDistance(query, this.keys[k], limit);
    };
    const score = (k: number) => {
      if (this.visited[k] === stamp) return;
      this.visited[k] = stamp;
      offer(k, this.similarity(query, queryWords, k, threshold, distance));
    };

    // Names that start with the query, and names sharing a word with it: the only keys whose
    // prefix or word score is above zero. They are scored first, and often set a high bar.
    if (query.length >= 2) for (let k = lowerBound(this.keys, query); k < this.keys.length && this.keys[k].startsWith(query); k++) score(k);
    for (const word of queryWords) {
      const [from, to] = word.length >= 3 ? this.prefixRange(this.words, word) : this.exactRange(this.words, word);
      for (let w = from; w < to; w++) for (const k of this.wordKeys[w]) score(k);
    }

    // Every other key can only score by edit distance, which is at least the difference in
    // length and at least half the characters one key has and the other lacks. Lengths closest
    // to the query's come first, since typos rarely change the length much.
    const lengths = [...this.byLength.keys()].sort((a, b) => Math.abs(a - query.length) - Math.abs(b - query.length) || a - b);
    for (const length of lengths) {
      const longer = Math.max(query.length, length);
      const gap = Math.abs(query.length - length);
      if (gap > longer * (1 - MIN_SIMILARITY)) continue;
      if (1 - gap / longer < threshold) continue;
      for (const k of this.byLength.get(length) as Int32Array) {
        if (this.visited[k] === stamp) continue;
        const limit = maxDistance(longer, threshold);
        const d = distance(k, limit);
        if (d <= limit) offer(k, 1 - d / longer);
      }
    }
    for (const [id, s] of best) if (s < threshold) best.delete(id);
    return best;
  }

  /** `similarity` of the query and key k, computing the edit distance only if it could matter. */
  private similarity(query: string, queryWords: readonly string[], k: number, threshold: number, distance: (k: number, limit: number) => number): number {
    const key = this.keys[k];
    if (query === key) return 1;
    let score = wordScore(queryWords, key.split('-'));
    if (query.length >= 2 && key.startsWith(query)) score = Math.max(score, 0.7 + 0.3 * (query.length / key.length));
    const longer = Math.max(query.length, key.length);
    if (Math.abs(query.length - key.length) <= longer * (1 - MIN_SIMILARITY)) {
      const bar = Math.max(threshold, score);
      const limit = maxDistance(longer, bar);
      if (limit >= 0) {
        const d = distance(k, limit);
        if (d <= limit) score = Math.max(score, 1 - d / longer);
      }
    }
    return score;
  }

  /**
   * Completion: entities with a name that starts with `query`, then with a word that does, then
   * with the query's letters in order; each with its best-scoring name (its canonical name when
   * nothing is typed). Returns the `limit`
   * best (score, then alphabetical name, then id) and whether more entities match.
   */
  complete(query: string, limit: number): { matches: NameMatch[]; more: boolean } {
    const best = new Map<string, NameMatch>();
    const consider = (k: number, score: number) => {
      const { ids, labels } = this.entries[k];
      ids.forEach((id, i) => {
        const prev = best.get(id);
        if (!prev || score > prev.score || (score === prev.score && k < prev.key)) best.set(id, { id, score, key: k, label: labels[i] });
      });
    };
    if (query === '') {
      // Nothing typed yet: entities by canonical name, alphabetically (not by aliases or ids).
      for (let k = 0; k < this.keys.length && best.size <= limit; k++) {
        const { ids, labels } = this.entries[k];
        ids.forEach((id, i) => {
          if (this.nameKeys.get(id) === this.keys[k] && !best.has(id)) best.set(id, { id, score: 1, key: k, label: labels[i] });
        });
      }
      return this.ranked(best, limit, best.size > limit);
    }
    // Within a tier a shorter name scores higher, so each tier is read shortest names first and
    // stops after the length at which the list overflows: nothing longer could take a place.
    // The names starting with the query are one run of the sorted keys, and so one run of each
    // length's keys (kept in the same order): two binary searches a length.
    const [from, to] = this.prefixRange(this.keys, query);
    for (const length of this.lengthsAscending) {
      if (length < query.length) continue;
      const sameLength = this.byLength.get(length) as Int32Array;
      for (let i = lowerBound(sameLength, from); i < sameLength.length && sameLength[i] < to; i++) consider(sameLength[i], matchScore(query, this.keys[sameLength[i]]));
      if (best.size > limit) return this.ranked(best, limit, true);
    }
    // Word starts score below every prefix match, and letters-in-order below both.
    const firstWord = query.split('-')[0];
    const [wordFrom, wordTo] = this.prefixRange(this.words, firstWord);
    for (let w = wordFrom; w < wordTo; w++) {
      for (const k of this.wordKeys[w]) {
        // Only word starts here: a key that matches just by letters in order waits for the
        // last tier, or it could take a place that a better letters-in-order match deserves.
        const score = matchScore(query, this.keys[k]);
        if (score >= WORD_START_SCORE) consider(k, score);
      }
    }
    if (best.size > limit) return this.ranked(best, limit, true);
    const queryMask = charMask(query);
    for (const length of this.lengthsAscending) {
      if (length < query.length) continue;
      for (const k of this.byLength.get(length) as Int32Array) {
        if ((queryMask & ~this.masks[k]) !== 0) continue; // a letter of the query is missing
        const score = matchScore(query, this.keys[k]);
        if (score > 0) consider(k, score);
      }
      if (best.size > limit) return this.ranked(best, limit, true);
    }
    return this.ranked(best, limit, false);
  }

  private ranked(best: ReadonlyMap<string, NameMatch>, limit: number, more: boolean): { matches: NameMatch[]; more: boolean } {
    const matches = [...best.values()].sort((a, b) => b.score - a.score || a.key - b.key || compareCodeUnits(a.id, b.id)).slice(0, limit);
    return { matches, more };
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.visited.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private prefixRange(sorted: readonly string[], prefix: string): [number, number] {
    const from = lowerBound(sorted, prefix);
    // Every string that starts with the prefix sorts below the prefix followed by U+FFFF.
    return [from, lowerBound(sorted, `${prefix}\uffff`)];
  }

  private exactRange(sorted: readonly string[], value: string): [number, number] {
    const at = lowerBound(sorted, value);
    return at < sorted.length && sorted[at] === value ? [at, at + 1] : [at, at];
  }
}

/**
 * Share of words in common: a query word counts when a key word equals it or, from three
 * letters on, starts with it (`shanghai-cooperation` within `shanghai-cooperation-organization`).
 */
export function wordScore(queryWords: readonly string[], keyWords: readonly string[]): number {
  let shared = 0;
  for (const t of queryWords) if (keyWords.some((u) => u === t || (t.length >= 3 && u.startsWith(t)))) shared++;
  return shared / Math.max(queryWords.length, keyWords.length);
}

/** 0 for no match; higher for prefix of the whole key, prefix of a word, then in-order letters. */
export function matchScore(query: string, key: string): number {
  if (query === '') return 1;
  if (key === query) return 100;
  if (key.startsWith(query)) return 80 + 10 * (query.length / key.length);
  const wordStart = key.indexOf(`-${query}`);
  if (wordStart >= 0) return 60 - Math.min(10, wordStart / 4);
  let k = 0;
  for (const c of query) {
    k = key.indexOf(c, k);
    if (k < 0) return 0;
    k++;
  }
  return 20 + 10 * (query.length / key.length);
}

/** The first index of an ascending array (strings by code units, or numbers) whose value is not below `value`. */
function lowerBound<T extends string | number>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Resolves entity references against the KB (spec §3.3): exact normalised match, ambiguity,
 * and ranked did-you-mean suggestions for names that match nothing.
 */
import type { Entity } from './kb/model';
import type { KnowledgeBase } from './kb/knowledgeBase';
import { normalizeName } from './normalize';
import { objectList } from './objectList';
import { compareAlphabetically, copyString } from './text';
import { MIN_SIMILARITY } from './kb/nameIndex';
import { wordScore } from './kb/nameScores';

/** What a reference's name denotes. */
export type Resolution =
  | { readonly status: 'resolved'; readonly entity: Entity }
  | { readonly status: 'ambiguous'; readonly candidates: readonly Entity[] }
  | { readonly status: 'unknown'; readonly suggestions: readonly Entity[] };

/** A resolver bound to one KB; it remembers suggestions, which are the costly part. */
export class Resolver {
  private readonly suggestionCache = new Map<string, readonly Entity[]>();
  /** Resolutions by name as written: a brief names the same entities again and again. */
  private readonly resolutionCache = new Map<string, Resolution>();

  constructor(readonly kb: KnowledgeBase) {}

  resolve(name: string): Resolution {
    let resolution = this.resolutionCache.get(name);
    if (!resolution) {
      resolution = this.resolveUncached(name);
      // Bounded: a hostile brief with a million distinct names must not grow the cache forever.
      if (this.resolutionCache.size > 100_000) this.resolutionCache.clear();
      // The name may be a slice of a whole document: keep a copy, not the document.
      this.resolutionCache.set(copyString(name), resolution);
    }
    return resolution;
  }

  private resolveUncached(name: string): Resolution {
    const matches = this.kb.lookup(name);
    if (matches.length === 1) return { status: 'resolved', entity: matches[0] };
    if (matches.length > 1) return { status: 'ambiguous', candidates: matches };
    return { status: 'unknown', suggestions: this.suggest(name) };
  }

  /** Up to `max` entities whose id, name or an alias is close to `name`, best first. */
  suggest(name: string, max = 3): readonly Entity[] {
    const query = normalizeName(name);
    const cacheKey = `${max}\u0000${query}`;
    const cached = this.suggestionCache.get(cacheKey);
    if (cached) return cached;
    const ranked = [...this.kb.names().similar(query, max)]
      .map(([id, score]) => ({ entity: this.kb.entities.get(id), score }))
      .filter((s): s is { entity: Entity; score: number } => s.entity !== undefined)
      .sort((a, b) => b.score - a.score || compareAlphabetically(a.entity.name, b.entity.name) || (a.entity.id < b.entity.id ? -1 : 1))
      .slice(0, max);
    // One kind of array whether or not anything is similar (see objectList).
    const result = objectList<Entity>();
    for (const s of ranked) result.push(s.entity);
    // Bounded like the resolutions, and keyed by a copy for the same reason.
    if (this.suggestionCache.size > 100_000) this.suggestionCache.clear();
    this.suggestionCache.set(copyString(cacheKey), result);
    return result;
  }
}

/**
 * How alike two normalised names are, from 0 to 1: the best of edit similarity (typos such as
 * `tajikstan`), token overlap (`shanghai-cooperation` within `shanghai-cooperation-organization`)
 * and prefix match. `NameIndex.similar` ranks by this without scoring every key; this plain
 * form is the definition it is tested against.
 */
export function similarity(query: string, key: string, q = query.split('-'), k = key.split('-')): number {
  if (query === key) return 1;
  const longer = Math.max(query.length, key.length);
  let score = 0;
  // Only compute the edit distance when the lengths leave room for a match.
  if (Math.abs(query.length - key.length) <= longer * (1 - MIN_SIMILARITY)) {
    score = 1 - editDistance(query, key) / longer;
  }
  score = Math.max(score, wordScore(q, k));
  if (query.length >= 2 && key.startsWith(query)) score = Math.max(score, 0.7 + 0.3 * (query.length / key.length));
  return score;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, current[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      current[j] = d;
    }
    [prevPrev, prev, current] = [prev, current, prevPrev];
  }
  return prev[b.length];
}

/** The option a word is a typo of (edit distance at most 2, or a third of the option's length). */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const option of options) {
    const d = editDistance(word, option);
    if (d < bestDistance) [best, bestDistance] = [option, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

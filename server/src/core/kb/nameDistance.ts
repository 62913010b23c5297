/**
 * Edit distances between normalised names, and the cheap lower bounds that let the name index
 * (nameIndex.ts) skip computing most of them.
 */

/** The largest edit distance that still scores `1 - d / longer >= bar` (−1 when none does). */
export function maxDistance(longer: number, bar: number): number {
  let d = Math.min(longer, Math.floor((1 - bar) * longer) + 1);
  while (d >= 0 && 1 - d / longer < bar) d--;
  return d;
}

/**
 * A 32-bit set of the key's characters (folded into 32 classes). An edit changes at most two
 * classes' presence, so half the classes two keys do not share is a lower bound on their edit
 * distance; folding only merges classes, which keeps it a lower bound.
 */
export function charMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) mask |= 1 << (s.charCodeAt(i) & 31);
  return mask;
}

/**
 * The query's letters counted in 32 classes. Each edit changes the counts by at most two (a swap
 * by none), so half the letters the two names do not have in common bound the edit distance
 * from below: a few additions per key, where the distance itself costs a table.
 */
export class LetterCounts {
  private readonly counts = new Int16Array(32);
  private readonly work = new Int16Array(32);

  constructor(private readonly query: string) {
    for (let i = 0; i < query.length; i++) this.counts[query.charCodeAt(i) & 31]++;
  }

  /** A lower bound on the edit distance to `key`, exact up to `limit` + 1. */
  distance(key: string, limit: number): number {
    const work = this.work;
    work.set(this.counts);
    const most = 2 * limit + 1;
    let extra = 0; // letters of the key the query lacks
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i) & 31;
      if (work[c] > 0) work[c]--;
      else if (++extra >= most) return limit + 1;
    }
    const missing = this.query.length - (key.length - extra); // letters of the query the key lacks
    return (extra + missing + 1) >> 1;
  }
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

// Rows of the edit-distance table, reused across calls (the searches are synchronous).
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps) when
 * it is at most `limit`, else `limit + 1`. Only the diagonal band of width `limit` is filled, and
 * the search stops when a whole row exceeds the limit (no later row can come back under it).
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > limit) return limit + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  if (rowA.length < m + 2) {
    rowA = new Int32Array(m + 2);
    rowB = new Int32Array(m + 2);
    rowC = new Int32Array(m + 2);
  }
  const over = limit + 1;
  let prevPrev = rowA;
  let prev = rowB;
  let current = rowC;
  for (let j = 0; j <= m; j++) prev[j] = j <= limit ? j : over;
  prev[m + 1] = over;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(m, i + limit);
    current[from - 1] = from === 1 ? (i <= limit ? i : over) : over;
    let rowMin = current[from - 1];
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = prev[j - 1] + (ai === bj ? 0 : 1);
      const del = prev[j] + 1;
      if (del < d) d = del;
      const ins = current[j - 1] + 1;
      if (ins < d) d = ins;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        const swap = prevPrev[j - 2] + 1;
        if (swap < d) d = swap;
      }
      if (d > over) d = over;
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (to < m) current[to + 1] = over;
    if (rowMin > limit) return over;
    const spare = prevPrev;
    prevPrev = prev;
    prev = current;
    current = spare;
  }
  return Math.min(prev[m], over);
}

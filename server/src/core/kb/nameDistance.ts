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

/** How many masks `classMasks` writes per string: three (the name index reads all of them). */
export const MASK_LEVELS = 3;

/**
 * The class (0–31) of each ASCII character. Letters and the hyphen each have their own, digits
 * share five; anything else is folded by its low bits. Folding only merges classes, which keeps
 * the bounds below lower bounds; keeping the common characters apart keeps them tight.
 */
const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, c) => {
  if (c >= 97 && c <= 122) return c - 97;
  if (c === 45) return 26;
  if (c >= 48 && c <= 57) return 27 + ((c - 48) % 5);
  return c & 31;
});

function charClass(c: number): number {
  return c < 128 ? ASCII_CLASS[c] : c & 31;
}

/** The classes present in `s`, one bit each: the first of the masks `classMasks` writes. */
export function charMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) mask |= 1 << charClass(s.charCodeAt(i));
  return mask;
}

/**
 * Writes `MASK_LEVELS` masks of `s` to `out[at]`, `out[at + stride]`, …: level t has a bit for
 * each class that occurs more than t times. Summed over all levels, the bits two strings' masks
 * differ in are the letters one has and the other lacks (class by class); an edit changes that
 * sum by at most two (a swap by none), so half of it, even from the first levels only, bounds
 * the edit distance from below. Stored per key, the bound costs a few instructions where the
 * distance costs a walk of the key.
 */
export function classMasks(s: string, out: Int32Array, at: number, stride: number): void {
  // The three levels in locals: the name index computes this for every name of the KB.
  let once = 0;
  let twice = 0;
  let more = 0;
  for (let i = 0; i < s.length; i++) {
    const bit = 1 << charClass(s.charCodeAt(i));
    if ((once & bit) === 0) once |= bit;
    else if ((twice & bit) === 0) twice |= bit;
    else more |= bit;
  }
  out[at] = once;
  out[at + stride] = twice;
  out[at + 2 * stride] = more;
}

export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Patterns up to this many UTF-16 units fit the 32-bit words of `QueryDistance`. */
const WORD_BITS = 32;

/**
 * One query's edit distance to many keys. For a query of up to 32 UTF-16 units it is Hyyrö's
 * bit-parallel optimal string alignment distance (2003: Myers' algorithm plus adjacent swaps):
 * one column of the table per character of the key, in a dozen word operations, instead of a
 * band of cells. Longer queries fall back to `boundedEditDistance`.
 */
export class QueryDistance {
  /** Bit i of `ascii[c]` is set when the query's unit i is c; `wide` holds units from 128 on. */
  private readonly ascii = new Int32Array(128);
  private readonly wideUnits: number[] = [];
  private readonly wideBits: number[] = [];

  constructor(readonly query: string) {
    if (query.length > WORD_BITS) return;
    for (let i = 0; i < query.length; i++) {
      const c = query.charCodeAt(i);
      if (c < 128) {
        this.ascii[c] |= 1 << i;
        continue;
      }
      let w = this.wideUnits.indexOf(c);
      if (w < 0) w = this.wideUnits.push(c) - 1;
      this.wideBits[w] = (this.wideBits[w] ?? 0) | (1 << i);
    }
  }

  /** The distance to `key` when it is at most `limit`, else more than `limit`. */
  within(key: string, limit: number): number {
    const m = this.query.length;
    const n = key.length;
    if (Math.abs(m - n) > limit) return limit + 1;
    if (m > WORD_BITS) return boundedEditDistance(this.query, key, limit);
    if (m === 0) return n;
    // Vertical deltas of the current column (vp: +1, vn: −1), `d0` its zero diagonal deltas;
    // bits above the query's length hold junk that carries and shifts only move further up.
    let vp = -1;
    let vn = 0;
    let d0 = 0;
    let previous = 0;
    let score = m; // the last row: the distance from the query to the key's first j units
    const last = 1 << (m - 1);
    for (let j = 0; j < n; j++) {
      const c = key.charCodeAt(j);
      const match = c < 128 ? this.ascii[c] : this.wideMatch(c);
      // Swaps: the query's units i-1, i are the key's j, j-1, and that diagonal was not free.
      const swap = ((~d0 & match) << 1) & previous;
      d0 = (((match & vp) + vp) ^ vp) | match | vn | swap;
      const hp = vn | ~(d0 | vp);
      const hn = d0 & vp;
      if (hp & last) score++;
      else if (hn & last) score--;
      // The rest of the key can take at most one unit off the distance each.
      if (score - (n - 1 - j) > limit) return limit + 1;
      const x = (hp << 1) | 1;
      vn = x & d0;
      vp = (hn << 1) | ~(x | d0);
      previous = match;
    }
    return score;
  }

  private wideMatch(c: number): number {
    const w = this.wideUnits.indexOf(c);
    return w < 0 ? 0 : this.wideBits[w];
  }
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

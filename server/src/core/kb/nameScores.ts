/**
 * How well a typed name fits a normalised key: the scores that rank completion (prefix of the
 * key, prefix of a word, letters in order) and the word overlap that did-you-mean suggestions
 * count. Kept apart from the name index, which ranks by them, because completion, symbols and
 * the resolver read them too.
 */

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

/**
 * Name normalisation for entity lookup (spec §3.3).
 *
 * Analysts write the same entity many ways: `@[ETH Zürich]`, `@eth-zurich`, `@U.S.`, `@US`.
 * Every id, name, alias and reference goes through this one function, so two spellings are the
 * same reference exactly when their normal forms are equal.
 */
const ASCII = /^[\x00-\x7f]*$/;

export function normalizeName(name: string): string {
  // Fast path for plain ASCII, the common case: no decomposition or combining marks to handle.
  if (ASCII.test(name)) {
    return name
      .toLowerCase()
      .replace(/\./g, '')
      .replace(/[\s_-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  }
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // combining marks: "Zürich" → "Zurich"
    .toLowerCase()
    .replace(/\./g, '') // "U.S." → "us"
    .replace(/[\s_\-\u2013\u2014]+/gu, '-') // runs of spaces, _, -, –, — → one "-"
    .replace(/^-+|-+$/g, '');
}

/**
 * Name normalisation for entity lookup (spec §3.3).
 *
 * Analysts write the same entity many ways: `@[ETH Zürich]`, `@eth-zurich`, `@U.S.`, `@US`.
 * Every id, name, alias and reference goes through this one function, so two spellings are the
 * same reference exactly when their normal forms are equal.
 */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * A run of what separates a name's words: white space, `_`, `-`, and the dashes and hyphens
 * that word processors and PDFs put in its place (spec §3.3 names `–` and `—`; Brief folds the
 * hyphen ‐, the non-breaking hyphen ‑ (‐ after NFKD), the figure dash ‒, the horizontal bar ―
 * and the minus sign − as well: `@[Joint Western‑2021]` pasted from a report is Joint Western-2021).
 */
export const SEPARATOR_RUN = /[\s_\-\u2010-\u2015\u2212]+/gu;

/**
 * The combining marks that are dropped: those on a letter of a script where they are accents or
 * optional vowel points ("Zürich" → "Zurich", Arabic harakat). In Devanagari, Bengali, Tamil and
 * the other Brahmic scripts of South Asia a mark is a vowel or a virama, part of the spelling:
 * dropping it would make भारत and भरत one name, so those are kept (README, "Where the
 * specification is wrong").
 *
 * A letter and the marks after it are matched together and replaced by the letter: linear time.
 * (A look-behind from each mark to its letter read the whole run again for every mark: 40,000
 * pasted marks after one letter took the server 23 s.)
 */
const MARKED_LETTER = /([\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Hebrew}])\p{M}+/gu;

export function normalizeName(name: string): string {
  if (ASCII.test(name)) return normalizeAscii(name);
  return name
    .normalize('NFKD')
    // A typographic apostrophe is the typewriter one: editors turn ' into ’ as the analyst types,
    // and Uzbek writes oʻ and gʻ with ʻ (People’s = People's, Oʻzbekiston = O'zbekiston).
    .replace(/[\u2018\u2019\u02bb\u02bc]/g, "'")
    .toLowerCase()
    .replace(/\./g, '') // "U.S." → "us"
    .replace(SEPARATOR_RUN, '-') // runs of spaces, _, -, –, — and the like → one "-"
    .replace(/^-+|-+$/g, '')
    // Last, so that a mark is judged by the letter it ends up on ("u.\u094d" → "u\u094d"):
    // a normal form stays its own normal form.
    .replace(MARKED_LETTER, '$1');
}

/**
 * The same steps for plain ASCII, the common case, in one pass: letters to lower case, dots
 * dropped, each run of white space, `_` and `-` one `-`, none at either end. A name that is
 * already its normal form (most ids) is returned as it is, with nothing allocated: every
 * reference, and every name of a large KB at each start, comes through here.
 */
function normalizeAscii(name: string): string {
  let out = '';
  let written = 0; // how much of `name` `out` stands for while nothing has changed
  let same = true;
  let separator = false; // a run of separators is pending
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (same) {
        out = name.slice(0, written);
        same = false;
      }
      continue;
    }
    if (c === 0x2d /* - */ || c === 0x5f /* _ */ || c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
      separator = true;
      continue;
    }
    const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    const dash = separator && (same ? written > 0 : out.length > 0);
    // The text so far is unchanged when this character follows it directly (after one `-` in the original, if any).
    if (same && lower === c && (dash ? i === written + 1 && name.charCodeAt(written) === 0x2d : i === written)) {
      written = i + 1;
    } else {
      if (same) {
        out = name.slice(0, written);
        same = false;
      }
      out += dash ? `-${String.fromCharCode(lower)}` : String.fromCharCode(lower);
    }
    separator = false;
  }
  if (!same) return out;
  return written === name.length ? name : name.slice(0, written);
}

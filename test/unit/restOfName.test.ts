/**
 * `restOfName` (core/features/referenceText.ts) finds where the label's first words end without
 * splitting it into words (completion runs it fifty times a keystroke). Its answers must be those
 * of the reading that splits both names into words, kept here as the reference, on any text.
 */
import { strict as assert } from 'assert';
import fc from 'fast-check';
import { restOfName } from '../../server/src/core/features/referenceText';
import { normalizeName } from '../../server/src/core/normalize';

const seed = process.env.BRIEF_FC_SEED ? Number(process.env.BRIEF_FC_SEED) : undefined;

/** The split-based reading that restOfName replaced. */
function byWords(written: string, label: string, after: string): number {
  // Words: split at white space, hyphens and dashes (names fold them alike).
  const gap = /[\s\-\u2010-\u2015\u2212]+/;
  const labelWords = label.split(gap);
  const labelGaps = label.match(new RegExp(gap.source, 'g')) ?? [];
  const writtenWords = written.split(gap);
  if (labelWords.length <= writtenWords.length) return 0;
  if (normalizeName(labelWords.slice(0, writtenWords.length).join(' ')) !== normalizeName(written)) return 0;
  let at = 0;
  for (let w = writtenWords.length; w < labelWords.length; w++) {
    const word = labelWords[w];
    const start = at;
    // The text's gap may hold a hyphen or dash only where the label's does.
    const unit = /[\-\u2010-\u2015\u2212]/.test(labelGaps[w - 1]) ? /^[\s\-\u2010-\u2015\u2212]$/ : /^\s$/;
    while (unit.test(after.charAt(at))) at++;
    if (at === start) return 0;
    const goesOn = (j: number) => /^[\p{L}\p{N}\p{M}_]/u.test(after.slice(j));
    // The word as written, in any case; else the first end at which the text is the word as names
    // match, where the word cannot go on, starting with the word's letter or digit as names match
    // (else with the word's first character).
    if (after.slice(at, at + word.length).toLowerCase() === word.toLowerCase() && !goesOn(at + word.length)) {
      at += word.length;
      continue;
    }
    const letter = /^[\p{L}\p{N}]/u;
    const firstOf = (t: string) => String.fromCodePoint(t.codePointAt(0) ?? 0x20);
    if (letter.test(word) ? !letter.test(after.slice(at)) || normalizeName(firstOf(after.slice(at))) !== normalizeName(firstOf(word)) : after.codePointAt(at) !== word.codePointAt(0)) return 0;
    let end = -1;
    for (let j = at + 1; j <= after.length && end < 0; j++) {
      if (!goesOn(j) && normalizeName(after.slice(at, j)) === normalizeName(word)) end = j;
    }
    if (end < 0) return 0;
    at = end;
  }
  return at;
}

describe('restOfName', () => {
  it('takes in the words after a reference that finish the label', () => {
    assert.equal(restOfName('Xi', 'Xi Jinping', ' Jinping said'), ' Jinping'.length);
    assert.equal(restOfName('Vladimir', 'Vladimir Putin', '  putin.'), '  putin'.length);
    assert.equal(restOfName('Xi', 'Xi Jinping', ' Jinpings'), 0, 'a longer word is not the name');
    assert.equal(restOfName('Russia', 'Russia', ' said'), 0, 'a one-word label');
    assert.equal(restOfName('Xi Jinping', 'Xi Jinping', ' said'), 0, 'no words left');
    assert.equal(restOfName('Collective Security', 'Collective  Security Treaty Organization', ' Treaty Organization met'), ' Treaty Organization'.length);
    // As names match: accents, decomposed letters and case; a full stop after the name stays out.
    assert.equal(restOfName('Cell', 'Cell Zürich', ' Zu\u0308rich said'), ' Zu\u0308rich'.length);
    assert.equal(restOfName('Cell', 'Cell Zürich', ' Zurich. Next'), ' Zurich'.length);
    assert.equal(restOfName('Cell', 'Cell Zürich', ' ZÜRICH'), ' ZÜRICH'.length);
    assert.equal(restOfName('Cell', 'Cell Zürich', ' Zu\u0308richs'), 0, 'a longer word is not the name');
    assert.equal(restOfName('Xi', 'Xi Jinping', ' -Jinping'), 0, 'a dash before the word is not the word');
    assert.equal(restOfName('Xi', 'Xi Jinping', ' Zinping'), 0, 'another first letter');
    // A no-break space or a hyphen between words is a gap as a space is (names fold them alike).
    assert.equal(restOfName('Xi', 'Xi Jinping', '\u00a0Jinping said'), 8);
    assert.equal(restOfName('Karshi', 'Karshi-Khanabad Air Base', ' Khanabad Air Base was'), ' Khanabad Air Base'.length);
    assert.equal(restOfName('Karshi-Khanabad', 'Karshi-Khanabad Air Base', ' Air Base was'), ' Air Base'.length);
    assert.equal(restOfName('Georgia', 'Georgia U.S.', ' U.S. said'), ' U.S.'.length, 'an abbreviation keeps its last dot');
    // A word of a hostile KB's length is compared as written only, in linear time.
    const long = 'a'.repeat(40_000);
    assert.equal(restOfName('Xi', `Xi ${long}`, ` ${long.toUpperCase()} said`), 40_001);
    assert.equal(restOfName('Xi', `Xi ${long}`, ` ${'a'.repeat(100_000)}`), 0);
  });

  it('answers as the reading that splits both names into words, on any text', () => {
    const piece = fc.constantFrom('Xi', 'xi', 'Jinping', 'JINPING', 'Putin', '-', '–', '.', 'é', 'e\u0301', 'E', '\u0301', '(', ' ', '  ', '\t', '\u00a0', '\n', 'said', '');
    const text = fc.array(piece, { maxLength: 7 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, text, (written, label, after) => {
        assert.equal(restOfName(written, label, after), byWords(written, label, after), JSON.stringify({ written, label, after }));
      }),
      { numRuns: 3000, ...(seed !== undefined ? { seed } : {}) },
    );
  });
});

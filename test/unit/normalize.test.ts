/**
 * Name normalisation (spec §3.3). Plain ASCII names take a one-pass path; these tests hold it to
 * the definition written as the chain of replacements the general path applies.
 */
import * as assert from 'assert';
import { normalizeName } from '../../server/src/core/normalize';
import { prng } from '../helpers/prng';

/** §3.3 for ASCII, step by step. */
function definition(name: string): string {
  return name
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[\s_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

describe('name normalisation', () => {
  const cases: [string, string][] = [
    ['CSTO', 'csto'],
    ['U.S.', 'us'],
    ['Xi Jinping', 'xi-jinping'],
    ['201st_Military  Base', '201st-military-base'],
    ['ostmir-offensive', 'ostmir-offensive'],
    ['-a.-b-', 'a-b'],
    ['Zürich', 'zurich'],
    ['ETH Zürich', 'eth-zurich'],
    ['Asia–Pacific', 'asia-pacific'],
    // Hyphens and dashes that word processors and PDFs write in a name's place (README).
    ['Joint Western\u20112021', 'joint-western-2021'],
    ['Joint Western\u20102021', 'joint-western-2021'],
    ['Joint Western\u22122021', 'joint-western-2021'],
    ['Asia \u2012\u2015 Pacific', 'asia-pacific'],
    // Accents and optional vowel points are folded; a Brahmic vowel sign or virama is spelling.
    ['Ёлка Жұмабек', 'елка-жұмабек'],
    ['مُحَمَّد', 'محمد'],
    ['भारत', 'भारत'],
    ['भरत', 'भरत'],
    ['पाकिस्तान', 'पाकिस्तान'],
    ['রাজশাহী', 'রাজশাহী'],
    ['e\u0301', 'e'],
    ['People’s Republic', "people's-republic"],
    ['Oʻzbekiston', "o'zbekiston"],
    ['‘Night’ Watch', "'night'-watch"],
    ['', ''],
    ['...', ''],
  ];
  for (const [name, normal] of cases) {
    it(`${JSON.stringify(name)} → ${JSON.stringify(normal)}`, () => assert.strictEqual(normalizeName(name), normal));
  }

  it('the one-pass ASCII path equals the definition on random names of letters, digits, dots and separators', () => {
    const random = prng(31);
    const alphabet = 'aAzZ09.-_ \t\n\r\f\v';
    for (let i = 0; i < 50000; i++) {
      const name = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      assert.strictEqual(normalizeName(name), definition(name), JSON.stringify(name));
    }
  });

  it('a normal form is its own normal form', () => {
    const random = prng(32);
    const alphabet = 'aAü.-_ –\u2011\u2212भािर्';
    for (let i = 0; i < 20000; i++) {
      const normal = normalizeName(Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
      assert.strictEqual(normalizeName(normal), normal, JSON.stringify(normal));
    }
  });
});

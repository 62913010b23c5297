/**
 * The parser finds bracket names and the `claim:` keyword by hand, code unit by code unit, so that
 * a line costs no intermediate strings. These tests hold both to the rules written with the
 * built-in string functions (spec §3.2, §3.5), on random lines.
 */
import * as assert from 'assert';
import { parseBrief } from '../../server/src/core/parser';
import { claimKeyword } from '../../server/src/core/claimLine';
import { prng } from '../helpers/prng';

function randomLine(random: () => number, alphabet: readonly string[], longest: number): string {
  return Array.from({ length: 1 + Math.floor(random() * longest) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

describe('inline scanner: names of bracket references', () => {
  it('reads the text between `@[` and `]` without the white space `trim` removes, at its columns', () => {
    const random = prng(7);
    // White space of every kind `trim` knows about, beside letters, brackets and a comment.
    const alphabet = [' @[', ' @[', '@[', ']', ']', 'a', 'Z', 'ü', ' ', ' ', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u000b', 'x y', '%%', '\u0301', '\u26a0\ufe0f'];
    let references = 0;
    for (let n = 0; n < 20000; n++) {
      const line = randomLine(random, alphabet, 12);
      const got = parseBrief(`x\n${line}`).references.map((r) => `${r.start}-${r.end}:${r.nameStart}-${r.nameEnd}:${r.name}`);
      // The rule: from each `@[` not glued to a word, the first `]` closes it unless a `%%` comes
      // first; the name is the text between, trimmed, and nothing when that is empty.
      const want: string[] = [];
      const comment = line.indexOf('%%');
      const scanEnd = comment < 0 ? line.length : comment;
      for (let i = line.indexOf('@['); i >= 0 && i < scanEnd; i = line.indexOf('@[', i)) {
        if (/[\p{L}\p{N}_@](?:(?![\uFE0F\u20E3])\p{M})*$/u.test(line.slice(0, i))) {
          i++;
          continue;
        }
        const close = line.indexOf(']', i + 2);
        if (close < 0 || close > scanEnd) break;
        const raw = line.slice(i + 2, close);
        const name = raw.trim();
        const nameStart = i + 2 + (raw.length - raw.trimStart().length);
        if (name !== '') want.push(`${i}-${close + 1}:${nameStart}-${nameStart + name.length}:${name}`);
        i = close + 1;
      }
      assert.deepStrictEqual(got, want, JSON.stringify(line));
      references += want.length;
    }
    assert.ok(references > 1000, `only ${references} bracket references in the random lines`);
  });
});

describe('parser: the claim keyword', () => {
  it('is found after indentation, quote and list markers (a list marker with a task box) in any order, in any case, as a regular expression finds it', () => {
    const random = prng(11);
    const alphabet = [' ', '\t', '>', '>', '-', '*', '+', '1', '23', '.', ')', '[ ]', '[x]', '[X]', '[', ']', 'claim:', 'CLAIM:', 'Claim:', 'cLaIm:', 'claim', ':', 'c', 'x', 'İ', 'ı', '\u00a0'];
    const rule = /^[ \t]*(?:>[ \t]*|(?:[-*+]|[0-9]+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)*(?=claim:)/i;
    let claims = 0;
    for (let n = 0; n < 50000; n++) {
      const line = randomLine(random, alphabet, 8);
      const end = Math.floor(random() * (line.length + 1));
      const m = rule.exec(line.slice(0, end));
      const want = m ? m[0].length : -1;
      assert.strictEqual(claimKeyword(line, end), want, `${JSON.stringify(line)} up to ${end}`);
      if (want >= 0) claims++;
    }
    assert.ok(claims > 1000, `only ${claims} claim keywords in the random lines`);
  });
});

describe('lines with a U+2028 or U+2029 inside', () => {
  // The editor shows them as characters of the line (only \n, \r and \r\n break lines there).
  it('a heading keeps them in its text', () => {
    const headings = parseBrief('# Head\u2028ing\n## Two\u2029parts\n').headings.map((h) => h.text);
    assert.deepStrictEqual(headings, ['Head\u2028ing', 'Two\u2029parts']);
  });

  it('a directive is read to the end of its line', () => {
    const { directives } = parseBrief('%% brief-disable-next-line unknown-reference -- a note\u2028that wraps\n@Nobody\n');
    assert.strictEqual(directives.length, 1);
  });
});

/**
 * Globs from files anyone may hand Brief (`kb:` entries, `.gitignore` lines, command-line
 * arguments): never a throw, never a long match, and the same answers whichever way a glob is
 * matched (a regular expression, or the table glob.ts falls back to for many `*`).
 */
import { strict as assert } from 'assert';
import { globByTable, globToRegExp } from '../../server/src/core/glob';
import { parseGitignore } from '../../server/src/core/ignore';
import { prng } from '../helpers/prng';

describe('globs', () => {
  it('a class that is no class ([z-a]) is text, not a thrown SyntaxError', () => {
    assert.equal(globToRegExp('kb/[z-a].yaml').test('kb/[z-a].yaml'), true);
    assert.equal(globToRegExp('kb/[z-a].yaml').test('kb/b.yaml'), false);
    assert.equal(globToRegExp('kb/[a-z].yaml').test('kb/b.yaml'), true);
    assert.equal(parseGitignore('[z-a]\n')('notes/x.brief'), false);
  });

  it('many * in a segment: answered at once, where a regular expression would backtrack for minutes', () => {
    const long = 'a'.repeat(200);
    assert.equal(globToRegExp('*a*a*a*a*a*a*b').test(long), false);
    assert.equal(globToRegExp('*a*a*a*a*a*a*b').test(`${long}b`), true);
    assert.equal(globToRegExp(`kb/*a*a*a*a*b.yaml`).test(`kb/${long}.yaml`), false);
    assert.equal(parseGitignore('*a*a*a*a*a*a*b\n')(`d/${long}.brief`), false);
    assert.equal(parseGitignore('*a*a*a*a*a*a*b\n')(`d/${long}b`), true);
    // `**` crosses segments: as many of them backtrack as much.
    assert.equal(globToRegExp('**a**a**a**a**a**b').test(`${long}/${long}`), false);
    assert.equal(globToRegExp('**/a/**/a/**/a/**/b').test(`${'a/'.repeat(100)}c`), false);
    assert.equal(globToRegExp('**/a/**/a/**/a/**/b').test('x/a/y/a/a/z/b'), true);
  });

  it('the table answers as the regular expression does, on random globs and paths', () => {
    const random = prng(20261207);
    const pick = (s: string) => s[Math.floor(random() * s.length)];
    const parts = ['*', '**', '**/', '?', 'a', 'b', '/', '[ab]', '[!a]', '.'];
    for (let i = 0; i < 5000; i++) {
      const glob = Array.from({ length: 1 + Math.floor(random() * 7) }, () => parts[Math.floor(random() * parts.length)]).join('');
      const path = Array.from({ length: Math.floor(random() * 10) }, () => pick('ab/.c')).join('');
      const reference = new RegExp(globToRegExp(glob) instanceof RegExp ? (globToRegExp(glob) as RegExp).source : '(?!)');
      if (!(globToRegExp(glob) instanceof RegExp)) continue;
      assert.equal(globByTable(glob).test(path), reference.test(path), `${glob} on ${path}`);
    }
  });
});

/**
 * The inline scanner reads `@Name` with hand-written ASCII checks and falls back on regular
 * expressions beyond ASCII. This test holds it to the rule written with the regular expressions
 * alone (spec §3.2: a name starts with a letter or digit and goes on with letters, digits, marks,
 * `_`, `.` and `-`, a trailing `.` or `-` being punctuation; an `@` glued to a letter, digit, `_`
 * or `@`, with or without combining marks on it, starts nothing), on random lines mixing ASCII, accents, combining marks and astral letters.
 */
import * as assert from 'assert';
import { parseBrief } from '../../server/src/core/parser';
import { prng } from '../helpers/prng';

const NAME_START = /[\p{L}\p{N}]/uy;
const NAME_REST = /[\p{L}\p{N}\p{M}_.\-]*/uy;
/** Text ending in a letter, digit, `_` or `@`, and the combining marks that belong to it. */
const GLUED = /[\p{L}\p{N}_@](?:(?![\uFE0F\u20E3])\p{M})*$/u;

/** The short references of a line without code, comments, citations or escapes, by the rule. */
function expected(line: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '@') {
      i++;
      continue;
    }
    NAME_START.lastIndex = i + 1;
    if (GLUED.test(line.slice(0, i))) {
      i++;
      continue;
    }
    if (!NAME_START.test(line)) {
      i++;
      continue;
    }
    NAME_REST.lastIndex = NAME_START.lastIndex;
    NAME_REST.test(line);
    let end = NAME_REST.lastIndex;
    while (end > i + 1 && (line[end - 1] === '.' || line[end - 1] === '-')) end--;
    found.push(`${i}:${line.slice(i + 1, end)}`);
    i = end;
  }
  return found;
}

describe('inline scanner: names of short references', () => {
  it('reads the names the regular-expression rule reads, at the same columns', () => {
    const random = prng(41);
    const alphabet = ['a', 'Z', '7', '_', '.', '-', ' ', ',', "'", '@', '@', '@', 'ü', 'é', '\u0308', '中', '\u{1D400}', '\u{1F600}', '\u00a0', '\uD800', '\u26a0\ufe0f', '\u2139\ufe0f', '1\ufe0f\u20e3', '\ufe0e'];
    let references = 0;
    for (let n = 0; n < 20000; n++) {
      const line = Array.from({ length: 1 + Math.floor(random() * 16) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const got = parseBrief(`x\n${line}`).references.map((r) => `${r.range.start.character}:${r.name}`);
      const want = expected(line);
      assert.deepStrictEqual(got, want, JSON.stringify(line));
      references += want.length;
    }
    assert.ok(references > 2000, `only ${references} references in the random lines`);
  });
});

/** Line splitting, as LSP counts lines: `\r\n`, `\n` and a lone `\r` each end one. */
import * as assert from 'assert';
import { splitLines } from '../../server/src/core/text';
import { prng } from '../helpers/prng';

/** The definition: split on the three line ends, each line starting after its predecessor's end. */
function definition(text: string): { start: number; text: string }[] {
  const lines: { start: number; text: string }[] = [];
  const ends = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = ends.exec(text); m; m = ends.exec(text)) {
    lines.push({ start, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
  }
  lines.push({ start, text: text.slice(start) });
  return lines;
}

describe('line splitting', () => {
  it('equals the definition with and without carriage returns (the native search and the loop)', () => {
    const random = prng(51);
    for (const alphabet of ['ab\n', 'ab\n\r', '\n\r', 'a\u2028\n']) {
      for (let i = 0; i < 5000; i++) {
        const text = Array.from({ length: Math.floor(random() * 20) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        const lines = definition(text);
        assert.deepStrictEqual(splitLines(text), { starts: lines.map((l) => l.start), texts: lines.map((l) => l.text) }, JSON.stringify(text));
      }
    }
  });
});

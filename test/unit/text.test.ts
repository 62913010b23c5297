/** Line splitting, as LSP counts lines: `\r\n`, `\n` and a lone `\r` each end one. */
import * as assert from 'assert';
import * as v8 from 'v8';
import * as vm from 'vm';
import { copyString, splitLines } from '../../server/src/core/text';
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

describe('copyString', () => {
  it('copies any text exactly, astral characters and lone surrogates included', () => {
    const random = prng(24);
    const units = ['a', 'Ğ', '\ud83d\ude00', '\ud83d', '\ude00', ' ', '\u0000', 'й'];
    for (let i = 0; i < 2000; i++) {
      let text = '';
      for (let n = Math.floor(random() * 40); n > 0; n--) text += units[Math.floor(random() * units.length)];
      assert.strictEqual(copyString(text), text);
    }
  });

  it('keeps a slice without the string it was cut from', () => {
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc') as () => void;
    v8.setFlagsFromString('--no-expose-gc');
    // The document is made and dropped in a function of its own: a frame still running may hold it in a register.
    const cut = (copy: (slice: string) => string): string => copy(`${'x'.repeat(32 << 20)}Tajikistan and the CSTO`.slice(32 << 20));
    const heldAfter = (copy: (slice: string) => string): number => {
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      const kept = cut(copy);
      collectGarbage();
      assert.strictEqual(kept, 'Tajikistan and the CSTO');
      return process.memoryUsage().heapUsed - before;
    };
    // The slice itself keeps its 32 MiB parent, which shows that the measure can see it.
    assert.ok(heldAfter((slice) => slice) > 16 << 20);
    assert.ok(heldAfter(copyString) < 1 << 20, 'copyString kept the document');
  });
});

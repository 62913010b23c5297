/**
 * Incremental reparsing: after any sequence of edits, `reparseText` gives exactly the tree a
 * fresh parse of the same text gives. Seeded random edits over a realistic brief.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseText, reparseText, type ParsedText } from '../../server/src/core/parser';
import { REPO_ROOT } from '../helpers/memoryWorkspace';
import { prng } from '../helpers/prng';

const FRAGMENTS = ['---', '``', '~~~', 'a', ' ', '@', '@[', ']', '[^', 'carlson-2021:p7', 'claim: ', 'not ', 'member-of', '%%', ' brief-disable', '`', '```', '\n', '#', '- ', '---', 'é', '😀', '@Tajikstan', '@[Xi Jinping]'];

describe('incremental reparsing', () => {
  const base = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'long.brief'), 'utf8');

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`equals a fresh parse after 300 random edits (seed ${seed})`, () => {
      const next = prng(seed);
      let text = base;
      let parsed: ParsedText = parseText(text);
      for (let step = 0; step < 300; step++) {
        const at = Math.floor(next() * (text.length + 1));
        const kind = next();
        if (kind < 0.6) {
          // Typing inside a line: mostly same-line edits, the path reparseText takes.
          const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
          text = text.slice(0, at) + (fragment === '\n' && next() < 0.8 ? 'x' : fragment) + text.slice(at);
        } else if (kind < 0.9) {
          const end = Math.min(text.length, at + Math.floor(next() * 4));
          if (!text.slice(at, end).includes('\n') || next() < 0.2) text = text.slice(0, at) + text.slice(end);
        } else {
          const lineStart = text.lastIndexOf('\n', at - 1) + 1;
          text = text.slice(0, lineStart) + FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] + text.slice(lineStart);
        }
        parsed = reparseText(parsed, text);
        if (step % 10 === 0 || step === 299) assert.deepEqual(parsed.syntax, parseText(text).syntax, `after step ${step}`);
      }
    });
  }

  it('reuses the previous tree when nothing changed and when a prose line changed', () => {
    const first = parseText(base);
    assert.equal(reparseText(first, base).syntax, first.syntax);
    const edited = base.replace('@Xinjiang', '@Xinjiank');
    const second = reparseText(first, edited);
    assert.deepEqual(second.syntax, parseText(edited).syntax);
    // Items on untouched lines are the same objects: nothing was scanned again there.
    assert.equal(second.syntax.references[0], first.syntax.references[0]);
  });
});

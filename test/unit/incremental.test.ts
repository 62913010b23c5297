/**
 * Incremental reparsing: after any sequence of edits, `reparseText` gives exactly the tree a
 * fresh parse of the same text gives. Seeded random edits over a realistic brief.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseText, reparseText, type ParsedText } from '../../server/src/core/parser';
import { loadProject } from '../../server/src/core/project';
import { validateBrief } from '../../server/src/core/validation';
import { addFolder, MemoryWorkspace, REPO_ROOT } from '../helpers/memoryWorkspace';
import { prng } from '../helpers/prng';

const FRAGMENTS = ['---', '``', '~~~', 'a', ' ', '@', '@[', ']', '[^', 'carlson-2021:p7', 'claim: ', 'not ', 'member-of', '%%', ' brief-disable', '`', '```', '\n', '#', '- ', '---', 'é', '😀', '@Tajikstan', '@[Xi Jinping]', '\r', '\r\n'];

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

  for (const seed of [6, 7]) {
    it(`validates edited trees exactly like fresh ones after 300 random edits (seed ${seed})`, async () => {
      const ws = new MemoryWorkspace();
      addFolder(ws, 'data', '/data');
      const { project } = await loadProject(ws, { bundledDataDir: '/data', trusted: true });
      const check = (parsed: ParsedText) => validateBrief(parsed.syntax, project.resolver.kb, project.resolver, project.severities);
      const next = prng(seed);
      let text = base;
      let parsed: ParsedText = parseText(text);
      check(parsed);
      let problems = 0;
      for (let step = 0; step < 300; step++) {
        // Same-line typing, some of it in directives and claims, which change other lines' fate.
        const at = Math.floor(next() * (text.length + 1));
        const fragment = [...FRAGMENTS, ' brief-disable-next-line unknown-reference', ' brief-enable', 'memberof', '[^nope]'][Math.floor(next() * (FRAGMENTS.length + 4))];
        text = next() < 0.7 ? text.slice(0, at) + (fragment === '\n' ? 'q' : fragment) + text.slice(at) : text.slice(0, at) + text.slice(Math.min(text.length, at + 3));
        parsed = reparseText(parsed, text);
        const incremental = check(parsed);
        problems += incremental.length;
        assert.deepEqual(incremental, check(parseText(text)), `after step ${step}`);
      }
      assert.ok(problems > 300, 'the edits produced too few problems to test anything');
    });
  }

  const MIXED: { name: string; before: string; after: string }[] = [
    { name: 'an edit that joins a lone \\r and a \\n into one line break', before: '# H\n@Russia\rX\n@Tajikstan here\n', after: '# H\n@Russia\r\n@Tajikstan here\n' },
    { name: 'an edit that splits a \\r\\n into two line breaks', before: '# H\n@Russia\r\n@Tajikstan\n', after: '# H\n@Russia\r@CSTO\n@Tajikstan\n' },
  ];
  for (const c of MIXED) {
    it(`equals a fresh parse after ${c.name}`, () => {
      const edited = reparseText(parseText(c.before), c.after);
      const fresh = parseText(c.after);
      assert.deepEqual(edited.starts, fresh.starts, 'line starts');
      assert.deepEqual(edited.syntax, fresh.syntax);
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

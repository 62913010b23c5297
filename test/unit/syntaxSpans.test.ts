/**
 * References, citations, claims and headings hold their line and columns and make their ranges
 * when asked (syntax.ts); `spanAt` finds the reference or citation at a position by binary search. Both are held to the
 * plain definitions: the ranges the columns describe, and a scan of both whole lists (the item
 * whose range holds the character at the position, else one whose range ends there), at every
 * position of seeded briefs (adjacent references, a citation glued to a reference, citations
 * with and without paragraphs, several items a line, lines without any).
 */
import { strict as assert } from 'assert';
import { parseBrief } from '../../server/src/core/parser';
import { referenceAt, spanAt, type Citation, type EntityReference } from '../../server/src/core/syntax';
import { comparePositions, lineRange } from '../../server/src/core/text';
import { prng } from '../helpers/prng';

const PIECES = ['@CSTO', '@[Xi Jinping]', '@[A]@[B]', '@Russia[^carlson-2021:p7]', '[^carlson-2021]@CSTO', '@Russia.', '[^carlson-2021]', '[^carlson-2021:p7]', '[^carlson-2021:p7-p9]', '[^x:]', 'word', ' ', ', ', '`@code`', 'mail@example.org'];

function randomBrief(seed: number): string {
  const random = prng(seed);
  return Array.from({ length: 60 }, () => Array.from({ length: Math.floor(random() * 8) }, () => PIECES[Math.floor(random() * PIECES.length)]).join('')).join('\n');
}

describe('references and citations as numbers', () => {
  it('make the ranges their columns describe', () => {
    const text = 'See @CSTO, @[Xi Jinping] and [^carlson-2021:p7-p9] or [^carlson-2021].';
    const at = (part: string) => text.indexOf(part);
    const syntax = parseBrief(text);
    const [csto, xi] = syntax.references as EntityReference[];
    assert.deepEqual([csto.range, csto.nameRange], [lineRange(0, at('@CSTO'), at(',')), lineRange(0, at('CSTO'), at(','))]);
    assert.deepEqual([xi.range, xi.nameRange], [lineRange(0, at('@['), at('] and') + 1), lineRange(0, at('Xi'), at('] and'))]);
    const [span, whole] = syntax.citations as Citation[];
    const spanAtText = at('[^carlson-2021:');
    assert.deepEqual(
      [span.range, span.sourceRange, span.paragraphsRange, span.paragraphs],
      [lineRange(0, spanAtText, at('] or') + 1), lineRange(0, spanAtText + 2, at(':p7')), lineRange(0, at('p7-p9'), at('] or')), 'p7-p9'],
    );
    const wholeAt = text.lastIndexOf('[^');
    assert.deepEqual([whole.range, whole.sourceRange, whole.paragraphsRange, whole.paragraphs], [lineRange(0, wholeAt, text.length - 1), lineRange(0, wholeAt + 2, text.length - 2), undefined, undefined]);
  });

  it('claims and headings make the ranges of their lines', () => {
    const text = '## Security outlook\n- claim: @Uzbekistan not member-of @CSTO [^carlson-2021:p7]  ';
    const syntax = parseBrief(text);
    const [heading] = syntax.headings;
    assert.deepEqual([heading.level, heading.text, heading.range], [2, 'Security outlook', lineRange(0, 0, '## Security outlook'.length)]);
    const [claim] = syntax.claims;
    const line = text.split('\n')[1];
    assert.deepEqual(
      [claim.keywordRange, claim.predicateRange, claim.range, claim.negated, claim.citations.map((c) => c.sourceId)],
      [lineRange(1, 2, 8), lineRange(1, line.indexOf('member-of'), line.indexOf(' @CSTO')), lineRange(1, 2, line.trimEnd().length), true, ['carlson-2021']],
    );
  });

  it('are found at a position as a scan of the whole list finds them', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = randomBrief(seed);
      const syntax = parseBrief(text);
      assert.ok(syntax.references.length > 20 && syntax.citations.length > 5, 'the brief has items to find');
      text.split('\n').forEach((line, l) => {
        for (let character = 0; character <= line.length + 1; character++) {
          const position = { line: l, character };
          const all = [...syntax.references, ...syntax.citations];
          const holds = all.find((s) => comparePositions(s.range.start, position) <= 0 && comparePositions(position, s.range.end) < 0);
          const expected = holds ?? all.find((s) => comparePositions(s.range.end, position) === 0);
          assert.equal(spanAt(syntax, position), expected, `span at ${l}:${character} of seed ${seed}`);
          assert.equal(referenceAt(syntax, position), syntax.references.find((r) => r === expected), `reference at ${l}:${character} of seed ${seed}`);
        }
      });
    }
  });
});

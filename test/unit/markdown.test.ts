/**
 * Markdown from KB text, and its plain text for clients that show no Markdown: whatever a KB
 * file holds, the plain text of its escaped form is the text itself (line breaks as spaces).
 */
import { strict as assert } from 'assert';
import { codeSpan, escapeMarkdown, markdownToPlainText } from '../../server/src/core/markdown';
import { prng } from '../helpers/prng';

/** Characters Markdown, HTML and URL auto-linking give a meaning to, and ordinary ones. */
const ALPHABET = ['a', 'Z', ' ', 'é', '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '+', '-', '.', '!', '|', '~', '>', '=', '&', '<', ':', '/', 'h', 't', 'p', 's', ';', '0'];

function randomText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

describe('Markdown as plain text', () => {
  it('gives back the text of any escaped KB text and of any code span', () => {
    const random = prng(20261206);
    for (let n = 0; n < 2000; n++) {
      const text = randomText(random, 1 + Math.floor(random() * 30));
      const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
      assert.equal(markdownToPlainText(escapeMarkdown(text)), flat, JSON.stringify(text));
      assert.equal(markdownToPlainText(codeSpan(text)), flat, `code span of ${JSON.stringify(text)}`);
      assert.equal(markdownToPlainText(`**${escapeMarkdown(text)}** ${codeSpan(text)} _x_`), `${flat} ${flat} x`, `mixed ${JSON.stringify(text)}`);
    }
  });

  it("drops emphasis and keeps quotes and list markers: a hover's text reads as written", () => {
    assert.equal(
      markdownToPlainText(`**Unknown entity** ${codeSpan('@Tajik_stan')}. Did you mean **${escapeMarkdown('Tajikistan')}**?`),
      'Unknown entity @Tajik_stan. Did you mean Tajikistan?',
    );
    assert.equal(markdownToPlainText(`**${escapeMarkdown('CSTO')}** · _organization_\n\n> “${escapeMarkdown('a six-member grouping')}” — ¶p7`), 'CSTO · organization\n\n> “a six-member grouping” — ¶p7');
    assert.equal(markdownToPlainText(`- ${escapeMarkdown('Kant (town)')} (place)`), '- Kant (town) (place)');
  });
});

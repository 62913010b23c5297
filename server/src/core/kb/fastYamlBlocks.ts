/**
 * Block scalars for the simple YAML reader (fastYaml.ts): the `summary: >-` with its text on the
 * lines below that KB files are written with (the bundled KB's style). Only the plain case is
 * read — `>` or `|`, with `-` or nothing after it, then lines all indented alike, with no blank
 * line, tab or trailing space among them, and a line break after the last — with the value and
 * range `yaml` gives it; anything else is left to `yaml` (UNSUPPORTED).
 */
import { ownCopy, SimpleScalar, UNSUPPORTED } from './fastYamlNodes';

/**
 * The block scalar whose header (`>`, `>-`, `|` or `|-`) is at `at`, the value of a key at column
 * `indent`; `end` is just past the line break of its last line.
 */
export function blockScalar(text: string, at: number, indent: number): { node: SimpleScalar; end: number } {
  const folded = text.charCodeAt(at) === 62; /* > */
  let i = at + 1;
  const strip = text.charCodeAt(i) === 45; /* - */
  if (strip) i++;
  if (text.charCodeAt(i) !== 10) throw UNSUPPORTED; // keep (+), an indentation digit, a comment, a CR
  const lines: string[] = [];
  let lineStart = i + 1;
  let column = -1;
  for (;;) {
    let s = lineStart;
    while (text.charCodeAt(s) === 32) s++;
    const eol = text.indexOf('\n', s);
    const blank = s >= text.length || text.charCodeAt(s) === 10;
    if (column < 0) {
      // The first line sets the block's indentation; an empty block is not read here.
      if (blank || s - lineStart <= indent) throw UNSUPPORTED;
      column = s - lineStart;
    } else if (blank && s > lineStart) {
      throw UNSUPPORTED; // spaces on a blank line after the block: `yaml` may count it in
    } else if (blank || s - lineStart < column) break;
    if (s - lineStart > column || eol < 0) throw UNSUPPORTED; // a more-indented line; no line break after the last
    const line = text.slice(s, eol);
    if (line.includes('\t') || line.endsWith(' ')) throw UNSUPPORTED;
    lines.push(line);
    lineStart = eol + 1;
    if (lineStart >= text.length) break;
  }
  const value = lines.join(folded ? ' ' : '\n') + (strip ? '' : '\n');
  return { node: new SimpleScalar(ownCopy(value), [at, lineStart, lineStart], folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL'), end: lineStart };
}

/**
 * Markdown escaping for text that comes from KB files. A KB file may come from someone else:
 * its summary must not be able to render a link, an image, a `command:` URI or HTML in a hover.
 */

/** Escapes every character that Markdown or HTML would give a meaning to. */
export function escapeMarkdown(text: string): string {
  return text
    // One paragraph: a line break could start a heading (`===` below a line), a list or a quote.
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~>=]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    // Bare URLs are auto-linked by some renderers; break the scheme so they stay text.
    .replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/|[^\s])/gi, '$1&#58;');
}

/**
 * A Markdown code span showing `text` as written. Escapes do not work inside code spans, so the
 * fence is one backtick longer than the longest run in the text; line breaks become spaces.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

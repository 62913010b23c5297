/**
 * Markdown escaping for text that comes from KB files. A KB file may come from someone else:
 * its summary must not be able to render a link, an image, a `command:` URI or HTML in a hover.
 */

/** Escapes every character that Markdown or HTML would give a meaning to. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    // Bare URLs are auto-linked by some renderers; break the scheme so they stay text.
    .replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/|[^\s])/gi, '$1&#58;');
}

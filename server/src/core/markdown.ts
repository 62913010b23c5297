/**
 * Markdown escaping for text that comes from KB files. A KB file may come from someone else:
 * its summary must not be able to render a link, an image, a `command:` URI or HTML in a hover.
 */

/**
 * Escapes every character that Markdown or HTML would give a meaning to. A hover card escapes
 * ten or so KB texts and a completion list fifty summaries: the passes that most texts do not
 * need (no line break, `&`, `<` or `:` in them) are skipped, which takes a third off.
 */
export function escapeMarkdown(text: string): string {
  let escaped = text;
  // One paragraph: a line break could start a heading (`===` below a line), a list or a quote.
  if (escaped.includes('\n') || escaped.includes('\r')) escaped = escaped.replace(/\s*[\r\n]+\s*/g, ' ');
  escaped = escaped.replace(/[\\`*_{}[\]()#+\-.!|~>=]/g, '\\$&');
  if (escaped.includes('&')) escaped = escaped.replace(/&/g, '&amp;');
  if (escaped.includes('<')) escaped = escaped.replace(/</g, '&lt;');
  // Bare URLs are auto-linked by some renderers; break the scheme so they stay text.
  if (escaped.includes(':')) escaped = escaped.replace(/\b([a-z][a-z0-9+.-]*):(?=\/\/|[^\s])/gi, '$1&#58;');
  return escaped;
}

/**
 * A Markdown code span showing `text` as written. Escapes do not work inside code spans, so the
 * fence is one backtick longer than the longest run in the text; line breaks become spaces.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // A renderer strips one space from each end when both ends have one (CommonMark): padding
  // keeps such text, and text that starts or ends with a backtick, as written.
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * The plain text of Markdown that Brief wrote (hovers, completion documentation), for a client
 * that shows only plain text (its `contentFormat` lists no `markdown`): code spans as written,
 * emphasis marks dropped (every literal `*` and `_` was escaped), escapes and entities undone.
 * Quote and list markers stay: they read well as text.
 */
export function markdownToPlainText(markdown: string): string {
  let plain = '';
  let i = 0;
  while (i < markdown.length) {
    const open = nextFence(markdown, i);
    const close = open ? closingFence(markdown, open.end, open.length) : -1;
    if (!open || close < 0) {
      plain += prose(markdown.slice(i));
      break;
    }
    plain += prose(markdown.slice(i, open.start));
    const code = markdown.slice(open.end, close);
    plain += code.length > 1 && code.startsWith(' ') && code.endsWith(' ') ? code.slice(1, -1) : code;
    i = close + open.length;
  }
  return plain;
}

function prose(text: string): string {
  return text
    .replace(/\\([\\`*_{}[\]()#+\-.!|~>=])|[*_]/g, (_, escaped: string | undefined) => escaped ?? '')
    .replace(/&#58;/g, ':')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');
}

/** The next run of backticks from `from` that is not escaped: a code span's opening fence. */
function nextFence(text: string, from: number): { start: number; end: number; length: number } | undefined {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m = runs.exec(text); m; m = runs.exec(text)) {
    let backslashes = 0;
    while (text[m.index - backslashes - 1] === '\\') backslashes++;
    if (backslashes % 2 === 0) return { start: m.index, end: m.index + m[0].length, length: m[0].length };
  }
  return undefined;
}

/** Where the next run of exactly `length` backticks starts, or -1. */
function closingFence(text: string, from: number, length: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m = runs.exec(text); m; m = runs.exec(text)) if (m[0].length === length) return m.index;
  return -1;
}

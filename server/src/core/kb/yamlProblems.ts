/**
 * The indentation slips an analyst makes in a KB or config file, in words, at the line at fault.
 * The `yaml` parser names what it could not build ("Nested mappings are not allowed in compact
 * mappings") and often where it noticed, a line before or after the slip; these read the lines
 * around that place and say what to change there. Anything else keeps the parser's own words.
 */
import { counted } from '../wording';

/** A parser error as `yaml` gives it: a code, a message, and offsets into the text. */
export interface ParserError {
  readonly code: string;
  readonly message: string;
  readonly pos: readonly [number, number];
}

/** What to tell the analyst, and the offsets to underline. */
export interface Explained {
  readonly message: string;
  readonly from: number;
  readonly to: number;
}

interface Line {
  readonly start: number;
  readonly text: string;
  /** Columns of white space before the first character that is not, after a `- ` if any. */
  readonly keyColumn: number;
  readonly key?: string;
}

export function explainYamlError(error: ParserError, text: string): Explained | undefined {
  const at = lineAt(text, error.pos[0]);
  switch (error.code) {
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // `name: A: B` — a second ": " in a value; or the line after is indented more than this key.
      const value = at.key ? at.text.slice(at.text.indexOf(':') + 1).trim() : '';
      if (at.key && /:\s/.test(value)) {
        return { message: `the value of '${at.key}' holds ': ': put it in quotes (${at.key}: "${value}")`, from: at.start + at.text.indexOf(value), to: at.start + at.text.length };
      }
      const next = nextLine(text, at);
      if (at.key && next && next.key && next.keyColumn > at.keyColumn) {
        return { message: `'${next.key}' is indented more than '${at.key}' on the line above: indent it by ${counted(at.keyColumn, 'space')}, as that key`, from: next.start, to: next.start + next.text.length };
      }
      return undefined;
    }
    case 'MISSING_CHAR':
    case 'BAD_INDENT': {
      if (error.code === 'MISSING_CHAR' && !/without - indicator/.test(error.message)) return undefined;
      if (/Flow (map|sequence)/.test(error.message)) return undefined;
      if (/sequence items/.test(error.message)) return misalignedItem(text, at);
      const above = previousKeyLine(text, at);
      if (!at.key || !above) return undefined;
      return {
        message: `'${at.key}' is not lined up with '${above.key}' on line ${lineNumber(text, above.start)}: indent it by ${counted(above.keyColumn, 'space')}, as that key (it has ${at.keyColumn})`,
        from: at.start,
        to: at.start + at.text.length,
      };
    }
    case 'UNEXPECTED_TOKEN': {
      // `summary: 'it's a group.'`: the quoted value ends at the quote inside it.
      const quoted = /:\s*(['"])/.exec(at.text);
      if (!quoted || error.pos[0] <= at.start + quoted.index) return undefined;
      const q = quoted[1];
      const fix = q === "'" ? "write it twice ('it''s'), or quote the value with \" instead" : "write it as \\\", or quote the value with ' instead";
      return { message: `the value in ${q} quotes ends at the ${q} inside it: ${fix}`, from: at.start + quoted.index + quoted[0].length - 1, to: at.start + at.text.length };
    }
    case 'MULTILINE_IMPLICIT_KEY': {
      // A line that is neither `key: value` nor a list item: usually the colon is missing.
      if (at.text.includes(':') || at.text.trim().startsWith('-')) return undefined;
      return { message: `this line has no ':' between a key and its value`, from: at.start + at.keyColumn, to: at.start + at.text.length };
    }
    default:
      return undefined;
  }
}

/** A `- ` list item not under the items before it. */
function misalignedItem(text: string, at: Line): Explained | undefined {
  const dash = (line: string) => /^([ ]*)- /.exec(line)?.[1].length;
  const column = dash(at.text);
  if (column === undefined) return undefined;
  let end = at.start - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const above = dash(text.slice(start, end).replace(/\r$/, ''));
    if (above !== undefined && above !== column) {
      return { message: `this list item is not lined up with the one on line ${lineNumber(text, start)}: put its '-' at column ${above + 1}, as there (it is at ${column + 1})`, from: at.start, to: at.start + at.text.length };
    }
    if (above !== undefined) return undefined;
    end = start - 1;
  }
  return undefined;
}

function lineAt(text: string, offset: number): Line {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return describe(text, start, end < 0 ? text.length : end);
}

function describe(text: string, start: number, end: number): Line {
  const line = text.slice(start, end).replace(/\r$/, '');
  const m = /^([ ]*(?:-[ ]+)?)([^\s:#][^:#]*?)\s*:(?:\s|$)/.exec(line);
  const keyColumn = m ? m[1].length : line.length - line.trimStart().length;
  return { start, text: line, keyColumn, key: m?.[2] };
}

/** The next line that holds something, or undefined at the end. */
function nextLine(text: string, line: Line): Line | undefined {
  let start = line.start + line.text.length;
  while (start < text.length) {
    start = text.indexOf('\n', start) + 1;
    if (start === 0) return undefined;
    const end = text.indexOf('\n', start);
    const next = describe(text, start, end < 0 ? text.length : end);
    if (next.text.trim() !== '' && !next.text.trim().startsWith('#')) return next;
    start = end < 0 ? text.length : end;
  }
  return undefined;
}

/** The nearest line above that holds a key, or undefined. */
function previousKeyLine(text: string, line: Line): Line | undefined {
  let end = line.start - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const above = describe(text, start, end);
    if (above.key) return above;
    end = start - 1;
  }
  return undefined;
}

function lineNumber(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A fast reader for the plain YAML that KB files are written in, building nodes with the same
 * values and ranges as the nodes `yaml.parseDocument` builds for such text.
 *
 * `yaml` reads about a megabyte a second here (lexer, CST, composer, a node per token); a KB of
 * 100,000 entities is 60 MB. This reader handles the subset the KB schema needs, line by line:
 *
 *   - block mappings with plain keys (`id: …`) and block sequences (`- …`), indented by spaces;
 *   - on one line: plain scalars, "double-quoted" (JSON escapes) and 'single-quoted' scalars,
 *     flow mappings `{ k: v, … }` and flow sequences `[a, "b"]`;
 *   - comments at the end of a line, comment lines before the content and in column 0 after
 *     it, blank lines;
 *   - block scalars `>`, `>-`, `|`, `|-` after a key, in their plain form (fastYamlBlocks.ts).
 *
 * Anything else — other comment lines after the first key, tabs, CR, control characters,
 * anchors, aliases, tags, other block scalars, a value over several lines, a plain scalar that
 * would resolve to anything but a string, a decimal integer, a boolean or null, an
 * indentation-less sequence, a syntax error, a second document —
 * makes it give up (return undefined), and the caller parses with `yaml`: the fast path never has
 * to be right about YAML it does not fully understand. test/unit/fastYaml.test.ts compares both
 * parsers on generated text.
 */
import { ownCopy, SimpleMap, SimplePair, SimpleScalar, SimpleSeq, Unsupported, UNSUPPORTED, type Range3, type SimpleNode } from './fastYamlNodes';
import { blockScalar } from './fastYamlBlocks';

/** Characters that make the whole text go to `yaml` (control characters, BOM, Unicode line breaks, CR, tab). */
const REFUSED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** A key as the schema writes it; words that would resolve to null or a boolean are refused below. */
const KEY_CHAR = /[A-Za-z0-9_-]/;

/** The root mapping of `text`, or undefined when `text` is not in the subset. */
export function parseSimpleYaml(text: string): SimpleMap | undefined {
  if (REFUSED_CHARACTERS.test(text)) return undefined;
  try {
    return new SimpleReader(text).document();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    // A stack overflow on absurd nesting, or a bug: `yaml` then reads the file, and reports.
    return undefined;
  }
}

/** True when from `from` (a line start) to the end there are only blank lines and comment lines starting in column 0. */
function onlyTrailer(text: string, from: number): boolean {
  let lineStart = from;
  while (lineStart < text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    if (text.charCodeAt(lineStart) !== 35) {
      for (let i = lineStart; i < end; i++) if (text.charCodeAt(i) !== 32) return false;
    }
    lineStart = end + 1;
  }
  return true;
}

/** True when the last value in the tree (the deepest last item) is an empty one. */
function endsEmpty(node: SimpleNode): boolean {
  for (;;) {
    if (node instanceof SimpleScalar) return node.range[0] === node.range[1];
    const last = node.items[node.items.length - 1];
    if (last === undefined) return false;
    node = last instanceof SimplePair ? last.value : last;
  }
}

class SimpleReader {
  /** Whether a content line has been read (comment lines after that are refused). */
  private started = false;
  /** Whether the text ends with comment lines after its content. */
  private trailer = false;

  constructor(private readonly text: string) {}

  document(): SimpleMap {
    const first = this.nextContentLine(0);
    if (first.start >= this.text.length || first.indent !== 0) throw UNSUPPORTED;
    const { map, next } = this.blockMap(first.start, 0);
    if (next.start < this.text.length) throw UNSUPPORTED; // content after the root mapping
    // Before a trailer, a last value left empty makes `yaml` stretch its parents over the comments.
    if (this.trailer && endsEmpty(map)) throw UNSUPPORTED;
    return map;
  }

  /**
   * The next line at or after `from` (a line start) that holds something other than spaces or
   * a comment: its start offset and indentation; `start` is the text's length at the end.
   */
  private nextContentLine(from: number): { start: number; indent: number } {
    const text = this.text;
    let lineStart = from;
    while (lineStart < text.length) {
      let i = lineStart;
      while (text.charCodeAt(i) === 32) i++;
      const c = text.charCodeAt(i);
      if (i < text.length && c !== 10 && c !== 35 /* # */) {
        // A document marker or directive at column 0 is no content this reader knows.
        if (i === lineStart && (c === 37 /* % */ || text.startsWith('---', i) || text.startsWith('...', i))) throw UNSUPPORTED;
        this.started = true;
        return { start: lineStart, indent: i - lineStart };
      }
      // `yaml` extends the ranges of some nodes over the comment lines after them, by rules of
      // indentation not worth copying: comment lines are read only before the first content,
      // and at the very end in column 0 (a trailer such as a generator's stamp), where they
      // belong to the document and no node's range changes.
      if (c === 35 && this.started) {
        if (i === lineStart && onlyTrailer(text, lineStart)) {
          this.trailer = true;
          return { start: text.length, indent: 0 };
        }
        throw UNSUPPORTED;
      }
      const end = text.indexOf('\n', i);
      if (end < 0) return { start: text.length, indent: 0 };
      lineStart = end + 1;
    }
    return { start: text.length, indent: 0 };
  }

  /** A block mapping whose first key starts at `at`, at column `indent`. */
  private blockMap(at: number, indent: number): { map: SimpleMap; next: { start: number; indent: number } } {
    const map = new SimpleMap();
    let keyStart = at;
    let end = at;
    for (;;) {
      const keyEnd = this.keyEnd(keyStart);
      if (keyEnd < 0) throw UNSUPPORTED;
      const key = this.scalar(this.text.slice(keyStart, keyEnd), [keyStart, keyEnd, keyEnd]);
      if (typeof key.value !== 'string') throw UNSUPPORTED;
      const { node, next } = this.valueAfterColon(keyEnd + 1, indent);
      map.items.push(new SimplePair(key, node));
      end = node.range[2];
      if (next.start >= this.text.length || next.indent < indent) return { map: withRange(map, [at, end, end]), next };
      if (next.indent > indent) throw UNSUPPORTED;
      keyStart = next.start + indent;
      if (this.text.charCodeAt(keyStart) === 45 /* - */) throw UNSUPPORTED; // an indentation-less sequence, or an error
    }
  }

  /** A block sequence whose first `-` is at `at`, at column `indent`. */
  private blockSeq(at: number, indent: number): { seq: SimpleSeq; next: { start: number; indent: number } } {
    const seq = new SimpleSeq();
    const text = this.text;
    let dash = at;
    let end = at;
    for (;;) {
      if (text.charCodeAt(dash + 1) !== 32) throw UNSUPPORTED; // `-` alone or `-x`
      let itemStart = dash + 1;
      while (text.charCodeAt(itemStart) === 32) itemStart++;
      const lineStart = dash - indent;
      let item: SimpleNode;
      let next: { start: number; indent: number };
      const c = text.charCodeAt(itemStart);
      if (itemStart >= text.length || c === 10 || c === 35 || c === 45 /* - */) throw UNSUPPORTED; // empty item, comment, nested sequence
      if (this.keyEnd(itemStart) >= 0) {
        // A compact mapping: `- id: x` with its other keys at the column of `id`.
        const r = this.blockMap(itemStart, itemStart - lineStart);
        item = r.map;
        next = r.next;
      } else {
        const r = this.inlineValueToLineEnd(itemStart);
        item = r.node;
        next = this.nextContentLine(r.lineEnd);
        if (next.start < text.length && next.indent > indent) throw UNSUPPORTED; // a continuation line
      }
      seq.items.push(item);
      end = item.range[2];
      if (next.start >= text.length || next.indent < indent) return { seq: withRange(seq, [at, end, end]), next };
      if (next.indent > indent) throw UNSUPPORTED;
      dash = next.start + indent;
      if (text.charCodeAt(dash) !== 45) throw UNSUPPORTED; // a key at the column of the dashes: an error
    }
  }

  /**
   * The value after `key:` (`from` is just past the colon) in a mapping at column `indent`: on
   * the same line, on the lines below (a nested block collection), or nothing (null).
   */
  private valueAfterColon(from: number, indent: number): { node: SimpleNode; next: { start: number; indent: number } } {
    const text = this.text;
    let i = from;
    while (text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (i < text.length && c !== 10 && !(c === 35 && i > from)) {
      if (c === 62 /* > */ || c === 124 /* | */) {
        const r = blockScalar(text, i, indent);
        const next = this.nextContentLine(r.end);
        if (next.start < text.length && next.indent > indent) throw UNSUPPORTED; // the block went on after a blank line
        return { node: r.node, next };
      }
      const r = this.inlineValueToLineEnd(i);
      const next = this.nextContentLine(r.lineEnd);
      if (next.start < text.length && next.indent > indent) throw UNSUPPORTED; // a continuation line
      return { node: r.node, next };
    }
    if (c === 35) throw UNSUPPORTED; // `key: # comment`: where `yaml` puts the empty value is not worth copying
    const eol = text.indexOf('\n', i);
    const next = this.nextContentLine(eol < 0 ? text.length : eol + 1);
    if (next.start < text.length && next.indent > indent) {
      const at = next.start + next.indent;
      if (text.charCodeAt(at) === 45 /* - */) {
        const r = this.blockSeq(at, next.indent);
        return { node: r.seq, next: r.next };
      }
      const r = this.blockMap(at, next.indent);
      return { node: r.map, next: r.next };
    }
    // An empty value: `yaml` places the null scalar just after the colon and its spaces.
    return { node: new SimpleScalar(null, [i, i, i]), next };
  }

  /** Where a plain key starting at `at` ends, when `at` starts `key:` followed by a space or a line end; else -1. */
  private keyEnd(at: number): number {
    const text = this.text;
    let i = at;
    while (i < text.length && KEY_CHAR.test(text[i])) i++;
    if (i === at || text.charCodeAt(i) !== 58 /* : */) return -1;
    const after = text.charCodeAt(i + 1);
    return i + 1 >= text.length || after === 32 || after === 10 ? i : -1;
  }

  /**
   * A value written on one line, starting at `at`, then optional spaces and a comment up to the
   * line's end: the node (its `range[2]` past the line break, as `yaml` has it) and the next line.
   */
  private inlineValueToLineEnd(at: number): { node: SimpleNode; lineEnd: number } {
    const text = this.text;
    const { node, end } = this.inlineValue(at, false);
    let i = end;
    while (text.charCodeAt(i) === 32) i++;
    if (i < text.length && text.charCodeAt(i) !== 10) {
      if (text.charCodeAt(i) !== 35 || i === end) throw UNSUPPORTED; // more after the value
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
    }
    const lineEnd = i < text.length ? i + 1 : i;
    node.range[2] = lineEnd;
    return { node, lineEnd };
  }

  /** A scalar or flow collection starting at `at`, on one line; `end` is just past it. */
  private inlineValue(at: number, inFlow: boolean): { node: SimpleNode; end: number } {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 34 /* " */) return this.doubleQuoted(at);
    if (c === 39 /* ' */) return this.singleQuoted(at);
    if (c === 123 /* { */) return this.flowMap(at);
    if (c === 91 /* [ */) return this.flowSeq(at);
    return this.plain(at, inFlow);
  }

  private doubleQuoted(at: number): { node: SimpleNode; end: number } {
    const text = this.text;
    let i = at + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (i >= text.length || c === 10) throw UNSUPPORTED; // unclosed, or over several lines
      if (c === 34) break;
      if (c === 92 /* \ */) {
        // JSON's escapes mean the same in YAML; YAML's others (\x, \0, \N, \_, …) go to `yaml`.
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) throw UNSUPPORTED;
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === undefined || e === '') throw UNSUPPORTED;
        i += 2;
        continue;
      }
      i++;
    }
    const end = i + 1;
    const value = JSON.parse(text.slice(at, end)) as string;
    return { node: new SimpleScalar(value, [at, end, end]), end };
  }

  private singleQuoted(at: number): { node: SimpleNode; end: number } {
    const text = this.text;
    let i = at + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (i >= text.length || c === 10) throw UNSUPPORTED;
      if (c === 39) {
        if (text.charCodeAt(i + 1) === 39) {
          i += 2;
          continue;
        }
        break;
      }
      i++;
    }
    const end = i + 1;
    return { node: new SimpleScalar(ownCopy(text.slice(at + 1, i).replace(/''/g, "'")), [at, end, end]), end };
  }

  /** `{ key: value, … }` on one line. */
  private flowMap(at: number): { node: SimpleNode; end: number } {
    const text = this.text;
    const map = new SimpleMap();
    let i = this.skipSpaces(at + 1);
    if (text.charCodeAt(i) === 125 /* } */) return { node: withRange(map, [at, i + 1, i + 1]), end: i + 1 };
    for (;;) {
      const keyEnd = this.keyEnd(i);
      if (keyEnd < 0 || text.charCodeAt(keyEnd + 1) !== 32) throw UNSUPPORTED;
      const key = this.scalar(text.slice(i, keyEnd), [i, keyEnd, keyEnd]);
      if (typeof key.value !== 'string') throw UNSUPPORTED;
      const valueStart = this.skipSpaces(keyEnd + 1);
      const { node, end } = this.inlineValue(valueStart, true);
      map.items.push(new SimplePair(key, node));
      i = this.skipSpaces(end);
      node.range[2] = i;
      const c = text.charCodeAt(i);
      if (c === 125) return { node: withRange(map, [at, i + 1, i + 1]), end: i + 1 };
      if (c !== 44 /* , */) throw UNSUPPORTED;
      i = this.skipSpaces(i + 1);
      if (text.charCodeAt(i) === 125) throw UNSUPPORTED; // a trailing comma
    }
  }

  /** `[a, "b", …]` on one line. */
  private flowSeq(at: number): { node: SimpleNode; end: number } {
    const text = this.text;
    const seq = new SimpleSeq();
    let i = this.skipSpaces(at + 1);
    if (text.charCodeAt(i) === 93 /* ] */) return { node: withRange(seq, [at, i + 1, i + 1]), end: i + 1 };
    for (;;) {
      const { node, end } = this.inlineValue(i, true);
      seq.items.push(node);
      i = this.skipSpaces(end);
      node.range[2] = i;
      const c = text.charCodeAt(i);
      if (c === 93) return { node: withRange(seq, [at, i + 1, i + 1]), end: i + 1 };
      if (c !== 44) throw UNSUPPORTED;
      i = this.skipSpaces(i + 1);
      if (text.charCodeAt(i) === 93) throw UNSUPPORTED;
    }
  }

  /** A plain scalar: up to a comment, a `: `, the line's end, or (in flow) a `,`, `]` or `}`. */
  private plain(at: number, inFlow: boolean): { node: SimpleNode; end: number } {
    const text = this.text;
    const first = text[at];
    // Indicators that start something else (or an error): `-?:,[]{}#&*!|>'"%@` and the backquote.
    if (at >= text.length || '-?:,[]{}#&*!|>\'"%@` \n'.includes(first)) throw UNSUPPORTED;
    let i = at;
    let end = at; // just past the last non-space character
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (c === 32) {
        if (text.charCodeAt(i + 1) === 35) break; // ` #`: a comment
        continue;
      }
      if (c === 58 /* : */) {
        const after = text.charCodeAt(i + 1);
        if (i + 1 >= text.length || after === 32 || after === 10 || (inFlow && (after === 44 || after === 93 || after === 125 || after === 91 || after === 123))) throw UNSUPPORTED;
      }
      if (inFlow && (c === 44 || c === 93 || c === 125)) break;
      if (inFlow && (c === 91 || c === 123)) throw UNSUPPORTED;
      end = i + 1;
    }
    return { node: this.scalar(ownCopy(text.slice(at, end)), [at, end, end]), end };
  }

  /** A plain scalar's value under the YAML 1.2 core schema, for the cases this reader accepts. */
  private scalar(source: string, range: Range3): SimpleScalar {
    let value: unknown = source;
    if (source === '~' || source === 'null' || source === 'Null' || source === 'NULL') value = null;
    else if (source === 'true' || source === 'True' || source === 'TRUE') value = true;
    else if (source === 'false' || source === 'False' || source === 'FALSE') value = false;
    else {
      const c = source.charCodeAt(0);
      if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
        // Numbers: only plain decimal integers; dates stay strings (no timestamp in the core schema).
        // (`007` is left to the full parser, which keeps how a number was written.)
        if (/^(0|[1-9][0-9]{0,14})$/.test(source)) value = Number(source);
        else if (!/^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$/.test(source)) throw UNSUPPORTED;
      }
    }
    return new SimpleScalar(value, range);
  }

  private skipSpaces(i: number): number {
    while (this.text.charCodeAt(i) === 32) i++;
    return i;
  }
}

function withRange<T extends SimpleMap | SimpleSeq>(node: T, range: Range3): T {
  node.range = range;
  return node;
}

/**
 * Typed reading of a YAML file with exact ranges, for the KB and source loaders and the config.
 *
 * The loaders validate a schema; every problem must point at the offending key or value, so
 * they read `yaml` nodes, not plain objects, through this small cursor.
 */
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Node as YamlNode,
  type YAMLMap,
} from 'yaml';
import { DiagnosticSeverity, type Diagnostic, type Position, type Range } from 'vscode-languageserver-types';
import { parseSimpleYaml } from './fastYaml';
import { explainYamlError } from './yamlProblems';
import { SimpleMap, SimpleScalar, SimpleSeq, type SimpleNode } from './fastYamlNodes';
import { lineAtOffset } from '../text';
import { nearMiss, shown } from './nearMiss';

/** A node as `Field` reads it: from `yaml`, or from the simple reader (fastYaml.ts). */
export type AnyNode = YamlNode | SimpleNode;

const isMapNode = (node: unknown): node is YAMLMap | SimpleMap => node instanceof SimpleMap || isMap(node);
const isSeqNode = (node: unknown): node is { items: unknown[] } => node instanceof SimpleSeq || isSeq(node);
export const isScalarNode = (node: unknown): node is { value: unknown } => node instanceof SimpleScalar || isScalar(node);

/** One diagnostic code per kind of problem a data file can have (docs/diagnostics.md lists them). */
export type DataProblemCode =
  | 'kb-syntax'
  | 'kb-schema'
  | 'kb-duplicate-id'
  | 'kb-unknown-target'
  | 'kb-unknown-source'
  | 'kb-unknown-paragraph'
  | 'kb-quote-mismatch'
  | 'kb-id-clash'
  | 'kb-cycle'
  | 'config-syntax'
  | 'config-invalid-value'
  | 'unknown-rule'
  | 'kb-path-refused';

/** A YAML parser message in the analyst's words: the first line, without the parser's jargon. */
export function yamlProblemText(error: { code: string; message: string }): string {
  if (error.code === 'MULTIPLE_DOCS') return "the file holds more than one YAML document (remove the second '---').";
  if (/call stack/i.test(error.message)) return 'the YAML is nested too deeply to read.';
  return error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** A parsed YAML file plus everything wrong with it. */
export class YamlFile {
  readonly diagnostics: Diagnostic[] = [];
  /** The document as `yaml` parsed it; empty (no contents, no errors) when the simple reader read the file. */
  readonly doc: Document.Parsed;
  /** The root mapping, when the simple reader read the file. */
  private readonly simpleRoot?: SimpleMap;

  private lines?: LineIndex;

  /**
   * @param options.simple try the simple reader first (fastYaml.ts): the KB loaders ask for it,
   *   since KB files are large and plain; text it does not take goes to `yaml` as before
   */
  constructor(readonly uri: string, private readonly text: string, syntaxCode: DataProblemCode, options: { simple?: boolean } = {}) {
    // YAML 1.2 and editors count a lone `\r` as a line break, the `yaml` package does not. As a
    // `\n` it has the same length, so every offset stays that of the file as written.
    const yaml = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
    const simple = options.simple ? parseSimpleYaml(yaml) : undefined;
    if (simple) {
      this.simpleRoot = simple;
      this.doc = new Document() as Document.Parsed;
      return;
    }
    // Nodes are read one by one and aliases are never expanded, so an alias bomb stays small.
    // Duplicate keys are reported by `Field.map` with a set: the parser's own check is quadratic.
    this.doc = parseDocument(yaml, { prettyErrors: false, uniqueKeys: false });
    const [first] = this.doc.errors;
    if (first) {
      // One slip often cascades into hundreds of parser errors: the first one says what to fix.
      const more = this.doc.errors.length - 1;
      const unclosed = first.code === 'MISSING_CHAR' && /quote/.test(first.message) ? this.unclosedQuoteAt(first.pos[0]) : undefined;
      const explained = unclosed === undefined ? explainYamlError(first, yaml) : undefined;
      const text = unclosed !== undefined ? `the quoted value opened here is never closed (add its closing ${yaml[unclosed]})` : (explained?.message ?? yamlProblemText(first));
      const range = unclosed !== undefined ? this.rangeOf(unclosed, unclosed + 1) : explained ? this.rangeOf(explained.from, explained.to) : this.rangeOf(first.pos[0], first.pos[1]);
      this.report(syntaxCode, `YAML syntax error: ${text}${more > 0 ? ` (and ${more} more after it)` : ''}`, range);
    }
    for (const w of this.doc.warnings.slice(0, 20)) {
      this.report(syntaxCode, `YAML: ${yamlProblemText(w)}`, this.rangeOf(w.pos[0], w.pos[1]), DiagnosticSeverity.Warning);
    }
  }

  /**
   * Where the quoted value that runs on to `end` (the parser reports a missing closing quote at the
   * end of the file, far from the slip) was opened, or undefined when no such value is found.
   */
  private unclosedQuoteAt(end: number): number | undefined {
    let opened: number | undefined;
    visit(this.doc, {
      Scalar: (_key, node) => {
        const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
        if (quoted && node.range && node.range[1] >= end && opened === undefined) opened = node.range[0];
      },
    });
    return opened;
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
  }

  rangeOf(start: number, end: number): Range {
    // Our own line mapping, clamped to each line: the parser may point past the text or a line.
    this.lines ??= new LineIndex(this.text);
    return { start: this.lines.positionAt(start), end: this.lines.positionAt(Math.max(start, end)) };
  }

  /** The range of a node, or of the whole first line when the node is missing. */
  nodeRange(node: unknown): Range {
    const r = (node as YamlNode | null | undefined)?.range;
    return r ? this.rangeOf(r[0], r[1]) : this.rangeOf(0, 0);
  }

  report(code: DataProblemCode, message: string, range: Range, severity: DiagnosticSeverity = DiagnosticSeverity.Error): void {
    this.diagnostics.push({ range, message, severity, code, source: 'brief' });
  }

  /**
   * The top-level mapping, or undefined (reported) when the file is something else.
   * @param start how such a file starts (`entities:`), for the message on an empty file or a
   *   list written without its key
   */
  root(code: DataProblemCode, what: string, start?: string): YAMLMap | SimpleMap | undefined {
    if (this.simpleRoot) return this.simpleRoot;
    if (this.doc.errors.length > 0) return undefined;
    const c = this.doc.contents;
    if (isMap(c)) return c;
    const empty = c === null || (isScalar(c) && c.value === null);
    const message =
      empty && start
        ? `The file is empty: ${lowerFirst(what)} starts with '${start}'.`
        : isSeq(c) && start
          ? `${what} must be a YAML mapping, and this one is a list: put '${start}' on a line before it and indent the list under it.`
          : `${what} must be a YAML mapping.`;
    this.report(code, message, this.nodeRange(c));
    return undefined;
  }
}

/** A scalar, list or mapping value read from a node, with the file to report against. */
export class Field {
  private knownRange?: Range;

  /**
   * @param fallback where to report a missing node: a range, or the field that holds this one
   *   (its range is then computed only when a problem is reported)
   */
  constructor(
    readonly file: YamlFile,
    readonly node: AnyNode | null | undefined,
    readonly path: string,
    private readonly code: DataProblemCode,
    private readonly fallback?: Range | Field,
  ) {}

  get range(): Range {
    if (!this.knownRange) {
      const fallback = this.fallback instanceof Field ? this.fallback.range : this.fallback;
      this.knownRange = this.node ? this.file.nodeRange(this.node) : (fallback ?? this.file.rangeOf(0, 0));
    }
    return this.knownRange;
  }

  get present(): boolean {
    return this.node !== undefined && this.node !== null && !(isScalarNode(this.node) && this.node.value === null);
  }

  /** The key is written with nothing after it (`summary:`), or with an explicit null. */
  private get writtenEmpty(): boolean {
    return isScalarNode(this.node) && this.node.value === null;
  }

  /** 'is required.', or 'is empty.' when the key is there with no value: the analyst sees the key. */
  private missing(): string {
    return this.writtenEmpty ? 'is empty.' : 'is required.';
  }

  /** "must be a string", or, for a YAML alias (`*name`), that aliases are not followed. */
  private wrongType(expected: string): void {
    // Not expanded on purpose (an alias bomb stays small): the analyst writes the value out.
    if (isAlias(this.node)) this.problem(`is a YAML alias (*${this.node.source}), which KB and config files do not follow: write ${expected} out here.`);
    else this.problem(`must be ${expected}.`);
  }

  problem(message: string): void {
    this.file.report(this.code, this.path === '' ? capitalize(message) : `${this.path}: ${message}`, this.range);
  }

  /** A string (numbers are accepted as their text, e.g. `year: 2021`); undefined and reported otherwise. */
  /**
   * @param opts.suggest what a value that does not match `pattern` was probably meant to be
   *   (`grup` → group): said instead of `patternHint`
   */
  string(opts: { optional?: boolean; pattern?: RegExp; patternHint?: string; nonEmpty?: boolean; suggest?: (value: string) => string | undefined } = {}): string | undefined {
    if (!this.present) {
      if (!opts.optional) this.problem(this.missing());
      return undefined;
    }
    if (!isScalarNode(this.node) || (typeof this.node.value !== 'string' && typeof this.node.value !== 'number')) {
      this.wrongType('a string');
      return undefined;
    }
    // A number is taken as written (`1e3`, `0x1f`, `007`), not as the number YAML makes of it.
    const value = typeof this.node.value === 'number' ? ((this.node as { source?: string }).source ?? String(this.node.value)) : String(this.node.value);
    if (opts.nonEmpty && value.trim() === '') {
      this.problem('must not be empty.');
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      const near = opts.suggest?.(value);
      this.problem(`'${shown(value)}' is not valid${near !== undefined ? `: did you mean '${near}'?` : opts.patternHint ? `: ${opts.patternHint}` : '.'}`);
      return undefined;
    }
    return value;
  }

  boolean(defaultValue: boolean): boolean | undefined {
    if (!this.present) return defaultValue;
    if (isScalarNode(this.node) && typeof this.node.value === 'boolean') return this.node.value;
    this.problem('must be true or false.');
    return undefined;
  }

  number(): number | undefined {
    if (isScalarNode(this.node) && typeof this.node.value === 'number') return this.node.value;
    this.problem(this.present ? 'must be a number.' : this.missing());
    return undefined;
  }

  /** List items; an absent optional list is empty. */
  list(opts: { optional?: boolean } = {}): Field[] {
    if (!this.present) {
      if (!opts.optional) this.problem(this.missing());
      return [];
    }
    if (!isSeqNode(this.node)) {
      this.wrongType('a list');
      return [];
    }
    return this.node.items.map((item, i) => new Field(this.file, item as AnyNode, `${this.path}[${i}]`, this.code, this));
  }

  /** Whether the node is a list (an absent node is not). */
  get isList(): boolean {
    return isSeqNode(this.node);
  }

  /**
   * A mapping's field by key; `allowed` lists the keys the schema knows (others are reported).
   * An unknown key that is a slip of an allowed one the mapping lacks (`sumary:`) is reported
   * once, with the key it stands for, and stands in for it: its value is read as that key's, so
   * the analyst is not also told that `summary` is required.
   */
  map(allowed?: readonly string[]): ((key: string) => Field) | undefined {
    if (!isMapNode(this.node)) {
      this.wrongType('a mapping');
      return undefined;
    }
    const node = this.node;
    const items: readonly { key: unknown }[] = node.items;
    const keys = items.map((pair) => (isScalarNode(pair.key) ? String(pair.key.value) : String(pair.key)));
    // A set only for large mappings: most hold a handful of keys, where a scan is cheaper.
    const seen = keys.length > 16 ? new Set<string>() : undefined;
    keys.forEach((key, i) => {
      const twice = seen ? seen.has(key) : i > 0 && keys.lastIndexOf(key, i - 1) >= 0;
      if (twice) this.file.report(this.code, `${this.path === '' ? 'The' : `${this.path}: the`} key '${key}' appears twice.`, this.file.nodeRange(items[i].key));
      seen?.add(key);
    });
    let standIns: Map<string, AnyNode> | undefined;
    if (allowed) {
      keys.forEach((key, i) => {
        if (allowed.includes(key)) return;
        const unknown = `${this.path === '' ? 'Unknown' : `${this.path}: unknown`} key '${shown(key)}'`;
        const near = nearMiss(key, allowed);
        if (near !== undefined && !keys.includes(near) && !standIns?.has(near)) {
          (standIns ??= new Map()).set(near, (items[i] as { value?: unknown }).value as AnyNode);
          this.file.report(this.code, `${unknown}: did you mean '${near}'?`, this.file.nodeRange(items[i].key));
        } else {
          this.file.report(this.code, `${unknown} (expected ${allowed.join(', ')}).`, this.file.nodeRange(items[i].key));
        }
      });
    }
    const read = node instanceof SimpleMap ? (key: string) => node.get(key) : (key: string) => node.get(key, true) as YamlNode | undefined;
    const get = standIns ? (key: string) => read(key) ?? standIns?.get(key) : read;
    return (key: string) => new Field(this.file, get(key), this.path === '' ? key : `${this.path}.${key}`, this.code, this);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Offsets to positions, as `OffsetMapper` (text.ts) maps them — `\r\n`, `\n` and a lone `\r`
 * end a line, a position is clamped to its line — but from two arrays of numbers, without a
 * string per line: a KB file can have millions of lines.
 */
class LineIndex {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;

  constructor(text: string) {
    if (text.indexOf('\r') < 0) {
      // The common case, with the native search: a tenth of the time of a loop over characters.
      let count = 1;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
      this.starts = new Uint32Array(count);
      this.ends = new Uint32Array(count);
      let line = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        this.ends[line] = i;
        this.starts[++line] = i + 1;
      }
      this.ends[line] = text.length;
      return;
    }
    let count = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) count++;
      else if (c === 13) {
        count++;
        if (text.charCodeAt(i + 1) === 10) i++;
      }
    }
    this.starts = new Uint32Array(count);
    this.ends = new Uint32Array(count);
    let line = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        this.ends[line] = i;
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        this.starts[++line] = i + 1;
      }
    }
    this.ends[line] = text.length;
  }

  positionAt(offset: number): Position {
    const starts = this.starts;
    const lo = lineAtOffset(starts, offset);
    return { line: lo, character: Math.max(0, Math.min(offset - starts[lo], this.ends[lo] - starts[lo])) };
  }
}

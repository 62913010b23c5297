/**
 * Typed reading of a YAML file with exact ranges, for the KB and source loaders and the config.
 *
 * The loaders validate a schema; every problem must point at the offending key or value, so
 * they read `yaml` nodes, not plain objects, through this small cursor.
 */
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type YAMLMap,
} from 'yaml';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { OffsetMapper } from '../text';

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
  readonly doc: Document.Parsed;

  private mapper?: OffsetMapper;

  constructor(readonly uri: string, private readonly text: string, syntaxCode: DataProblemCode) {
    // Nodes are read one by one and aliases are never expanded, so an alias bomb stays small.
    // Duplicate keys are reported by `Field.map` with a set: the parser's own check is quadratic.
    this.doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
    const [first] = this.doc.errors;
    if (first) {
      // One slip often cascades into hundreds of parser errors: the first one says what to fix.
      const more = this.doc.errors.length - 1;
      this.report(syntaxCode, `YAML syntax error: ${yamlProblemText(first)}${more > 0 ? ` (and ${more} more after it)` : ''}`, this.rangeOf(first.pos[0], first.pos[1]));
    }
    for (const w of this.doc.warnings.slice(0, 20)) {
      this.report(syntaxCode, `YAML: ${yamlProblemText(w)}`, this.rangeOf(w.pos[0], w.pos[1]), DiagnosticSeverity.Warning);
    }
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === DiagnosticSeverity.Error);
  }

  rangeOf(start: number, end: number): Range {
    // Our own line mapping, clamped to each line: the parser may point past the text or a line.
    this.mapper ??= new OffsetMapper(this.text);
    return { start: this.mapper.positionAt(start), end: this.mapper.positionAt(Math.max(start, end)) };
  }

  /** The range of a node, or of the whole first line when the node is missing. */
  nodeRange(node: unknown): Range {
    const r = (node as YamlNode | null | undefined)?.range;
    return r ? this.rangeOf(r[0], r[1]) : this.rangeOf(0, 0);
  }

  report(code: DataProblemCode, message: string, range: Range, severity: DiagnosticSeverity = DiagnosticSeverity.Error): void {
    this.diagnostics.push({ range, message, severity, code, source: 'brief' });
  }

  /** The top-level mapping, or undefined (reported) when the file is something else. */
  root(code: DataProblemCode, what: string): YAMLMap | undefined {
    if (this.doc.errors.length > 0) return undefined;
    const c = this.doc.contents;
    if (isMap(c)) return c;
    this.report(code, `${what} must be a YAML mapping.`, this.nodeRange(c));
    return undefined;
  }
}

/** A scalar, list or mapping value read from a node, with the file to report against. */
export class Field {
  constructor(
    readonly file: YamlFile,
    readonly node: YamlNode | null | undefined,
    readonly path: string,
    private readonly code: DataProblemCode,
    private readonly fallbackRange?: Range,
  ) {}

  get range(): Range {
    return this.node ? this.file.nodeRange(this.node) : (this.fallbackRange ?? this.file.rangeOf(0, 0));
  }

  get present(): boolean {
    return this.node !== undefined && this.node !== null && !(isScalar(this.node) && this.node.value === null);
  }

  problem(message: string): void {
    this.file.report(this.code, this.path === '' ? capitalize(message) : `${this.path}: ${message}`, this.range);
  }

  /** A string (numbers are accepted as their text, e.g. `year: 2021`); undefined and reported otherwise. */
  string(opts: { optional?: boolean; pattern?: RegExp; patternHint?: string; nonEmpty?: boolean } = {}): string | undefined {
    if (!this.present) {
      if (!opts.optional) this.problem('is required.');
      return undefined;
    }
    if (!isScalar(this.node) || (typeof this.node.value !== 'string' && typeof this.node.value !== 'number')) {
      this.problem('must be a string.');
      return undefined;
    }
    const value = String(this.node.value);
    if (opts.nonEmpty && value.trim() === '') {
      this.problem('must not be empty.');
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.problem(`'${value}' is not valid${opts.patternHint ? `: ${opts.patternHint}` : '.'}`);
      return undefined;
    }
    return value;
  }

  boolean(defaultValue: boolean): boolean | undefined {
    if (!this.present) return defaultValue;
    if (isScalar(this.node) && typeof this.node.value === 'boolean') return this.node.value;
    this.problem('must be true or false.');
    return undefined;
  }

  number(): number | undefined {
    if (isScalar(this.node) && typeof this.node.value === 'number') return this.node.value;
    this.problem(this.present ? 'must be a number.' : 'is required.');
    return undefined;
  }

  /** List items; an absent optional list is empty. */
  list(opts: { optional?: boolean } = {}): Field[] {
    if (!this.present) {
      if (!opts.optional) this.problem('is required.');
      return [];
    }
    if (!isSeq(this.node)) {
      this.problem('must be a list.');
      return [];
    }
    return this.node.items.map((item, i) => new Field(this.file, item as YamlNode, `${this.path}[${i}]`, this.code, this.range));
  }

  /** A mapping's field by key; `allowed` lists the keys the schema knows (others are reported). */
  map(allowed?: readonly string[]): ((key: string) => Field) | undefined {
    if (!isMap(this.node)) {
      this.problem('must be a mapping.');
      return undefined;
    }
    const node = this.node;
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) this.file.report(this.code, `${this.path === '' ? 'The' : `${this.path}: the`} key '${key}' appears twice.`, this.file.nodeRange(pair.key));
      seen.add(key);
    }
    if (allowed) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!allowed.includes(key)) {
          this.file.report(this.code, `${this.path === '' ? 'Unknown' : `${this.path}: unknown`} key '${key}' (expected ${allowed.join(', ')}).`, this.file.nodeRange(pair.key));
        }
      }
    }
    return (key: string) => new Field(this.file, node.get(key, true) as YamlNode | undefined, this.path === '' ? key : `${this.path}.${key}`, this.code, this.range);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

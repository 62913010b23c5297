/**
 * The syntax tree of a brief (spec §3), as plain data (references, citations, claims and
 * headings as numbers, with their ranges made on demand).
 *
 * Every range is an LSP range: zero-based lines and UTF-16 columns, end exclusive. The parser
 * fills these types; every feature reads them and never re-scans the text.
 */
import type { Range } from 'vscode-languageserver-types';
import type { RuleCode } from './rules';
import type { BriefDiagnosticData } from './validation';
import type { Position } from 'vscode-languageserver-types';
import { itemsOnLine, lineRange } from './text';

/**
 * An `@Name` or `@[Name with spaces]` mention of a KB entity. A reference lies on one line and is
 * held as numbers, its ranges made when asked for: a brief of a megabyte has ten thousand
 * references, and three objects per range were half of its tree and of the garbage each parse
 * leaves for the collector (validating it took a quarter longer).
 */
export class EntityReference {
  constructor(
    /** The name as written, without `@`, `@[` and `]`. */
    readonly name: string,
    readonly form: 'short' | 'bracket',
    readonly line: number,
    /** Columns of the whole reference, `@` included (end exclusive). */
    readonly start: number,
    readonly end: number,
    /** Columns of just the name (inside the brackets for the bracket form). */
    readonly nameStart: number,
    readonly nameEnd: number,
  ) {}

  /** The whole reference, `@` included. */
  get range(): Range {
    return lineRange(this.line, this.start, this.end);
  }

  /** Just the name part (inside the brackets for the bracket form). */
  get nameRange(): Range {
    return lineRange(this.line, this.nameStart, this.nameEnd);
  }
}

/** A `[^source]`, `[^source:p3]` or `[^source:p3-p5]` citation, on one line, held as numbers like a reference. */
export class Citation {
  constructor(
    readonly sourceId: string,
    /** The paragraph part as written after `:` (e.g. `p3-p5`); undefined when the whole source is cited. */
    readonly paragraphs: string | undefined,
    readonly line: number,
    /** Columns of the whole citation, `[^` to `]` (end exclusive). */
    readonly start: number,
    readonly end: number,
    /** Where the source id ends (it starts after `[^`). */
    readonly sourceEnd: number,
  ) {}

  get range(): Range {
    return lineRange(this.line, this.start, this.end);
  }

  get sourceRange(): Range {
    return lineRange(this.line, this.start + 2, this.sourceEnd);
  }

  /** After the `:`, up to the `]`; undefined when the whole source is cited. */
  get paragraphsRange(): Range | undefined {
    return this.paragraphs === undefined ? undefined : lineRange(this.line, this.sourceEnd + 1, this.end - 1);
  }
}

/**
 * The reference or citation at `position`. Where two touch (`@Russia[^carlson-2021:p7]`), the
 * one whose first character is at the position: the editor hovers with the position of the
 * character under the mouse. Failing one whose characters include that character, one that ends
 * there, so that a cursor right after `@Russia` (at the end of a line, before a space) still
 * counts. Found by binary search on the cursor's line: no range is made for the others.
 */
export function spanAt(syntax: Pick<BriefSyntax, 'references' | 'citations'>, position: Position): EntityReference | Citation | undefined {
  const c = position.character;
  const onLine = [...itemsOnLine(syntax.references, position.line, (r) => r.line), ...itemsOnLine(syntax.citations, position.line, (r) => r.line)];
  return onLine.find((item) => item.start <= c && c < item.end) ?? onLine.find((item) => item.end === c);
}

/** The reference at `position`, as `spanAt` finds it: none when a citation is what is there. */
export function referenceAt(syntax: Pick<BriefSyntax, 'references' | 'citations'>, position: Position): EntityReference | undefined {
  const span = spanAt(syntax, position);
  return span instanceof EntityReference ? span : undefined;
}

/**
 * `claim: <subject> [not] <predicate> <object> …` (spec §3.5), on one line, held as numbers like
 * a reference: a megabyte brief has about 900 claims, and three ranges each were a third of what
 * a claim kept.
 */
export class Claim {
  constructor(
    readonly subject: EntityReference,
    readonly object: EntityReference,
    /** The predicate as written (may be unknown: the validator reports that). */
    readonly predicate: string,
    /** True when the claim says `not`. */
    readonly negated: boolean,
    /** Citations on the claim's line, in order. */
    readonly citations: readonly Citation[],
    readonly line: number,
    /** Columns where `claim:` and the predicate start, and where the line's content ends. */
    readonly start: number,
    readonly predicateStart: number,
    readonly end: number,
  ) {}

  /** The predicate as written. */
  get predicateRange(): Range {
    return lineRange(this.line, this.predicateStart, this.predicateStart + this.predicate.length);
  }

  /** The `claim:` keyword. */
  get keywordRange(): Range {
    return lineRange(this.line, this.start, this.start + 'claim:'.length);
  }

  /** From `claim:` to the end of the line's content. */
  get range(): Range {
    return lineRange(this.line, this.start, this.end);
  }
}

/** A heading of the outline, its line held as numbers like a reference. */
export class Heading {
  constructor(
    readonly level: number,
    readonly text: string,
    readonly line: number,
    /** The line's length: the heading's range is the whole line. */
    readonly length: number,
  ) {}

  get range(): Range {
    return lineRange(this.line, 0, this.length);
  }
}

/** A suppression directive in a `%%` comment (spec §3.6). */
export interface Directive {
  readonly kind: 'disable-next-line' | 'disable' | 'enable';
  /** Named rules; empty means every rule. */
  readonly rules: readonly { readonly name: string; readonly range: Range }[];
  readonly line: number;
  readonly range: Range;
}

/** A `%%` comment, directive or not. */
export interface Comment {
  readonly range: Range;
  readonly text: string;
}

/** One key of the front matter, with the ranges of its key and value. */
export interface FrontMatterEntry {
  readonly key: string;
  readonly value: unknown;
  readonly keyRange: Range;
  readonly valueRange: Range;
  /** For list values: the range of each item, in order. */
  readonly itemRanges: readonly Range[];
}

/** The YAML block between the opening and closing `---`. */
export interface FrontMatter {
  /** From the opening `---` to the closing one (or the whole document when unterminated). */
  readonly range: Range;
  readonly openingRange: Range;
  readonly terminated: boolean;
  readonly entries: readonly FrontMatterEntry[];
  /** Line of the first YAML line and of the closing `---` (exclusive end of the YAML). */
  readonly contentStartLine: number;
  readonly contentEndLine: number;
}

/** A problem the parser found on its own, without the KB. */
export interface SyntaxProblem {
  readonly code: RuleCode;
  readonly message: string;
  readonly range: Range;
  /** What a quick fix may use, as for the diagnostics validation finds itself. */
  readonly data?: BriefDiagnosticData;
}

/** A parsed brief: the tree plus syntax problems. Parsing never fails. */
export interface BriefSyntax {
  readonly lineCount: number;
  readonly frontMatter?: FrontMatter;
  readonly headings: readonly Heading[];
  readonly references: readonly EntityReference[];
  readonly citations: readonly Citation[];
  readonly claims: readonly Claim[];
  readonly comments: readonly Comment[];
  readonly directives: readonly Directive[];
  /** Fenced code blocks, fences included. */
  readonly codeBlocks: readonly Range[];
  /** Inline code spans. */
  readonly inlineCode: readonly Range[];
  /** Lines whose text starts with `claim:` (after a list marker or `> `), parsed or not. */
  readonly claimLines: readonly number[];
  readonly problems: readonly SyntaxProblem[];
}

/**
 * Front matter (spec §3.1): the YAML block between a first line `---` and the next `---`.
 *
 * Parsed with the `yaml` package; values are checked here against the key table. Whether a
 * `sources:` id exists is a KB question, answered by the validator.
 */
import { isMap, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import type { Range } from 'vscode-languageserver-types';
import type { FrontMatter, FrontMatterEntry, SyntaxProblem } from './syntax';
import { lineRange, OffsetMapper, range } from './text';
import { yamlProblemText } from './kb/yamlFile';
import { closest } from './resolver';

/** How many alias uses front matter may expand (yaml counts them, weighted by what they stand for); this many or more is refused. */
const MAX_ALIAS_USES = 100;

/** The keys spec §3.1 allows, with the values each accepts, as shown in completion and messages. */
export const FRONT_MATTER_KEYS: Readonly<Record<string, { description: string; values?: readonly string[] }>> = {
  title: { description: 'The brief\'s title (required when there is front matter).' },
  author: { description: 'The author, or a list of authors.' },
  date: { description: 'The date of the brief, YYYY-MM-DD.' },
  classification: {
    description: 'Traffic Light Protocol marking.',
    values: ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'],
  },
  confidence: { description: 'The analyst\'s confidence in the assessment.', values: ['low', 'moderate', 'high'] },
  tags: { description: 'A list of tags.' },
  sources: { description: 'A list of source ids from the knowledge base, e.g. carlson-2021.' },
};

/** What a key written in front matter means, or undefined when it is none of spec §3.1's (`constructor` too). */
export function frontMatterKey(name: string): (typeof FRONT_MATTER_KEYS)[string] | undefined {
  return Object.hasOwn(FRONT_MATTER_KEYS, name) ? FRONT_MATTER_KEYS[name] : undefined;
}

/** The largest front matter Brief reads, in UTF-16 code units. */
export const MAX_FRONT_MATTER = 64 * 1024;

export interface FrontMatterResult {
  readonly frontMatter?: FrontMatter;
  /** First line of the body. */
  readonly bodyStartLine: number;
  readonly problems: SyntaxProblem[];
}

/** Reads the front matter at the top of `lines` (the brief's lines), if the first line is exactly `---`. */
export function parseFrontMatter(lines: readonly string[]): FrontMatterResult {
  if (lines[0] !== '---') return { bodyStartLine: 0, problems: [] };
  const openingRange = lineRange(0, 0, 3);
  let close = -1;
  for (let l = 1; l < lines.length; l++) {
    if (lines[l] === '---') {
      close = l;
      break;
    }
  }
  if (close < 0) {
    return {
      bodyStartLine: 1,
      problems: [
        {
          code: 'front-matter-unterminated',
          message: "Front matter is not closed: add a line '---' after it. The rest of the file is read as the body.",
          range: openingRange,
        },
      ],
    };
  }
  const yamlLines = lines.slice(1, close);
  const problems: SyntaxProblem[] = [];
  const yaml = yamlLines.join('\n');
  // Real front matter is a few lines. The YAML parser's cost per item is large, so a huge block
  // is refused rather than parsed: the brief stays responsive whatever is pasted above its body.
  const entries = yaml.length > MAX_FRONT_MATTER ? [] : readEntries(yaml, 1, problems);
  if (yaml.length > MAX_FRONT_MATTER) {
    problems.push({
      code: 'front-matter-invalid-value',
      message: `Front matter is too large to read (${Math.round(yaml.length / 1024)} KiB; the limit is ${MAX_FRONT_MATTER / 1024} KiB).`,
      range: openingRange,
    });
  }
  const frontMatter: FrontMatter = {
    range: range(0, 0, close, 3),
    openingRange,
    terminated: true,
    entries,
    contentStartLine: 1,
    contentEndLine: close,
  };
  // A YAML syntax error says enough; checking the keys of half-parsed YAML would only add noise.
  if (problems.length === 0 && yaml.length <= MAX_FRONT_MATTER) checkValues(frontMatter, problems);
  return { frontMatter, bodyStartLine: close + 1, problems };
}

/**
 * A span an editor can show: the parser puts some errors at one point (an unclosed `[` at the end
 * of its line), which would be an invisible diagnostic. Such a point takes in its line's text
 * before it, or else the character after it.
 */
function visibleSpan(yaml: string, start: number, end: number): [number, number] {
  const [from, to] = pointSpan(yaml, start, end);
  // The parser counts UTF-16 units: a span of one may hold half of an emoji, which no editor can show.
  const low = (at: number) => at > 0 && at < yaml.length && /[\uDC00-\uDFFF]/.test(yaml[at]) && /[\uD800-\uDBFF]/.test(yaml[at - 1]);
  return [low(from) ? from - 1 : from, low(to) ? to + 1 : to];
}

function pointSpan(yaml: string, start: number, end: number): [number, number] {
  // The parser may point past the end of the text (an unclosed `[` on the last line).
  const from0 = Math.min(start, yaml.length);
  const to0 = Math.min(end, yaml.length);
  if (to0 > from0) return [from0, to0];
  // At the start of a line: the end of the line before.
  let to = from0;
  if (to === yaml.length || yaml[to - 1] === '\n' || yaml[to - 1] === '\r') while (to > 0 && (yaml[to - 1] === '\n' || yaml[to - 1] === '\r')) to--;
  let from = Math.max(yaml.lastIndexOf('\n', to - 1), yaml.lastIndexOf('\r', to - 1)) + 1;
  while (from < to && (yaml[from] === ' ' || yaml[from] === '\t')) from++;
  if (from < to) return [from, to];
  return from0 < yaml.length ? [from0, from0 + 1] : [Math.max(0, from0 - 1), from0];
}

/** Parses the YAML and lists its top-level keys with document ranges. */
function readEntries(yaml: string, firstLine: number, problems: SyntaxProblem[]): FrontMatterEntry[] {
  // Duplicate keys are found below with a set: the parser's own check is quadratic in the key count.
  // `logLevel: 'error'`: the parser's warnings (a key that is itself a mapping, say) would go to
  // the process's stderr, which is brief-lint's terminal; Brief reports what matters as diagnostics.
  const doc = parseDocument(yaml, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  // Our own line mapping, not the parser's: its line counter misses breaks it did not lex.
  const mapper = new OffsetMapper(yaml);
  const toRange = (start: number, end: number): Range => {
    const a = mapper.positionAt(start);
    const b = mapper.positionAt(Math.max(start, end));
    return range(firstLine + a.line, a.character, firstLine + b.line, b.character);
  };
  const [error] = doc.errors;
  if (error) {
    // The first error says what to fix; a deep or broken block can cascade into hundreds more.
    const more = doc.errors.length - 1;
    problems.push({
      code: 'front-matter-syntax',
      message: `Front matter is not valid YAML: ${yamlProblemText(error)}${more > 0 ? ` (and ${more} more after it)` : ''}`,
      range: toRange(...visibleSpan(yaml, error.pos[0], error.pos[1])),
    });
  }
  if (doc.errors.length > 0) return [];
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return [];
  if (!isMap(contents)) {
    problems.push({
      code: 'front-matter-invalid-value',
      message: 'Front matter must be a mapping of keys (title, author, date, …).',
      range: toRange(contents.range?.[0] ?? 0, contents.range?.[1] ?? 0),
    });
    return [];
  }
  const loop = aliasToItsOwnContainer(doc);
  if (loop) {
    // Its value would contain itself: no front matter value can mean that, and the tree stays plain data.
    problems.push({
      code: 'front-matter-invalid-value',
      message: `Front matter cannot be read: the alias '*${loop.source}' stands for a value that contains it.`,
      range: toRange(loop.range?.[0] ?? 0, loop.range?.[1] ?? 0),
    });
    return [];
  }
  let plainDoc: Record<string, unknown>;
  try {
    // The alias limit stops "billion laughs" front matter from expanding without bound.
    plainDoc = (doc.toJS({ maxAliasCount: MAX_ALIAS_USES }) ?? {}) as Record<string, unknown>;
  } catch (error) {
    const raw = (error as Error).message;
    // yaml's words for its limit speak of an attack; say what the analyst wrote instead.
    const why = /alias count/i.test(raw) ? `its aliases are used ${MAX_ALIAS_USES} times or more, more than front matter may expand` : raw;
    problems.push({
      code: 'front-matter-invalid-value',
      message: `Front matter cannot be read: ${why}.`,
      range: toRange(contents.range?.[0] ?? 0, contents.range?.[1] ?? 0),
    });
    return [];
  }
  const entries: FrontMatterEntry[] = [];
  const seen = new Set<string>();
  for (const pair of contents.items) {
    const key = pair.key as YamlNode | null;
    const value = pair.value as YamlNode | null;
    // A key that is not a scalar (`{ a }: 1`, `[a]: 1`, `? x`) is named as written, on one line.
    const keyText = isScalar(key) ? String(key.value) : key?.range ? yaml.slice(key.range[0], key.range[1]).replace(/\s+/g, ' ').trim() : String(key);
    const keyRange = toRange(key?.range?.[0] ?? 0, key?.range?.[1] ?? 0);
    if (seen.has(keyText)) {
      problems.push({ code: 'front-matter-syntax', message: `Front matter is not valid YAML: the key '${keyText}' appears twice.`, range: keyRange });
      continue;
    }
    seen.add(keyText);
    // An empty value (`title:`) has an empty range: the key is what the analyst sees.
    const valueRange = value?.range && value.range[1] > value.range[0] ? toRange(value.range[0], value.range[1]) : keyRange;
    const itemRanges = isSeq(value) ? value.items.map((item) => {
      const r = (item as YamlNode | null)?.range;
      return r ? toRange(r[0], r[1]) : valueRange;
    }) : [];
    entries.push({ key: keyText, value: plainDoc[keyText] ?? null, keyRange, valueRange, itemRanges });
  }
  return entries;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date in the form YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Checks each key and value against spec §3.1. */
function checkValues(fm: FrontMatter, problems: SyntaxProblem[]): void {
  const invalid = (entry: FrontMatterEntry, why: string) =>
    problems.push({ code: 'front-matter-invalid-value', message: `Invalid '${entry.key}': ${why}`, range: entry.valueRange });
  let hasTitle = false;
  // The known keys the front matter lacks, found once: per unknown key, a scan of every entry made
  // a front matter of thousands of unknown keys quadratic (32 KB took a second).
  const known = Object.keys(FRONT_MATTER_KEYS);
  const written = new Set(fm.entries.map((e) => e.key));
  const missing = known.filter((k) => !written.has(k));
  for (const entry of fm.entries) {
    const { key, value } = entry;
    switch (key) {
      case 'title':
        hasTitle = true;
        if (!isString(value) || value.trim() === '') invalid(entry, 'the title must be a non-empty string.');
        break;
      case 'author':
        if (!isString(value) && !isStringList(value)) invalid(entry, 'give a name or a list of names.');
        break;
      case 'date':
        if (!isString(value) || !isCalendarDate(value)) invalid(entry, 'give a real calendar date as YYYY-MM-DD.');
        break;
      case 'classification':
      case 'confidence': {
        const allowed = FRONT_MATTER_KEYS[key].values ?? [];
        if (!isString(value) || !allowed.includes(value)) invalid(entry, `use one of ${allowed.join(', ')}.`);
        break;
      }
      case 'tags':
      case 'sources':
        if (!isStringList(value)) invalid(entry, 'give a list of strings, e.g. [a, b].');
        break;
      default: {
        // A slip of a key the front matter lacks (`confidnce:`) is told the key, with a quick fix.
        const near = closest(key, missing);
        problems.push({
          code: 'front-matter-unknown-key',
          message: near ? `Unknown front matter key '${key}': did you mean '${near}'?` : `Unknown front matter key '${key}'. Known keys: ${known.join(', ')}.`,
          range: entry.keyRange,
          ...(near ? { data: { replacements: [near], written: key } } : {}),
        });
      }
    }
  }
  if (!hasTitle) {
    problems.push({
      code: 'front-matter-invalid-value',
      message: "Front matter needs a 'title'.",
      range: fm.openingRange,
    });
  }
}

/**
 * The first alias that names a node it lies inside (`&a` on a mapping, `*a` among its values),
 * found without expanding any alias. Anchors come before their aliases, so every cycle in the
 * expanded value has such an alias.
 */
function aliasToItsOwnContainer(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

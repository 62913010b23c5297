/**
 * Reads KB entity files and source files (spec §4) into model objects, reporting every schema
 * problem as a diagnostic on the file. Cross-file checks (duplicate ids, targets, quotes) happen
 * in `knowledgeBase.ts`, once every file is read.
 */
import { Field, isScalarNode, YamlFile } from './yamlFile';
import { KbLocation, type Entity, type EntityOrigin, type Evidence, type Fact, type Paragraph, type Relation, type Source } from './model';
import { ENTITY_KINDS, PREDICATES, type EntityKind } from '../kinds';
import { asId, nearMiss } from './nearMiss';
import { checkDateOrder, readDate } from './relationDates';
import { namesOnLines } from './namesOnLines';
import { DiagnosticSeverity } from 'vscode-languageserver-types';

/** A data file as text, with where it lives and who provided it. */
export interface DataFileInput {
  readonly uri: string;
  /** May be read from disk only when first asked for (project.ts `dataInput`). */
  readonly text: string;
  readonly origin: EntityOrigin;
  /** The file's stamp on disk, when the host gives one: a reading cache may go by it instead of the text. */
  readonly stamp?: string;
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const ENTITY_KEYS = ['id', 'kind', 'name', 'aliases', 'summary', 'identifiers', 'relations', 'facts'];
// Built once: a KB of 100,000 entities reads these a few hundred thousand times.
const KIND = new RegExp(`^(${ENTITY_KINDS.join('|')})$`);
const KIND_HINT = `use one of ${ENTITY_KINDS.join(', ')}`;
const PREDICATE = new RegExp(`^(${Object.keys(PREDICATES).join('|')})$`);
const PREDICATE_HINT = `use a predicate: ${Object.keys(PREDICATES).join(', ')}`;
const PREDICATE_NAMES = Object.keys(PREDICATES);
const ID_HINT = 'ids are lower-case words joined by "-", e.g. tajikistan';
const nearKind = (value: string) => nearMiss(value, ENTITY_KINDS);
const nearPredicate = (value: string) => nearMiss(value, PREDICATE_NAMES);
const nearId = (value: string) => {
  const id = asId(value);
  return id !== undefined && ID.test(id) ? id : undefined;
};
export const RELATION_KEYS = ['type', 'target', 'negated', 'since', 'until', 'evidence'];

/**
 * What an entity without aliases, identifiers, relations or facts holds: one frozen empty list
 * and object shared by all of them (most entities lack one part or another; a KB of 100,000
 * entities would otherwise allocate a few hundred thousand empty ones). The cache's decoder
 * (snapshot.ts) shares them too, so a cached reading is built like a fresh one.
 */
export const NONE: readonly never[] = Object.freeze([]);
export const NO_IDENTIFIERS: Entity['identifiers'] = Object.freeze({});

/** The entities of one KB file, and its diagnostics. */
export interface EntityFile {
  readonly file: YamlFile;
  /**
   * Every entry of the file, whole when the file has no error. In a file with errors, an entry
   * holds what of it could be read (an id, kind, name or summary that could not is empty, a
   * relation without its bad date, an evidence list without its bad items): the cross-file
   * checks still look at it, so that the analyst sees every problem at once, but such a file
   * is never merged into the KB.
   */
  readonly entities: Entity[];
  /** The ids, names and aliases written on entries that could not be read (a missing summary, a bad kind). */
  readonly rejectedNames: string[];
}

/**
 * The largest workspace KB file Brief reads. YAML parsing costs seconds per megabyte, and a
 * workspace file may come from anyone; Brief's own (bundled) data has no such limit.
 */
export const MAX_WORKSPACE_KB_FILE = 8 * 1024 * 1024;

/** Reads one `data/kb/*.yaml`-style file. */
export function readEntityFile(input: DataFileInput): EntityFile {
  if (input.origin === 'workspace' && input.text.length > MAX_WORKSPACE_KB_FILE) {
    const file = new YamlFile(input.uri, '', 'kb-syntax');
    const mib = (input.text.length / 1024 / 1024).toFixed(1);
    file.report('kb-schema', `This KB file is too large to read (${mib} MiB; the limit for workspace KB files is ${MAX_WORKSPACE_KB_FILE / 1024 / 1024} MiB). Split it into several files.`, file.rangeOf(0, 0));
    return { file, entities: [], rejectedNames: [] };
  }
  const file = new YamlFile(input.uri, input.text, 'kb-syntax', { simple: true });
  const root = file.root('kb-schema', 'A KB file', 'entities:');
  const entities: Entity[] = [];
  // A file the parser cannot read yields no entries: its names are read off its lines instead.
  const rejectedNames: string[] = file.diagnostics.some((d) => d.code === 'kb-syntax' && d.severity === DiagnosticSeverity.Error) ? namesOnLines(input.text) : [];
  if (!root) return { file, entities, rejectedNames };
  const top = new Field(file, root, '', 'kb-schema').map(['entities']);
  const list = top?.('entities').list() ?? [];
  list.forEach((item, i) => {
    const entity = readEntity(item, i, input.origin, rejectedNames);
    if (entity) entities.push(entity);
  });
  return { file, entities, rejectedNames };
}

/**
 * Reads one entity, as far as it can be read (see `EntityFile.entities`); one that cannot be
 * read whole also leaves the names written on it in `rejectedNames`.
 */
function readEntity(item: Field, index: number, origin: EntityOrigin, rejectedNames: string[]): Entity | undefined {
  const get = item.map(ENTITY_KEYS);
  if (!get) return undefined;
  const id = get('id').string({ pattern: ID, patternHint: ID_HINT, suggest: nearId });
  const label = id ? `entity '${id}'` : `entities[${index}]`;
  const at = (key: string) => new Field(item.file, get(key).node, `${label}.${key}`, 'kb-schema', item);
  const kind = at('kind').string({ pattern: KIND, patternHint: KIND_HINT, suggest: nearKind });
  const name = at('name').string({ nonEmpty: true });
  const summary = at('summary').string({ nonEmpty: true });
  const aliases = orNone(at('aliases').list({ optional: true }).map((a) => a.string({ nonEmpty: true })).filter(isDefined));
  const identifiers = readIdentifiers(at('identifiers'));
  const relations = orNone(at('relations').list({ optional: true }).map((r) => readRelation(r)).filter(isDefined));
  const facts = orNone(at('facts').list({ optional: true }).map((f) => readFact(f)).filter(isDefined));
  if (!id || !kind || !name || !summary) {
    // As written, valid or not (`id: Night Watch`): a brief that names it is told where it is.
    for (const key of ['id', 'name'] as const) {
      const node = get(key).node;
      if (isScalarNode(node) && typeof node.value === 'string') rejectedNames.push(node.value);
    }
    rejectedNames.push(...aliases);
  }
  const idField = get('id');
  return {
    id: id ?? '',
    kind: (kind ?? '') as EntityKind,
    name: name ?? '',
    aliases,
    summary: summary ?? '',
    identifiers,
    relations,
    facts,
    origin,
    location: new KbLocation(item.file.uri, idField.range.start.line, 0, idField.range.end.line, idField.range.end.character),
  };
}

function readIdentifiers(field: Field): Entity['identifiers'] {
  if (!field.present) return NO_IDENTIFIERS;
  const get = field.map(['iso2', 'iso3', 'wikidata']);
  if (!get) return NO_IDENTIFIERS;
  const iso2 = get('iso2').string({ optional: true, pattern: /^[A-Z]{2}$/, patternHint: 'ISO 3166-1 alpha-2, e.g. TJ' });
  const iso3 = get('iso3').string({ optional: true, pattern: /^[A-Z]{3}$/, patternHint: 'ISO 3166-1 alpha-3, e.g. TJK' });
  const wikidata = get('wikidata').string({ optional: true, pattern: /^Q[1-9]\d*$/, patternHint: 'a Wikidata Q-id, e.g. Q863' });
  if (!iso2 && !iso3 && !wikidata) return NO_IDENTIFIERS;
  return { ...(iso2 ? { iso2 } : {}), ...(iso3 ? { iso3 } : {}), ...(wikidata ? { wikidata } : {}) };
}

/**
 * Reads one relation, as far as it can be read: a type or target that could not be read is
 * empty, a bad date is left out, the evidence is the items that could be read. Each of those
 * is reported, so only a file with errors holds such a relation (see `EntityFile.entities`).
 */
function readRelation(field: Field): Relation | undefined {
  const get = field.map(RELATION_KEYS);
  if (!get) return undefined;
  const type = get('type').string({ pattern: PREDICATE, patternHint: PREDICATE_HINT, suggest: nearPredicate });
  // Any string: one that is no id (`Taliban`, a name) is an unknown target, which the
  // cross-file pass reports with the id meant.
  const target = get('target').string({ nonEmpty: true });
  const negated = get('negated').boolean(false);
  const since = readDate(get('since'));
  const untilField = get('until');
  const written = readDate(untilField);
  const until = checkDateOrder(since, written, untilField) ? written : undefined;
  const evidence = readEvidenceList(get('evidence'));
  return {
    type: type ?? '',
    target: target ?? '',
    negated: negated ?? false,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    evidence,
    location: KbLocation.of(field.file.uri, field.range),
  };
}

/** Reads one fact, as far as it can be read (as a relation is). */
function readFact(field: Field): Fact | undefined {
  const get = field.map(['text', 'evidence']);
  if (!get) return undefined;
  const text = get('text').string({ nonEmpty: true });
  const evidence = readEvidenceList(get('evidence'));
  return { text: text ?? '', evidence, location: KbLocation.of(field.file.uri, field.range) };
}

/** At least one `{source, paragraph, quote}` (a list without one is reported): the items that could be read. */
function readEvidenceList(field: Field): readonly Evidence[] {
  const items = field.list();
  // A list with no items; a mapping or a string has had its own message from `list`.
  if (field.isList && items.length === 0) field.problem('needs at least one evidence item.');
  const evidence: Evidence[] = [];
  for (const e of items) {
    const get = e.map(['source', 'paragraph', 'quote']);
    if (!get) continue;
    const source = get('source').string({ nonEmpty: true });
    const paragraph = get('paragraph').string({ nonEmpty: true });
    const quote = get('quote').string({ nonEmpty: true });
    if (source && paragraph && quote) evidence.push({ source, paragraph, quote, location: KbLocation.of(e.file.uri, e.range) });
  }
  return orNone(evidence);
}

/** Reads one `data/sources/<id>.yaml` file. */
export function readSourceFile(input: DataFileInput): { file: YamlFile; source?: Source } {
  const file = new YamlFile(input.uri, input.text, 'kb-syntax', { simple: true });
  const root = file.root('kb-schema', 'A source file');
  if (!root) return { file };
  const get = new Field(file, root, 'source', 'kb-schema').map(['id', 'title', 'author', 'publisher', 'year', 'paragraphs', 'captions']);
  if (!get) return { file };
  const id = get('id').string({ pattern: ID, patternHint: 'ids are lower-case words joined by "-", e.g. carlson-2021' });
  const title = get('title').string({ nonEmpty: true });
  const author = get('author').string({ nonEmpty: true });
  const publisher = get('publisher').string({ optional: true }) ?? '';
  const year = get('year').number();
  const passages = new Map<string, Paragraph>();
  const readPassages = (list: Field[], idPattern: RegExp, hint: string, kind: string) =>
    list.map((p) => {
      const pget = p.map(kind === 'paragraph' ? ['id', 'section', 'text'] : ['id', 'after', 'text']);
      if (!pget) return undefined;
      const pid = pget('id').string({ pattern: idPattern, patternHint: hint });
      const text = pget('text').string({ nonEmpty: true });
      const section = kind === 'paragraph' ? (pget('section').string({ optional: true }) ?? '') : 'Caption';
      if (!pid || !text) return undefined;
      if (passages.has(pid)) {
        p.problem(`duplicate ${kind} id '${pid}'.`);
        return undefined;
      }
      const paragraph: Paragraph = { id: pid, section, text, location: KbLocation.of(file.uri, p.range) };
      passages.set(pid, paragraph);
      return paragraph;
    });
  const paragraphs = readPassages(get('paragraphs').list(), /^p[1-9]\d*$/, 'paragraph ids are p1, p2, …', 'paragraph').filter(isDefined);
  const captions = readPassages(get('captions').list({ optional: true }), /^c[1-9]\d*$/, 'caption ids are c1, c2, …', 'caption').filter(isDefined);
  // Each id follows the one before it: a gap or a slip is one problem, not one for every paragraph after it.
  let expected = 1;
  for (const p of paragraphs) {
    if (p.id !== `p${expected}`) file.report('kb-schema', `Paragraph ids must run p1, p2, … in order: expected 'p${expected}', found '${p.id}'.`, p.location.range);
    expected = Number(p.id.slice(1)) + 1;
  }
  if (!id || !title || !author || year === undefined) return { file };
  return {
    file,
    source: { id, title, author, publisher, year, paragraphs, captions, passages, location: KbLocation.of(file.uri, file.nodeRange(root)) },
  };
}

function orNone<T>(list: T[]): readonly T[] {
  return list.length === 0 ? NONE : list;
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}

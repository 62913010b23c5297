/**
 * The seeded generator of the bench's inputs: synthetic knowledge bases in the spec §4 schema
 * (written as YAML and loaded by the real loader), briefs of a given size with a known number
 * of planted problems, the same briefs rendered as Markdown for the peer server, and a
 * workspace of many small briefs.
 *
 * Every choice comes from one `Rng`, so a seed always gives the same bytes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from './prng';
import { normalizeName } from '../server/src/core/normalize';
import { PREDICATES } from '../server/src/core/kinds';

export type Kind = 'state' | 'person' | 'group' | 'organization' | 'initiative' | 'place' | 'facility' | 'event';

/** A generated relation; `target` is an index into the KB's entities. */
export interface GenRelation {
  readonly type: string;
  readonly target: number;
  readonly negated: boolean;
  readonly paragraph: number;
  readonly quote: string;
}

export interface GenEntity {
  readonly index: number;
  readonly id: string;
  readonly kind: Kind;
  readonly name: string;
  readonly aliases: string[];
  readonly relations: GenRelation[];
}

/** A KB written to disk: a folder usable as BRIEF_DATA_DIR. */
export interface SyntheticKb {
  readonly entities: readonly GenEntity[];
  /** Entities that have at least one alias. */
  readonly withAlias: readonly GenEntity[];
  /** Entities that hold at least one relation (claim subjects). */
  readonly withRelations: readonly GenEntity[];
  readonly sourceId: string;
  readonly paragraphCount: number;
  /** Folder with `kb/*.yaml` and `sources/*.yaml`. */
  readonly dataDir: string;
  /** JSON `[lowercased written form, id][]` for the minimal server and the floor. */
  readonly namesFile: string;
  /** Normalised ids, names and aliases, to keep planted typos unknown. */
  readonly keys: ReadonlySet<string>;
  readonly yamlBytes: number;
}

export const SOURCE_ID = 'bench-2024';
const PARAGRAPHS = 40;

const SYLLABLES = [
  'ka', 'ro', 'vi', 'tal', 'mir', 'zan', 'dor', 'bek', 'sha', 'lu', 'ne', 'tor', 'qa', 'zi', 'mon', 'gar',
  'del', 'fu', 'ya', 'ri', 'ost', 'an', 'el', 'us', 'kho', 'ja', 'bad', 'sur', 'pe', 'lin', 'ga', 'hor',
];
const VOCAB = (
  'the regional security cooperation pressure border influence government talks agreement announced signalled ' +
  'expanded economic corridor troops exercise declared tensions strategic partnership withdrawal investment ' +
  'infrastructure summit delegation support concerns militants ministry officials reported according to and with ' +
  'in of on after while since despite its their new long-term stability sanctions trade energy pipeline analysts ' +
  'expect further pressure over the coming months a shift in posture that could weaken the ceasefire and raise ' +
  'costs for both sides as negotiations stall amid disputed claims about water rights transit fees and refugee flows'
).split(' ');
const HEADINGS = ['Key judgements', 'Background', 'Security outlook', 'Economic ties', 'Regional reactions', 'Assessment', 'Indicators to watch', 'Claims checked against the source', 'Outlook'];

const KIND_SHARE: readonly [Kind, number][] = [
  ['state', 0.08], ['person', 0.3], ['group', 0.15], ['organization', 0.12],
  ['initiative', 0.05], ['place', 0.14], ['facility', 0.08], ['event', 0.08],
];

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A pronounceable word of `min`–`max` syllables; a few carry a diacritic, as real names do. */
function word(rng: Rng, min: number, max: number): string {
  let w = '';
  const n = rng.int(min, max);
  for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
  if (rng.chance(0.05)) w = w.replace(/[aou]/, (c) => ({ a: 'á', o: 'ö', u: 'ü' })[c] ?? c);
  return capitalize(w);
}

function acronym(name: string): string {
  return name
    .split(/[\s-]+/)
    .filter((p) => /^\p{Lu}/u.test(p))
    .map((p) => p[0].normalize('NFKD').replace(/\p{M}/gu, ''))
    .join('')
    .toUpperCase();
}

/** A name of the kind, and candidate aliases (dropped later if they clash). */
function nameFor(rng: Rng, kind: Kind): { name: string; aliases: string[] } {
  switch (kind) {
    case 'state': {
      const name = word(rng, 2, 3) + rng.pick(['ia', 'stan', 'land', 'a', 'or', '']);
      return { name, aliases: rng.chance(0.4) ? [`Republic of ${name}`] : [] };
    }
    case 'person': {
      const given = word(rng, 1, 2);
      const family = word(rng, 2, 3);
      return { name: `${given} ${family}`, aliases: rng.chance(0.35) ? [`${given[0]}. ${family}`] : [] };
    }
    case 'group': {
      const name = `${word(rng, 2, 3)} ${rng.pick(['Liberation Front', 'Movement', 'Brigade', 'Council', 'Network', 'Alliance'])}`;
      return { name, aliases: rng.chance(0.3) ? [acronym(name) + rng.int(1, 9)] : [] };
    }
    case 'organization': {
      const name = `${word(rng, 2, 3)} ${rng.pick(['Cooperation', 'Security', 'Economic', 'Defence', 'Trade'])} ${rng.pick(['Organization', 'Council', 'Union', 'Forum', 'Community'])}`;
      return { name, aliases: rng.chance(0.7) ? [acronym(name)] : [] };
    }
    case 'initiative':
      return { name: `${word(rng, 2, 3)} ${rng.pick(['Corridor', 'Initiative', 'Programme', 'Compact', 'Partnership'])}`, aliases: [] };
    case 'place':
      return { name: `${word(rng, 2, 3)} ${rng.pick(['Valley', 'Province', 'Pass', 'Basin', 'Region', 'Oblast'])}`, aliases: [] };
    case 'facility':
      return { name: `${word(rng, 2, 3)} ${rng.pick(['Air Base', 'Dam', 'Mine', 'Port', 'Depot', 'Garrison'])}`, aliases: [] };
    case 'event':
      return { name: `${word(rng, 2, 2)} ${rng.pick(['Summit', 'Accord', 'Exercise', 'Offensive', 'Talks'])}-${rng.int(1990, 2024)}`, aliases: [] };
  }
}

function toId(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function sentence(rng: Rng, minWords: number, maxWords: number): string {
  const n = rng.int(minWords, maxWords);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(VOCAB));
  return `${capitalize(words.join(' '))}.`;
}

/** A verbatim window of 4–9 words of a paragraph, for evidence quotes. */
function quoteFrom(rng: Rng, paragraph: string): string {
  const words = paragraph.split(' ');
  const len = Math.min(words.length, rng.int(4, 9));
  const start = rng.int(0, words.length - len);
  return words.slice(start, start + len).join(' ');
}

const yamlString = (s: string) => JSON.stringify(s);

/** Generates `count` entities with relations and facts, writes them as YAML, and returns the model. */
export function generateKb(seed: number, count: number, dataDir: string): SyntheticKb {
  const rng = new Rng(seed);
  const paragraphs: string[] = [];
  for (let p = 0; p < PARAGRAPHS; p++) {
    const ss: string[] = [];
    for (let s = rng.int(4, 7); s > 0; s--) ss.push(sentence(rng, 10, 20));
    paragraphs.push(ss.join(' '));
  }

  const keys = new Set<string>();
  const entities: GenEntity[] = [];
  const byKind = new Map<Kind, GenEntity[]>();
  for (const [kind, share] of KIND_SHARE) {
    const n = Math.max(1, Math.round(count * share));
    for (let i = 0; i < n && entities.length < count; i++) {
      let made: { name: string; aliases: string[] } | undefined;
      for (let attempt = 0; attempt < 50 && !made; attempt++) {
        const candidate = nameFor(rng, kind);
        if (attempt > 20) candidate.name = `${candidate.name} ${rng.int(2, 999)}`;
        const key = normalizeName(candidate.name);
        if (!keys.has(key) && key === toId(candidate.name)) made = candidate;
      }
      if (!made) throw new Error(`could not find a unique ${kind} name`);
      keys.add(normalizeName(made.name));
      const aliases = made.aliases.filter((a) => {
        const k = normalizeName(a);
        if (k === '' || keys.has(k)) return false;
        keys.add(k);
        return true;
      });
      const entity: GenEntity = { index: entities.length, id: toId(made.name), kind, name: made.name, aliases, relations: [] };
      entities.push(entity);
      const list = byKind.get(kind) ?? [];
      list.push(entity);
      byKind.set(kind, list);
    }
  }

  // Relations that respect the predicate table (spec §3.5), so that every file loads clean.
  const predicateNames = Object.keys(PREDICATES);
  for (const e of entities) {
    const r = rng.next();
    const wanted = r < 0.2 ? 0 : r < 0.6 ? 1 : r < 0.85 ? 2 : 3;
    const usable = predicateNames.filter((p) => PREDICATES[p].subject.includes(e.kind));
    for (let k = 0; k < wanted && usable.length > 0; k++) {
      const type = rng.pick(usable);
      const objectKinds = PREDICATES[type].object.filter((kind) => (byKind.get(kind as Kind)?.length ?? 0) > 0);
      if (objectKinds.length === 0) continue;
      const pool = byKind.get(rng.pick(objectKinds) as Kind) ?? [];
      const target = pool[rng.skewed(pool.length, 1.5)];
      if (target === e || e.relations.some((x) => x.type === type && x.target === target.index)) continue;
      const paragraph = rng.int(1, PARAGRAPHS);
      e.relations.push({ type, target: target.index, negated: rng.chance(0.1), paragraph, quote: quoteFrom(rng, paragraphs[paragraph - 1]) });
    }
  }

  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dataDir, 'kb'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'sources'), { recursive: true });
  let yamlBytes = 0;
  const write = (file: string, text: string) => {
    fs.writeFileSync(path.join(dataDir, file), text);
    yamlBytes += Buffer.byteLength(text);
  };

  const source = [
    `# A synthetic source for the bench (seed ${seed}).`,
    `id: ${SOURCE_ID}`,
    'title: "Synthetic regional security review"',
    'author: "Bench Generator"',
    'publisher: "Brief bench"',
    'year: 2024',
    'paragraphs:',
    ...paragraphs.map((text, i) => `  - { id: p${i + 1}, section: ${yamlString(i < 5 ? '' : 'Section ' + (1 + Math.floor(i / 5)))}, text: ${yamlString(text)} }`),
    '',
  ].join('\n');
  write(`sources/${SOURCE_ID}.yaml`, source);

  for (const [kind] of KIND_SHARE) {
    const out: string[] = [`# Synthetic ${kind} entities for the bench (seed ${seed}).`, 'entities:'];
    for (const e of byKind.get(kind) ?? []) {
      out.push(`  - id: ${e.id}`, `    kind: ${e.kind}`, `    name: ${yamlString(e.name)}`);
      out.push(`    aliases: [${e.aliases.map(yamlString).join(', ')}]`);
      out.push(`    summary: ${yamlString(sentence(rng, 8, 14))}`);
      if (e.relations.length > 0) {
        out.push('    relations:');
        for (const r of e.relations) {
          out.push(
            `      - type: ${r.type}`,
            `        target: ${entities[r.target].id}`,
            `        negated: ${r.negated}`,
            '        evidence:',
            `          - { source: ${SOURCE_ID}, paragraph: p${r.paragraph}, quote: ${yamlString(r.quote)} }`,
          );
        }
      }
      const factRoll = rng.next();
      const facts = factRoll < 0.5 ? 0 : factRoll < 0.85 ? 1 : 2;
      if (facts > 0) {
        out.push('    facts:');
        for (let f = 0; f < facts; f++) {
          const p = rng.int(1, PARAGRAPHS);
          out.push(
            `      - text: ${yamlString(sentence(rng, 6, 12))}`,
            '        evidence:',
            `          - { source: ${SOURCE_ID}, paragraph: p${p}, quote: ${yamlString(quoteFrom(rng, paragraphs[p - 1]))} }`,
          );
        }
      }
    }
    out.push('');
    write(`kb/${kind}.yaml`, out.join('\n'));
  }

  const names: [string, string][] = [];
  for (const e of entities) for (const label of [e.id, e.name, ...e.aliases]) names.push([label.toLowerCase(), e.id]);
  const namesFile = path.join(dataDir, 'names.json');
  fs.writeFileSync(namesFile, JSON.stringify(names));
  fs.writeFileSync(path.join(dataDir, MODEL_FILE), JSON.stringify({ signature: signature(seed, count), entities, yamlBytes }));
  return modelToKb(entities, dataDir, keys, yamlBytes);
}

/** Bump when the generator's output changes, so cached inputs are made again. */
export const GENERATOR_VERSION = 3;
const MODEL_FILE = 'bench-model.json';
const signature = (seed: number, count: number) => `v${GENERATOR_VERSION}/${seed}/${count}`;

function modelToKb(entities: GenEntity[], dataDir: string, keys: ReadonlySet<string>, yamlBytes: number): SyntheticKb {
  return {
    entities,
    withAlias: entities.filter((e) => e.aliases.length > 0),
    withRelations: entities.filter((e) => e.relations.length > 0),
    sourceId: SOURCE_ID,
    paragraphCount: PARAGRAPHS,
    dataDir,
    namesFile: path.join(dataDir, 'names.json'),
    keys,
    yamlBytes,
  };
}

/** The KB of this seed and size: read back from `dataDir` when an earlier run made it, else generated. */
export function loadOrGenerateKb(seed: number, count: number, dataDir: string): { kb: SyntheticKb; generated: boolean } {
  try {
    const model = JSON.parse(fs.readFileSync(path.join(dataDir, MODEL_FILE), 'utf8')) as { signature: string; entities: GenEntity[]; yamlBytes: number };
    if (model.signature === signature(seed, count)) {
      const keys = new Set<string>();
      for (const e of model.entities) for (const label of [e.id, e.name, ...e.aliases]) keys.add(normalizeName(label));
      return { kb: modelToKb(model.entities, dataDir, keys, model.yamlBytes), generated: false };
    }
  } catch {
    // not made yet
  }
  return { kb: generateKb(seed, count, dataDir), generated: true };
}

/** A place in both renderings of a document, for hover, completion and references. */
export interface Site {
  readonly line: number;
  /** Column of `@` (brief) or `[` (markdown). */
  readonly col: number;
  /** Column where the name (brief) or the label (markdown) starts. */
  readonly nameCol: number;
  readonly nameLength: number;
}

export interface ReferenceSite {
  readonly brief: Site;
  readonly md: Site;
  /** The entity id, or undefined for a planted unknown reference. */
  readonly entity?: string;
}

/** A brief and its Markdown twin, with what was planted in them. */
export interface GeneratedDocument {
  readonly brief: string;
  readonly markdown: string;
  readonly references: readonly ReferenceSite[];
  /** Planted unknown references (brief) = undefined reference labels (markdown). */
  readonly plantedUnknown: number;
  readonly bracketForm: number;
  readonly aliasForm: number;
  readonly claims: number;
  readonly citations: number;
  /** Inside a plain word near the middle: where the one-character edit goes. */
  readonly editAt: { readonly brief: { line: number; character: number }; readonly md: { line: number; character: number } };
}

const SHORT_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}\p{M}_])?$/u;

/** Writes both renderings side by side, keeping line and column of each. */
class TwinWriter {
  readonly brief: string[] = [];
  readonly md: string[] = [];
  briefLine = 0;
  briefCol = 0;
  mdLine = 0;
  mdCol = 0;
  chars = 0;

  put(b: string, m: string = b): void {
    this.brief.push(b);
    this.md.push(m);
    this.briefCol += b.length;
    this.mdCol += m.length;
    this.chars += b.length;
  }

  newline(): void {
    this.put('\n');
    this.briefLine++;
    this.mdLine++;
    this.briefCol = 0;
    this.mdCol = 0;
  }
}

export interface DocumentOptions {
  readonly seed: number;
  /** Size of the brief in UTF-16 code units (about bytes: the text is mostly ASCII). */
  readonly size: number;
  /** References per 1024 characters. */
  readonly density?: number;
  readonly unknownRate?: number;
  readonly bracketRate?: number;
  readonly aliasRate?: number;
  /** Front matter and a title; small workspace briefs have a title only. */
  readonly frontMatter?: boolean;
  /** Markdown reference definitions: all KB entities (one document) or only those used. */
  readonly definitions: 'all' | 'used';
  /** The target of each Markdown definition. */
  readonly definitionTarget: (id: string) => string;
  /** Entities a document mentions are drawn from this permutation, skewed to its start. */
  readonly cast?: readonly number[];
}

/** Generates one brief of about `size` characters and its Markdown rendering. */
export function generateDocument(kb: SyntheticKb, options: DocumentOptions): GeneratedDocument {
  const rng = new Rng(options.seed);
  const density = (options.density ?? 10) / 1024;
  const unknownRate = options.unknownRate ?? 0.02;
  const bracketRate = options.bracketRate ?? 0.3;
  const aliasRate = options.aliasRate ?? 0.1;
  const cast = options.cast ?? shuffled(rng.fork(1), kb.entities.length);
  const w = new TwinWriter();
  const references: ReferenceSite[] = [];
  const used = new Set<string>();
  let plantedUnknown = 0;
  let bracketForm = 0;
  let aliasForm = 0;
  let claims = 0;
  let citations = 0;
  let editAt: GeneratedDocument['editAt'] | undefined;

  const pickEntity = (): GenEntity => kb.entities[cast[rng.skewed(cast.length)]];

  /** Writes a reference in both forms: `@Name`/`@[Name]` and `[Name][label]`. */
  const writeRef = (e: GenEntity | undefined, surface: string, bracket: boolean, label: string) => {
    const briefCol = w.briefCol;
    const mdCol = w.mdCol;
    const brief = bracket ? `@[${surface}]` : `@${surface}`;
    w.put(brief, `[${surface}][${label}]`);
    references.push({
      brief: { line: w.briefLine, col: briefCol, nameCol: briefCol + (bracket ? 2 : 1), nameLength: surface.length },
      md: { line: w.mdLine, col: mdCol, nameCol: mdCol + surface.length + 3, nameLength: label.length },
      entity: e?.id,
    });
    if (bracket) bracketForm++;
    if (e) used.add(e.id);
  };

  /**
   * Rates are held exactly rather than drawn independently: a form is used when the document is
   * behind on it, so a small brief and a 5 MB one both have 2% unknown, ~30% bracket, ~10% alias.
   */
  const behind = (count: number, rate: number) => count < rate * (references.length + 1) - rng.next();

  /** A known reference to `e` (or, when aliases are behind, to an entity by one of its aliases). */
  const knownRef = (e: GenEntity, allowAlias = true) => {
    let surface = e.name;
    if (allowAlias && kb.withAlias.length > 0 && behind(aliasForm, aliasRate)) {
      e = kb.withAlias[rng.skewed(kb.withAlias.length)];
      surface = rng.pick(e.aliases);
      aliasForm++;
    }
    let bracket = behind(bracketForm, bracketRate);
    if (!bracket && !SHORT_NAME.test(surface)) {
      if (surface === e.name) surface = e.id;
      else bracket = true;
    }
    writeRef(e, surface, bracket, e.id);
  };

  /** A reference that resolves to nothing: a typo of a real name (so suggestions are computed). */
  const unknownRef = () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const e = pickEntity();
      const base = rng.chance(0.5) ? e.name : e.id;
      const typo = misspell(rng, base);
      const key = normalizeName(typo);
      if (key === '' || kb.keys.has(key)) continue;
      const bracket = !SHORT_NAME.test(typo) || behind(bracketForm, bracketRate);
      writeRef(undefined, typo, bracket, toId(typo) || 'unknown');
      plantedUnknown++;
      return;
    }
  };

  const anyRef = () => {
    if (behind(plantedUnknown, unknownRate)) unknownRef();
    else knownRef(pickEntity());
  };

  const citation = () => {
    const p = rng.int(1, kb.paragraphCount);
    const r = rng.next();
    const b = r < 0.7 ? `[^${kb.sourceId}:p${p}]` : r < 0.85 ? `[^${kb.sourceId}:p${p}-p${Math.min(kb.paragraphCount, p + 2)}]` : `[^${kb.sourceId}]`;
    w.put(b, `(${kb.sourceId} ¶${p})`);
    citations++;
  };

  /** Words with references mixed in, at the density asked for. */
  const prose = (minWords: number, maxWords: number) => {
    const n = rng.int(minWords, maxWords);
    const deficit = Math.floor((w.chars + n * 7) * density) - references.length;
    const refSlots = new Set<number>();
    const wantedRefs = Math.max(0, Math.min(n, deficit + (rng.chance(0.3) ? 1 : 0)));
    while (refSlots.size < wantedRefs) refSlots.add(rng.int(0, n - 1));
    for (let i = 0; i < n; i++) {
      if (i > 0) w.put(' ');
      if (refSlots.has(i)) {
        anyRef();
        const after = rng.next();
        if (after < 0.05) w.put("'s");
        else if (after < 0.12) w.put(',');
        continue;
      }
      let word = rng.pick(VOCAB);
      if (i === 0) word = capitalize(word);
      if (!editAt && w.chars > options.size / 2 && word.length >= 3) {
        editAt = { brief: { line: w.briefLine, character: w.briefCol + 1 }, md: { line: w.mdLine, character: w.mdCol + 1 } };
      }
      w.put(word);
    }
    if (rng.chance(0.3)) {
      w.put(' ');
      citation();
    }
    w.put('.');
  };

  const paragraph = () => {
    for (let s = rng.int(2, 5); s > 0; s--) {
      prose(8, 18);
      if (s > 1) w.put(' ');
    }
    if (rng.chance(0.05)) w.put(' Inline code such as `kb/states.yaml` or `@not-a-reference` is skipped.', ' Inline code such as `kb/states.yaml` or `[not][a-reference]` is skipped.');
    if (rng.chance(0.03)) w.put(' Write to analyst@example.org for the data.');
    w.newline();
    w.newline();
  };

  const claim = () => {
    const subject = kb.withRelations[rng.skewed(kb.withRelations.length)];
    const relation = rng.pick(subject.relations);
    const object = kb.entities[relation.target];
    const swap = PREDICATES[relation.type].symmetric && rng.chance(0.5);
    w.put('- claim: ');
    knownRef(swap ? object : subject, false);
    w.put(` ${relation.negated ? 'not ' : ''}${relation.type} `);
    knownRef(swap ? subject : object, false);
    w.put(' ');
    const b = `[^${kb.sourceId}:p${relation.paragraph}]`;
    w.put(b, `(${kb.sourceId} ¶${relation.paragraph})`);
    citations++;
    claims++;
    w.newline();
  };

  if (options.frontMatter !== false) {
    // Markdown has no front matter of its own: its twin writes the lists without brackets, which
    // Markdown would read as shortcut reference links.
    const lines = ['---', `title: Synthetic brief ${options.seed}`, 'author: [Bench Analyst]', 'date: 2024-05-01', 'classification: TLP:AMBER', 'confidence: moderate', 'tags: [bench, synthetic]', `sources: [${kb.sourceId}]`, '---'];
    for (const line of lines) {
      w.put(line, line.replace(/[[\]]/g, ''));
      w.newline();
    }
  }
  w.put(`# Synthetic brief ${options.seed}`);
  w.newline();
  w.newline();

  while (w.chars < options.size) {
    w.put(`## ${rng.pick(HEADINGS)}`);
    if (rng.chance(0.3)) {
      w.put(' on ');
      knownRef(pickEntity());
    }
    w.newline();
    w.newline();
    const r = rng.next();
    if (r < 0.1) {
      w.put('%% analyst note: check the figures against the next report', '<!-- analyst note: check the figures against the next report -->');
      w.newline();
    }
    for (let p = rng.int(1, 3); p > 0 && w.chars < options.size; p--) paragraph();
    if (rng.chance(0.4)) {
      for (let i = rng.int(2, 5); i > 0; i--) {
        w.put('- ');
        prose(6, 14);
        w.newline();
      }
      w.newline();
    }
    if (rng.chance(0.35)) {
      for (let i = rng.int(1, 4); i > 0; i--) claim();
      w.newline();
    }
    if (rng.chance(0.1)) {
      w.put('> ');
      prose(10, 20);
      w.newline();
      w.newline();
    }
    if (rng.chance(0.04)) {
      for (const line of ['```yaml', 'indicator: troop movements', 'threshold: 3 battalions', '```']) {
        w.put(line);
        w.newline();
      }
      w.newline();
    }
  }

  // Markdown link definitions: after the text, as reference-style Markdown keeps them.
  const mdDefs: string[] = ['', '<!-- link definitions -->'];
  const defined = options.definitions === 'all' ? kb.entities.map((e) => e.id) : [...used];
  for (const id of defined) mdDefs.push(`[${id}]: ${options.definitionTarget(id)}`);
  mdDefs.push('');

  return {
    brief: w.brief.join(''),
    markdown: w.md.join('') + mdDefs.join('\n'),
    references,
    plantedUnknown,
    bracketForm,
    aliasForm,
    claims,
    citations,
    editAt: editAt ?? { brief: { line: 0, character: 1 }, md: { line: 0, character: 1 } },
  };
}

/** A one-character slip: a swap, a doubled or dropped letter, or a changed vowel. */
function misspell(rng: Rng, s: string): string {
  if (s.length < 4) return `${s}${s[s.length - 1]}`;
  const i = rng.int(1, s.length - 3);
  switch (rng.int(0, 3)) {
    case 0:
      return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
    case 1:
      return s.slice(0, i) + s[i] + s.slice(i);
    case 2:
      return s.slice(0, i) + s.slice(i + 1);
    default:
      return s.slice(0, i) + (s[i] === 'e' ? 'i' : 'e') + s.slice(i + 1);
  }
}

function shuffled(rng: Rng, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** A folder of many small briefs (and their Markdown twins) with the references planted in each. */
export interface GeneratedWorkspace {
  readonly briefFolder: string;
  readonly mdFolder: string;
  readonly files: number;
  readonly bytes: number;
  /** Known references per entity id, over the whole workspace. */
  readonly referenceCounts: ReadonlyMap<string, number>;
  /** Planted unknown references, over the whole workspace. */
  readonly plantedUnknown: number;
  /** Where each entity is first mentioned: a brief, and the site of the reference. */
  readonly firstMention: ReadonlyMap<string, { file: string; mdFile: string; site: ReferenceSite }>;
}

interface WorkspaceMeta {
  readonly signature: string;
  readonly files: number;
  readonly bytes: number;
  readonly plantedUnknown: number;
  readonly referenceCounts: [string, number][];
  readonly firstMention: [string, { file: string; mdFile: string; site: ReferenceSite }][];
}

/** The workspace of this seed and size, read back from `root` when an earlier run made it. */
export function loadOrGenerateWorkspace(kb: SyntheticKb, seed: number, count: number, root: string): { workspace: GeneratedWorkspace; generated: boolean } {
  const sig = `${signature(seed, count)}/kb${kb.entities.length}`;
  const metaFile = path.join(root, 'bench-workspace.json');
  try {
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as WorkspaceMeta;
    if (meta.signature === sig) {
      return {
        workspace: {
          briefFolder: path.join(root, 'briefs'),
          mdFolder: path.join(root, 'markdown'),
          files: meta.files,
          bytes: meta.bytes,
          plantedUnknown: meta.plantedUnknown,
          referenceCounts: new Map(meta.referenceCounts),
          firstMention: new Map(meta.firstMention),
        },
        generated: false,
      };
    }
  } catch {
    // not made yet
  }
  const workspace = generateWorkspace(kb, seed, count, root);
  const meta: WorkspaceMeta = {
    signature: sig,
    files: workspace.files,
    bytes: workspace.bytes,
    plantedUnknown: workspace.plantedUnknown,
    referenceCounts: [...workspace.referenceCounts],
    firstMention: [...workspace.firstMention],
  };
  fs.writeFileSync(metaFile, JSON.stringify(meta));
  return { workspace, generated: true };
}

export function generateWorkspace(kb: SyntheticKb, seed: number, count: number, root: string): GeneratedWorkspace {
  const briefFolder = path.join(root, 'briefs');
  const mdFolder = path.join(root, 'markdown');
  fs.rmSync(root, { recursive: true, force: true });
  const rng = new Rng(seed);
  const cast = shuffled(rng.fork(7), kb.entities.length);
  const referenceCounts = new Map<string, number>();
  const firstMention = new Map<string, { file: string; mdFile: string; site: ReferenceSite }>();
  let plantedUnknown = 0;
  let bytes = 0;
  // One Markdown file with a heading per entity: the target of every definition, so that "find
  // references" on a heading searches the whole workspace, as it does for the peer.
  fs.mkdirSync(mdFolder, { recursive: true });
  fs.writeFileSync(path.join(mdFolder, 'entities.md'), kb.entities.map((e) => `## ${e.id}\n\n${e.name}\n`).join('\n'));
  for (let i = 0; i < count; i++) {
    const dir = `d${String(Math.floor(i / 100)).padStart(3, '0')}`;
    const name = `b${String(i).padStart(5, '0')}`;
    const doc = generateDocument(kb, {
      seed: rng.int(1, 2 ** 31),
      size: rng.int(600, 2000),
      frontMatter: false,
      definitions: 'used',
      definitionTarget: (id) => `../entities.md#${id}`,
      cast,
    });
    const file = path.join(briefFolder, dir, `${name}.brief`);
    const mdFile = path.join(mdFolder, dir, `${name}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.mkdirSync(path.dirname(mdFile), { recursive: true });
    fs.writeFileSync(file, doc.brief);
    fs.writeFileSync(mdFile, doc.markdown);
    bytes += doc.brief.length;
    plantedUnknown += doc.plantedUnknown;
    for (const site of doc.references) {
      if (!site.entity) continue;
      referenceCounts.set(site.entity, (referenceCounts.get(site.entity) ?? 0) + 1);
      if (!firstMention.has(site.entity)) firstMention.set(site.entity, { file, mdFile, site });
    }
  }
  return { briefFolder, mdFolder, files: count, bytes, referenceCounts, plantedUnknown, firstMention };
}

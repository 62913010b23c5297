/**
 * The bundled data: the cleaned source (data/sources/carlson-2021.yaml) against the raw article,
 * the KB (data/kb/*.yaml) against spec §4 and the predicate table, and the KB's coverage of the
 * article's named things (data/kb-coverage.yaml).
 *
 * Everything is read from the repository (mocha runs from its root); nothing here reads outside it.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { normalizeName } from '../../server/src/core/normalize';
import { ENTITY_KINDS, PREDICATES } from '../../server/src/core/kinds';

const DATA = path.join(process.cwd(), 'data');
const RAW_PATH = path.join(DATA, 'sources', 'carlson-2021.raw.txt');
const SOURCE_PATH = path.join(DATA, 'sources', 'carlson-2021.yaml');
const KB_DIR = path.join(DATA, 'kb');
const COVERAGE_PATH = path.join(DATA, 'kb-coverage.yaml');

/** The pull quotes of the raw article: each repeats a sentence of the body and is dropped. */
const PULL_QUOTES = [
  'Russia’s regional policies might depend heavily on cooperation with China.',
  'China has sought to reassure Russia and the Central Asian states that its aims are economic development and connectivity.',
  'In the near term, however, both countries remain committed to their partnership.',
];
/** The site-navigation line near the end of the raw article: not article text, left out. */
const NAVIGATION_LINE = 'For more on on military doctrines and arms procurement, see [CSS core theme page](#).';
/** The section given to the author's bio line (the raw article has no heading for it). */
const BIO_SECTION = 'About the author';
/** The words that page breaks split in the raw article. */
const REJOINED_WORDS = ['becoming', 'Uzbekistan', 'probably'];
/** Normalised names that deliberately belong to more than one entity (see data/README.md). */
const ALLOWED_COLLISIONS: Readonly<Record<string, readonly string[]>> = {};

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DATE_PATTERN = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

interface Passage { id: string; section?: string; after?: string; text: string }
interface SourceDoc {
  id: string; title: string; author: string; publisher: string; year: number;
  paragraphs: Passage[]; captions: Passage[];
}
interface EvidenceDoc { source: string; paragraph: string; quote: string }
interface RelationDoc {
  type: string; target: string; negated: boolean; since?: string; until?: string;
  evidence: EvidenceDoc[];
}
interface FactDoc { text: string; evidence: EvidenceDoc[] }
interface EntityDoc {
  id: string; kind: string; name: string; aliases: string[]; summary: string;
  identifiers?: Record<string, string>; relations?: RelationDoc[]; facts?: FactDoc[];
}
interface LoadedEntity { file: string; entity: EntityDoc }
interface CoverageEntry { name: string; id: string; text?: string; note?: string }

function readYaml(file: string): unknown {
  return parseYaml(fs.readFileSync(file, 'utf8'));
}

/** Every run of white space folded to one space, ends trimmed. */
function squash(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

const rawText = fs.readFileSync(RAW_PATH, 'utf8');
const source = readYaml(SOURCE_PATH) as SourceDoc;
const kbFiles = fs.readdirSync(KB_DIR).filter((f) => f.endsWith('.yaml')).sort();
const loaded: LoadedEntity[] = [];
for (const file of kbFiles) {
  const doc = readYaml(path.join(KB_DIR, file)) as { entities?: EntityDoc[] } | null;
  for (const entity of doc?.entities ?? []) loaded.push({ file, entity });
}
const entities = loaded.map((l) => l.entity);
const byId = new Map(entities.map((e) => [e.id, e] as const));
const passages = new Map<string, string>(
  [...(source.paragraphs ?? []), ...(source.captions ?? [])].map((p) => [p.id, p.text] as const),
);

/** The raw article read line by line: what each non-empty line is, and the body paragraphs. */
interface RawReading {
  kinds: Map<string, number>;
  paragraphs: { section: string; text: string; lines: number[] }[];
  rejoined: string[];
  /** Line index → index of the derived paragraph that holds it. */
  paragraphOfLine: Map<number, number>;
}

function readRaw(): RawReading {
  const lines = rawText.split(/\r?\n/);
  const headings = new Set(source.paragraphs.map((p) => p.section).filter((s) => s !== '' && s !== BIO_SECTION));
  const captionTexts = new Set((source.captions ?? []).map((c) => c.text));
  const kinds = new Map<string, number>();
  const paragraphs: RawReading['paragraphs'] = [];
  const rejoined: string[] = [];
  const paragraphOfLine = new Map<number, number>();
  let section = '';
  let boundary = true; // a heading, title, byline or navigation line ends the paragraph before it
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let kind = 'body';
    if (line === source.title) kind = 'title';
    else if (line === `By ${source.author}`) kind = 'byline';
    else if (headings.has(line)) kind = 'heading';
    else if (PULL_QUOTES.includes(line)) kind = 'pull-quote';
    else if (captionTexts.has(line)) kind = 'caption';
    else if (line === NAVIGATION_LINE) kind = 'navigation';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    if (kind === 'heading') section = line;
    if (kind === 'title' || kind === 'byline' || kind === 'heading' || kind === 'navigation') boundary = true;
    if (kind !== 'body') return;
    const last = paragraphs[paragraphs.length - 1];
    const continues = !boundary && last !== undefined && !/[.!?]["”’)]*$/u.test(last.text);
    boundary = false;
    if (continues) {
      if (/\p{Ll}-$/u.test(last.text) && /^\p{Ll}/u.test(line)) {
        const head = /(\p{L}+)-$/u.exec(last.text)![1];
        rejoined.push(head + /^\p{L}+/u.exec(line)![0]);
        last.text = last.text.slice(0, -1) + line;
      } else {
        last.text = `${last.text} ${line}`;
      }
      last.lines.push(i);
    } else {
      const sec = line.startsWith(`${source.author} is `) ? BIO_SECTION : section;
      paragraphs.push({ section: sec, text: line, lines: [i] });
    }
    paragraphOfLine.set(i, paragraphs.length - 1);
  });
  return { kinds, paragraphs, rejoined, paragraphOfLine };
}

describe('KB data: the cleaned source carlson-2021', () => {
  const reading = readRaw();

  it('is a byte-for-byte copy of the shared raw article in the repository', () => {
    assert.ok(rawText.startsWith('\n\nThe Taliban Takeover and China-Russia Relations\n'));
    assert.ok(rawText.endsWith('at the Center for Security Studies (CSS) at ETH Zürich.'));
    assert.equal(rawText.length, 17677);
  });

  it('has the metadata of spec §4.3', () => {
    assert.equal(source.id, 'carlson-2021');
    assert.equal(source.title, 'The Taliban Takeover and China-Russia Relations');
    assert.equal(source.author, 'Brian G. Carlson');
    assert.equal(source.publisher, 'Center for Security Studies (CSS), ETH Zürich');
    assert.equal(source.year, 2021);
    assert.deepEqual(Object.keys(source).sort(), ['author', 'captions', 'id', 'paragraphs', 'publisher', 'title', 'year']);
  });

  it('numbers paragraphs p1, p2, … in order, each with a section and one line of text', () => {
    source.paragraphs.forEach((p, i) => {
      assert.deepEqual(Object.keys(p).sort(), ['id', 'section', 'text']);
      assert.equal(p.id, `p${i + 1}`);
      assert.equal(typeof p.section, 'string');
      assert.equal(typeof p.text, 'string');
      assert.equal(p.text, squash(p.text), `${p.id} has stray white space`);
      assert.ok(p.text.length > 0);
    });
    source.captions.forEach((c, i) => {
      assert.deepEqual(Object.keys(c).sort(), ['after', 'id', 'text']);
      assert.equal(c.id, `c${i + 1}`);
      assert.ok(source.paragraphs.some((p) => p.id === c.after), `${c.id}.after`);
    });
  });

  it('recognises every non-empty raw line as body or as one known piece of layout debris', () => {
    assert.deepEqual(Object.fromEntries(reading.kinds), {
      title: 1, byline: 1, heading: 6, 'pull-quote': 3, caption: 1, navigation: 1, body: 34,
    });
  });

  it('rejoins exactly the words split across page breaks', () => {
    assert.deepEqual(reading.rejoined, REJOINED_WORDS);
  });

  it('equals the raw body, debris removed and page breaks rejoined (whitespace-normalised, character for character)', () => {
    // An independent reading: drop the debris lines by their exact text, rejoin words split
    // across page breaks, fold white space.
    const debris = new Set([source.title, `By ${source.author}`, NAVIGATION_LINE, ...PULL_QUOTES,
      ...source.captions.map((c) => c.text),
      ...source.paragraphs.map((p) => p.section).filter((s) => s !== '' && s !== BIO_SECTION)]);
    const body = rawText.split(/\r?\n/).filter((l) => !debris.has(l)).join('\n')
      .replace(/(\p{Ll})-\n\s*(\p{Ll})/gu, '$1$2');
    const expected = squash(body);
    const actual = squash(source.paragraphs.map((p) => p.text).join(' '));
    if (actual !== expected) {
      let i = 0;
      while (i < actual.length && actual[i] === expected[i]) i++;
      assert.fail(`cleaned text differs from the raw at character ${i}:\n  cleaned: …${actual.slice(Math.max(0, i - 40), i + 40)}…\n  raw:     …${expected.slice(Math.max(0, i - 40), i + 40)}…`);
    }
  });

  it('has the paragraphs and sections of the raw article, one for one', () => {
    assert.deepEqual(
      source.paragraphs.map((p) => ({ id: p.id, section: p.section, text: p.text })),
      reading.paragraphs.map((p, i) => ({ id: `p${i + 1}`, section: p.section, text: p.text })),
    );
    assert.equal(source.paragraphs.length, 20);
    assert.equal(source.paragraphs[0].section, '');
    assert.ok(source.paragraphs[0].text.startsWith("The Taliban's takeover of Afghanistan could serve"));
    assert.equal(source.paragraphs[19].section, BIO_SECTION);
  });

  it('keeps the caption out of the paragraphs, verbatim, after the paragraph it interrupts', () => {
    const lines = rawText.split(/\r?\n/);
    assert.equal(source.captions.length, 1);
    for (const caption of source.captions) {
      const at = lines.indexOf(caption.text);
      assert.ok(at >= 0, `${caption.id} is not a raw line`);
      let before = at - 1;
      while (lines[before].trim() === '') before--;
      let after = at + 1;
      while (lines[after].trim() === '') after++;
      const para = reading.paragraphOfLine.get(before);
      assert.equal(para, reading.paragraphOfLine.get(after), `${caption.id} does not interrupt a paragraph`);
      assert.equal(`p${para! + 1}`, caption.after);
      for (const p of source.paragraphs) assert.ok(!p.text.includes(caption.text.slice(0, 40)), `caption text in ${p.id}`);
    }
  });

  it('loses nothing by dropping the pull quotes: each repeats a body sentence', () => {
    for (const quote of PULL_QUOTES) {
      assert.ok(rawText.split(/\r?\n/).includes(quote), `not a raw line: ${quote}`);
      // A pull quote may end with "." where the body sentence goes on ("…connectivity rather than …").
      const words = quote.replace(/\.$/, '');
      assert.ok(source.paragraphs.some((p) => p.text.includes(words)), `not in the body: ${quote}`);
      assert.ok(!source.paragraphs.some((p) => p.text === quote), `kept as a paragraph: ${quote}`);
    }
    assert.ok(source.paragraphs.some((p) => p.text.includes(PULL_QUOTES[0])));
  });

  it('keeps the mixed quote characters of the raw exactly', () => {
    const p4 = source.paragraphs[3].text;
    assert.ok(p4.includes('would "never allow any force to use the Afghan territory to engage in acts detrimental to China.”'));
    assert.ok(p4.includes('China’s “internal affairs.”'));
    assert.ok(p4.includes("China's rule in Xinjiang"));
  });
});

describe('KB data: entities (spec §4.1)', () => {
  it('loads several files, each a mapping with only `entities`', () => {
    assert.ok(kbFiles.length >= 5);
    for (const file of kbFiles) {
      const doc = readYaml(path.join(KB_DIR, file)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc), ['entities'], file);
      assert.ok(Array.isArray(doc.entities) && doc.entities.length > 0, file);
    }
  });

  it('gives each entity a unique well-formed id, a kind, a name, aliases and a summary', () => {
    const seen = new Map<string, string>();
    for (const { file, entity: e } of loaded) {
      const where = `${file}: ${e.id}`;
      for (const key of Object.keys(e)) {
        assert.ok(['id', 'kind', 'name', 'aliases', 'summary', 'identifiers', 'relations', 'facts'].includes(key), `${where}: key ${key}`);
      }
      assert.ok(typeof e.id === 'string' && ID_PATTERN.test(e.id), `${where}: id`);
      assert.ok(!seen.has(e.id), `${where}: duplicate of ${seen.get(e.id)}`);
      seen.set(e.id, file);
      assert.ok((ENTITY_KINDS as readonly string[]).includes(e.kind), `${where}: kind ${e.kind}`);
      assert.ok(typeof e.name === 'string' && e.name.trim() === e.name && e.name !== '', `${where}: name`);
      assert.ok(typeof e.summary === 'string' && e.summary.trim() !== '', `${where}: summary`);
      assert.ok(Array.isArray(e.aliases), `${where}: aliases`);
      for (const a of e.aliases) assert.ok(typeof a === 'string' && a.trim() === a && normalizeName(a) !== '', `${where}: alias ${a}`);
      if (e.relations !== undefined) assert.ok(Array.isArray(e.relations), `${where}: relations`);
      if (e.facts !== undefined) assert.ok(Array.isArray(e.facts), `${where}: facts`);
    }
    assert.ok(entities.length >= 60);
  });

  it('has well-formed identifiers, and ISO 3166-1 codes for every state', () => {
    const iso = new Map<string, string>();
    for (const e of entities) {
      const ids = e.identifiers ?? {};
      for (const [key, value] of Object.entries(ids)) {
        const pattern = { iso2: /^[A-Z]{2}$/, iso3: /^[A-Z]{3}$/, wikidata: /^Q[1-9]\d*$/ }[key];
        assert.ok(pattern, `${e.id}: unknown identifier ${key}`);
        assert.ok(typeof value === 'string' && pattern.test(value), `${e.id}: ${key} ${value}`);
        const k = `${key}:${value}`;
        assert.ok(!iso.has(k), `${e.id}: ${k} also on ${iso.get(k)}`);
        iso.set(k, e.id);
      }
      if (e.kind === 'state') assert.ok(ids.iso2 && ids.iso3, `${e.id}: a state needs iso2 and iso3`);
      else assert.ok(!ids.iso2 && !ids.iso3, `${e.id}: ISO country codes on a ${e.kind}`);
    }
    assert.deepEqual(byId.get('tajikistan')!.identifiers, { iso2: 'TJ', iso3: 'TJK', wikidata: 'Q863' });
    assert.deepEqual(byId.get('united-states')!.identifiers, { iso2: 'US', iso3: 'USA', wikidata: 'Q30' });
  });

  it('types every relation with a predicate and respects the kind table', () => {
    for (const e of entities) {
      for (const r of e.relations ?? []) {
        const where = `${e.id} ${r.type} ${r.target}`;
        for (const key of Object.keys(r)) {
          assert.ok(['type', 'target', 'negated', 'since', 'until', 'evidence'].includes(key), `${where}: key ${key}`);
        }
        const signature = PREDICATES[r.type];
        assert.ok(signature, `${where}: unknown predicate`);
        const target = byId.get(r.target);
        assert.ok(target, `${where}: unknown target`);
        assert.notEqual(r.target, e.id, `${where}: relation to itself`);
        assert.ok((signature.subject as readonly string[]).includes(e.kind), `${where}: subject kind ${e.kind}`);
        assert.ok((signature.object as readonly string[]).includes(target.kind), `${where}: object kind ${target.kind}`);
        assert.equal(typeof r.negated, 'boolean', `${where}: negated`);
        for (const bound of ['since', 'until'] as const) {
          const value = r[bound];
          if (value !== undefined) assert.ok(typeof value === 'string' && DATE_PATTERN.test(value), `${where}: ${bound} ${String(value)}`);
        }
        if (r.since !== undefined && r.until !== undefined) assert.ok(r.since <= r.until, `${where}: since after until`);
      }
    }
  });

  it('states each relation once, with one polarity, counting symmetric ones both ways round', () => {
    const seen = new Map<string, string>();
    for (const e of entities) {
      for (const r of e.relations ?? []) {
        const pair = PREDICATES[r.type].symmetric ? [e.id, r.target].sort() : [e.id, r.target];
        const key = `${r.type}|${pair.join('|')}`;
        assert.ok(!seen.has(key), `${e.id} ${r.type} ${r.target}: stated twice`);
        seen.set(key, e.id);
      }
    }
  });

  it('backs every relation and fact with evidence quoted verbatim from the cited paragraph', () => {
    let quotes = 0;
    for (const e of entities) {
      const items: { what: string; evidence: EvidenceDoc[] }[] = [
        ...(e.relations ?? []).map((r) => ({ what: `${e.id} ${r.type} ${r.target}`, evidence: r.evidence })),
        ...(e.facts ?? []).map((f) => {
          assert.deepEqual(Object.keys(f).sort(), ['evidence', 'text'], `${e.id}: fact keys`);
          assert.ok(typeof f.text === 'string' && f.text.trim() !== '', `${e.id}: fact text`);
          return { what: `${e.id} fact "${f.text}"`, evidence: f.evidence };
        }),
      ];
      for (const { what, evidence } of items) {
        assert.ok(Array.isArray(evidence) && evidence.length > 0, `${what}: no evidence`);
        for (const ev of evidence) {
          assert.deepEqual(Object.keys(ev).sort(), ['paragraph', 'quote', 'source'], `${what}: evidence keys`);
          assert.equal(ev.source, 'carlson-2021', `${what}: source`);
          const text = passages.get(ev.paragraph);
          assert.ok(text !== undefined, `${what}: no paragraph ${ev.paragraph}`);
          assert.ok(typeof ev.quote === 'string' && ev.quote.length >= 5, `${what}: quote`);
          assert.ok(text.includes(ev.quote), `${what}: not verbatim in ${ev.paragraph}: "${ev.quote}"`);
          quotes++;
        }
      }
    }
    assert.ok(quotes > 150);
  });

  it('lets no id, name or alias of one entity capture another (normalised, spec §3.3)', () => {
    const owners = new Map<string, Set<string>>();
    for (const e of entities) {
      for (const label of [e.id, e.name, ...e.aliases]) {
        const key = normalizeName(label);
        if (!owners.has(key)) owners.set(key, new Set());
        owners.get(key)!.add(e.id);
      }
    }
    const collisions: Record<string, string[]> = {};
    for (const [key, ids] of owners) if (ids.size > 1) collisions[key] = [...ids].sort();
    assert.deepEqual(collisions, ALLOWED_COLLISIONS);
    for (const e of entities) assert.equal(normalizeName(e.id), e.id, `${e.id} is not in normal form`);
  });
});

describe('KB data: coverage of the article (data/kb-coverage.yaml)', () => {
  const coverage = readYaml(COVERAGE_PATH) as CoverageEntry[];
  // The raw article with words split across page breaks rejoined and white space folded.
  const article = squash(rawText.replace(/(\p{Ll})-\n\s*(\p{Ll})/gu, '$1$2'));

  it('is a list of {name, id} entries', () => {
    assert.ok(Array.isArray(coverage) && coverage.length >= 60);
    for (const c of coverage) {
      for (const key of Object.keys(c)) assert.ok(['name', 'id', 'text', 'note'].includes(key), `${c.name}: key ${key}`);
      assert.ok(typeof c.name === 'string' && c.name !== '');
      assert.ok(typeof c.id === 'string');
    }
  });

  it('points every entry at an existing entity that the name resolves to', () => {
    for (const c of coverage) {
      const e = byId.get(c.id);
      assert.ok(e, `${c.name}: no entity ${c.id}`);
      const labels = [e.id, e.name, ...e.aliases].map(normalizeName);
      if (c.note === undefined) assert.ok(labels.includes(normalizeName(c.name)), `${c.name} does not resolve to ${c.id}`);
      else assert.ok(c.note.trim().length > 20, `${c.name}: note too short`);
    }
  });

  it('takes every name from the article text', () => {
    for (const c of coverage) {
      const fragment = c.text ?? c.name;
      assert.ok(article.includes(fragment), `"${fragment}" is not in the article`);
      if (c.text !== undefined) {
        // The name's distinctive words appear in the fragment.
        const words = c.name.split(/\s+/).filter((w) => /^\p{Lu}/u.test(w) || /^[A-Z]+$/.test(w));
        assert.ok(words.some((w) => fragment.includes(w)), `${c.name}: no part of it in "${fragment}"`);
      }
    }
  });

  it('covers every entity of the KB', () => {
    const covered = new Set(coverage.map((c) => c.id));
    assert.deepEqual(entities.map((e) => e.id).filter((id) => !covered.has(id)), []);
  });
});

describe('KB data: spot checks of key facts', () => {
  function relation(subject: string, type: string, target: string): RelationDoc | undefined {
    return byId.get(subject)?.relations?.find((r) => r.type === type && r.target === target);
  }

  it('Tajikistan is a CSTO member; Uzbekistan and Turkmenistan are not', () => {
    assert.equal(relation('tajikistan', 'member-of', 'csto')?.negated, false);
    assert.equal(relation('uzbekistan', 'member-of', 'csto')?.negated, true);
    assert.equal(relation('turkmenistan', 'member-of', 'csto')?.negated, true);
    assert.equal(relation('uzbekistan', 'member-of', 'csto')!.evidence[0].paragraph, 'p7');
  });

  it("China's 477 km border with Tajikistan and 91 km border with Afghanistan are facts", () => {
    const facts = byId.get('china')!.facts ?? [];
    assert.ok(facts.some((f) => f.text.includes('477') && f.evidence.some((ev) => ev.quote.includes('477-kilometer border with Tajikistan'))));
    assert.ok(facts.some((f) => f.text.includes('91') && f.evidence.some((ev) => ev.quote.includes('91-kilometer border with Afghanistan'))));
    assert.equal(relation('china', 'borders', 'tajikistan')?.negated, false);
    assert.equal(relation('china', 'borders', 'afghanistan')?.negated, false);
  });

  it('India and Pakistan joined the SCO in 2017', () => {
    assert.equal(relation('india', 'member-of', 'sco')?.since, '2017');
    assert.equal(relation('pakistan', 'member-of', 'sco')?.since, '2017');
  });

  it('the leaders lead their states, with evidence from the text', () => {
    assert.equal(relation('vladimir-putin', 'leads', 'russia')?.negated, false);
    assert.equal(relation('xi-jinping', 'leads', 'china')?.evidence[0].paragraph, 'c1');
    assert.equal(relation('joe-biden', 'leads', 'united-states')?.negated, false);
    assert.equal(relation('george-w-bush', 'leads', 'united-states'), undefined);
  });

  it('Russia operates the Kant Air Base and the 201st Military Base', () => {
    assert.equal(relation('russia', 'operates', 'kant-air-base')?.negated, false);
    assert.equal(relation('russia', 'operates', '201st-military-base')?.negated, false);
    assert.equal(relation('201st-military-base', 'located-in', 'tajikistan')?.negated, false);
  });
});

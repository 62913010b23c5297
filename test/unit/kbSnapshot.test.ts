/**
 * The KB reading cache's stored form (core/kb/snapshot.ts) and the disk cache around it
 * (node/kbCache.ts): a reading comes back exactly as the loader made it, under the uri of the
 * file it is asked for, and a damaged or foreign cache file is a miss, never a crash.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CACHE_FORMAT, type FileReading } from '../../server/src/core/kb/fileCache';
import { KbLocation, relationAt, relationTargets, type SourceLocation } from '../../server/src/core/kb/model';
import { readEntityFile, readSourceFile, type DataFileInput } from '../../server/src/core/kb/loader';
import { decodeReading, encodeReading } from '../../server/src/core/kb/snapshot';
import { decodeFrame, encodeFrame, sealFrame } from '../../server/src/core/kb/snapshotFrame';
import { decodeVerdict } from '../../server/src/core/kb/verdictSnapshot';
import { loadProject } from '../../server/src/core/project';
import { asciiTableText, DiskReadingCache, KEEP_SNAPSHOTS, PRUNE_EVERY, ScratchBuffer, prune } from '../../server/src/node/kbCache';
import { NodeWorkspace } from '../../server/src/node/nodeWorkspace';
import { REPO_ROOT } from '../helpers/memoryWorkspace';
import { prng } from '../helpers/prng';
import { entitiesAsLoaded } from '../helpers/entities';

/** The reading the KB loader makes of a file, in the form knowledgeBase.ts builds it. */
function fresh(input: DataFileInput, kind: 'entities' | 'source'): FileReading {
  if (kind === 'source') {
    const r = readSourceFile(input);
    return { ...(r.source ? { source: r.source } : {}), diagnostics: r.file.diagnostics };
  }
  const r = readEntityFile(input);
  return { entities: r.entities, diagnostics: r.file.diagnostics };
}

/** Equal as objects and as JSON text (the server compares entities by their JSON). */
function assertSame(actual: FileReading, expected: FileReading): void {
  const data = (r: FileReading) => ({ ...r, ...(r.entities ? { entities: entitiesAsLoaded(r.entities) } : {}) });
  assert.deepEqual(data(actual), data(expected));
  assert.equal(JSON.stringify(actual, mapsAsLists), JSON.stringify(expected, mapsAsLists));
}
const mapsAsLists = (_key: string, value: unknown) => (value instanceof Map ? [...value] : value);

const RICH_KB = `# every optional part of the schema, and text that is not ASCII
entities:
  - id: tajikistan
    kind: state
    name: "Tajikistan"
    aliases: [Tojikiston, "Тоҷикистон", "Zürich 🏔"]
    summary: "A state; quotes \\"inside\\", a tab\\there, and a back\\\\slash."
    identifiers: { iso2: TJ, iso3: TJK, wikidata: Q863 }
    relations:
      - type: borders
        target: china
        negated: false
        since: "1991"
        until: 2021-08
        evidence:
          - { source: src, paragraph: p1, quote: "Tajikistan borders China" }
          - { source: src, paragraph: c1, quote: "a caption" }
      - type: member-of
        target: csto
        negated: true
        since: 2000-01-02
        evidence:
          - { source: src, paragraph: p1, quote: "not a member" }
      - type: cooperates-with
        target: china
        until: "2020"
        evidence:
          - { source: src, paragraph: p1, quote: "cooperates" }
    facts:
      - text: "A fact with a long line ${'x'.repeat(300)}"
        evidence:
          - { source: src, paragraph: p1, quote: "fact" }
  - id: china
    kind: state
    name: China
    summary: S.
    identifiers: { wikidata: Q148 }
  - id: broken
    kind: country
    name: Broken
    summary: S.
`;

const RICH_SOURCE = `id: src
title: "Title — with a dash"
author: Ä. Author
year: 2021.5
paragraphs:
  - { id: p1, section: "Sección 1", text: "Tajikistan borders China; not a member; cooperates; fact." }
  - { id: p2, text: "No section." }
captions:
  - { id: c1, after: p1, text: "a caption" }
`;

describe('KB snapshot (the reading cache format)', () => {
  const uri = 'file:///kb/rich.yaml';

  it('gives back every part of a reading: optional fields, non-ASCII text, diagnostics', () => {
    const reading = fresh({ uri, text: RICH_KB, origin: 'workspace' }, 'entities');
    assert.ok(reading.diagnostics.length > 0, 'the fixture has a schema problem');
    // Every entry, as far as it could be read (the cross-file checks look at all of them).
    assert.equal(reading.entities?.length, 3);
    assertSame(decodeReading(encodeReading(reading), uri), reading);
  });

  it('builds an entity\'s relations and facts once, when first asked, and checks them when the reading is decoded', () => {
    const reading = fresh({ uri, text: RICH_KB, origin: 'workspace' }, 'entities');
    const [stored] = decodeReading(encodeReading(reading), uri).entities ?? [];
    const [loaded] = reading.entities ?? [];
    assert.ok(loaded.relations.length > 0 && loaded.facts.length > 0, 'the fixture has both');
    assert.equal(stored.relations, stored.relations, 'the same list on every access');
    assert.equal(stored.facts, stored.facts);
    assert.deepEqual(stored.relations, loaded.relations);
    assert.deepEqual(stored.facts, loaded.facts);
    // Targets read without building the relations: those of the built relations, entity by entity.
    const bundled = fs.readdirSync(path.join(REPO_ROOT, 'data', 'kb')).flatMap((f) => {
      const input = { uri: `file:///kb/${f}`, text: fs.readFileSync(path.join(REPO_ROOT, 'data', 'kb', f), 'utf8'), origin: 'bundled' as const };
      return decodeReading(encodeReading(fresh(input, 'entities')), input.uri).entities ?? [];
    });
    const rich = decodeReading(encodeReading(reading), uri).entities ?? [];
    for (const entity of [...rich, ...bundled]) {
      const targets = relationTargets(entity);
      // One relation built alone, before the entity's relations are built, is the one they hold.
      const alone = targets.map((_, place) => relationAt(entity, place));
      assert.throws(() => entity.relationAt?.(targets.length), RangeError, `${entity.id}: no relation past the last`);
      assert.deepEqual(targets, entity.relations.map((r) => r.target), entity.id);
      assert.deepEqual(alone, entity.relations, `${entity.id}: each relation read alone`);
      assert.deepEqual(relationTargets(entity), targets, `${entity.id}: the same once the relations are built`);
      if (targets.length > 0) assert.equal(relationAt(entity, 0), entity.relations[0], `${entity.id}: the built one once they are built`);
      assert.throws(() => entity.relationAt?.(targets.length), RangeError, `${entity.id}: still none past the last`);
    }
    assert.ok(bundled.some((e) => e.relations.some((r) => r.since || r.until)) && rich.some((e) => e.relations.length > 1), 'dated relations and several per entity are read past');
    // An entity whose first relation's target points past the strings (int 10 without aliases
    // and identifiers: reading flags, count, id, kind, name, alias count, summary, identifier
    // flags, relation count, type, target): refused at decoding, not at the first hover.
    const bytes = encodeReading({ entities: [{ ...loaded, aliases: [], identifiers: {} }], diagnostics: [] });
    const magic = new Int32Array(bytes.buffer, 0, 1)[0];
    const frame = decodeFrame(bytes, magic, CACHE_FORMAT);
    const ints = frame.ints.slice();
    assert.equal(frame.strings.get(ints[10]), loaded.relations[0].target, 'int 10 is the first relation\'s target');
    ints[10] = frame.strings.length;
    assert.throws(() => decodeReading(encodeFrame(magic, CACHE_FORMAT, ints, frame.strings.slice(0), frame.extra), uri), /bad string index/);
  });

  it('makes an entity\'s kind, name, summary, identifiers, origin and location when first asked, and checks them when the reading is decoded', () => {
    const reading = fresh({ uri, text: RICH_KB, origin: 'workspace' }, 'entities');
    const stored = decodeReading(encodeReading(reading), uri).entities ?? [];
    const loaded = reading.entities ?? [];
    assert.ok(loaded.some((e) => Object.keys(e.identifiers).length > 0) && loaded.some((e) => e.aliases.length > 0), 'the fixture has identifiers and aliases');
    stored.forEach((e, i) => {
      const { id, kind, name, aliases, summary, identifiers, origin, location } = loaded[i];
      assert.deepEqual({ id: e.id, kind: e.kind, name: e.name, aliases: e.aliases, summary: e.summary, identifiers: e.identifiers, origin: e.origin, location: e.location }, { id, kind, name, aliases, summary, identifiers, origin, location });
      assert.equal(e.location, e.location, 'the same location on every access');
      assert.equal(e.identifiers, e.identifiers);
    });
    // One entity with an ISO code and no aliases, relations or facts: the ints are reading flags,
    // count, id, kind (3), name (4), alias count, summary (6), identifier flags, ISO code (8),
    // relation count, fact count, origin (11), then the location (12–15). Each one spoiled is
    // refused at decoding, not when the entity is first shown.
    const [first] = loaded;
    const bytes = encodeReading({ entities: [{ ...first, aliases: [], identifiers: { iso2: 'XX' }, relations: [], facts: [] }], diagnostics: [] });
    const magic = new Int32Array(bytes.buffer, 0, 1)[0];
    const frame = decodeFrame(bytes, magic, CACHE_FORMAT);
    const spoiled = (at: number, value: number) => {
      const ints = frame.ints.slice();
      ints[at] = value;
      return () => decodeReading(encodeFrame(magic, CACHE_FORMAT, ints, frame.strings.slice(0), frame.extra), uri);
    };
    assert.equal(frame.ints.length, 16);
    assert.deepEqual([3, 4, 6, 8, 11].map((at) => frame.strings.get(frame.ints[at])), [first.kind, first.name, first.summary, 'XX', first.origin]);
    for (const at of [3, 4, 6, 8, 11]) assert.throws(spoiled(at, frame.strings.length), /bad string index/, `int ${at}`);
    assert.throws(spoiled(12, -2), /bad location/);
    assert.doesNotThrow(spoiled(12, 0), 'the ints as they were, but for a line');
  });

  it('gives back a source with captions, a fractional year and its passages map', () => {
    const reading = fresh({ uri, text: RICH_SOURCE, origin: 'bundled' }, 'source');
    assert.equal(reading.source?.year, 2021.5);
    const back = decodeReading(encodeReading(reading), uri);
    assertSame(back, reading);
    assert.deepEqual([...(back.source?.passages.keys() ?? [])], ['p1', 'p2', 'c1']);
    assert.equal(back.source?.passages.get('c1'), back.source?.captions[0], 'the map holds the same objects as the lists');
  });

  it('gives back readings of files that did not parse', () => {
    for (const [text, kind] of [['entities:\n  - id: [unclosed\n', 'entities'], ['- a list\n', 'source'], ['', 'entities']] as const) {
      const reading = fresh({ uri, text, origin: 'workspace' }, kind);
      assertSame(decodeReading(encodeReading(reading), uri), reading);
    }
  });

  it('gives back the readings of the bundled KB exactly', () => {
    const data = path.join(REPO_ROOT, 'data');
    for (const [dir, kind] of [['kb', 'entities'], ['sources', 'source']] as const) {
      for (const name of fs.readdirSync(path.join(data, dir)).filter((f) => f.endsWith('.yaml'))) {
        const input: DataFileInput = { uri: `file:///data/${dir}/${name}`, text: fs.readFileSync(path.join(data, dir, name), 'utf8'), origin: 'bundled' };
        const reading = fresh(input, kind);
        assertSame(decodeReading(encodeReading(reading), input.uri), reading);
      }
    }
  });

  it('puts every location in the file it is decoded for', () => {
    const bytes = encodeReading(fresh({ uri, text: RICH_KB, origin: 'workspace' }, 'entities'));
    const other = decodeReading(bytes, 'file:///elsewhere/copy.yaml');
    const uris = new Set<string>();
    for (const e of other.entities ?? []) {
      uris.add(e.location.uri);
      for (const r of e.relations) [r.location, ...r.evidence.map((ev) => ev.location)].forEach((l) => uris.add(String(l?.uri)));
      for (const f of e.facts) [f.location, ...f.evidence.map((ev) => ev.location)].forEach((l) => uris.add(String(l?.uri)));
    }
    assert.deepEqual([...uris], ['file:///elsewhere/copy.yaml']);
  });

  it('refuses damaged bytes: truncated, extended, or any byte changed', () => {
    const bytes = encodeReading(fresh({ uri, text: RICH_KB, origin: 'workspace' }, 'entities'));
    const refused = (b: Uint8Array, what: string) => assert.throws(() => decodeReading(b, uri), /KB snapshot/, what);
    refused(new Uint8Array(0), 'empty');
    for (const n of [4, 31, 32, bytes.length >> 1, bytes.length - 1]) refused(bytes.slice(0, n), `truncated to ${n}`);
    refused(new Uint8Array([...bytes, 0, 0, 0, 0]), 'extended');
    const random = prng(7);
    for (let k = 0; k < 300; k++) {
      const damaged = bytes.slice();
      const at = Math.floor(random() * damaged.length);
      damaged[at] ^= 1 + Math.floor(random() * 255);
      refused(damaged, `byte ${at} changed`);
    }
  });

  it('refuses a JSON reading of the earlier format', () => {
    refused(new TextEncoder().encode(JSON.stringify({ entities: [], diagnostics: [] })));
    function refused(b: Uint8Array) {
      assert.throws(() => decodeReading(b, uri));
    }
  });

  it('keeps its strings in one ASCII table and gives each back as written', () => {
    const strings = ['', 'a', 'plain "quoted" text with a back\\slash', 'Zürich', 'Тоҷикистон 🏔', 'a\ttab', '\u0000', '\uD800 alone', 'x'.repeat(100), 'a'];
    const bytes = encodeFrame(1, 1, new Int32Array(0), strings, null);
    const table = new Int32Array(bytes.buffer, 0, 8)[4];
    assert.ok(bytes.subarray(32, 32 + table).every((b, i) => i < 4 * strings.length || b < 0x80), 'the text is ASCII');
    const frame = decodeFrame(bytes, 1, 1);
    assert.equal(frame.strings.length, strings.length);
    assert.deepEqual(strings.map((_, i) => frame.strings.get(i)), strings);
    assert.deepEqual(frame.strings.slice(2, 4), strings.slice(2, 4));
    for (const i of [-1, strings.length, 1.5, NaN]) assert.equal(frame.strings.get(i), undefined, `no string ${i}`);
  });

  it('refuses a string table whose ends or escapes do not hold together', () => {
    // Three strings, the middle one escaped: ends (shifted, low bit = escaped), then the text.
    const strings = ['abc', 'é', 'de'];
    const good = encodeFrame(1, 1, new Int32Array(0), strings, null);
    const ends = () => new Int32Array(good.buffer, 32, 3);
    assert.deepEqual([...ends()], [3 << 1, (9 << 1) | 1, 11 << 1], 'the layout this test edits');
    const refusedWith = (edit: (e: Int32Array, text: Uint8Array) => void, what: string) => {
      const bytes = good.slice();
      edit(new Int32Array(bytes.buffer, 32, 3), bytes.subarray(44, 55));
      assert.throws(() => decodeFrame(sealFrame(bytes), 1, 1), /bad string table/, what);
    };
    assert.deepEqual(decodeFrame(sealFrame(good.slice()), 1, 1).strings.slice(0), strings);
    refusedWith((e) => (e[1] = 2 << 1), 'an end before the previous one');
    refusedWith((e) => (e[2] = 10 << 1), 'the last end short of the text');
    refusedWith((e) => (e[2] = 12 << 1), 'an end past the text');
    refusedWith((e) => (e[0] = -2), 'a negative end');
    refusedWith((_, text) => (text[3] = 0x22), 'an escaped string with a bare quote');
  });

  it('decodes from a buffer at an odd offset (a pooled Buffer)', () => {
    const bytes = encodeReading(fresh({ uri, text: RICH_KB, origin: 'workspace' }, 'entities'));
    const pool = new Uint8Array(bytes.length + 3);
    pool.set(bytes, 3);
    assertSame(decodeReading(pool.subarray(3), uri), decodeReading(bytes, uri));
  });
});

describe('KB reading cache on disk', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-kb-cache-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  const input: DataFileInput = { uri: 'file:///kb/rich.yaml', text: RICH_KB, origin: 'workspace' };
  const files = () => fs.readdirSync(path.join(folder, 'user')).filter((f) => !f.endsWith('.tmp'));

  it('writes a reading and gives it back in a later process (a new cache object)', () => {
    const reading = fresh(input, 'entities');
    new DiskReadingCache([], path.join(folder, 'user')).set(input, 'entities', reading);
    assert.equal(files().length, 1);
    const back = new DiskReadingCache([], path.join(folder, 'user')).get(input, 'entities');
    assert.ok(back);
    assertSame(back, reading);
    assert.equal(new DiskReadingCache([], path.join(folder, 'user')).get({ ...input, text: `${RICH_KB}\n` }, 'entities'), undefined, 'another text is a miss');
    assert.equal(new DiskReadingCache([], path.join(folder, 'user')).get(input, 'source'), undefined, 'another kind is a miss');
    assert.equal(new DiskReadingCache([], path.join(folder, 'user')).get({ ...input, origin: 'bundled' }, 'entities'), undefined, 'another origin is a miss');
  });

  it('keeps apart two texts whose Latin-1 and UTF-8 bytes coincide', () => {
    // "Ã©" as Latin-1 bytes is C3 A9, which is "é" in UTF-8: the encoding is part of the key.
    const latin1: DataFileInput = { uri: 'file:///kb/a.yaml', text: 'entities:\n  - id: a\n    kind: state\n    name: "Ã©"\n    summary: S.\n', origin: 'workspace' };
    const utf8: DataFileInput = { ...latin1, text: latin1.text.replace('Ã©', 'é') };
    assert.deepEqual(Buffer.from(latin1.text, 'latin1'), Buffer.from(utf8.text, 'utf8'));
    const cache = () => new DiskReadingCache([], path.join(folder, 'user'));
    cache().set(latin1, 'entities', fresh(latin1, 'entities'));
    assert.equal(cache().get(utf8, 'entities'), undefined);
    cache().set(utf8, 'entities', fresh(utf8, 'entities'));
    assert.equal(cache().get(latin1, 'entities')?.entities?.[0].name, 'Ã©');
    assert.equal(cache().get(utf8, 'entities')?.entities?.[0].name, 'é');
  });

  it('treats a damaged or foreign cache file as a miss, and the next write repairs it', () => {
    const reading = fresh(input, 'entities');
    new DiskReadingCache([], path.join(folder, 'user')).set(input, 'entities', reading);
    const [name] = files();
    const file = path.join(folder, 'user', name);
    for (const damage of [Buffer.alloc(0), fs.readFileSync(file).subarray(0, 100), Buffer.from('{"entities":[],"diagnostics":[]}'), Buffer.from('\u0000'.repeat(64))]) {
      fs.writeFileSync(file, damage);
      assert.equal(new DiskReadingCache([], path.join(folder, 'user')).get(input, 'entities'), undefined);
    }
    new DiskReadingCache([], path.join(folder, 'user')).set(input, 'entities', reading);
    assertSame(new DiskReadingCache([], path.join(folder, 'user')).get(input, 'entities') as FileReading, reading);
  });

  it('takes a string table of ASCII only: a file sealed with any other byte in it is a miss', () => {
    // The Node host reads tables as Latin-1 (kbCache.ts asciiTableText), which would take any byte.
    const strings = ['plain', 'Zürich', 'x'.repeat(40)];
    const bytes = encodeFrame(1, 1, new Int32Array(0), strings, null);
    assert.deepEqual(decodeFrame(bytes, 1, 1, asciiTableText).strings.slice(0), strings, 'escaped strings come back through it');
    const text = 32 + 4 * strings.length;
    const bad = bytes.slice();
    bad[text + 1] = 0xe9; // "plain" → "p\u00e9ain" as Latin-1; in UTF-8 no character at all
    assert.throws(() => decodeFrame(sealFrame(bad), 1, 1, asciiTableText), /string table is not ASCII/);
    // The same through the cache: the file's checksum holds, its table does not.
    const reading = fresh(input, 'entities');
    new DiskReadingCache([], path.join(folder, 'user')).set(input, 'entities', reading);
    const file = path.join(folder, 'user', files()[0]);
    const stored = new Uint8Array(fs.readFileSync(file));
    const header = new Int32Array(stored.buffer, stored.byteOffset, 8);
    const tableText = 32 + 4 * header[3] + 4 * header[6];
    assert.ok(stored[tableText] < 0x80);
    stored[tableText] = 0xc3;
    fs.writeFileSync(file, sealFrame(stored));
    assert.equal(new DiskReadingCache([], path.join(folder, 'user')).get(input, 'entities'), undefined);
  });

  it('reads the shipped folder first and falls through to the next when a file there is damaged', () => {
    const reading = fresh(input, 'entities');
    new DiskReadingCache([], path.join(folder, 'shipped')).set(input, 'entities', reading);
    new DiskReadingCache([], path.join(folder, 'user')).set(input, 'entities', reading);
    const [name] = files();
    fs.writeFileSync(path.join(folder, 'shipped', name), 'damaged');
    const back = new DiskReadingCache([path.join(folder, 'shipped')], path.join(folder, 'user')).get(input, 'entities');
    assert.ok(back);
    assertSame(back, reading);
  });

  it('writes nothing without a write folder, and survives one it cannot create', () => {
    const reading = fresh(input, 'entities');
    new DiskReadingCache([], undefined).set(input, 'entities', reading);
    fs.writeFileSync(path.join(folder, 'file'), '');
    const blocked = new DiskReadingCache([], path.join(folder, 'file', 'sub'));
    blocked.set(input, 'entities', reading);
    assert.equal(new DiskReadingCache([], path.join(folder, 'file', 'sub')).get(input, 'entities'), undefined);
  });

  it('keeps verdicts beside the readings, in their frame: found by a later cache, shipped ones first, never taken for a reading', () => {
    const files = [{ input, kind: 'entities' as const }];
    const warning = { range: { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } }, message: 'part-of cycle: a → b → a.', severity: 2, code: 'kb-cycle', source: 'brief' } as const;
    const verdict = { added: [[warning]] };
    new DiskReadingCache([], path.join(folder, 'user')).setVerdict(files, 'checks', verdict);
    const [name] = fs.readdirSync(path.join(folder, 'user'));
    assert.match(name, /^[0-9a-f]{40}\.kbs$/, 'pruned and shipped like a reading');
    assert.deepEqual(new DiskReadingCache([], path.join(folder, 'user')).getVerdict(files, 'checks'), verdict);
    assert.equal(new DiskReadingCache([], path.join(folder, 'user')).getVerdict(files, 'other checks'), undefined);
    assert.equal(new DiskReadingCache([], path.join(folder, 'user')).getVerdict([{ input, kind: 'source' }], 'checks'), undefined);
    assert.throws(() => decodeReading(fs.readFileSync(path.join(folder, 'user', name)), input.uri), /not a snapshot/);
    assert.throws(() => decodeVerdict(encodeReading(fresh(input, 'entities'))), /not a snapshot/);
    new DiskReadingCache([], path.join(folder, 'shipped')).setVerdict(files, 'checks', { added: [[]] });
    assert.deepEqual(new DiskReadingCache([path.join(folder, 'shipped')], path.join(folder, 'user')).getVerdict(files, 'checks'), { added: [[]] });
  });

  it('hands the same entities to a second load in the same process, each file under its own uri', () => {
    const cache = new DiskReadingCache([], path.join(folder, 'user'));
    const reading = fresh(input, 'entities');
    cache.set(input, 'entities', reading);
    assert.equal(cache.get(input, 'entities')?.entities, reading.entities, 'no second decode, no second copy');
    const copy = cache.get({ ...input, uri: 'file:///copy/rich.yaml' }, 'entities');
    assert.equal(copy?.entities?.[0].location.uri, 'file:///copy/rich.yaml');
  });

  it('prunes its folder: readings of the JSON format, stale temporary files, the least recently used snapshots', () => {
    const user = path.join(folder, 'user');
    fs.mkdirSync(user);
    const hex = (n: number) => n.toString(16).padStart(40, '0');
    const now = Date.now();
    const write = (name: string, ageMs: number, size = 10) => {
      fs.writeFileSync(path.join(user, name), Buffer.alloc(size));
      fs.utimesSync(path.join(user, name), new Date(now - ageMs), new Date(now - ageMs));
    };
    for (let i = 0; i < 6; i++) write(`${hex(i)}.kbs`, i * 1000);
    write(`${hex(100)}.json`, 0);
    write(`${hex(101)}.kbs.123.tmp`, 2 * 60 * 60 * 1000);
    write(`${hex(102)}.kbs.124.tmp`, 1000);
    write('brief-lint-abc.v8cache', 10 * 24 * 60 * 60 * 1000);
    write('notes.txt', 10 * 24 * 60 * 60 * 1000);
    prune(user, { now, files: 4 });
    assert.deepEqual(fs.readdirSync(user).sort(), [`${hex(0)}.kbs`, `${hex(1)}.kbs`, `${hex(102)}.kbs.124.tmp`, `${hex(2)}.kbs`, `${hex(3)}.kbs`, 'brief-lint-abc.v8cache', 'notes.txt'].sort());
    prune(user, { now, bytes: 25 });
    assert.deepEqual(fs.readdirSync(user).filter((f) => f.endsWith('.kbs')).sort(), [`${hex(0)}.kbs`, `${hex(1)}.kbs`]);
    prune(user, { now, bytes: 1 });
    assert.deepEqual(fs.readdirSync(user).filter((f) => f.endsWith('.kbs')), [`${hex(0)}.kbs`], 'the newest stays');
  });

  it('keeps to its limits while one process writes many snapshots, not only at its first write', () => {
    const user = path.join(folder, 'user');
    const cache = new DiskReadingCache([], user);
    const written = KEEP_SNAPSHOTS + 2 * PRUNE_EVERY;
    for (let i = 0; i < written; i++) {
      const version: DataFileInput = { ...input, uri: `file:///kb/v${i}.yaml`, text: `${RICH_KB}# version ${i}\n` };
      cache.set(version, 'entities', fresh(version, 'entities'));
    }
    const kept = files().length;
    assert.ok(kept < KEEP_SNAPSHOTS + PRUNE_EVERY, `${kept} snapshots after ${written} writes`);
  });

  it('keeps a snapshot it reads: a hit makes it the most recently used', () => {
    const user = path.join(folder, 'user');
    const other: DataFileInput = { ...input, uri: 'file:///kb/other.yaml', text: `${RICH_KB}# another version\n` };
    new DiskReadingCache([], user).set(input, 'entities', fresh(input, 'entities'));
    new DiskReadingCache([], user).set(other, 'entities', fresh(other, 'entities'));
    const old = new Date(Date.now() - 60_000);
    for (const f of files()) fs.utimesSync(path.join(user, f), old, old);
    assert.ok(new DiskReadingCache([], user).get(input, 'entities'));
    prune(user, { files: 1 });
    assert.ok(new DiskReadingCache([], user).get(input, 'entities'), 'the snapshot just read is kept');
    assert.equal(new DiskReadingCache([], user).get(other, 'entities'), undefined);
  });

  it('reads one file after another into one buffer, and what it decoded first stays whole', () => {
    // Each file read overwrites the bytes the one before was decoded from (the longest first, so
    // that the buffer does not grow in between; the second has the first's shape with shorter
    // names, so its numbers land where the first's were): relations, facts and strings, made
    // when first asked (below, by the comparison), must come from copies of their own. The two
    // have string tables of more than a megabyte, which Node makes external strings of
    // (kbCache.ts asciiTableText); the others' are small, made in V8's heap.
    const long = 'A summary long enough to put the table past a megabyte. '.repeat(50);
    const kb = (uri: string, name: (i: number) => string): DataFileInput => ({
      uri,
      origin: 'workspace',
      text: `entities:\n${Array.from({ length: 400 }, (_, i) => `  - id: e${i}\n    kind: organization\n    name: "${name(i)}"\n    summary: "Summary ${i}. ${long}"\n    relations:\n      - type: member-of\n        target: e${(i + 1) % 400}\n        evidence:\n          - { source: src, paragraph: p1, quote: "q${i}" }\n`).join('')}`,
    });
    const longNames = kb('file:///kb/long.yaml', (i) => `The organisation numbered ${i} Ω`);
    const shortNames = kb('file:///kb/short.yaml', (i) => `Org ${i}`);
    const smaller: DataFileInput = { uri: 'file:///kb/smaller.yaml', text: 'entities:\n  - id: one\n    kind: state\n    name: One\n    summary: S.\n', origin: 'workspace' };
    const inputs = [longNames, shortNames, input, smaller];
    const user = path.join(folder, 'user');
    for (const i of inputs) new DiskReadingCache([], user).set(i, 'entities', fresh(i, 'entities'));
    const cache = new DiskReadingCache([], user);
    const tableTexts = fs.readdirSync(user).filter((f) => f.endsWith('.kbs')).map((f) => {
      const header = new Int32Array(new Uint8Array(fs.readFileSync(path.join(user, f)).subarray(0, 32)).buffer);
      return header[4] - 4 * header[6]; // the table's bytes less its ends
    });
    assert.equal(tableTexts.filter((n) => n > 1 << 20).length, 2, `tables of ${tableTexts.join(', ')} bytes: two of more than a megabyte`);
    const back = inputs.map((i) => cache.get(i, 'entities'));
    inputs.forEach((i, n) => {
      assert.ok(back[n], i.uri);
      assertSame(back[n]!, fresh(i, 'entities'));
    });
  });

  it('lets its read buffer go once no file has been read for a while', async () => {
    const user = path.join(folder, 'user');
    fs.mkdirSync(user);
    fs.writeFileSync(path.join(user, 'a'), 'x'.repeat(5000));
    fs.writeFileSync(path.join(user, 'b'), 'yz');
    const scratch = new ScratchBuffer(30);
    assert.equal(Buffer.from(scratch.read(path.join(user, 'a'))).toString(), 'x'.repeat(5000));
    assert.equal(Buffer.from(scratch.read(path.join(user, 'b'))).toString(), 'yz', 'a shorter file after a longer one');
    assert.ok(scratch.bytesHeld >= 5000);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(scratch.bytesHeld, 0);
    assert.equal(Buffer.from(scratch.read(path.join(user, 'a'))).toString(), 'x'.repeat(5000), 'and takes a new one when asked again');
  });

  it('loads a project from the disk cache with the KB and diagnostics of a parse', async () => {
    const dataDir = path.join(folder, 'data');
    fs.mkdirSync(path.join(dataDir, 'kb'), { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'sources'), { recursive: true });
    // Without its broken entity: a file with errors is not cached (it is read again each time,
    // as its reading names the entities a brief may ask about); this one's warnings are.
    fs.writeFileSync(path.join(dataDir, 'kb', 'rich.yaml'), RICH_KB.replace(/ {2}- id: broken\n[^]*$/, ''));
    fs.writeFileSync(path.join(dataDir, 'kb', 'broken.yaml'), 'entities:\n  - id: broken\n    kind: country\n    name: Broken\n    summary: S.\n');
    fs.writeFileSync(path.join(dataDir, 'sources', 'src.yaml'), RICH_SOURCE);
    const options = { bundledDataDir: dataDir, trusted: false };
    const parsed = await loadProject(new NodeWorkspace(), options);
    await loadProject(new NodeWorkspace(), { ...options, cache: new DiskReadingCache([], path.join(folder, 'user')) });
    assert.equal(files().length, 2, 'rich.yaml and src.yaml are cached, broken.yaml is not');
    const cached = await loadProject(new NodeWorkspace(), { ...options, cache: new DiskReadingCache([], path.join(folder, 'user')) });
    assert.deepEqual(entitiesAsLoaded(cached.kbLoad.kb.entities), entitiesAsLoaded(parsed.kbLoad.kb.entities));
    assert.deepEqual([...cached.kbLoad.kb.sources.values()], [...parsed.kbLoad.kb.sources.values()]);
    assert.deepEqual([...cached.fileDiagnostics.entries()], [...parsed.fileDiagnostics.entries()]);
    assert.ok([...parsed.fileDiagnostics.values()].some((list) => list.length > 0), 'the fixture has problems to compare');
  });
});

describe('KB locations from a snapshot', () => {
  /** A location as it goes into an LSP answer (JSON), which is what the editor gets. */
  const plain = (value: SourceLocation | object | undefined) => JSON.parse(JSON.stringify(value ?? null)) as unknown;
  it('land where the YAML has them: an entity on its `- id:` line, a relation from its first key to the next line', () => {
    const input = { uri: 'file:///kb/rich.yaml', text: RICH_KB, origin: 'workspace' as const };
    const entity = decodeReading(encodeReading(fresh(input, 'entities')), input.uri).entities?.[0];
    assert.deepEqual(plain(entity?.location), { uri: input.uri, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 18 } } });
    assert.deepEqual(plain(entity?.relations[0].location), { uri: input.uri, range: { start: { line: 9, character: 8 }, end: { line: 17, character: 0 } } });
    assert.ok(entity?.location instanceof KbLocation, 'decoded as numbers');
    assert.deepEqual(plain(entity?.relations[0].evidence[0].location), { uri: input.uri, range: { start: { line: 15, character: 12 }, end: { line: 15, character: 77 } } });
  });

  it('are numbers that give the LSP range and shape, in code and in JSON', () => {
    const range = { start: { line: 3, character: 4 }, end: { line: 5, character: 0 } };
    const location = KbLocation.of('file:///kb/a.yaml', range);
    assert.deepEqual(location.range, range);
    assert.notEqual(location.range, location.range, 'a fresh range each time: no caller can alter the KB');
    assert.deepEqual(plain(location), { uri: 'file:///kb/a.yaml', range });
    assert.deepEqual(plain({ entity: location }), { entity: { uri: 'file:///kb/a.yaml', range } });
  });
});

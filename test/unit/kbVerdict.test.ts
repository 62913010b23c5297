/**
 * The verdict of the cross-file pass (knowledgeBase.ts, fileCache.ts `KbVerdict`): a load that
 * replays a stored verdict gives exactly the KB, diagnostics and last good versions of a load
 * that runs the pass; a pass with an error stores none and uses none, so a broken file still
 * falls back on its last good version; and the verdict's key follows every file's text, origin
 * and place in the order, not the uris.
 */
import { strict as assert } from 'assert';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadKnowledgeBase, type KbInputs, type KbLoadResult } from '../../server/src/core/kb/knowledgeBase';
import { encodeReading } from '../../server/src/core/kb/snapshot';
import { decodeVerdict, encodeVerdict } from '../../server/src/core/kb/verdictSnapshot';
import { CountingCache } from '../helpers/countingCache';
import { asLoaded, entitiesAsLoaded } from '../helpers/entities';

const SOURCE = `id: src
title: T
author: A
year: 2021
paragraphs:
  - { id: p1, section: "", text: "Alpha borders Beta. The Gulf Forum is part of the Gulf Council, and the Gulf Council is part of the Gulf Forum." }
`;

const evidence = (quote: string) => `        evidence:\n          - { source: src, paragraph: p1, quote: "${quote}" }\n`;
const relation = (type: string, target: string, quote: string) => `      - type: ${type}\n        target: ${target}\n${evidence(quote)}`;
const entity = (id: string, kind: string, name: string, relations = '') =>
  `  - id: ${id}\n    kind: ${kind}\n    name: ${name}\n    aliases: [${name} Land]\n    summary: S.\n${relations ? `    relations:\n${relations}` : ''}`;

/** Bundled: two states and the first half of a part-of cycle. */
const BUNDLED = `entities:\n${entity('alpha', 'state', 'Alpha', relation('borders', 'beta', 'Alpha borders Beta'))}${entity('beta', 'state', 'Beta')}${entity('gulf-forum', 'organization', 'Gulf Forum', relation('part-of', 'gulf-council', 'The Gulf Forum is part of the Gulf Council'))}`;
/** Workspace: the entity that closes the cycle, so the kb-cycle warning lands in this file. */
const CLOSING = `entities:\n${entity('gulf-council', 'organization', 'Gulf Council', relation('part-of', 'gulf-forum', 'the Gulf Council is part of the Gulf Forum'))}`;
/** Workspace, with a cross-file error: a target no file defines. */
const UNKNOWN_TARGET = `entities:\n${entity('gamma', 'state', 'Gamma', relation('borders', 'delta', 'Alpha borders Beta'))}`;

function inputs(workspace: string, uris = { bundled: 'file:///data/kb/bundled.yaml', workspace: 'file:///ws/kb/local.yaml', source: 'file:///data/sources/src.yaml' }): KbInputs {
  return {
    // The workspace file first: the loader puts bundled files ahead, which the verdict's order must follow.
    entityFiles: [
      { uri: uris.workspace, text: workspace, origin: 'workspace' },
      { uri: uris.bundled, text: BUNDLED, origin: 'bundled' },
    ],
    sourceFiles: [{ uri: uris.source, text: SOURCE, origin: 'bundled' }],
  };
}

/** Everything a load hands on, as plain data: entities, sources, diagnostics, last good versions, the name index. */
function snapshot(r: KbLoadResult): unknown {
  return {
    entities: [...r.kb.entities].map(([id, entity]) => [id, asLoaded(entity)]),
    sources: [...r.kb.sources.entries()],
    diagnostics: [...r.diagnostics.entries()],
    lastGood: [...r.lastGood].map(([uri, good]) => [uri, { ...good, ...(good.entities ? { entities: entitiesAsLoaded(good.entities) } : {}) }]),
    keys: r.kb.names().keys,
    lookups: ['alpha', 'Alpha Land', 'gulf council', 'GULF-FORUM'].map((name) => r.kb.lookup(name).map((e) => e.id)),
    incoming: [...r.kb.entities.keys()].map((id) => r.kb.relationsTo(id).map(({ subject, relation }) => `${subject.id} ${relation.type}`)),
  };
}

const codes = (r: KbLoadResult, uri: string) => (r.diagnostics.get(uri) ?? []).map((d) => d.code);

describe('KB verdict cache', () => {
  let folder: string;
  beforeEach(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-kb-verdict-'))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  /** The verdict files of the cache folder (they share the snapshots' suffix). */
  const verdictFiles = () =>
    fs.readdirSync(folder).filter((f) => {
      try {
        decodeVerdict(fs.readFileSync(path.join(folder, f)));
        return true;
      } catch {
        return false;
      }
    });

  it('replays a part-of cycle warning exactly: the same KB, diagnostics and last good versions as a load that runs the pass', () => {
    const uncached = loadKnowledgeBase(inputs(CLOSING));
    assert.deepEqual(codes(uncached, 'file:///ws/kb/local.yaml'), ['kb-cycle'], 'the fixture has a warning to replay');
    assert.deepEqual(codes(uncached, 'file:///data/kb/bundled.yaml'), []);

    const cold = new CountingCache(folder);
    const first = loadKnowledgeBase(inputs(CLOSING), undefined, cold);
    assert.equal(cold.hits, 0);
    assert.equal(cold.stored, 1);
    assert.equal(verdictFiles().length, 1);

    const warm = new CountingCache(folder); // a later process
    const second = loadKnowledgeBase(inputs(CLOSING), undefined, warm);
    assert.equal(warm.hits, 1, 'the second load replays the verdict');
    assert.equal(warm.stored, 0);
    assert.deepEqual(snapshot(first), snapshot(uncached));
    assert.deepEqual(snapshot(second), snapshot(uncached));
    // The server compares entities by their JSON text: key order counts too.
    assert.equal(JSON.stringify(snapshot(second)), JSON.stringify(snapshot(uncached)));
  });

  it('takes the added diagnostics from the verdict, not from a second run of the pass', () => {
    loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    const [name] = verdictFiles();
    const stored = decodeVerdict(fs.readFileSync(path.join(folder, name)));
    // A verdict that says otherwise (no cycle) is what the next load reports: it did not check again.
    fs.writeFileSync(path.join(folder, name), encodeVerdict({ added: stored.added.map(() => []) }));
    const replayed = loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    assert.deepEqual(codes(replayed, 'file:///ws/kb/local.yaml'), []);
  });

  it('stores the name index with the verdict, and a replay searches the stored one instead of building it again', () => {
    const uncached = loadKnowledgeBase(inputs(CLOSING));
    loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    const [name] = verdictFiles();
    const stored = decodeVerdict(fs.readFileSync(path.join(folder, name)));
    assert.ok(stored.names, 'the verdict holds the name index');
    assert.deepEqual(stored.names.keys, uncached.kb.names().keys);
    // Forge one label (Alpha filed by its alias, not its name): only a replay that uses the stored arrays shows it.
    const k = stored.names.keys.indexOf('alpha');
    const entryLabel = stored.names.entryLabel.slice();
    entryLabel[stored.names.entryStart[k]] = 1;
    fs.writeFileSync(path.join(folder, name), encodeVerdict({ ...stored, names: { ...stored.names, entryLabel } }));
    const replayed = loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    assert.deepEqual(replayed.kb.names().entry(k), { ids: ['alpha'], labels: ['Alpha Land'] });
    assert.deepEqual(uncached.kb.names().entry(k), { ids: ['alpha'], labels: ['Alpha'] });

    // Arrays that do not fit the entities (an entity past the end) are not used: the KB builds its own.
    const entryEntity = stored.names.entryEntity.slice();
    entryEntity[0] = 99;
    fs.writeFileSync(path.join(folder, name), encodeVerdict({ ...stored, names: { ...stored.names, entryEntity } }));
    const rebuilt = loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    assert.deepEqual(snapshot(rebuilt), snapshot(uncached));
  });

  it('stores the index of incoming relations with the verdict, and a replay uses the stored one instead of building it', () => {
    const uncached = loadKnowledgeBase(inputs(CLOSING));
    loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    const [name] = verdictFiles();
    const stored = decodeVerdict(fs.readFileSync(path.join(folder, name)));
    assert.ok(stored.incoming, 'the verdict holds the index');
    const replay = () => loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder)).kb;
    assert.equal(replay().prepareIncoming(1), true, 'nothing left to build');
    assert.equal(uncached.kb.countRelationsTo('beta'), 1);

    // Forge an index in which nothing points anywhere: only a replay that uses the stored arrays shows it.
    const ids = [...uncached.kb.entities.keys()];
    const none = { start: new Int32Array(ids.length + 1), subject: new Int32Array(0), place: new Int32Array(0) };
    fs.writeFileSync(path.join(folder, name), encodeVerdict({ ...stored, incoming: none }));
    assert.deepEqual(ids.map((id) => replay().countRelationsTo(id)), ids.map(() => 0));

    // Arrays that do not fit the entities (a subject past the end, one entity too few) are not used: the KB builds its own.
    const subject = stored.incoming.subject.slice();
    subject[0] = 99;
    for (const incoming of [{ ...stored.incoming, subject }, { ...stored.incoming, start: stored.incoming.start.subarray(1) }]) {
      fs.writeFileSync(path.join(folder, name), encodeVerdict({ ...stored, incoming }));
      const rebuilt = replay();
      assert.equal(rebuilt.prepareIncoming(1), false, 'built again, in steps');
      assert.deepEqual(snapshot({ ...uncached, kb: rebuilt }), snapshot(uncached));
    }
  });

  it('stores no verdict for a pass with a cross-file error, and the broken file still falls back on its last good version', () => {
    const good = loadKnowledgeBase(inputs(CLOSING));
    const uncached = loadKnowledgeBase(inputs(UNKNOWN_TARGET), good);
    assert.deepEqual(codes(uncached, 'file:///ws/kb/local.yaml'), ['kb-unknown-target']);
    assert.ok(uncached.kb.entities.has('gulf-council'), 'the last good version serves');
    assert.ok(!uncached.kb.entities.has('gamma'));

    for (let run = 0; run < 2; run++) {
      const cache = new CountingCache(folder);
      const cached = loadKnowledgeBase(inputs(UNKNOWN_TARGET), good, cache);
      assert.equal(cache.stored, 0, `run ${run}: no verdict stored`);
      assert.equal(cache.hits, 0, `run ${run}: no verdict used`);
      assert.deepEqual(snapshot(cached), snapshot(uncached));
    }
    assert.deepEqual(verdictFiles(), []);
  });

  it('ignores a stored verdict that holds an error: only a clean pass makes one', () => {
    loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    const [name] = verdictFiles();
    const stored = decodeVerdict(fs.readFileSync(path.join(folder, name)));
    const error: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: 'forged', severity: DiagnosticSeverity.Error, code: 'kb-unknown-target', source: 'brief' };
    fs.writeFileSync(path.join(folder, name), encodeVerdict({ added: stored.added.map((list, i) => (i === 0 ? [error] : list)) }));
    const cache = new CountingCache(folder);
    const r = loadKnowledgeBase(inputs(CLOSING), undefined, cache);
    assert.deepEqual(snapshot(r), snapshot(loadKnowledgeBase(inputs(CLOSING))));
  });

  it('neither looks up nor stores a verdict when a reading has an error', () => {
    const good = loadKnowledgeBase(inputs(CLOSING));
    const cache = new CountingCache(folder);
    const r = loadKnowledgeBase(inputs('entities:\n  - id: [broken\n'), good, cache);
    assert.deepEqual(codes(r, 'file:///ws/kb/local.yaml'), ['kb-syntax']);
    assert.ok(r.kb.entities.has('gulf-council'), 'the last good version serves');
    assert.equal(cache.stored, 0);
    assert.deepEqual(verdictFiles(), []);
  });

  it('keys a verdict by every file text, origin and place in the order, but not by uri', () => {
    loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    assert.equal(verdictFiles().length, 1);
    const variants: KbInputs[] = [
      inputs(`${CLOSING}# an edit\n`),
      { ...inputs(CLOSING), sourceFiles: [{ ...inputs(CLOSING).sourceFiles[0], text: `${SOURCE}# an edit\n` }] },
      // Both bundled: the workspace file's origin changes, and with it the order.
      { ...inputs(CLOSING), entityFiles: inputs(CLOSING).entityFiles.map((f) => ({ ...f, origin: 'bundled' as const })) },
    ];
    variants.forEach((variant, i) => {
      const cache = new CountingCache(folder);
      loadKnowledgeBase(variant, undefined, cache);
      assert.equal(cache.hits, 0, `variant ${i} is a miss`);
      assert.equal(cache.stored, 1, `variant ${i} stores its own verdict`);
      assert.equal(verdictFiles().length, 2 + i);
    });

    // The same files elsewhere (another checkout, another install): the verdict holds.
    const moved = { bundled: 'file:///elsewhere/bundled.yaml', workspace: 'file:///elsewhere/local.yaml', source: 'file:///elsewhere/src.yaml' };
    const cache = new CountingCache(folder);
    const r = loadKnowledgeBase(inputs(CLOSING, moved), undefined, cache);
    assert.equal(cache.hits, 1);
    assert.deepEqual(snapshot(r), snapshot(loadKnowledgeBase(inputs(CLOSING, moved))));
    assert.deepEqual(codes(r, moved.workspace), ['kb-cycle']);
  });

  it('leaves two inputs under one uri to the full pass', () => {
    const same = { bundled: 'file:///kb.yaml', workspace: 'file:///kb.yaml', source: 'file:///src.yaml' };
    const cache = new CountingCache(folder);
    const r = loadKnowledgeBase(inputs(CLOSING, same), undefined, cache);
    assert.equal(cache.stored, 0);
    assert.deepEqual(snapshot(r), snapshot(loadKnowledgeBase(inputs(CLOSING, same))));
  });

  it('treats a damaged verdict, or a reading where a verdict is expected, as a miss', () => {
    loadKnowledgeBase(inputs(CLOSING), undefined, new CountingCache(folder));
    const [name] = verdictFiles();
    const file = path.join(folder, name);
    const reading = encodeReading({ entities: [], diagnostics: [] });
    const whole = fs.readFileSync(file);
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 2] ^= 1;
    for (const damage of [Buffer.alloc(0), whole.subarray(0, whole.length - 1), flipped, Buffer.from(reading), Buffer.from('{"added":[]}')]) {
      fs.writeFileSync(file, damage);
      const cache = new CountingCache(folder);
      const r = loadKnowledgeBase(inputs(CLOSING), undefined, cache);
      assert.equal(cache.hits, 0);
      assert.equal(cache.stored, 1, 'the full pass runs and repairs the file');
      assert.deepEqual(snapshot(r), snapshot(loadKnowledgeBase(inputs(CLOSING))));
    }
    assert.throws(() => decodeVerdict(encodeVerdict({ added: [[{ message: 'no range' } as never]] })), /bad verdict/);
  });
});

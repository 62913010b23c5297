/**
 * A KB replayed from snapshots and a stored verdict (a warm start) makes each entity when it is
 * first asked for (roster.ts, StoredEntities): none at load, the same object at every later
 * ask, and in every other way the KB a load that parses the files gives.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { entitiesOf } from '../../server/src/core/kb/fileCache';
import { loadKnowledgeBase, type KbInputs, type KbLoadResult } from '../../server/src/core/kb/knowledgeBase';
import type { Entity } from '../../server/src/core/kb/model';
import { JoinedRoster, ListRoster, RosterMap } from '../../server/src/core/kb/roster';
import { StoredEntities } from '../../server/src/core/kb/storedEntity';
import { CountingCache } from '../helpers/countingCache';
import { asLoaded } from '../helpers/entities';

const SOURCE = `id: src
title: T
author: A
year: 2021
paragraphs:
  - { id: p1, section: "", text: "Alpha borders Beta. Gamma is part of the Gulf Council." }
`;

const entity = (id: string, kind: string, name: string, extra = '') => `  - id: ${id}\n    kind: ${kind}\n    name: ${name}\n    aliases: [${name} Land]\n    summary: S.\n${extra}`;
const borders = (target: string) =>
  `    relations:\n      - type: borders\n        target: ${target}\n        evidence:\n          - { source: src, paragraph: p1, quote: "Alpha borders Beta" }\n`;
const FIRST = `entities:\n${entity('alpha', 'state', 'Alpha', borders('beta'))}${entity('beta', 'state', 'Beta')}${entity('gulf-council', 'organization', 'Gulf Council')}`;
const SECOND = `entities:\n${entity('gamma', 'state', 'Gamma', borders('alpha'))}${entity('delta', 'person', 'Delta')}`;

const INPUTS: KbInputs = {
  entityFiles: [
    { uri: 'file:///data/kb/first.yaml', text: FIRST, origin: 'bundled' },
    { uri: 'file:///ws/kb/second.yaml', text: SECOND, origin: 'workspace' },
  ],
  sourceFiles: [{ uri: 'file:///data/sources/src.yaml', text: SOURCE, origin: 'bundled' }],
};

/** The disk cache, with the stored entities behind the entity readings it handed out. */
class WatchedCache extends CountingCache {
  /** The stored entities behind the readings handed out. */
  storedEntities(): StoredEntities[] {
    return this.entityReadings.map((r) => entitiesOf(r)).filter((e): e is StoredEntities => e instanceof StoredEntities);
  }
  made(): number {
    return this.storedEntities().reduce((sum, s) => sum + s.madeSoFar, 0);
  }
}

describe('entities of a warm start, made when asked for', () => {
  let folder: string;
  let fresh: KbLoadResult;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-roster-'));
    // The first load parses the files and stores their readings and the verdict.
    fresh = loadKnowledgeBase(INPUTS, undefined, new WatchedCache(folder));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  /** A load in a new process: a new cache over the same folder. */
  const warm = () => {
    const cache = new WatchedCache(folder);
    return { cache, result: loadKnowledgeBase(INPUTS, undefined, cache) };
  };

  it('makes no entity at load, and one for each id asked for', () => {
    const { cache, result } = warm();
    assert.equal(cache.hits, 1, 'the verdict was replayed');
    assert.equal(cache.storedEntities().length, 2, 'both files came from snapshots');
    assert.equal(cache.made(), 0);
    assert.equal(result.kb.entities.size, 5);
    const beta = result.kb.entities.get('beta');
    assert.equal(beta?.name, 'Beta');
    assert.equal(cache.made(), 1);
    assert.equal(result.kb.entities.get('beta'), beta, 'the same object again');
    assert.equal(result.kb.lookup('Beta Land')[0], beta, 'a lookup by alias finds that object too');
    assert.equal(cache.made(), 1);
    assert.equal(result.kb.entities.get('epsilon'), undefined);
    assert.equal(result.kb.entities.has('delta'), true);
    assert.equal(result.kb.entities.has('Delta'), false, 'ids, not names');
    for (const n of [-1, 3, 0.5]) assert.throws(() => cache.storedEntities()[0].at(n), RangeError, String(n));
  });

  it('gives every entity, in order, as the load that parsed the files does', () => {
    const { result } = warm();
    const plain = (m: ReadonlyMap<string, Entity>) => [...m].map(([id, e]) => [id, asLoaded(e)]);
    assert.deepEqual(plain(result.kb.entities), plain(fresh.kb.entities));
    assert.deepEqual([...result.kb.entities.keys()], [...fresh.kb.entities.keys()]);
    const seen: string[] = [];
    result.kb.entities.forEach((e, id) => seen.push(`${id}=${e.id}`));
    assert.deepEqual(seen, [...fresh.kb.entities.keys()].map((id) => `${id}=${id}`));
    assert.deepEqual(result.kb.relationsTo('alpha').map((r) => r.subject.id), ['gamma']);
    assert.equal(result.kb.countRelationsTo('beta'), 1);
  });

  it('keeps a file list and the KB to the same objects', () => {
    const { cache, result } = warm();
    const gamma = result.kb.entities.get('gamma');
    const list = cache.entityReadings.map((r) => r.entities ?? []).find((l) => l.some((e) => e.id === 'gamma'));
    assert.equal(list?.find((e) => e.id === 'gamma'), gamma);
    assert.equal(cache.made(), 5, 'reading the list made the rest');
    const lastGood = result.lastGood.get('file:///ws/kb/second.yaml')?.entities ?? [];
    assert.deepEqual(lastGood.map((e) => e.id), ['gamma', 'delta']);
    assert.equal(lastGood[0], gamma);
  });
});

describe('rosters', () => {
  const made = (id: string, aliases: string[] = []) => ({ id, aliases }) as unknown as Entity;
  const joined = new JoinedRoster([new ListRoster([made('a'), made('b', ['B1', 'B2'])]), new ListRoster([]), new ListRoster([made('c', ['C1'])])]);

  it('number the entities of their parts one after the other', () => {
    assert.equal(joined.length, 3);
    assert.deepEqual([0, 1, 2].map((n) => joined.at(n).id), ['a', 'b', 'c']);
    assert.deepEqual([0, 1, 2].map((n) => joined.aliasCountAt(n)), [0, 2, 1]);
    for (const n of [-1, 3, 1.5, NaN]) assert.throws(() => joined.at(n), RangeError, String(n));
  });

  it('are looked up by id through the number they are given', () => {
    const asked: string[] = [];
    const map = new RosterMap(joined, (id) => {
      asked.push(id);
      return ['a', 'b', 'c'].indexOf(id);
    });
    assert.equal(map.get('c')?.id, 'c');
    assert.equal(map.get('c')?.id, 'c');
    assert.deepEqual(asked, ['c'], 'a found id is kept');
    assert.equal(map.get('z'), undefined);
    assert.equal(map.has('a'), true);
    assert.equal(map.size, 3);
    assert.deepEqual([...map.values()].map((e) => e.id), ['a', 'b', 'c']);
  });
});

/**
 * The name index's arrays stored beside the cross-file verdict (nameIndexData.ts,
 * verdictSnapshot.ts): they come back from the stored form exactly, a KB built on them answers
 * every lookup, suggestion and completion as a KB that builds its own, and arrays that do not
 * fit the entities are refused (the KB then builds its own) instead of breaking a search.
 */
import { strict as assert } from 'assert';
import { KnowledgeBase } from '../../server/src/core/kb/knowledgeBase';
import { ListRoster } from '../../server/src/core/kb/roster';
import type { Entity } from '../../server/src/core/kb/model';
import { buildNameIndexData, fitsEntities, LABEL_ID, LABEL_NAME, type NameIndexData } from '../../server/src/core/kb/nameIndexData';
import { decodeVerdict, encodeVerdict } from '../../server/src/core/kb/verdictSnapshot';
import type { EntityKind } from '../../server/src/core/kinds';
import { Resolver } from '../../server/src/core/resolver';
import { prng } from '../helpers/prng';

const SYLLABLES = ['ta', 'jik', 'stan', 'uz', 'bek', 'kaz', 'akh', 'kyr', 'gyz', 'af', 'gha', 'ni', 'shan', 'ghai', 'ü', 'é', 'tion'];

/** Seeded entities: names of one to three words, some with aliases, some whose id is not their name's normal form. */
function randomEntities(seed: number, size: number): Map<string, Entity> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join('');
  const location = { uri: 'mem:kb.yaml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  const entities = new Map<string, Entity>();
  for (let i = 0; i < size; i++) {
    const words = Array.from({ length: 1 + Math.floor(random() * 3) }, word);
    const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
    const aliases = random() < 0.3 ? [words.map((w) => w[0]).join('').toUpperCase()] : [];
    if (random() < 0.1) aliases.push(`Republic of ${name}`);
    const id = random() < 0.5 ? `e${i}` : `${words.join('-')}-${i}`;
    entities.set(id, { id, kind: 'state' as EntityKind, name, aliases, summary: '', identifiers: {}, relations: [], facts: [], origin: 'workspace', location } as unknown as Entity);
  }
  return entities;
}

/** The arrays as they come back from a verdict file. */
function stored(data: NameIndexData): NameIndexData {
  const names = decodeVerdict(encodeVerdict({ added: [[]], names: data })).names;
  assert.ok(names, 'the verdict holds the arrays');
  return names;
}

/** What a KB answers, as plain data: every key's lookup and entries, and searches for seeded queries. */
function answers(kb: KnowledgeBase, seed: number): unknown {
  const random = prng(seed);
  const keys = kb.names().keys;
  const queries = Array.from({ length: 150 }, () => {
    const key = keys[Math.floor(random() * keys.length)];
    const cut = Math.floor(random() * key.length);
    return random() < 0.5 ? key.slice(0, cut + 1) : key.slice(0, cut) + 'x' + key.slice(cut + 1);
  });
  const resolver = new Resolver(kb);
  return {
    keys,
    entries: keys.map((_, k) => kb.names().entry(k)),
    lookups: keys.map((key) => kb.lookup(key).map((e) => e.id)),
    suggestions: queries.map((q) => resolver.suggest(q).map((e) => e.id)),
    completions: ['', ...queries].map((q) => kb.names().complete(q, 20)),
  };
}

describe('name index arrays stored with the verdict', () => {
  const entities = randomEntities(5, 3000);
  const ordered = [...entities.values()];
  const fresh = new KnowledgeBase(entities, new Map());

  it('come back from the stored form exactly', () => {
    const data = fresh.names().data;
    const back = stored(data);
    for (const [name, value] of Object.entries(data)) assert.deepEqual([...(back[name as keyof NameIndexData] as ArrayLike<unknown> as unknown[])], [...(value as unknown[])], name);
    assert.equal(decodeVerdict(encodeVerdict({ added: [[]] })).names, undefined, 'a verdict without them decodes without them');
  });

  it('file each label once under its normal form, the name first', () => {
    const data = buildNameIndexData(ordered);
    const k = data.keys.indexOf('shan');
    const kinds = new Set(Array.from(data.entryLabel));
    assert.ok(kinds.has(LABEL_ID) && kinds.has(LABEL_NAME) && kinds.has(1), 'ids, names and aliases are all filed');
    if (k >= 0) assert.ok(data.entryStart[k + 1] > data.entryStart[k]);
    assert.ok(fitsEntities(data, new ListRoster(ordered)));
  });

  it('serve a KB as it is: the same lookups, suggestions and completions as a KB that builds its own', () => {
    const data = stored(fresh.names().data);
    const warm = new KnowledgeBase(entities, new Map(), data);
    assert.equal(warm.names().data, data, 'the stored arrays are used, not rebuilt');
    assert.deepEqual(answers(warm, 9), answers(fresh, 9));
  });

  it('are refused when they do not fit the entities, and the KB builds its own', () => {
    const damages: [string, (d: NameIndexData) => NameIndexData][] = [
      ['an entity out of range', (d) => ({ ...d, entryEntity: d.entryEntity.map((v, i) => (i === 7 ? ordered.length : v)) })],
      ['a label past the aliases', (d) => ({ ...d, entryLabel: d.entryLabel.map((v, i) => (i === 3 ? 9 : v)) })],
      ['a key out of range in the length order', (d) => ({ ...d, order: d.order.map((v, i) => (i === 0 ? d.keys.length : v)) })],
      ['a word holder out of range', (d) => ({ ...d, wordKeys: d.wordKeys.map((v, i) => (i === 0 ? -1 : v)) })],
      ['entry runs that fall', (d) => ({ ...d, entryStart: d.entryStart.map((v, i) => (i === 2 ? 0 : v)) })],
      ['length runs that miss keys', (d) => ({ ...d, lengthStart: d.lengthStart.subarray(0, d.lengthStart.length - 1) })],
      ['too few masks', (d) => ({ ...d, masks: d.masks.subarray(1) })],
      ['a key too few', (d) => ({ ...d, keys: d.keys.slice(1) })],
      ['fewer entities than they name', (d) => d],
    ];
    for (const [what, damage] of damages) {
      const forged = damage(stored(fresh.names().data));
      const subset = what.startsWith('fewer') ? new Map([...entities].slice(0, 100)) : entities;
      assert.equal(fitsEntities(forged, new ListRoster([...subset.values()])), false, what);
      const kb = new KnowledgeBase(subset, new Map(), forged);
      assert.notEqual(kb.names().data, forged, `${what}: rebuilt`);
      assert.deepEqual(answers(kb, 3), answers(new KnowledgeBase(subset, new Map()), 3), what);
    }
  });
});

/**
 * The name index answers suggestions and completion without scoring every name of the KB. These
 * tests hold it to the plain definitions: a scan of every key with `similarity` (suggestions) and
 * with `matchScore` (completion), on seeded random KBs and queries built to hit every path:
 * typos, prefixes, shared words, short names, diacritics and names that tie.
 */
import * as assert from 'assert';
import { KnowledgeBase } from '../../server/src/core/kb/knowledgeBase';
import { MIN_SIMILARITY, SUGGESTION_MARGIN } from '../../server/src/core/kb/nameIndex';
import { matchScore } from '../../server/src/core/kb/nameScores';
import { boundedEditDistance, classMasks, MASK_LEVELS, popcount, QueryDistance } from '../../server/src/core/kb/nameDistance';
import type { Entity } from '../../server/src/core/kb/model';
import type { EntityKind } from '../../server/src/core/kinds';
import { normalizeName } from '../../server/src/core/normalize';
import { editDistance, Resolver, similarity } from '../../server/src/core/resolver';
import { prng } from '../helpers/prng';
import { compareAlphabetically } from '../../server/src/core/text';

const SYLLABLES = ['ta', 'jik', 'stan', 'uz', 'bek', 'kaz', 'akh', 'kyr', 'gyz', 'tur', 'men', 'af', 'gha', 'ni', 'pak', 'is', 'shan', 'ghai', 'co', 'op', 'or', 'ga', 'ni', 'za', 'tion', 'xi', 'jin', 'ping', 'ü', 'é'];
const WORDS = ['republic', 'of', 'organization', 'treaty', 'security', 'collective', 'the', 'bank', 'road', 'belt'];

function entity(id: string, name: string, aliases: string[]): Entity {
  const location = { uri: 'mem:kb.yaml', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  return { id, kind: 'state' as EntityKind, name, aliases, summary: '', identifiers: {}, relations: [], facts: [], origin: 'workspace' as Entity['origin'], location };
}

function randomKb(random: () => number, size: number): KnowledgeBase {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const word = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join('');
  const entities = new Map<string, Entity>();
  for (let i = 0; i < size; i++) {
    const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.25 ? pick(WORDS) : word()));
    const name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
    const aliases = random() < 0.3 ? [words.map((w) => w[0]).join('').toUpperCase()] : [];
    if (random() < 0.1) aliases.push(`Republic of ${name}`);
    const id = `${normalizeName(name)}-${i}`;
    entities.set(id, entity(id, name, aliases));
  }
  return new KnowledgeBase(entities, new Map());
}

/** What a reader might type for a name: itself, a typo, a prefix, a word of it, or noise. */
function randomQuery(random: () => number, kb: KnowledgeBase): string {
  const keys = kb.names().keys;
  const key = keys[Math.floor(random() * keys.length)];
  const chars = [...key];
  const at = Math.floor(random() * chars.length);
  switch (Math.floor(random() * 7)) {
    case 0: return key;
    case 1: chars.splice(at, 1); return chars.join('');
    case 2: chars.splice(at, 0, 'aeiouxz'[Math.floor(random() * 7)]); return chars.join('');
    case 3: if (at > 0) [chars[at - 1], chars[at]] = [chars[at], chars[at - 1]]; return chars.join('');
    case 4: return key.slice(0, 1 + Math.floor(random() * key.length));
    case 5: return key.split('-')[Math.floor(random() * key.split('-').length)];
    default: return Array.from({ length: 1 + Math.floor(random() * 12) }, () => 'abcdefghijklmnopqrstuvwxyz-'[Math.floor(random() * 27)]).join('');
  }
}

/** Suggestions by the definition: every key scored with `similarity`. */
function scanSuggest(kb: KnowledgeBase, name: string, max: number): string[] {
  const query = normalizeName(name);
  const best = new Map<string, number>();
  const names = kb.names();
  if (query !== '') {
    names.keys.forEach((key, k) => {
      const score = similarity(query, key);
      if (score < MIN_SIMILARITY) return;
      for (const id of names.entry(k).ids) if (score > (best.get(id) ?? 0)) best.set(id, score);
    });
  }
  const top = Math.max(0, ...best.values());
  return [...best]
    .filter(([, score]) => score >= top - SUGGESTION_MARGIN)
    .map(([id, score]) => ({ entity: kb.entities.get(id) as Entity, score }))
    .sort((a, b) => b.score - a.score || compareAlphabetically(a.entity.name, b.entity.name) || (a.entity.id < b.entity.id ? -1 : 1))
    .slice(0, max)
    .map((s) => s.entity.id);
}

/** Completion by the definition: every key scored with `matchScore`, best key per entity. */
function scanComplete(kb: KnowledgeBase, query: string, limit: number, minScore = 1): { ids: string[]; more: boolean } {
  const names = kb.names();
  const best = new Map<string, { score: number; key: number }>();
  names.keys.forEach((key, k) => {
    const score = matchScore(query, key);
    if (score < minScore) return;
    for (const id of names.entry(k).ids) {
      // With nothing typed, an entity is listed under its canonical name.
      if (query === '' && normalizeName((kb.entities.get(id) as Entity).name) !== key) continue;
      const prev = best.get(id);
      if (!prev || score > prev.score || (score === prev.score && k < prev.key)) best.set(id, { score, key: k });
    }
  });
  const ranked = [...best].sort((a, b) => b[1].score - a[1].score || a[1].key - b[1].key || (a[0] < b[0] ? -1 : 1));
  return { ids: ranked.slice(0, limit).map(([id]) => id), more: ranked.length > limit };
}

describe('name index', () => {
  it('knows each entity\'s number and canonical key, and each key\'s entity count, as the KB\'s order, normalising and lookup find them', () => {
    const random = prng(31);
    const kb = randomKb(random, 600);
    const names = kb.names();
    const ordered = [...kb.entities.values()];
    let shared = 0;
    ordered.forEach((e, i) => assert.strictEqual(names.keys[names.canonicalKey(i)], normalizeName(e.name), e.id));
    ordered.forEach((e, i) => assert.strictEqual(names.numberOf(e.id), i, e.id));
    assert.strictEqual(names.numberOf('no-such-entity'), -1);
    names.keys.forEach((key, k) => {
      assert.strictEqual(names.entityCount(k), kb.lookup(key).length, key);
      if (names.entityCount(k) > 1) shared++;
    });
    assert.ok(shared > 0, 'some keys are shared by several entities (acronyms)');
    // What completion reads: each match's entity and key.
    for (const query of ['ta', 'r', 'co', 'uz-b']) {
      for (const m of names.complete(query, 50).matches) {
        assert.strictEqual(ordered[m.entity].id, m.id);
        assert.strictEqual(names.keys[m.key], normalizeName(m.label));
      }
    }
  });

  it('bounded edit distance equals the full distance when within the limit, and exceeds the limit otherwise', () => {
    const random = prng(11);
    const alphabet = 'abcab-';
    for (let i = 0; i < 20000; i++) {
      const a = Array.from({ length: Math.floor(random() * 9) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const b = Array.from({ length: Math.floor(random() * 9) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const limit = Math.floor(random() * 7);
      const full = editDistance(a, b);
      const bounded = boundedEditDistance(a, b, limit);
      if (full <= limit) assert.strictEqual(bounded, full, `${a} / ${b} limit ${limit}`);
      else assert.ok(bounded > limit, `${a} / ${b} limit ${limit}: ${bounded} but the distance is ${full}`);
    }
  });

  it('the bit-parallel distance of one query equals the full distance within the limit, and exceeds the limit otherwise', () => {
    const random = prng(12);
    // Few letters, so that swaps and repeats are common; one unit from 128 on, and one astral
    // pair, for the wide-unit table; queries up to 40 units cross the 32-unit word.
    const alphabet = ['a', 'b', 'c', 'a', '-', 'ü', '\u{1F600}'];
    const text = (most: number) => Array.from({ length: Math.floor(random() * most) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    let within = 0;
    for (let i = 0; i < 20000; i++) {
      const query = i % 10 === 0 ? text(40) : text(12);
      const distance = new QueryDistance(query);
      for (let j = 0; j < 3; j++) {
        const key = random() < 0.5 ? text(12) : [...query].map((c) => (random() < 0.2 ? alphabet[Math.floor(random() * alphabet.length)] : c)).join('');
        const limit = Math.floor(random() * 8);
        const full = editDistance(query, key);
        const got = distance.within(key, limit);
        if (full <= limit) {
          assert.strictEqual(got, full, `'${query}' / '${key}' limit ${limit}`);
          within++;
        } else assert.ok(got > limit, `'${query}' / '${key}' limit ${limit}: ${got} but the distance is ${full}`);
      }
    }
    assert.ok(within > 10000, `only ${within} pairs were within their limit`);
  });

  it('half the bits two names\' class masks differ in never exceeds their edit distance', () => {
    const random = prng(13);
    const alphabet = 'aabcxyz-019üé.';
    const masksOf = (s: string) => {
      const out = new Int32Array(MASK_LEVELS);
      classMasks(s, out, 0, 1);
      return out;
    };
    for (let i = 0; i < 20000; i++) {
      const a = Array.from({ length: Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const b = Array.from({ length: Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const [ma, mb] = [masksOf(a), masksOf(b)];
      let differ = 0;
      for (let t = 0; t < MASK_LEVELS; t++) differ += popcount(ma[t] ^ mb[t]);
      assert.ok((differ + 1) >> 1 <= editDistance(a, b), `'${a}' / '${b}': bound ${(differ + 1) >> 1}, distance ${editDistance(a, b)}`);
    }
  });

  for (const [seed, size] of [[1, 40], [2, 300], [3, 1200]] as const) {
    it(`suggests exactly what a scan of every name suggests (seed ${seed}, ${size} entities)`, () => {
      const random = prng(seed);
      const kb = randomKb(random, size);
      const resolver = new Resolver(kb);
      let nonEmpty = 0;
      for (let i = 0; i < 400; i++) {
        const query = randomQuery(random, kb);
        const max = 1 + Math.floor(random() * 4);
        const expected = scanSuggest(kb, query, max);
        assert.deepStrictEqual(resolver.suggest(query, max).map((e) => e.id), expected, `query '${query}', max ${max}`);
        if (expected.length > 0) nonEmpty++;
      }
      assert.ok(nonEmpty > 100, `only ${nonEmpty} queries had suggestions: the generator does not exercise the index`);
    });

    it(`completes exactly what a scan of every name completes (seed ${seed}, ${size} entities)`, () => {
      const random = prng(100 + seed);
      const kb = randomKb(random, size);
      let incomplete = 0;
      for (let i = 0; i < 400; i++) {
        // Mostly the first letters of a name; some whole names with their hyphens and typos.
        const typed = randomQuery(random, kb);
        const query = i % 50 === 0 ? '' : i % 5 === 1 ? typed : typed.slice(0, 1 + Math.floor(random() * 4));
        const limit = [1, 5, 50][i % 3];
        const expected = scanComplete(kb, query, limit);
        const got = kb.names().complete(query, limit);
        assert.deepStrictEqual(got.matches.map((m) => m.id), expected.ids, `query '${query}', limit ${limit}`);
        assert.strictEqual(got.more, expected.more, `isIncomplete for '${query}', limit ${limit}`);
        if (got.more) incomplete++;
        // Close matches only: a start of the name or of one of its words (scores of 50 and above).
        const close = scanComplete(kb, query, limit, query === '' ? 1 : 50);
        const gotClose = kb.names().complete(query, limit, true);
        assert.deepStrictEqual(gotClose.matches.map((m) => m.id), close.ids, `close matches of '${query}', limit ${limit}`);
        assert.strictEqual(gotClose.more, close.more, `isIncomplete of close matches for '${query}', limit ${limit}`);
      }
      assert.ok(incomplete > 20, 'the queries never filled a list');
    });
  }

  it('breaks ties alphabetically with case folded, then by code unit (no ICU collator)', () => {
    const names = ['Tajikistan', 'bishkek', 'Bishkek', 'almaty', 'Astana', 'Ürümqi', 'Zhanaozen'];
    assert.deepStrictEqual([...names].sort(compareAlphabetically), ['almaty', 'Astana', 'Bishkek', 'bishkek', 'Tajikistan', 'Zhanaozen', 'Ürümqi']);
    assert.strictEqual(compareAlphabetically('Kabul', 'Kabul'), 0);
  });

  it('ranks letters-in-order matches among themselves, not by where they were found', () => {
    // `zzz-tac-b` and `yyy-tad-b` have a word starting with `ta`, but match `ta-b` only letter
    // by letter, like `t-a-b`, which matches better: the full scan must still find it.
    const kb = new KnowledgeBase(new Map(['zzz-tac-b', 'yyy-tad-b', 't-a-b'].map((id) => [id, entity(id, id, [])])), new Map());
    assert.deepStrictEqual(kb.names().complete('ta-b', 1).matches.map((m) => m.id), ['t-a-b']);
  });

  it('gives each completion the label the analyst wrote for the matching name', () => {
    const kb = new KnowledgeBase(new Map([['csto', entity('csto', 'Collective Security Treaty Organization', ['CSTO'])]]), new Map());
    assert.deepStrictEqual(kb.names().complete('cst', 5).matches.map((m) => m.label), ['CSTO']);
    assert.deepStrictEqual(kb.names().complete('coll', 5).matches.map((m) => m.label), ['Collective Security Treaty Organization']);
    assert.deepStrictEqual(kb.names().complete('treaty', 5).matches.map((m) => [m.label, m.score]), [['Collective Security Treaty Organization', matchScore('treaty', 'collective-security-treaty-organization')]]);
  });
});

/** Verdicts (spec §3.5, core/claims.ts): polarity, symmetry, and relations that ended. */
import { strict as assert } from 'assert';
import { judgeClaim } from '../../server/src/core/claims';
import type { Entity, Evidence, Relation } from '../../server/src/core/kb/model';
import { citationNote, evidenceFor, quoteEvidence } from '../../server/src/core/wording';

function entity(id: string, kind: string, relations: Partial<Relation>[] = []): Entity {
  const full = relations.map((r) => ({ negated: false, evidence: [], ...r }) as Relation);
  return { id, kind, name: id, aliases: [], summary: '', relations: full, facts: [] } as unknown as Entity;
}

describe('claim verdicts', () => {
  const base = entity('base', 'facility');
  it('a relation of the same polarity supports, of the other contradicts', () => {
    const operator = entity('us', 'state', [{ type: 'operates', target: 'base' }]);
    assert.equal(judgeClaim(operator, 'operates', base, false).status, 'supported');
    assert.equal(judgeClaim(operator, 'operates', base, true).status, 'contradicted');
  });

  it('a relation that ended (until) supports its own polarity and contradicts neither', () => {
    const closed = entity('us', 'state', [{ type: 'operates', target: 'base', until: '2005' }]);
    assert.equal(judgeClaim(closed, 'operates', base, false).status, 'supported');
    assert.equal(judgeClaim(closed, 'operates', base, true).status, 'unsupported');
    assert.equal(judgeClaim(closed, 'operates', base, true).relation?.until, '2005', 'the ended relation comes with the verdict, for its wording');
    const notThen = entity('uz', 'state', [{ type: 'member-of', target: 'csto', negated: true, until: '2012' }]);
    const csto = entity('csto', 'organization');
    assert.equal(judgeClaim(notThen, 'member-of', csto, true).status, 'supported');
    assert.equal(judgeClaim(notThen, 'member-of', csto, false).status, 'unsupported');
  });

  it('taking part in an event stays true after the event: a dated participates-in an event still contradicts', () => {
    const occupation = entity('occupation', 'event');
    const ussr = entity('ussr', 'state', [{ type: 'participates-in', target: 'occupation', since: '1979', until: '1989' }]);
    assert.equal(judgeClaim(ussr, 'participates-in', occupation, true).status, 'contradicted');
    // An initiative is not an event: leaving it ends the relation.
    const initiative = entity('bri', 'initiative');
    const left = entity('x', 'state', [{ type: 'participates-in', target: 'bri', until: '2020' }]);
    assert.equal(judgeClaim(left, 'participates-in', initiative, true).status, 'unsupported');
  });

  it('supporting or opposing an event is a stance that ends (until): only taking part outlasts the event', () => {
    const exercise = entity('exercise', 'event');
    const backer = entity('cell', 'organization', [
      { type: 'supports', target: 'exercise', until: '2020' },
      { type: 'opposes', target: 'exercise', negated: true, until: '2019' },
    ]);
    // The support ended in 2020: it supports its own claim, with its time, and contradicts none.
    assert.equal(judgeClaim(backer, 'supports', exercise, false).status, 'supported');
    const notNow = judgeClaim(backer, 'supports', exercise, true);
    assert.equal(notNow.status, 'unsupported');
    assert.equal(notNow.relation?.until, '2020');
    assert.equal(judgeClaim(backer, 'opposes', exercise, false).status, 'unsupported');
  });

  it('an unsupported claim names a relation of another predicate between the same two entities', () => {
    const bases = entity('bases', 'facility');
    const russia = entity('russia', 'state', [{ type: 'opposes', target: 'bases' }]);
    const verdict = judgeClaim(russia, 'supports', bases, false);
    assert.equal(verdict.status, 'unsupported');
    assert.equal(verdict.instead?.relation.type, 'opposes');
    assert.equal(verdict.instead?.holder, russia);
    // Held by the object, about the subject, it counts too; between others, nothing.
    const india = entity('india', 'state', [{ type: 'rival-of', target: 'china' }]);
    assert.equal(judgeClaim(entity('china', 'state'), 'allied-with', india, false).instead?.holder, india);
    assert.equal(judgeClaim(entity('china', 'state'), 'allied-with', entity('japan', 'state'), false).instead, undefined);
  });

  it('a lasting relation decides over one that ended, whichever comes first', () => {
    const both = entity('us', 'state', [
      { type: 'operates', target: 'base', until: '2005' },
      { type: 'operates', target: 'base', negated: true },
    ]);
    assert.equal(judgeClaim(both, 'operates', base, false).status, 'supported');
    assert.equal(judgeClaim(both, 'operates', base, true).status, 'supported');
  });

  it('a claim the KB holds both ways, neither ended, is disputed: unsupported, naming both, a lasting one first', () => {
    const both = entity('us', 'state', [
      { type: 'operates', target: 'base', until: '2005' },
      { type: 'operates', target: 'base' },
      { type: 'operates', target: 'base', negated: true },
    ]);
    for (const negated of [false, true]) {
      const verdict = judgeClaim(both, 'operates', base, negated);
      assert.equal(verdict.status, 'unsupported');
      assert.deepEqual([verdict.relation?.negated ?? false, verdict.relation?.until, verdict.disputed?.relation.negated ?? false], [negated, undefined, !negated]);
    }
  });

  it('a symmetric relation is read on either side', () => {
    const a = entity('a', 'state');
    const b = entity('b', 'state', [{ type: 'borders', target: 'a' }]);
    assert.equal(judgeClaim(a, 'borders', b, false).status, 'supported');
    assert.equal(judgeClaim(a, 'borders', b, true).status, 'contradicted');
  });
});

describe('the evidence a claim shows', () => {
  const evidence = [
    { source: 'carlson-2021', paragraph: 'p2', quote: 'cultivated ties' },
    { source: 'carlson-2021', paragraph: 'c1', quote: 'in the caption' },
    { source: 'carlson-2021', paragraph: 'p4', quote: 'initiated diplomatic outreach' },
  ] as unknown as Evidence[];
  it('is the first from a paragraph the claim cites, else the first', () => {
    assert.equal(evidenceFor(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p4' }])?.quote, 'initiated diplomatic outreach');
    assert.equal(evidenceFor(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p3-p5' }])?.quote, 'initiated diplomatic outreach');
    assert.equal(evidenceFor(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p9' }, { sourceId: 'carlson-2021', paragraphs: 'p2' }])?.quote, 'cultivated ties');
    assert.equal(evidenceFor(evidence, [{ sourceId: 'other-2020', paragraphs: 'p4' }])?.quote, 'cultivated ties');
    assert.equal(evidenceFor(evidence, [{ sourceId: 'carlson-2021' }])?.quote, 'cultivated ties');
    assert.equal(evidenceFor(evidence)?.quote, 'cultivated ties');
    assert.equal(evidenceFor([], [{ sourceId: 'carlson-2021', paragraphs: 'p4' }]), undefined);
    assert.equal(quoteEvidence(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p4' }]), '“initiated diplomatic outreach” (carlson-2021 ¶p4)');
  });

  it('a range written backwards names the same paragraphs (its own diagnostic says it runs backwards)', () => {
    assert.equal(evidenceFor(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p5-p3' }])?.quote, 'initiated diplomatic outreach');
    // p4 lies in p5-p3: no "the claim cites ¶p5-p3; the source says this in ¶p2, caption c1, ¶p4".
    assert.equal(citationNote(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p5-p3' }]), undefined);
    assert.equal(citationNote(evidence, [{ sourceId: 'carlson-2021', paragraphs: 'p9-p7' }]), 'The claim cites ¶p9-p7; the source says this in ¶p2, caption c1, ¶p4.');
  });
});

/**
 * Claim checking (spec §3.5): the kind table, then the verdict against KB relations, with
 * polarity and symmetry.
 */
import type { Entity, Relation } from './kb/model';
import { aKind, PREDICATES, predicateSignature, type PredicateSignature } from './kinds';

/** The KB's answer to a claim, with the relation that decided it. */
export interface Verdict {
  readonly status: 'supported' | 'contradicted' | 'unsupported';
  /**
   * The deciding relation and the entity that holds it (for symmetric predicates, maybe the
   * object). An unsupported claim has one when the KB holds the opposite, ended (`until`).
   */
  readonly relation?: Relation;
  readonly holder?: Entity;
  /**
   * For a claim nothing decides: a relation of another predicate the KB holds between the same
   * two entities (`@Russia supports @[US bases]` where the source says Russia opposed them), so
   * that the analyst is not told "no evidence" about a pair the source does speak of.
   */
  readonly instead?: { readonly relation: Relation; readonly holder: Entity };
  /**
   * For a claim the KB holds both ways (an analyst's file with evidence for each polarity, neither
   * ended): the relation against it. The verdict is then unsupported, with `relation` the one for
   * it: the source speaks both ways, and the analyst must see both, not a green tick or an error.
   */
  readonly disputed?: { readonly relation: Relation; readonly holder: Entity };
}

/**
 * What is wrong with a claim's kinds, or undefined when the predicate accepts them; with the
 * predicates that do fit both kinds, if any (`@Xinjiang part-of @China`: located-in fits).
 */
export function kindProblem(signature: PredicateSignature, predicate: string, subject: Entity, object: Entity): string | undefined {
  const fitting = () => {
    const names = Object.keys(PREDICATES).filter((p) => PREDICATES[p].subject.includes(subject.kind) && PREDICATES[p].object.includes(object.kind));
    return names.length > 0 ? ` Predicates from ${aKind(subject.kind)} to ${aKind(object.kind)}: ${names.join(', ')}.` : '';
  };
  if (!signature.subject.includes(subject.kind)) {
    return `'${predicate}' takes ${signature.subject.join(', ')} as its subject, but ${subject.name} is ${aKind(subject.kind)}.${fitting()}`;
  }
  if (!signature.object.includes(object.kind)) {
    return `'${predicate}' takes ${signature.object.join(', ')} as its object, but ${object.name} is ${aKind(object.kind)}.${fitting()}`;
  }
  return undefined;
}

/** The verdict when no stored relation speaks to the claim: one object for every such claim. */
const UNSUPPORTED: Verdict = Object.freeze({ status: 'unsupported' });

/**
 * Looks for the relation in the KB. A symmetric relation may be stored on either entity.
 * A stored relation of the claim's polarity supports it; one of the other polarity contradicts it,
 * unless it ended (`until`): `@[United States] not operates @[US base in Uzbekistan]` is true
 * since the base closed in 2005, so that relation leaves the claim unsupported. Taking part in an
 * event does not end with the event: a dated `participates-in` an event still decides. When the
 * KB holds the claim both ways, neither relation ended, the claim is disputed (unsupported, both
 * named); one that ended supports its own polarity, as above. The subject's relations are read
 * before the object's; of each polarity the first is named, one that lasts before one that ended.
 * A megabyte brief holds about 900 claims: this allocates nothing but the verdicts it finds.
 */
export function judgeClaim(subject: Entity, predicate: string, object: Entity, negated: boolean): Verdict {
  const holders = predicateSignature(predicate)?.symmetric ? 2 : 1;
  let support: Verdict | undefined;
  let supportLasts = false;
  let opposite: Verdict | undefined;
  let ended: Verdict | undefined;
  for (let h = 0; h < holders; h++) {
    const holder = h === 0 ? subject : object;
    const target = h === 0 ? object : subject;
    for (const relation of holder.relations) {
      if (relation.type !== predicate || relation.target !== target.id) continue;
      if (relation.negated === negated) {
        // A relation that lasts is named before one that ended.
        const lasts = relation.until === undefined || tookPart(relation, target);
        if (!support || (lasts && !supportLasts)) {
          support = { status: 'supported', relation, holder };
          supportLasts = lasts;
        }
      }
      // It ended: it speaks for its time only, and the claim is unsupported rather than contradicted.
      else if (relation.until !== undefined && !tookPart(relation, target)) ended ??= { status: 'unsupported', relation, holder };
      else opposite ??= { status: 'contradicted', relation, holder };
    }
  }
  if (supportLasts && support?.relation && support.holder && opposite?.relation && opposite.holder) {
    return { status: 'unsupported', relation: support.relation, holder: support.holder, disputed: { relation: opposite.relation, holder: opposite.holder } };
  }
  return support ?? opposite ?? ended ?? otherRelation(subject, object) ?? UNSUPPORTED;
}

/**
 * Whether the relation is taking part in an event, which does not end with the event (README,
 * decisions): only `participates-in`. Supporting or opposing an event is a stance, and one dated
 * `until` ended as any other relation does.
 */
function tookPart(relation: Relation, target: Entity): boolean {
  return relation.type === 'participates-in' && target.kind === 'event';
}

/** An unsupported verdict naming the first relation, of any predicate, between the two entities. */
function otherRelation(subject: Entity, object: Entity): Verdict | undefined {
  for (const [holder, other] of [
    [subject, object],
    [object, subject],
  ]) {
    const relation = holder.relations.find((r) => r.target === other.id);
    if (relation) return { status: 'unsupported', instead: { relation, holder } };
  }
  return undefined;
}

/**
 * Claim checking (spec §3.5): the kind table, then the verdict against KB relations, with
 * polarity and symmetry.
 */
import type { Entity, Relation } from './kb/model';
import { PREDICATES, type PredicateSignature } from './kinds';

/** The KB's answer to a claim, with the relation that decided it. */
export interface Verdict {
  readonly status: 'supported' | 'contradicted' | 'unsupported';
  /** The deciding relation and the entity that holds it (for symmetric predicates, maybe the object). */
  readonly relation?: Relation;
  readonly holder?: Entity;
}

/** What is wrong with a claim's kinds, or undefined when the predicate accepts them. */
export function kindProblem(signature: PredicateSignature, predicate: string, subject: Entity, object: Entity): string | undefined {
  const article = (kind: string) => (/^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`);
  if (!signature.subject.includes(subject.kind)) {
    return `'${predicate}' takes ${signature.subject.join(', ')} as its subject, but ${subject.name} is ${article(subject.kind)}.`;
  }
  if (!signature.object.includes(object.kind)) {
    return `'${predicate}' takes ${signature.object.join(', ')} as its object, but ${object.name} is ${article(object.kind)}.`;
  }
  return undefined;
}

/**
 * Looks for the relation in the KB. A symmetric relation may be stored on either entity.
 * A stored relation of the claim's polarity supports it; one of the other polarity contradicts it.
 */
export function judgeClaim(subject: Entity, predicate: string, object: Entity, negated: boolean): Verdict {
  const signature = PREDICATES[predicate];
  const found: { relation: Relation; holder: Entity }[] = [];
  for (const relation of subject.relations) {
    if (relation.type === predicate && relation.target === object.id) found.push({ relation, holder: subject });
  }
  if (signature?.symmetric) {
    for (const relation of object.relations) {
      if (relation.type === predicate && relation.target === subject.id) found.push({ relation, holder: object });
    }
  }
  const same = found.find((f) => f.relation.negated === negated);
  if (same) return { status: 'supported', ...same };
  const opposite = found.find((f) => f.relation.negated !== negated);
  if (opposite) return { status: 'contradicted', ...opposite };
  return { status: 'unsupported' };
}

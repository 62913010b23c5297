/** How KB relations and evidence read in messages, hovers and inlay hints. */
import type { KnowledgeBase } from './kb/knowledgeBase';
import type { Entity, Evidence, Relation } from './kb/model';
import { PREDICATES } from './kinds';

/** "Uzbekistan is not a member of Collective Security Treaty Organization" (+ dates when known). */
export function describeRelation(holder: Entity, relation: Relation, kb: KnowledgeBase): string {
  const signature = PREDICATES[relation.type];
  const phrase = signature ? (relation.negated ? signature.negatedPhrase : signature.phrase) : relation.type;
  const target = kb.entities.get(relation.target)?.name ?? relation.target;
  return `${holder.name} ${phrase} ${target}${period(relation)}`;
}

/** " (since 2017)", " (1979–1989)", or "". */
export function period(relation: Pick<Relation, 'since' | 'until'>): string {
  if (relation.since && relation.until) return ` (${relation.since}–${relation.until})`;
  if (relation.since) return ` (since ${relation.since})`;
  if (relation.until) return ` (until ${relation.until})`;
  return '';
}

/** `carlson-2021 ¶p7` */
export function citationLabel(evidence: Evidence): string {
  return `${evidence.source} ¶${evidence.paragraph}`;
}

/** The first evidence item as `“quote” (carlson-2021 ¶p7)`. */
export function quoteEvidence(evidence: readonly Evidence[]): string {
  const first = evidence[0];
  return first ? `“${first.quote}” (${citationLabel(first)})` : 'no quote recorded';
}

/** Entity kinds of the knowledge base (spec §4.1). */
export const ENTITY_KINDS = [
  'state',
  'person',
  'group',
  'organization',
  'initiative',
  'place',
  'facility',
  'event',
] as const;

/** One of the eight kinds an entity can have. */
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** A kind with its article, as messages say it: "a state", "an organization". */
export function aKind(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** "Actor" in the analyst's words: states, people and groups. */
export const ACTOR_KINDS: readonly EntityKind[] = ['state', 'person', 'group'];

/** A predicate's allowed subject and object kinds, and whether it reads the same both ways. */
export interface PredicateSignature {
  readonly subject: readonly EntityKind[];
  readonly object: readonly EntityKind[];
  readonly symmetric: boolean;
  /** How the relation reads in a sentence: "<subject> <phrase> <object>". */
  readonly phrase: string;
  /** The same, when the source says the relation does not hold. */
  readonly negatedPhrase: string;
}

const ANY: readonly EntityKind[] = ENTITY_KINDS;

/** The predicate table of spec §3.5. */
export const PREDICATES: Readonly<Record<string, PredicateSignature>> = {
  'member-of': { subject: ['state', 'organization'], object: ['organization'], symmetric: false, phrase: 'is a member of', negatedPhrase: 'is not a member of' },
  leads: { subject: ['person'], object: ['state', 'organization', 'group'], symmetric: false, phrase: 'leads', negatedPhrase: 'does not lead' },
  borders: { subject: ['state', 'place'], object: ['state', 'place'], symmetric: true, phrase: 'borders', negatedPhrase: 'does not border' },
  'allied-with': { subject: ['state', 'group', 'organization'], object: ['state', 'group', 'organization'], symmetric: true, phrase: 'is allied with', negatedPhrase: 'is not allied with' },
  'rival-of': { subject: ['state', 'group', 'organization'], object: ['state', 'group', 'organization'], symmetric: true, phrase: 'is a rival of', negatedPhrase: 'is not a rival of' },
  'cooperates-with': { subject: ['state', 'group', 'organization', 'person'], object: ['state', 'group', 'organization', 'person'], symmetric: true, phrase: 'cooperates with', negatedPhrase: 'does not cooperate with' },
  supports: { subject: ['state', 'group', 'organization', 'person'], object: ANY, symmetric: false, phrase: 'supports', negatedPhrase: 'does not support' },
  opposes: { subject: ['state', 'group', 'organization', 'person'], object: ANY, symmetric: false, phrase: 'opposes', negatedPhrase: 'does not oppose' },
  operates: { subject: ['state', 'organization', 'group'], object: ['facility'], symmetric: false, phrase: 'operates', negatedPhrase: 'does not operate' },
  'located-in': { subject: ['place', 'facility', 'event'], object: ['state', 'place'], symmetric: false, phrase: 'is located in', negatedPhrase: 'is not located in' },
  'part-of': { subject: ['initiative', 'organization', 'place'], object: ['initiative', 'organization', 'place'], symmetric: false, phrase: 'is part of', negatedPhrase: 'is not part of' },
  'participates-in': { subject: ['state', 'organization', 'group', 'person'], object: ['event', 'initiative', 'organization'], symmetric: false, phrase: 'participates in', negatedPhrase: 'does not participate in' },
};

/** The predicate names, in the spec's order. */
export const PREDICATE_NAMES: readonly string[] = Object.keys(PREDICATES);

/**
 * The signature of a predicate written in a brief or a KB, or undefined when it is none of the
 * spec's. Never `PREDICATES[word]` on such a word: `constructor` or `toString` would find the
 * object's inherited members.
 */
export function predicateSignature(name: string): PredicateSignature | undefined {
  return Object.hasOwn(PREDICATES, name) ? PREDICATES[name] : undefined;
}

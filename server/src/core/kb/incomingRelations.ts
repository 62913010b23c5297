/**
 * The relations that point at each entity: an entity's hover card counts them and lists the
 * first few ("Tajikistan member of CSTO" on the CSTO's card).
 *
 * Only the subjects hold their relations, so answering "who relates to X" means reading every
 * relation of the KB once. The answer is kept compact: entities by their number in the KB's
 * order, in three integer arrays (a few MiB for 100,000 entities, where a Map from target ids to
 * lists of subjects took 24 MiB and made the server's collections of a large heap slower). It is
 * built in steps (`build`), so that the server can make it in short slices while the analyst
 * reads diagnostics, and a question asked before it is done finishes it. The KB's cross-file pass
 * looks every target up anyway, so a clean pass hands its findings over (`incomingFromFound`) and a
 * stored verdict keeps the arrays (fileCache.ts): then no step is left to take.
 */
import { relationAt, relationTargets, type Entity, type Relation } from './model';
import type { EntityRoster } from './roster';

/** The index's arrays: the relations to entity t are entries `start[t]` up to `start[t + 1]`, each a subject and a place in its list. */
export interface IncomingIndexData {
  readonly start: Int32Array;
  readonly subject: Int32Array;
  readonly place: Int32Array;
}

/**
 * The arrays from relations found as (target, subject, place) triples, subjects in the KB's
 * order: a counting sort, stable, so each target's subjects stay in that order.
 */
export function incomingFromFound(found: readonly number[], entityCount: number): IncomingIndexData {
  const start = new Int32Array(entityCount + 1);
  for (let i = 0; i < found.length; i += 3) start[found[i] + 1]++;
  for (let t = 1; t < start.length; t++) start[t] += start[t - 1];
  const filled = start.slice(0, -1);
  const subject = new Int32Array(found.length / 3);
  const place = new Int32Array(found.length / 3);
  for (let i = 0; i < found.length; i += 3) {
    const at = filled[found[i]]++;
    subject[at] = found[i + 1];
    place[at] = found[i + 2];
  }
  return { start, subject, place };
}

/**
 * Whether stored arrays have the shape of an index of `entityCount` entities: every list within
 * bounds, so no lookup reads past an array. (That each place names a relation of its subject
 * follows from the arrays being the ones made for exactly these files: see fileCache.ts.)
 */
export function fitsIncoming(data: IncomingIndexData, entityCount: number): boolean {
  const { start, subject, place } = data;
  if (start.length !== entityCount + 1 || start[0] !== 0 || start[entityCount] !== subject.length || place.length !== subject.length) return false;
  for (let t = 1; t <= entityCount; t++) if (start[t] < start[t - 1]) return false;
  for (let j = 0; j < subject.length; j++) if (subject[j] < 0 || subject[j] >= entityCount || place[j] < 0) return false;
  return true;
}

export class IncomingRelations {
  /** The relations to entity t are entries `start[t]` up to `start[t + 1]`: each a subject and a place in its list. */
  private start?: Int32Array;
  private subject?: Int32Array;
  private place?: Int32Array;
  /**
   * While building: entity numbers by id (made first, dropped at the end: a hash lookup per
   * relation, where `numberOf`'s search of the names would take three times as long), how many
   * entities were numbered and then read, and each relation found as (target, subject, place).
   */
  private numbers? = new Map<string, number>();
  private numbered = 0;
  private read = 0;
  private found: number[] = [];

  /**
   * @param ordered the KB's entities in order
   * @param numberOf an entity's number in that order by id, −1 for an id the KB does not hold
   * @param made the index's arrays for exactly these entities, when the cross-file pass or a
   *   stored verdict has them; ignored unless they fit
   */
  constructor(
    private readonly ordered: EntityRoster,
    private readonly numberOf: (id: string) => number,
    made?: IncomingIndexData,
  ) {
    if (made && fitsIncoming(made, ordered.length)) [this.start, this.subject, this.place, this.numbers] = [made.start, made.subject, made.place, undefined];
  }

  /** The arrays, once the index is complete (for a verdict to keep). */
  get data(): IncomingIndexData | undefined {
    return this.start && this.subject && this.place ? { start: this.start, subject: this.subject, place: this.place } : undefined;
  }

  /**
   * Takes up to `steps` more steps (an entity numbered, or an entity's relations read); true once
   * the index is complete. Subjects are read in the KB's order whatever the steps, so each list
   * keeps that order.
   */
  build(steps = Infinity): boolean {
    if (this.start) return true;
    const numbers = this.numbers as Map<string, number>;
    const count = this.ordered.length;
    let budget = steps;
    for (; this.numbered < count && budget > 0; this.numbered++, budget--) numbers.set(this.ordered.at(this.numbered).id, this.numbered);
    for (; this.read < count && budget > 0; this.read++, budget--) {
      const subject = this.read;
      relationTargets(this.ordered.at(subject)).forEach((target, place) => {
        const t = numbers.get(target);
        if (t !== undefined) this.found.push(t, subject, place); // a target the KB lacks is reported at load
      });
    }
    if (this.read < count) return false;
    this.finish();
    return true;
  }

  /** How many relations held by other entities point at `id`. */
  count(id: string): number {
    this.build();
    const t = this.numberOf(id);
    return t < 0 ? 0 : (this.start as Int32Array)[t + 1] - (this.start as Int32Array)[t];
  }

  /** The first `max` relations that point at `id`, in the KB's order, made for the caller and not kept. */
  relationsTo(id: string, max = Infinity): { subject: Entity; relation: Relation }[] {
    this.build();
    const t = this.numberOf(id);
    if (t < 0) return [];
    const [start, subject, place] = [this.start as Int32Array, this.subject as Int32Array, this.place as Int32Array];
    const found: { subject: Entity; relation: Relation }[] = [];
    for (let j = start[t]; j < start[t + 1] && found.length < max; j++) {
      const holder = this.ordered.at(subject[j]);
      found.push({ subject: holder, relation: relationAt(holder, place[j]) });
    }
    return found;
  }

  /** Files what was found by target. */
  private finish(): void {
    const { start, subject, place } = incomingFromFound(this.found, this.ordered.length);
    [this.start, this.subject, this.place, this.found, this.numbers] = [start, subject, place, [], undefined];
  }
}

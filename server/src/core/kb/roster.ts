/**
 * The KB's entities in their order, by number: what the name index and the index of incoming
 * relations name entities by.
 *
 * A KB read from snapshots makes each entity when it is first asked for (`StoredEntities` in
 * storedEntity.ts). A warm start with 100,000 entities used to make all of them, and a map of
 * their ids, before the first diagnostics: a third of its time, most of it the collector copying
 * the new objects as they survived (docs/performance.md, round 19). A session asks for the few
 * thousand its briefs name.
 */
import type { Entity } from './model';

export interface EntityRoster {
  readonly length: number;
  /** Entity n, the same object every time. */
  at(n: number): Entity;
  /** How many aliases entity n has, without making it (the name index's arrays are checked against it). */
  aliasCountAt(n: number): number;
}

/** A file's entities made when first asked for; `all` makes every one, for code that reads a list. */
export interface LazyEntities extends EntityRoster {
  all(): Entity[];
}

/** A roster of entities already made. */
export class ListRoster implements EntityRoster {
  constructor(private readonly list: readonly Entity[]) {}

  get length(): number {
    return this.list.length;
  }

  at(n: number): Entity {
    return this.list[n];
  }

  aliasCountAt(n: number): number {
    return this.list[n].aliases.length;
  }
}

/** The rosters of several files, one after the other: the KB's order. */
export class JoinedRoster implements EntityRoster {
  /** Where each part starts in the joined numbering, and one past the last. */
  private readonly starts: number[] = [0];

  constructor(readonly parts: readonly EntityRoster[]) {
    for (const part of parts) this.starts.push(this.starts[this.starts.length - 1] + part.length);
  }

  get length(): number {
    return this.starts[this.starts.length - 1];
  }

  at(n: number): Entity {
    const p = this.partOf(n);
    return this.parts[p].at(n - this.starts[p]);
  }

  aliasCountAt(n: number): number {
    const p = this.partOf(n);
    return this.parts[p].aliasCountAt(n - this.starts[p]);
  }

  /** The part that holds entity n: a KB has a few files, so a walk is as quick as a search. */
  private partOf(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n >= this.length) throw new RangeError(`no entity ${n}`);
    let p = 0;
    while (n >= this.starts[p + 1]) p++;
    return p;
  }
}

/**
 * The KB's entities by id, over a roster: an entity is found through the name index (where every
 * entity is filed under its id) and made when first asked for. What is found is kept, so that
 * the next lookup of a hovered or completed entity is one hash lookup, as in a Map.
 */
export class RosterMap implements ReadonlyMap<string, Entity> {
  private readonly found = new Map<string, Entity>();

  constructor(
    readonly roster: EntityRoster,
    /** An entity's number by id, −1 for an id the KB does not hold. */
    private readonly numberOf: (id: string) => number,
  ) {}

  get size(): number {
    return this.roster.length;
  }

  get(id: string): Entity | undefined {
    const known = this.found.get(id);
    if (known !== undefined || typeof id !== 'string') return known;
    const n = this.numberOf(id);
    if (n < 0) return undefined;
    const entity = this.roster.at(n);
    this.found.set(id, entity);
    return entity;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  *entries(): IterableIterator<[string, Entity]> {
    for (let n = 0; n < this.roster.length; n++) {
      const entity = this.roster.at(n);
      yield [entity.id, entity];
    }
  }

  *keys(): IterableIterator<string> {
    for (let n = 0; n < this.roster.length; n++) yield this.roster.at(n).id;
  }

  *values(): IterableIterator<Entity> {
    for (let n = 0; n < this.roster.length; n++) yield this.roster.at(n);
  }

  [Symbol.iterator](): IterableIterator<[string, Entity]> {
    return this.entries();
  }

  forEach(callback: (value: Entity, key: string, map: ReadonlyMap<string, Entity>) => void, thisArg?: unknown): void {
    for (const [id, entity] of this.entries()) callback.call(thisArg, entity, id, this);
  }
}

/**
 * The entities of two KBs outside the files they share, or undefined unless both were joined from
 * files' readings (a load from cached readings; one that ran the cross-file pass merges a Map).
 * A part that is the very same object in both is the same reading, with the very same entities:
 * after one file of a KB of 100,000 entities is saved, only its entities need comparing, where
 * comparing all of them took the server 0.8 s.
 */
export function entitiesApart(before: ReadonlyMap<string, Entity>, after: ReadonlyMap<string, Entity>): { before: Entity[]; after: Entity[] } | undefined {
  const partsOf = (kb: ReadonlyMap<string, Entity>) => (kb instanceof RosterMap && kb.roster instanceof JoinedRoster ? kb.roster.parts : undefined);
  const was = partsOf(before);
  const now = partsOf(after);
  if (!was || !now) return undefined;
  const unshared = (parts: readonly EntityRoster[], other: readonly EntityRoster[]) => {
    const shared = new Set(other);
    return parts.filter((p) => !shared.has(p)).flatMap((p) => Array.from({ length: p.length }, (_, n) => p.at(n)));
  };
  return { before: unshared(was, now), after: unshared(now, was) };
}

/**
 * Entities read from a KB snapshot (snapshot.ts), each made when first asked for, and then in
 * parts as it is first read: a warm start with 100,000 entities makes none of them, and a
 * session the few thousand its briefs name, most of those without their relations and facts.
 */
import type { EntityKind } from '../kinds';
import type { Entity, EntityOrigin, Fact, KbLocation, Relation } from './model';
import type { LazyEntities } from './roster';

/** What a snapshot's reader gives for an entity's record, which it checked when it decoded it. */
export interface EntityRecords {
  /** The entity whose record holds its id at string `idIndex` and the rest from `head` (see StoredEntities). */
  entityAt(idIndex: number, head: number, details: number, tail: number): StoredEntity;
  /** How many aliases the record with its kind at `head` has. */
  aliasCountAt(head: number): number;
  /** The record's kind, name, summary, identifiers (from `head`) and origin and location (from `tail`). */
  headAt(head: number, tail: number): EntityHead;
  /** Its relations and facts, from `at`. */
  detailsAt(at: number): EntityDetails;
  /** Its relations' targets, without building the relations. */
  targetsAt(at: number): string[];
  /** Its relation at `place`, built alone. */
  relationAt(at: number, place: number): Relation;
}

export interface EntityDetails {
  readonly relations: readonly Relation[];
  readonly facts: readonly Fact[];
}

/** The parts of an entity record made when first asked for, besides relations and facts. */
export interface EntityHead {
  readonly kind: EntityKind;
  readonly name: string;
  readonly summary: string;
  readonly identifiers: Entity['identifiers'];
  readonly origin: EntityOrigin;
  readonly location: KbLocation;
}

/**
 * The entities of one reading from a snapshot, by their place in the file: each made when first
 * asked for, and then the same object every time.
 */
export class StoredEntities implements LazyEntities {
  /** The entities made so far, by place; made with the first one. */
  private made: (StoredEntity | undefined)[] | undefined;
  private list: Entity[] | undefined;
  #madeSoFar = 0;

  constructor(
    private readonly records: EntityRecords,
    /** Four numbers an entity: its id's string and where its kind, relations and origin are in the records. */
    private readonly places: Int32Array,
  ) {}

  get length(): number {
    return this.places.length >> 2;
  }

  /** How many entities have been made so far (tests, and a measure of what a session reads). */
  get madeSoFar(): number {
    return this.#madeSoFar;
  }

  at(n: number): Entity {
    if (!Number.isInteger(n) || n < 0 || n >= this.length) throw new RangeError(`no entity ${n}`);
    const made = (this.made ??= new Array<StoredEntity | undefined>(this.length).fill(undefined));
    const known = made[n];
    if (known) return known;
    const p = 4 * n;
    this.#madeSoFar++;
    return (made[n] = this.records.entityAt(this.places[p], this.places[p + 1], this.places[p + 2], this.places[p + 3]));
  }

  aliasCountAt(n: number): number {
    return this.records.aliasCountAt(this.places[4 * n + 1]);
  }

  all(): Entity[] {
    return (this.list ??= Array.from({ length: this.length }, (_, n) => this.at(n)));
  }
}

/**
 * An entity of a decoded reading. Its id and aliases are made with it; the rest of its record
 * when first asked for: its kind, name, summary, identifiers, origin and location together, its
 * relations and facts together. `toJSON` gives the loader's object, key for key, so a stored
 * entity and a fresh one are alike to `JSON.stringify`.
 */
export class StoredEntity implements Entity {
  #head: EntityHead | undefined;
  #details: EntityDetails | undefined;
  readonly #reader: EntityRecords;
  /** Where the record's kind, its relations and its origin are in the reader's ints. */
  readonly #headAt: number;
  readonly #detailsAt: number;
  readonly #tailAt: number;

  constructor(
    readonly id: string,
    readonly aliases: readonly string[],
    reader: EntityRecords,
    headAt: number,
    detailsAt: number,
    tailAt: number,
  ) {
    this.#reader = reader;
    this.#headAt = headAt;
    this.#detailsAt = detailsAt;
    this.#tailAt = tailAt;
  }

  #madeHead(): EntityHead {
    return (this.#head ??= this.#reader.headAt(this.#headAt, this.#tailAt));
  }

  get kind(): EntityKind {
    return this.#madeHead().kind;
  }

  get name(): string {
    return this.#madeHead().name;
  }

  get summary(): string {
    return this.#madeHead().summary;
  }

  get identifiers(): Entity['identifiers'] {
    return this.#madeHead().identifiers;
  }

  get origin(): EntityOrigin {
    return this.#madeHead().origin;
  }

  get location(): KbLocation {
    return this.#madeHead().location;
  }

  get relations(): readonly Relation[] {
    return (this.#details ??= this.#reader.detailsAt(this.#detailsAt)).relations;
  }

  get facts(): readonly Fact[] {
    return (this.#details ??= this.#reader.detailsAt(this.#detailsAt)).facts;
  }

  /** Its relations' targets, read without building the relations unless they are built already. */
  relationTargets(): readonly string[] {
    return this.#details ? this.#details.relations.map((r) => r.target) : this.#reader.targetsAt(this.#detailsAt);
  }

  /** One of its relations, built alone and not kept unless its relations are built already. */
  relationAt(place: number): Relation {
    if (!this.#details) return this.#reader.relationAt(this.#detailsAt, place);
    const relation = this.#details.relations[place];
    if (!relation) throw new RangeError(`no relation ${place}`);
    return relation;
  }

  toJSON(): Entity {
    const { id, kind, name, aliases, summary, identifiers, relations, facts, origin, location } = this;
    return { id, kind, name, aliases, summary, identifiers, relations, facts, origin, location };
  }
}

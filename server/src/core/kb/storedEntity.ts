/**
 * An entity read from a KB snapshot (snapshot.ts), made in parts as it is first read: a warm
 * start with 100,000 entities reads their ids and aliases, and a session few of the rest.
 */
import type { EntityKind } from '../kinds';
import type { Entity, EntityOrigin, Fact, KbLocation, Relation } from './model';

/** What a snapshot's reader gives for an entity's record, which it checked when it decoded it. */
export interface EntityRecords {
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

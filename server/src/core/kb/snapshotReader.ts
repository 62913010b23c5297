/**
 * Reads a snapshot's ints and strings (snapshot.ts) back into a `FileReading`: the source whole,
 * the entities as `StoredEntities` (storedEntity.ts), each made from its record when first asked
 * for. Every index and count is checked against what is left, and anything malformed throws a
 * `SnapshotError`, so that the caller parses the YAML instead.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { lazyReading, type FileReading } from './fileCache';
import { NO_IDENTIFIERS, NONE } from './loader';
import { KbLocation, type Entity, type EntityOrigin, type Evidence, type Fact, type Paragraph, type Relation, type Source } from './model';
import { SnapshotError, type StringTable } from './snapshotFrame';
import type { EntityKind } from '../kinds';
import { StoredEntities, StoredEntity, type EntityDetails, type EntityHead, type EntityRecords } from './storedEntity';
import { HAS_ENTITIES, HAS_ISO2, HAS_ISO3, HAS_SINCE, HAS_SOURCE, HAS_UNTIL, HAS_WIKIDATA, NEGATED, NO_LOCATION } from './snapshotLayout';

export class Reader implements EntityRecords {
  constructor(
    private readonly ints: Int32Array,
    private readonly strings: StringTable,
    private readonly uri: string,
    private pos = 0,
  ) {}

  reading(diagnostics: Diagnostic[]): FileReading {
    const flags = this.int();
    let entities: StoredEntities | undefined;
    let source: Source | undefined;
    if (flags & HAS_ENTITIES) entities = this.entities();
    if (flags & HAS_SOURCE) source = this.source();
    if (this.pos !== this.ints.length) throw new SnapshotError('trailing data');
    return lazyReading(flags & HAS_SOURCE ? source : undefined, entities, diagnostics);
  }

  private int(): number {
    if (this.pos >= this.ints.length) throw new SnapshotError('truncated');
    return this.ints[this.pos++];
  }

  /** A count of records that each take at least `minInts` more ints: bounded by what is left. */
  private count(minInts: number): number {
    const n = this.int();
    if (n < 0 || n * minInts > this.ints.length - this.pos) throw new SnapshotError('bad count');
    return n;
  }

  private str(): string {
    const i = this.int();
    const s = this.strings.get(i);
    if (s === undefined) throw new SnapshotError('bad string index');
    return s;
  }

  private location(): KbLocation {
    const line = this.int();
    if (line < 0) throw new SnapshotError('bad location');
    return new KbLocation(this.uri, line, this.int(), this.int(), this.int());
  }

  /** A string's index, checked, without making the string (see StoredEntity). */
  private strIndex(): void {
    if (!this.strings.has(this.int())) throw new SnapshotError('bad string index');
  }

  /** A location, checked, without making it. */
  private skipLocation(): void {
    if (this.int() < 0) throw new SnapshotError('bad location');
    this.pos += 3;
    if (this.pos > this.ints.length) throw new SnapshotError('truncated');
  }

  /**
   * The entities of the reading, each record checked in full and none made: each is made when
   * first asked for (StoredEntities), and the rest of its record when first read (StoredEntity).
   * A warm start then does not make, and the collector does not copy as they survive, the
   * objects and strings of 100,000 records, of which a session reads a few thousand.
   */
  private entities(): StoredEntities {
    const n = this.count(10);
    const places = new Int32Array(4 * n);
    for (let k = 0; k < n; k++) {
      places[4 * k] = this.ints[this.pos];
      this.strIndex(); // id
      const head = this.pos;
      this.strIndex(); // kind
      this.strIndex(); // name
      const aliasCount = this.count(1);
      for (let a = 0; a < aliasCount; a++) this.strIndex();
      this.strIndex(); // summary
      const idFlags = this.int();
      if (idFlags & HAS_ISO2) this.strIndex();
      if (idFlags & HAS_ISO3) this.strIndex();
      if (idFlags & HAS_WIKIDATA) this.strIndex();
      // Relations and facts are most of a KB's objects, and a session looks at few of them.
      const details = this.pos;
      this.checkDetails();
      const tail = this.pos;
      this.strIndex(); // origin
      this.skipLocation();
      places[4 * k + 1] = head;
      places[4 * k + 2] = details;
      places[4 * k + 3] = tail;
    }
    return new StoredEntities(this, places);
  }

  /** An entity whose record was checked by `entities` (see StoredEntities). */
  entityAt(idIndex: number, head: number, details: number, tail: number): StoredEntity {
    const aliasCount = this.ints[head + 2];
    const aliases: string[] | readonly never[] = aliasCount === 0 ? NONE : new Array<string>(aliasCount);
    for (let a = 0; a < aliasCount; a++) (aliases as string[])[a] = this.strings.get(this.ints[head + 3 + a]) as string;
    return new StoredEntity(this.strings.get(idIndex) as string, aliases, this, head, details, tail);
  }

  aliasCountAt(head: number): number {
    return this.ints[head + 2];
  }

  /**
   * Checks an entity's relations and facts as `details` reads them, every count, string index
   * and location, without making them (`details` makes them when they are first asked for).
   */
  private checkDetails(): void {
    const relationCount = this.count(8);
    for (let r = 0; r < relationCount; r++) this.checkRelation();
    const factCount = this.count(3);
    for (let f = 0; f < factCount; f++) {
      this.strIndex(); // text
      this.checkEvidence();
      this.skipLocation();
    }
  }

  /** Checks one relation as `relation` reads it, without making it. */
  private checkRelation(): void {
    this.strIndex(); // type
    this.strIndex(); // target
    const flags = this.int();
    if (flags & HAS_SINCE) this.strIndex();
    if (flags & HAS_UNTIL) this.strIndex();
    this.checkEvidence();
    this.skipLocation();
  }

  /** Checks an evidence list as `evidence` reads it. */
  private checkEvidence(): void {
    const n = this.count(4);
    for (let i = 0; i < n; i++) {
      this.strIndex(); // source
      this.strIndex(); // paragraph
      this.strIndex(); // quote
      if (this.ints[this.pos] === NO_LOCATION) this.pos++;
      else this.skipLocation();
    }
  }

  /** The rest of an entity's record (checked when the reading was decoded): `head` at its kind, `tail` at its origin. */
  headAt(head: number, tail: number): EntityHead {
    const reader = new Reader(this.ints, this.strings, this.uri, head);
    const kind = reader.str() as EntityKind;
    const name = reader.str();
    reader.pos += 1 + reader.ints[reader.pos]; // the aliases, made with the entity
    const summary = reader.str();
    const idFlags = reader.int();
    // Only the identifiers present, in the loader's order (iso2, iso3, wikidata); none shared.
    let identifiers: Entity['identifiers'] = NO_IDENTIFIERS;
    if (idFlags !== 0) {
      const some: { iso2?: string; iso3?: string; wikidata?: string } = {};
      if (idFlags & HAS_ISO2) some.iso2 = reader.str();
      if (idFlags & HAS_ISO3) some.iso3 = reader.str();
      if (idFlags & HAS_WIKIDATA) some.wikidata = reader.str();
      identifiers = some;
    }
    reader.pos = tail;
    const origin = reader.str() as EntityOrigin;
    return { kind, name, summary, identifiers, origin, location: reader.location() };
  }

  /** An entity's relations and facts, from its record at `at` (checked when the reading was decoded). */
  detailsAt(at: number): EntityDetails {
    return new Reader(this.ints, this.strings, this.uri, at).details();
  }

  /**
   * The targets of an entity's relations, from its record at `at`, without building the
   * relations: the KB's index of incoming relations needs every target and few relations.
   * The record was checked when the reading was decoded; this walks the layout `relation` reads.
   */
  targetsAt(at: number): string[] {
    const reader = new Reader(this.ints, this.strings, this.uri, at);
    const targets = new Array<string>(reader.int());
    for (let r = 0; r < targets.length; r++) targets[r] = reader.skipRelation();
    return targets;
  }

  /**
   * The relation at `place` of the entity whose record is at `at`, built alone: the relations
   * before it are skipped as `targetsAt` does. For the relations that point at an entity, which
   * hover shows a few of and no one needs kept.
   */
  relationAt(at: number, place: number): Relation {
    const reader = new Reader(this.ints, this.strings, this.uri, at);
    if (place < 0 || place >= reader.int()) throw new RangeError(`no relation ${place}`);
    for (let r = 0; r < place; r++) reader.skipRelation();
    return reader.relation();
  }

  /** Steps over one relation, returning its target: the walk that checked it, so one layout to keep in step. */
  private skipRelation(): string {
    const target = this.ints[this.pos + 1];
    this.checkRelation();
    return this.strings.get(target) as string;
  }

  private details(): EntityDetails {
    const relationCount = this.count(8);
    const relations: Relation[] | readonly never[] = relationCount === 0 ? NONE : new Array<Relation>(relationCount);
    for (let r = 0; r < relationCount; r++) (relations as Relation[])[r] = this.relation();
    const factCount = this.count(3);
    const facts: Fact[] | readonly never[] = factCount === 0 ? NONE : new Array<Fact>(factCount);
    for (let f = 0; f < factCount; f++) {
      const text = this.str();
      const evidence = this.evidence();
      (facts as Fact[])[f] = { text, evidence, location: this.location() };
    }
    return { relations, facts };
  }

  private relation(): Relation {
    const type = this.str();
    const target = this.str();
    const flags = this.int();
    const negated = (flags & NEGATED) !== 0;
    const since = flags & HAS_SINCE ? this.str() : undefined;
    const until = flags & HAS_UNTIL ? this.str() : undefined;
    const evidence = this.evidence();
    const location = this.location();
    // Literals per combination, in the loader's key order; the common one (no dates) first.
    if (since === undefined && until === undefined) return { type, target, negated, evidence, location };
    if (until === undefined) return { type, target, negated, since, evidence, location };
    if (since === undefined) return { type, target, negated, until, evidence, location };
    return { type, target, negated, since, until, evidence, location };
  }

  private evidence(): Evidence[] {
    const n = this.count(4);
    const out: Evidence[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const source = this.str();
      const paragraph = this.str();
      const quote = this.str();
      if (this.ints[this.pos] === NO_LOCATION) {
        this.pos++;
        out[i] = { source, paragraph, quote };
      } else out[i] = { source, paragraph, quote, location: this.location() };
    }
    return out;
  }

  private source(): Source {
    const id = this.str();
    const title = this.str();
    const author = this.str();
    const publisher = this.str();
    const year = this.int() === 0 ? this.int() : Number(this.str());
    const passages = new Map<string, Paragraph>();
    const list = () => {
      const n = this.count(7);
      const out: Paragraph[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const p: Paragraph = { id: this.str(), section: this.str(), text: this.str(), location: this.location() };
        passages.set(p.id, p);
        out[i] = p;
      }
      return out;
    };
    const paragraphs = list();
    const captions = list();
    return { id, title, author, publisher, year, paragraphs, captions, passages, location: this.location() };
  }
}

/** The knowledge base's data model (spec §4), as the loader hands it to every feature. */
import type { Range } from 'vscode-languageserver-types';
import type { EntityKind } from '../kinds';

/** Where something is written: a file and a range in it. */
export interface SourceLocation {
  readonly uri: string;
  readonly range: Range;
}

/**
 * A location in a KB or source file, held as numbers. A KB of 100,000 entities holds half a
 * million locations (entities, relations, facts, evidence): as plain LSP objects each is four
 * objects (the location, its range, two positions), as this one. The range is made when asked
 * for; `toJSON` gives the LSP shape, so a location can go into an answer as it is.
 */
export class KbLocation implements SourceLocation {
  constructor(
    readonly uri: string,
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  static of(uri: string, range: Range): KbLocation {
    return new KbLocation(uri, range.start.line, range.start.character, range.end.line, range.end.character);
  }

  get range(): Range {
    return { start: { line: this.startLine, character: this.startCharacter }, end: { line: this.endLine, character: this.endCharacter } };
  }

  toJSON(): SourceLocation {
    return { uri: this.uri, range: this.range };
  }
}

/** A verbatim quote from a paragraph of a source, backing a relation or a fact. */
export interface Evidence {
  readonly source: string;
  readonly paragraph: string;
  readonly quote: string;
  /** Where the evidence item is written, for diagnostics on the KB file. */
  readonly location?: SourceLocation;
}

/** A relation whose subject is the entity that holds it (spec §4.1). */
export interface Relation {
  readonly type: string;
  readonly target: string;
  /** True when the source says the relation does NOT hold. */
  readonly negated: boolean;
  readonly since?: string;
  readonly until?: string;
  readonly evidence: readonly Evidence[];
  readonly location: SourceLocation;
}

/** A concrete statement of the source about an entity. */
export interface Fact {
  readonly text: string;
  readonly evidence: readonly Evidence[];
  readonly location: SourceLocation;
}

/** Where an entity came from: the KB shipped with Brief, or a workspace file of the analyst. */
export type EntityOrigin = 'bundled' | 'workspace';

/** One actor, organization, initiative, place, facility or event. */
export interface Entity {
  readonly id: string;
  readonly kind: EntityKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly identifiers: Readonly<{ iso2?: string; iso3?: string; wikidata?: string }>;
  readonly relations: readonly Relation[];
  readonly facts: readonly Fact[];
  readonly origin: EntityOrigin;
  /** The entity's `- id:` entry in its YAML file. */
  readonly location: SourceLocation;
  /**
   * Its relations' targets, in order, read without building the relations: an entity read from
   * a snapshot (snapshot.ts) builds them only when asked. Absent on entities built whole.
   */
  relationTargets?(): readonly string[];
  /**
   * Its relation at `place`, built for the caller and not kept: an entity read from a snapshot
   * then builds none of its other relations and facts. Absent on entities built whole.
   */
  relationAt?(place: number): Relation;
}

/** The targets of an entity's relations, in order, without building them where that can be avoided. */
export function relationTargets(entity: Entity): readonly string[] {
  return entity.relationTargets?.() ?? entity.relations.map((r) => r.target);
}

/** An entity's relation at `place`, without building (and keeping) its others where that can be avoided. */
export function relationAt(entity: Entity, place: number): Relation {
  return entity.relationAt?.(place) ?? entity.relations[place];
}

/** A paragraph of a source; ids `p1`, `p2`, … in reading order. */
export interface Paragraph {
  readonly id: string;
  readonly section: string;
  readonly text: string;
  readonly location: SourceLocation;
}

/** A cleaned source article (spec §4.3). */
export interface Source {
  readonly id: string;
  readonly title: string;
  readonly author: string;
  readonly publisher: string;
  readonly year: number;
  /** Body paragraphs in reading order. */
  readonly paragraphs: readonly Paragraph[];
  /** Photo captions (`c1`, …): KB evidence may quote them; briefs cite paragraphs only. */
  readonly captions: readonly Paragraph[];
  /** Every passage evidence may cite, paragraphs and captions, by id. */
  readonly passages: ReadonlyMap<string, Paragraph>;
  readonly location: SourceLocation;
}

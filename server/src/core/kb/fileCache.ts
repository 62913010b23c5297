/**
 * A cache of data-file readings, keyed by the file's exact text: parsing YAML is by far the
 * costliest step of loading a KB, and most starts read files that have not changed.
 *
 * The core defines the shape and its stored form (`encodeReading`/`decodeReading` in
 * snapshot.ts); where readings are kept (memory, disk, a file shipped with the extension) is the
 * host's choice.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { DataFileInput } from './loader';
import type { Entity, Source } from './model';
import type { NameIndexData } from './nameIndexData';
import type { IncomingIndexData } from './incomingRelations';
import type { LazyEntities } from './roster';

/** What reading one file on its own found: its entities or its source, and its diagnostics. */
export interface FileReading {
  readonly entities?: Entity[];
  /** Names written on entries that could not be read (see `EntityFile`); not kept by caches. */
  readonly rejectedNames?: readonly string[];
  readonly source?: Source;
  readonly diagnostics: readonly Diagnostic[];
}

/** The entities of readings that make them when asked for (a snapshot's), by reading. */
const lazyEntities = new WeakMap<FileReading, LazyEntities>();

/**
 * A reading whose `entities` list is made from `entities` when it is first read: the KB itself
 * takes them one by one (`entitiesOf`), and only code that reads a file's list makes them all.
 * Its keys are in the loader's order (knowledgeBase.ts builds that reading): source, then
 * entities, then diagnostics.
 */
export function lazyReading(source: Source | undefined, entities: LazyEntities | undefined, diagnostics: readonly Diagnostic[]): FileReading {
  const reading: { source?: Source; entities?: Entity[]; diagnostics?: readonly Diagnostic[] } = {};
  if (source) reading.source = source;
  if (entities) {
    Object.defineProperty(reading, 'entities', { get: () => entities.all(), enumerable: true, configurable: true });
    lazyEntities.set(reading as FileReading, entities);
  }
  reading.diagnostics = diagnostics;
  return reading as FileReading;
}

/** A reading's entities without making them when it was made by `lazyReading`, else its list (if any). */
export function entitiesOf(reading: FileReading): LazyEntities | readonly Entity[] | undefined {
  return lazyEntities.get(reading) ?? reading.entities;
}

/** Where loaded readings are looked up before a file is parsed again. */
export interface FileReadingCache {
  get(input: DataFileInput, kind: 'entities' | 'source'): FileReading | undefined;
  set(input: DataFileInput, kind: 'entities' | 'source', reading: FileReading): void;
  /**
   * The verdict stored for exactly these files, in this order, under these `checks` (the
   * cross-file rules, so that a change of rules is a change of key). A cache without verdicts
   * only makes every load run the cross-file pass.
   */
  getVerdict?(files: readonly VerdictInput[], checks: string): KbVerdict | undefined;
  setVerdict?(files: readonly VerdictInput[], checks: string, verdict: KbVerdict): void;
}

/** One input of the cross-file pass, and how it was read. */
export interface VerdictInput {
  readonly input: DataFileInput;
  readonly kind: 'entities' | 'source';
}

/**
 * What the cross-file pass (knowledgeBase.ts: duplicate ids, targets, predicate signatures,
 * evidence, part-of cycles) added to each file's own diagnostics, by the file's position among
 * the pass's inputs. Only a pass without errors has a verdict, so it holds only warnings.
 */
export interface KbVerdict {
  readonly added: readonly (readonly Diagnostic[])[];
  /**
   * The name index's arrays for the merged entities, which follow from the same files in the
   * same order: a warm start reads them instead of building them (nameIndexData.ts).
   */
  readonly names?: NameIndexData;
  /**
   * The index of the relations that point at each entity (incomingRelations.ts), which the pass
   * makes as it checks every target: a warm start then has it before the first hover.
   */
  readonly incoming?: IncomingIndexData;
}

/**
 * Bump when a reading's shape, its stored form (snapshot.ts) or what the loader reads from a
 * text changes: the format is part of every cache key, so older cache entries are never looked
 * up again. (4: a number written as an id or a name is taken as written, `1e3` not `1000`;
 * 5: the vowel signs of Brahmic scripts are kept in normal forms; 6: typographic apostrophes
 * are folded; 7: dates the calendar lacks and reversed dates are errors, a target may be any
 * string and an unknown one is told the id meant; 8: hyphens and dashes beyond `–` and `—` fold;
 * 9: a file is read without its leading BOM, so the columns of its first line are one less.)
 */
export const CACHE_FORMAT = 9;

/**
 * Bump when a verdict's shape or stored form (verdictSnapshot.ts) changes: part of every verdict's
 * key, apart from the readings' format so that a new verdict does not make every KB file be parsed again.
 */
export const VERDICT_FORMAT = 8;

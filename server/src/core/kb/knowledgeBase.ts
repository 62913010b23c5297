/**
 * The merged knowledge base: bundled and workspace KB files plus sources, checked across files
 * (spec §4.2) and indexed by normalised name for the resolver.
 *
 * A file with an error is not merged; its last good version (from the previous load) serves in
 * its place, so one bad edit to a KB file never takes entities away from the analyst.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { normalizeName } from '../normalize';
import { PREDICATES } from '../kinds';
import { readEntityFile, readSourceFile, type DataFileInput } from './loader';
import type { Entity, Relation, Source } from './model';
import { entitiesOf, type FileReading, type FileReadingCache, type KbVerdict, type VerdictInput } from './fileCache';
import { NameIndex } from './nameIndex';
import { IncomingRelations, incomingFromFound, type IncomingIndexData } from './incomingRelations';
import { buildNameIndexData, fitsEntities, nameIndexSteps, type NameIndexData } from './nameIndexData';
import { namesApart } from './fileNames';
import { anyError, checkAcrossFiles, type LoadedFile } from './crossFileChecks';
import { warnSharedLabels } from './sharedLabels';
import { JoinedRoster, ListRoster, RosterMap, type EntityRoster } from './roster';
import { runSteps, type Steps } from '../steps';

/** An immutable, indexed KB. Build it with `loadKnowledgeBase`. */
export class KnowledgeBase {
  /**
   * Relations that point at each entity (only hover asks). Made by a clean cross-file pass, or
   * read with its verdict; otherwise built from the targets alone (an entity read from a
   * snapshot builds its relations when asked, and those asked for here are built one by one and
   * not kept), never at load: in steps ahead of the first hover (`prepareIncoming`), or at once
   * by a hover that comes first.
   */
  private readonly incoming: IncomingRelations;
  /** Every id, name and alias, normalised: for lookups, suggestions and completion. */
  private readonly nameIndex: NameIndex;
  /**
   * Names (normalised) of entities written in KB files that were not merged because they have
   * errors, with the file's URI: a reference to one is told why it is unknown. Filled by the
   * cross-file pass.
   */
  readonly heldBack = new Map<string, string>();
  /** How messages name each file of `heldBack`: its name, with as many folders as tell it from the others. */
  readonly heldFiles = new Map<string, string>();

  /** Every entity by id. Over a roster (a warm start's), each is made when first asked for. */
  readonly entities: ReadonlyMap<string, Entity>;

  /**
   * @param entities the entities by id, or in order as a roster whose entities are made when
   *   asked for (a warm start's, from snapshots: see roster.ts)
   * @param names the name index's arrays for exactly these entities in this order, when a cache
   *   kept them (see nameIndexData.ts); built here when absent or when they do not fit
   * @param incoming the index of incoming relations for exactly these entities in this order,
   *   from the cross-file pass or a cache; built when first needed when absent or when it does not fit
   * @param namesBuilt true when `names` were built from these very entities, not read from a
   *   cache: they need no check (a linear pass, 25 ms with 100,000 entities)
   */
  constructor(
    entities: ReadonlyMap<string, Entity> | EntityRoster,
    readonly sources: ReadonlyMap<string, Source>,
    names?: NameIndexData,
    incoming?: IncomingIndexData,
    namesBuilt = false,
  ) {
    const roster = isRoster(entities) ? entities : new ListRoster([...entities.values()]);
    const data = names && (namesBuilt || fitsEntities(names, roster)) ? names : buildNameIndexData(Array.from({ length: roster.length }, (_, n) => roster.at(n)));
    this.nameIndex = new NameIndex(data, roster);
    const numberOf = (id: string) => this.nameIndex.numberOf(id);
    this.entities = isRoster(entities) ? new RosterMap(roster, numberOf) : entities;
    this.incoming = new IncomingRelations(roster, numberOf, incoming);
  }

  /** The index of incoming relations' arrays, once complete: a verdict keeps them. */
  incomingData(): IncomingIndexData | undefined {
    return this.incoming.data;
  }

  /** The file name (`mine.yaml`) of the KB file with errors that holds an entity of this name, if any. */
  heldIn(name: string): string | undefined {
    const uri = this.heldBack.size > 0 ? this.heldBack.get(normalizeName(name)) : undefined;
    return uri === undefined ? undefined : this.heldFiles.get(uri);
  }

  /** The entities a name denotes after normalisation (spec §3.3): none, one, or several. */
  lookup(name: string): Entity[] {
    return this.nameIndex.lookup(normalizeName(name));
  }

  /** The sorted index of every name, for suggestions and completion. */
  names(): NameIndex {
    return this.nameIndex;
  }

  /** How many relations held by other entities target `id`. */
  countRelationsTo(id: string): number {
    return this.incoming.count(id);
  }

  /**
   * Relations held by other entities that target `id`, in the KB's order: the first `max`, built
   * for the caller and not kept. A state of a large KB can be the target of thousands and hover
   * shows eight: the first hover on it no longer builds, and keeps, every one of them with every
   * relation and fact of their subjects.
   */
  relationsTo(id: string, max = Infinity): { subject: Entity; relation: Relation }[] {
    return this.incoming.relationsTo(id, max);
  }

  /**
   * Takes up to `steps` more steps (one per entity, twice) in building the index of incoming
   * relations; true once it is complete. The server calls it in short slices once a brief's
   * diagnostics are out, so that the first hover finds the index made.
   */
  prepareIncoming(steps = Infinity): boolean {
    return this.incoming.build(steps);
  }

  static empty(): KnowledgeBase {
    return new KnowledgeBase(new Map(), new Map());
  }
}

/** A KB plus what was wrong with its files, and the per-file state the next load falls back on. */
export interface KbLoadResult {
  readonly kb: KnowledgeBase;
  /** Diagnostics by file uri; every input file has an entry, empty when clean. */
  readonly diagnostics: ReadonlyMap<string, Diagnostic[]>;
  /** The last good entities and source of each file, for the next load. */
  readonly lastGood: ReadonlyMap<string, { entities?: Entity[]; source?: Source }>;
}

export interface KbInputs {
  readonly entityFiles: readonly DataFileInput[];
  readonly sourceFiles: readonly DataFileInput[];
}

/**
 * Thrown by a load that only fills the cache (`fillCacheOnly`) once a file's own reading has an
 * error: its cross-file pass would fall back on the files' last good versions, which only the
 * load that keeps them has, and could leave no verdict for a later load to find.
 */
export class UnsettledKb extends Error {
  constructor() {
    super('a KB file has errors: its cross-file checks can only run where its last good version is kept');
  }
}

/**
 * Reads, checks and merges every KB and source file. `previous` supplies fallbacks for broken
 * files. With `fillCacheOnly` (a read-ahead, node/kbReadAhead.ts) the load throws `UnsettledKb`
 * rather than run a cross-file pass whose outcome the cache cannot keep.
 */
export function loadKnowledgeBase(inputs: KbInputs, previous?: KbLoadResult, cache?: FileReadingCache, fillCacheOnly = false): KbLoadResult {
  return runSteps(knowledgeBaseSteps(inputs, previous, cache, fillCacheOnly));
}

/**
 * `loadKnowledgeBase` as steps (../steps.ts): it stops after each file it reads and every
 * thousand entities of the cross-file checks, so that a server reloading a large KB can answer
 * requests from the KB it had in between. What the work does between two stops is the same.
 */
export function* knowledgeBaseSteps(inputs: KbInputs, previous?: KbLoadResult, cache?: FileReadingCache, fillCacheOnly = false): Steps<KbLoadResult> {
  const read = (input: DataFileInput, kind: 'entities' | 'source'): FileReading => {
    const hit = cache?.get(input, kind);
    // A file with errors is read again: its reading tells a brief which names it holds, which a
    // cache does not keep (and a file is broken only while someone is editing it).
    if (hit && !anyError(hit.diagnostics)) return hit;
    const fresh = kind === 'source' ? readSourceFile(input) : readEntityFile(input);
    const reading: FileReading = {
      ...('source' in fresh ? { source: fresh.source } : {}),
      ...('entities' in fresh ? { entities: fresh.entities, rejectedNames: fresh.rejectedNames } : {}),
      diagnostics: fresh.file.diagnostics,
    };
    if (!anyError(reading.diagnostics)) cache?.set(input, kind, reading);
    return reading;
  };
  // Structural pass: each file alone. Bundled entity files come first so that their ids win clashes.
  const sourceFiles: LoadedFile[] = [];
  for (const input of inputs.sourceFiles) {
    sourceFiles.push({ input, reading: read(input, 'source') });
    yield;
  }
  const ordered = [...inputs.entityFiles].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === 'bundled' ? -1 : 1));
  const entityFiles: LoadedFile[] = [];
  for (const input of ordered) {
    entityFiles.push({ input, reading: read(input, 'entities') });
    yield;
  }

  // The cross-file pass costs a load from cached readings more than anything else (about a
  // second on 100,000 entities). When its outcome depends on the files alone, the cache may hold it.
  const settled = cache?.getVerdict !== undefined && decidedByFiles(sourceFiles, entityFiles);
  if (fillCacheOnly && !settled) throw new UnsettledKb();
  const files: VerdictInput[] = settled ? [...sourceFiles.map(({ input }) => ({ input, kind: 'source' as const })), ...entityFiles.map(({ input }) => ({ input, kind: 'entities' as const }))] : [];
  const known = settled ? cache?.getVerdict?.(files, CROSS_FILE_CHECKS) : undefined;
  // Only a pass without errors leaves a verdict: one with an error, or of another length, is not ours.
  if (known && known.added.length === files.length && !known.added.some(anyError)) return replay(sourceFiles, entityFiles, known);

  const { result, added } = yield* crossFilePass(sourceFiles, entityFiles, previous);
  // With an error the pass falls back on `previous`, which no verdict may stand for.
  // The name index's arrays go with it: they depend on the same files in the same order.
  if (settled && cache?.setVerdict && !added.some(anyError)) cache.setVerdict(files, CROSS_FILE_CHECKS, { added, names: result.kb.names().data, incoming: result.kb.incomingData() });
  return result;
}


/**
 * What the cross-file pass's verdict depends on besides the files: its rules, part of the
 * verdict's cache key. Bump the revision whenever the checks below change what they report.
 */
const CROSS_FILE_CHECKS = JSON.stringify({ revision: 2, predicates: PREDICATES });

/**
 * Whether the cross-file pass's outcome is a function of the files alone: no reading has an
 * error and every source file gave a source (so the pass takes each file's own reading, never a
 * last good version from `previous`), and no two inputs share a uri (a verdict goes by position,
 * and then holds wherever the files are).
 */
function decidedByFiles(sourceFiles: readonly LoadedFile[], entityFiles: readonly LoadedFile[]): boolean {
  const uris = new Set<string>();
  for (const { input, reading } of [...sourceFiles, ...entityFiles]) {
    if (anyError(reading.diagnostics) || uris.has(input.uri)) return false;
    uris.add(input.uri);
  }
  return sourceFiles.every(({ reading }) => reading.source !== undefined);
}

/**
 * The result of a clean pass from its verdict: every file's own entities or source, and its
 * diagnostics plus what the pass added. As a clean pass leaves them, without a check run again.
 */
function replay(sourceFiles: readonly LoadedFile[], entityFiles: readonly LoadedFile[], verdict: KbVerdict): KbLoadResult {
  const diagnostics = new Map<string, Diagnostic[]>();
  const lastGood = new Map<string, { entities?: Entity[]; source?: Source }>();
  let at = 0;
  const sources = new Map<string, Source>();
  for (const { input, reading } of sourceFiles) {
    const source = reading.source as Source; // `decidedByFiles` saw one in each source file
    diagnostics.set(input.uri, [...reading.diagnostics, ...verdict.added[at++]]);
    sources.set(source.id, source);
    lastGood.set(input.uri, { source });
  }
  // Without errors no id occurs twice (that is kb-duplicate-id or kb-id-clash): the files'
  // entities, one after the other, are the KB's, in its order. A snapshot's are made when asked
  // for, and a file's list only if a later load falls back on it.
  const parts: EntityRoster[] = [];
  for (const { input, reading } of entityFiles) {
    const entities = entitiesOf(reading) ?? [];
    diagnostics.set(input.uri, [...reading.diagnostics, ...verdict.added[at++]]);
    lastGood.set(input.uri, { get entities() { return reading.entities ?? []; } });
    parts.push(isRoster(entities) ? entities : listRoster(entities));
  }
  return { kb: new KnowledgeBase(new JoinedRoster(parts), sources, verdict.names, verdict.incoming), diagnostics, lastGood };
}

/**
 * One roster per list of entities: a file read once gives the same part to every KB joined
 * from it, which tells a reload's comparison that its entities are unchanged (roster.ts `entitiesApart`).
 */
const listRosters = new WeakMap<readonly Entity[], ListRoster>();
function listRoster(entities: readonly Entity[]): ListRoster {
  let roster = listRosters.get(entities);
  if (!roster) listRosters.set(entities, (roster = new ListRoster(entities)));
  return roster;
}

/** A roster, as opposed to a list or a map of entities. */
function isRoster(entities: ReadonlyMap<string, Entity> | EntityRoster | readonly Entity[]): entities is EntityRoster {
  return !Array.isArray(entities) && 'aliasCountAt' in entities;
}

/**
 * The cross-file pass: checks ids, targets, kinds and evidence across files and merges them
 * (crossFileChecks.ts; a file that fails falls back to its last good version), indexes the merged
 * KB, then what needs it. Also returns what the pass added to each file's own diagnostics, in
 * input order (sources, then entity files), for a verdict.
 */
function* crossFilePass(sourceFiles: readonly LoadedFile[], entityFiles: readonly LoadedFile[], previous: KbLoadResult | undefined): Steps<{ result: KbLoadResult; added: Diagnostic[][] }> {
  const { diagnostics, lastGood, lists, sources, candidates, entities, checks, clean } = yield* checkAcrossFiles(sourceFiles, entityFiles, previous?.lastGood);
  const incoming = clean ? incomingFromFound(checks.found, entities.size) : undefined;
  yield;
  const names = yield* nameIndexSteps([...entities.values()]);
  const kb = new KnowledgeBase(entities, sources, names, incoming, true);
  yield;
  // What the files with errors hold that the KB does not: each name, with the file that holds it.
  for (const c of clean ? [] : candidates) {
    if (!anyError(c.list)) continue;
    for (const name of c.written) if (kb.lookup(name).length === 0) kb.heldBack.set(normalizeName(name), c.input.uri);
  }
  for (const [uri, shown] of namesApart(new Set(kb.heldBack.values()))) kb.heldFiles.set(uri, shown);
  // The entities of a file left out for its errors, as a KB of their own: made only for a file whose relations need a hint.
  const unmerged = new Map<string, KnowledgeBase | undefined>();
  checks.explainUnknownTargets(kb, (uri) => {
    if (!unmerged.has(uri)) {
      const c = candidates.find((x) => x.input.uri === uri);
      const entries = c && anyError(c.list) ? c.entries.filter((e) => e.id !== '') : [];
      unmerged.set(uri, entries.length > 0 ? new KnowledgeBase(new Map(entries.map((e) => [e.id, e])), sources) : undefined);
    }
    return unmerged.get(uri);
  });
  // A file is looked at as merged or not, whichever it turned out: the pass may have found its first error.
  yield* warnSharedLabels(kb, candidates.map((c) => ({ ...c, merged: !anyError(c.list) })));
  const added = [...sourceFiles, ...entityFiles].map(({ reading }, i) => lists[i].slice(reading.diagnostics.length));
  return { result: { kb, diagnostics, lastGood }, added };
}


/** True when any diagnostic of the map is an error. */
export function hasErrors(diagnostics: ReadonlyMap<string, Diagnostic[]>): boolean {
  for (const list of diagnostics.values()) if (list.some((d) => d.severity === DiagnosticSeverity.Error)) return true;
  return false;
}

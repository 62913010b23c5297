/**
 * The checks across files of one KB load (spec §4.2), before the merged KB is indexed: sources
 * and entity files numbered, every entity's id, targets, kinds and evidence checked, `part-of`
 * cycles found, and the entities merged, a file with errors in its last good version. What needs
 * the merged KB (names held back, hints for unknown targets, shared labels) follows in
 * knowledgeBase.ts. As steps (../steps.ts): a server's reload answers requests in between.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { EntityKind } from '../kinds';
import type { DataFileInput } from './loader';
import type { Entity, Source } from './model';
import type { FileReading } from './fileCache';
import { partOfCycles } from './partOfCycles';
import { EntityChecks, problem, type CheckedFile, type FirstEntity, type Report } from './entityChecks';
import { ValueSpots } from './valueSpots';
import { stepper, type Steps } from '../steps';

/** A data file and its own reading. */
export interface LoadedFile {
  readonly input: DataFileInput;
  readonly reading: FileReading;
}

/** An entity file as the cross-file pass holds it. */
export interface Candidate {
  readonly input: DataFileInput;
  /** Its diagnostics: its own reading's, then the pass's. */
  readonly list: Diagnostic[];
  /** Whether its own reading is free of errors. */
  readonly fresh: boolean;
  /** Every id, name and alias written in it, for `heldBack`. */
  readonly written: readonly string[];
  readonly report: Report;
  readonly spots: ValueSpots;
  readonly entries: Entity[];
  readonly entities: Entity[];
}

/** What the checks leave for the merge: every file's diagnostics so far, the sources and the merged entities. */
export interface FilesChecked {
  readonly diagnostics: Map<string, Diagnostic[]>;
  /** Each file's last good entities or source, for the next load. */
  readonly lastGood: Map<string, { entities?: Entity[]; source?: Source }>;
  /** The files' diagnostic lists in input order (sources, then entity files). */
  readonly lists: Diagnostic[][];
  readonly sources: Map<string, Source>;
  readonly candidates: readonly Candidate[];
  readonly entities: Map<string, Entity>;
  readonly checks: EntityChecks;
  /** No error anywhere, and every file's own entities merged, none twice. */
  readonly clean: boolean;
}

/**
 * Checks ids, targets, kinds and evidence across files and merges the entities. A file that
 * fails falls back on its last good version (`previousGood`, by uri).
 */
export function* checkAcrossFiles(
  sourceFiles: readonly LoadedFile[],
  entityFiles: readonly LoadedFile[],
  previousGood: ReadonlyMap<string, { entities?: Entity[]; source?: Source }> | undefined,
): Steps<FilesChecked> {
  const pauseHere = stepper(1000);
  const diagnostics = new Map<string, Diagnostic[]>();
  const lastGood = new Map<string, { entities?: Entity[]; source?: Source }>();
  const lists: Diagnostic[][] = [];

  const sources = new Map<string, Source>();
  for (const { input, reading } of sourceFiles) {
    const list = [...reading.diagnostics];
    lists.push(list);
    diagnostics.set(input.uri, list);
    const good = !anyError(list) && reading.source ? reading.source : previousGood?.get(input.uri)?.source;
    if (!good) continue;
    if (sources.has(good.id)) {
      list.push(problem('kb-duplicate-id', `Source id '${good.id}' is already used by another source file.`, good.location.range));
      continue;
    }
    sources.set(good.id, good);
    lastGood.set(input.uri, { source: good });
  }

  const candidates: Candidate[] = [];
  for (const { input, reading } of entityFiles) {
    const list = [...reading.diagnostics];
    lists.push(list);
    diagnostics.set(input.uri, list);
    const fresh = !anyError(list);
    const written = [...(reading.entities ?? []).flatMap((e) => [e.id, e.name, ...e.aliases]), ...(reading.rejectedNames ?? [])].filter((name) => name !== '');
    const report: Report = (code, message, range, severity) => {
      const d = problem(code, message, range, severity);
      list.push(d);
      return d;
    };
    candidates.push({
      input,
      list,
      fresh,
      written,
      report,
      spots: new ValueSpots(input),
      // What the checks look at: a clean file's entities, or what could be read of a broken one's entries.
      entries: reading.entities ?? [],
      entities: fresh ? (reading.entities ?? []) : (previousGood?.get(input.uri)?.entities ?? []),
    });
    yield;
  }

  const entities = new Map<string, Entity>();
  // Each id numbered by its first entity in file order, with that entity's file and kind: when
  // the pass is clean, the numbers are the merged KB's order.
  const numbers = new Map<string, number>();
  const firsts: FirstEntity[] = [];
  for (const c of candidates) {
    for (const e of c.entities) {
      if (numbers.has(e.id)) continue;
      numbers.set(e.id, firsts.length);
      firsts.push({ input: c.input, kind: e.kind });
    }
  }
  const checks = new EntityChecks(numbers, firsts, sources);

  // A file with errors shows its cycles too, from what could be read of it, as it shows its other problems.
  const cycleWarnings = yield* partOfCycles(candidates.flatMap((c) => (c.fresh ? c.entities : c.entries.filter((e) => e.id !== ''))));
  for (const c of candidates) {
    c.list.push(...(cycleWarnings.get(c.input.uri) ?? []));
    // A file with errors is not merged, but every entry of it that could be read is checked.
    let own: Map<string, EntityKind> | undefined;
    if (!c.fresh) {
      own = new Map();
      for (const e of c.entries) if (e.id !== '' && !own.has(e.id)) own.set(e.id, e.kind);
    }
    const file: CheckedFile = { input: c.input, report: c.report, spots: c.spots, own };
    // Where each id was first written: a duplicate says which line holds the other.
    const seen = new Map<string, Entity>();
    for (const e of c.fresh ? c.entities : c.entries) {
      if (e.id !== '') {
        const first = seen.get(e.id);
        if (first) c.report('kb-duplicate-id', `Duplicate id '${e.id}' in this file: already defined on line ${checks.idRange(first, file).start.line + 1}.`, checks.idRange(e, file));
        else seen.set(e.id, e);
        checks.checkId(e, file);
      }
      checks.check(e, c.fresh ? numbers.get(e.id) : undefined, file);
      if (pauseHere()) yield;
    }
    const ok = !anyError(c.list);
    const use = ok ? c.entities : (previousGood?.get(c.input.uri)?.entities ?? []);
    if (ok) lastGood.set(c.input.uri, { entities: c.entities });
    else if (use.length > 0) lastGood.set(c.input.uri, { entities: use });
    for (const e of use) if (!entities.has(e.id)) entities.set(e.id, e);
  }
  // Without an error every file's own entities were checked and merged, none twice: the pass
  // has seen every relation, numbered as the KB orders its entities.
  const clean = !lists.some(anyError) && firsts.length === entities.size;
  return { diagnostics, lastGood, lists, sources, candidates, entities, checks, clean };
}

export function anyError(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === DiagnosticSeverity.Error);
}

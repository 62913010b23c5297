/**
 * The cross-file checks of one entity (spec §4.2): its relations' targets and the kinds their
 * predicates take, and its evidence against the sources. Run on every entity of a clean file,
 * and on every entry of a file with errors as far as it could be read (loader.ts), so that the
 * analyst sees every problem of a file at once, not one after another as each is fixed.
 */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { aKind, predicateSignature, type EntityKind } from '../kinds';
import { normalizeName } from '../normalize';
import { SUGGESTION_MARGIN } from './nameIndex';
import type { DataFileInput } from './loader';
import type { Entity, Evidence, Source } from './model';
import type { KnowledgeBase } from './knowledgeBase';
import type { DataProblemCode } from './yamlFile';
import { asPassageId, nearMiss, shown } from './nearMiss';
import { quoteMismatchMessage } from './quoteMismatch';
import type { ValueSpots } from './valueSpots';
import { relativeUri as relativeTo } from './fileNames';

/** The first entity of an id, in file order. */
export interface FirstEntity {
  readonly input: DataFileInput;
  readonly kind: Entity['kind'];
}

/** Adds a diagnostic to a file's list and returns it. */
export type Report = (code: DataProblemCode, message: string, range?: Range, severity?: DiagnosticSeverity) => Diagnostic;

/** One KB file as the checks see it. */
export interface CheckedFile {
  readonly input: DataFileInput;
  readonly report: Report;
  readonly spots: ValueSpots;
  /**
   * For a file with errors: the kinds of its own entries by id. Its targets are looked up there
   * first, and among the other files' entities only (the merged KB holds its last good version).
   */
  readonly own?: ReadonlyMap<string, EntityKind>;
}

/** An unknown target, told the id it may mean once the merged KB can be searched. */
interface UnknownTarget {
  readonly diagnostic: Diagnostic;
  /** The message without its final period, for the hint to follow. */
  readonly head: string;
  readonly target: string;
  /** The file whose relation it is. */
  readonly uri: string;
}

export function problem(code: DataProblemCode, message: string, range: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity = DiagnosticSeverity.Error): Diagnostic {
  return { range, message, severity, code, source: 'brief' };
}

/** The checks of one cross-file pass: the ids of every file, the sources, and what the pass collects. */
export class EntityChecks {
  /** Every relation with a known target, as (target, subject, place) by the id numbers: the incoming index. */
  readonly found: number[] = [];
  private readonly unknownTargets: UnknownTarget[] = [];

  constructor(
    private readonly numbers: ReadonlyMap<string, number>,
    private readonly firsts: readonly FirstEntity[],
    private readonly sources: ReadonlyMap<string, Source>,
  ) {}

  /** Reports an id already used by another file's entity (kb-id-clash for a bundled one). */
  checkId(e: Entity, file: CheckedFile): void {
    const first = this.numbers.get(e.id);
    const by = first === undefined ? undefined : this.firsts[first].input;
    if (!by || by.uri === file.input.uri) return;
    const clash = file.input.origin === 'workspace' && by.origin === 'bundled';
    file.report(
      clash ? 'kb-id-clash' : 'kb-duplicate-id',
      clash ? `Id '${e.id}' is already an entity of Brief's bundled KB: choose another id.` : `Duplicate id '${e.id}': already defined in ${relativeTo(file.input.uri, by.uri)}.`,
      this.idRange(e, file),
    );
  }

  /** Where an entity's id value is written. */
  idRange(e: Entity, file: CheckedFile): Range {
    return file.spots.valueOf(e.location.range, 'id', e.id);
  }

  /** Checks an entity's relations and evidence. `subject` is its id's number, for a clean file's entity. */
  check(e: Entity, subject: number | undefined, file: CheckedFile): void {
    const { relations } = e;
    for (let place = 0; place < relations.length; place++) {
      const r = relations[place];
      const targetKind = this.targetKind(r.target, subject, place, file);
      const signature = predicateSignature(r.type);
      if (r.target === '') {
        // Not read (reported by the loader).
      } else if (targetKind === undefined) {
        const head = `${r.type ? `Relation ${r.type}` : 'A relation'}${e.id ? ` of '${e.id}'` : ''} targets '${shown(r.target)}', which is no entity`;
        const diagnostic = file.report('kb-unknown-target', `${head}.`, file.spots.valueOf(r.location.range, 'target', r.target));
        this.unknownTargets.push({ diagnostic, head, target: r.target, uri: file.input.uri });
      } else if (signature && isKind(e.kind) && isKind(targetKind) && (!signature.subject.includes(e.kind) || !signature.object.includes(targetKind))) {
        file.report(
          'kb-schema',
          `'${r.type}' takes ${signature.subject.join('/')} → ${signature.object.join('/')}, but '${e.id}' is ${aKind(e.kind)} and '${r.target}' ${aKind(targetKind)}.`,
          file.spots.valueOf(r.location.range, 'type', r.type),
        );
      }
      for (const ev of r.evidence) this.checkEvidence(ev, file);
    }
    for (const f of e.facts) for (const ev of f.evidence) this.checkEvidence(ev, file);
  }

  /**
   * Tells each unknown target the id it may mean, from the merged KB: the id of the entity it
   * names (`Taliban`, `the-taliban` → taliban), or the ids closest to it (`talibn`). A file left
   * out of the KB for its errors is searched too, from `unmerged`: its relations mostly point at
   * its own entities, and its errors may be nothing but these targets.
   */
  explainUnknownTargets(kb: KnowledgeBase, unmerged: (uri: string) => KnowledgeBase | undefined): void {
    for (const { diagnostic, head, target, uri } of this.unknownTargets) {
      // An entity of this very id is the last good version of the file with the error: no hint.
      const inKb = kb.lookup(target);
      if (inKb.some((n) => n.id === target)) continue;
      const own = unmerged(uri);
      const named = [...inKb, ...(own?.lookup(target).filter((n) => !inKb.some((k) => k.id === n.id)) ?? [])];
      const heldIn = named.length === 0 ? kb.heldBack.get(normalizeName(target)) : undefined;
      if (heldIn !== undefined) diagnostic.message = `${head}: ${kb.heldFiles.get(heldIn) ?? heldIn} defines it, but that KB file has errors and is not loaded.`;
      else if (named.length === 1) diagnostic.message = `${head}'s id: it is a name of ${named[0].id}; use the id '${named[0].id}'.`;
      else if (named.length > 1) diagnostic.message = `${head}'s id: it names ${named.map((n) => n.id).join(', ')}; use the id of the one meant.`;
      else {
        const query = normalizeName(target);
        const scores = new Map(kb.names().similar(query, 3));
        for (const [id, score] of own?.names().similar(query, 3) ?? []) scores.set(id, Math.max(score, scores.get(id) ?? 0));
        // Two searches merged keep the rule each applies on its own: nothing far below the best.
        const ranked = [...scores].sort((a, b) => b[1] - a[1]);
        const near = ranked.filter(([, score]) => score >= ranked[0][1] - SUGGESTION_MARGIN).map(([id]) => `'${id}'`);
        if (near.length > 0) diagnostic.message = `${head}: did you mean ${near.slice(0, 3).join(' or ')}?`;
      }
    }
  }

  private targetKind(target: string, subject: number | undefined, place: number, file: CheckedFile): EntityKind | undefined {
    const own = file.own?.get(target);
    if (own !== undefined) return own;
    const number = this.numbers.get(target);
    if (number === undefined) return undefined;
    const first = this.firsts[number];
    // A file with errors does not find its own last good version.
    if (file.own) return first.input.uri === file.input.uri ? undefined : first.kind;
    if (subject !== undefined) this.found.push(number, subject, place);
    return first.kind;
  }

  private checkEvidence(ev: Evidence, file: CheckedFile): void {
    const item = ev.location?.range;
    // On the value at fault, as a target's or a type's problem is; the whole item where the
    // value is written in a way the search does not follow (an escape in a quote).
    const at = (key: string, value: string) => item && file.spots.valueOf(item, key, value);
    const source = this.sources.get(ev.source);
    if (!source) {
      const near = nearMiss(ev.source, [...this.sources.keys()]);
      file.report('kb-unknown-source', `Unknown source '${shown(ev.source)}'${near ? `: did you mean '${near}'?` : '.'}`, at('source', ev.source));
      return;
    }
    const passage = source.passages.get(ev.paragraph);
    if (!passage) {
      // The paragraph that holds the quote verbatim, if just one does, is the one meant (a quote of
      // a letter or a common word is in many, and names none); else the id as written another way.
      const holding = ev.quote.trim() === '' ? [] : [...source.passages.values()].filter((p) => p.text.includes(ev.quote));
      const near = (holding.length === 1 ? holding[0].id : undefined) ?? asPassageId(ev.paragraph, (id) => source.passages.has(id));
      file.report('kb-unknown-paragraph', `Source '${ev.source}' has no paragraph '${shown(ev.paragraph)}'${near ? `: did you mean '${near}'?` : '.'}`, at('paragraph', ev.paragraph));
      return;
    }
    if (!passage.text.includes(ev.quote)) file.report('kb-quote-mismatch', quoteMismatchMessage(ev, source, passage), at('quote', ev.quote));
  }
}

/**
 * Whether a kind was read. An entry whose kind could not be read has '' (its own error says why):
 * it is an entity all the same, as a target, but the kind table cannot be checked against it.
 */
function isKind(kind: string): kind is EntityKind {
  return kind !== '';
}

/**
 * A label (id, name or alias) of an analyst's entity that is also a label of another entity
 * (kb-id-clash, a warning): from then on every reference written with it is ambiguous, in every
 * brief (`aliases: [CSTO]` on an analyst's entity makes each `@CSTO` name two entities).
 *
 * Said only on the analyst's (workspace) KB files: the analyst cannot edit Brief's bundled KB,
 * whose own entities share no label (test/unit/kbData.test.ts checks that).
 */
import { DiagnosticSeverity, type Range } from 'vscode-languageserver-types';
import { normalizeName } from '../normalize';
import { stepper, type Steps } from '../steps';
import type { KnowledgeBase } from './knowledgeBase';
import type { DataFileInput } from './loader';
import type { Entity } from './model';
import { LABEL_ID, LABEL_NAME } from './nameIndexData';
import { relativeUri } from './fileNames';
import { shown } from './nearMiss';
import type { Report } from './entityChecks';
import type { ValueSpots } from './valueSpots';

/** A KB file of the pass, as this check needs it. */
export interface LabelledFile {
  readonly input: DataFileInput;
  readonly report: Report;
  readonly spots: ValueSpots;
  /** False for a file with errors, which the merged KB holds in its last good version. */
  readonly merged: boolean;
  /** Its entries in file order: its entities, or for a file with errors what could be read of them. */
  readonly entries: readonly Entity[];
}

// The same test as completion's: a label the short form `@Name` carries whole (spec §3.3).
const SHORT_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}\p{M}_])?$/u;

/**
 * Warns on each shared label of an entity of an analyst's file. The merged KB's name index
 * files every label under its normal form, so labels shared are the keys filed with more than
 * one entity: one walk of the keys finds them, with no label normalised again. A file with errors
 * is not in the KB as written: its entries are looked up one by one. As steps (../steps.ts): it
 * stops every thousand keys or entries.
 */
export function* warnSharedLabels(kb: KnowledgeBase, files: readonly LabelledFile[]): Steps<void> {
  const pauseHere = stepper(1000);
  const analysts = new Map<string, LabelledFile>();
  for (const f of files) if (f.input.origin === 'workspace' && f.merged) analysts.set(f.input.uri, f);
  if (analysts.size > 0) {
    const data = kb.names().data;
    let ordered: Entity[] | undefined;
    for (let k = 0; k < data.keys.length; k++) {
      if (pauseHere()) yield;
      const [from, to] = [data.entryStart[k], data.entryStart[k + 1]];
      if (to - from < 2) continue;
      const list = (ordered ??= [...kb.entities.values()]);
      // A label thousands of entities share: each warning names three of the others and counts
      // the rest, so each is made from counts, not from a list of all the others (which made
      // 8,000 entities named alike take 24 s).
      const withId = new Map<string, number>();
      for (let j = from; j < to; j++) withId.set(list[data.entryEntity[j]].id, (withId.get(list[data.entryEntity[j]].id) ?? 0) + 1);
      for (let i = from; i < to; i++) {
        const e = list[data.entryEntity[i]];
        const file = e.origin === 'workspace' ? analysts.get(e.location.uri) : undefined;
        if (!file) continue;
        const total = to - from - (withId.get(e.id) ?? 0);
        if (total === 0) continue;
        const first: Entity[] = [];
        for (let j = from; j < to && first.length < 3; j++) if (list[data.entryEntity[j]].id !== e.id) first.push(list[data.entryEntity[j]]);
        warn(file, e, data.entryLabel[i], first, total);
      }
    }
  }
  // The entries of analysts' files with errors: not in the KB's index, so their labels are
  // compared here, with the KB's, with each other's (in their file too) and with the analysts'
  // merged entities; so that fixing the error reveals no warning that was not there before.
  const broken = files.filter((f) => !f.merged && f.input.origin === 'workspace');
  if (broken.length === 0) return;
  const held = new Map<string, { entity: Entity; file: LabelledFile }[]>();
  for (const file of broken) {
    for (const e of file.entries) {
      if (pauseHere()) yield;
      for (const [, key] of labelsOf(e)) {
        const list = held.get(key) ?? [];
        list.push({ entity: e, file });
        held.set(key, list);
      }
    }
  }
  for (const file of broken) {
    for (const e of file.entries) {
      if (pauseHere()) yield;
      for (const [label, key] of labelsOf(e)) {
        const named = kb.lookup(key).filter((o) => o.location.uri !== file.input.uri);
        // An id another file's entity has is already an error (kb-duplicate-id, kb-id-clash).
        if (label === LABEL_ID && named.some((o) => o.id === e.id)) continue;
        const others = [...named, ...(held.get(key) ?? []).map((h) => h.entity)].filter((o) => o.id !== e.id);
        if (others.length > 0) warn(file, e, label, others);
      }
    }
  }
  for (const file of analysts.values()) {
    for (const e of file.entries) {
      if (pauseHere()) yield;
      for (const [label, key] of labelsOf(e)) {
        const others = (held.get(key) ?? []).map((h) => h.entity).filter((o) => o.id !== e.id);
        if (others.length > 0) warn(file, e, label, others);
      }
    }
  }
}

/** An entity's labels, each once, with their normal forms: its name, aliases and id. */
function labelsOf(e: Entity): [number, string][] {
  const keys = new Set<string>();
  const out: [number, string][] = [];
  const labels: [number, string][] = [[LABEL_NAME, e.name], ...e.aliases.map((a, j): [number, string] => [j + 1, a]), [LABEL_ID, e.id]];
  for (const [label, text] of labels) {
    const key = text === '' ? '' : normalizeName(text);
    if (key === '' || keys.has(key)) continue;
    keys.add(key);
    out.push([label, key]);
  }
  return out;
}

/**
 * The warning on one label: which other entities have it, and what it does to references.
 * `total`: how many others there are, when `found` holds only the first of them.
 */
function warn(file: LabelledFile, e: Entity, label: number, found: readonly Entity[], total?: number): void {
  // One entity may be found twice: by the KB's index and as an entry of a file with errors.
  const seen = new Set<string>();
  const others = found.filter((o) => {
    const key = `${o.id}\0${o.location.uri}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  const [what, text] = label === LABEL_ID ? ['id', e.id] : label === LABEL_NAME ? ['name', e.name] : ['alias', e.aliases[label - 1]];
  const named = others.slice(0, 3).map((o) => `${o.id} (${whereIs(o, file.input.uri)})`);
  const count = total ?? others.length;
  if (count > 3) named.push(`${count - 3} more`);
  const reference = SHORT_NAME.test(text) ? `@${text}` : `@[${shown(text)}]`;
  file.report(
    'kb-id-clash',
    `${capitalize(what)} '${shown(text)}' is already a name of ${named.join(', ')}: ${reference} will be ambiguous.`,
    rangeOf(file, e, what, text),
    DiagnosticSeverity.Warning,
  );
}

function whereIs(o: Entity, from: string): string {
  if (o.origin === 'bundled') return "Brief's bundled KB";
  return o.location.uri === from ? 'in this file' : relativeUri(from, o.location.uri);
}

/** Where the label is written: the id's value, or the name or alias within the entity's entry. */
function rangeOf(file: LabelledFile, e: Entity, what: string, text: string): Range {
  const at = e.location.range;
  if (what === 'id') return file.spots.valueOf(at, 'id', text);
  // The last entry runs to the end of the file.
  const next = nextEntry(file, e) ?? { start: { line: Number.MAX_SAFE_INTEGER, character: 0 }, end: { line: Number.MAX_SAFE_INTEGER, character: 0 } };
  return what === 'name' ? file.spots.valueOf(at, 'name', text, next) : file.spots.itemOf(at, 'aliases', text, next);
}

/** The entry after `e` in its file, where its own entry ends; made once per file with a warning. */
const following = new WeakMap<LabelledFile, Map<Entity, Range | undefined>>();
function nextEntry(file: LabelledFile, e: Entity): Range | undefined {
  let next = following.get(file);
  if (!next) {
    next = new Map();
    const list = file.entries;
    for (let i = 0; i < list.length; i++) next.set(list[i], i + 1 < list.length ? list[i + 1].location.range : undefined);
    following.set(file, next);
  }
  return next.get(e);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

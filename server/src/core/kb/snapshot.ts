/**
 * The compact binary form of a `FileReading`, for the reading cache.
 *
 * A warm start decodes the reading of every KB file; with 100,000 entities that is half a
 * million relations, facts, evidence items and paragraphs, each with a location. As JSON with a
 * reviver that took seconds, most of it in the reviver and the garbage it left. This form is a
 * frame (snapshotFrame.ts) whose ints are the structure, record after record, strings by index
 * and locations as four numbers (start line and character, end line and character); short
 * strings are stored once and shared (source and paragraph ids, targets that are ids); the
 * extra JSON holds the file's diagnostics.
 *
 * Objects are built in the loader's key order, so that a cached reading and a fresh one are
 * alike to `JSON.stringify` (the server compares entities that way) and share hidden classes.
 *
 * Decoding checks every index and count, and `decodeReading` throws on anything malformed: the
 * caller then parses the YAML. The frame's checksum catches a file that is whole but altered.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import { CACHE_FORMAT, type FileReading } from './fileCache';
import type { Evidence, SourceLocation } from './model';
import { decodeFrame, encodeFrame, IntWriter, isInt32, SnapshotError, type TableText } from './snapshotFrame';
import { Reader } from './snapshotReader';
import { HAS_ENTITIES, HAS_ISO2, HAS_ISO3, HAS_SINCE, HAS_SOURCE, HAS_UNTIL, HAS_WIKIDATA, MAGIC, NEGATED, NO_LOCATION, SHARED_STRING_LENGTH } from './snapshotLayout';


/** Encodes a reading; `uri` is dropped (every location points into the file itself). */
export function encodeReading(reading: FileReading): Uint8Array {
  const ints = new IntWriter();
  const strings: string[] = [];
  // Short strings repeat (ids as targets, kinds, types, source and paragraph ids) and are shared;
  // long ones (names, summaries, quotes) rarely do, and hashing them all costs more than it saves.
  const shared = new Map<string, number>();
  const str = (s: string) => {
    let i = s.length <= SHARED_STRING_LENGTH ? shared.get(s) : undefined;
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      if (s.length <= SHARED_STRING_LENGTH) shared.set(s, i);
    }
    ints.push(i);
  };
  const location = (l: SourceLocation | undefined) => {
    if (!l) return ints.push(NO_LOCATION);
    const { start, end } = l.range;
    ints.push(start.line);
    ints.push(start.character);
    ints.push(end.line);
    ints.push(end.character);
  };
  const evidenceList = (list: readonly Evidence[]) => {
    ints.push(list.length);
    for (const ev of list) {
      str(ev.source);
      str(ev.paragraph);
      str(ev.quote);
      location(ev.location);
    }
  };

  ints.push((reading.entities ? HAS_ENTITIES : 0) | (reading.source ? HAS_SOURCE : 0));
  if (reading.entities) {
    ints.push(reading.entities.length);
    for (const e of reading.entities) {
      str(e.id);
      str(e.kind);
      str(e.name);
      ints.push(e.aliases.length);
      for (const a of e.aliases) str(a);
      str(e.summary);
      const ids = e.identifiers;
      ints.push((ids.iso2 !== undefined ? HAS_ISO2 : 0) | (ids.iso3 !== undefined ? HAS_ISO3 : 0) | (ids.wikidata !== undefined ? HAS_WIKIDATA : 0));
      if (ids.iso2 !== undefined) str(ids.iso2);
      if (ids.iso3 !== undefined) str(ids.iso3);
      if (ids.wikidata !== undefined) str(ids.wikidata);
      ints.push(e.relations.length);
      for (const r of e.relations) {
        str(r.type);
        str(r.target);
        ints.push((r.negated ? NEGATED : 0) | (r.since !== undefined ? HAS_SINCE : 0) | (r.until !== undefined ? HAS_UNTIL : 0));
        if (r.since !== undefined) str(r.since);
        if (r.until !== undefined) str(r.until);
        evidenceList(r.evidence);
        location(r.location);
      }
      ints.push(e.facts.length);
      for (const f of e.facts) {
        str(f.text);
        evidenceList(f.evidence);
        location(f.location);
      }
      str(e.origin);
      location(e.location);
    }
  }
  if (reading.source) {
    const s = reading.source;
    str(s.id);
    str(s.title);
    str(s.author);
    str(s.publisher);
    // A year that is no 32-bit integer (the schema only asks for a number: 2021.5, .inf) goes as text.
    if (isInt32(s.year)) {
      ints.push(0);
      ints.push(s.year);
    } else {
      ints.push(1);
      str(String(s.year));
    }
    for (const list of [s.paragraphs, s.captions]) {
      ints.push(list.length);
      for (const p of list) {
        str(p.id);
        str(p.section);
        str(p.text);
        location(p.location);
      }
    }
    location(s.location);
  }

  return encodeFrame(MAGIC, CACHE_FORMAT, ints.finish(), strings, { diagnostics: reading.diagnostics });
}

/**
 * Rebuilds the reading of the file at `uri`; throws when the bytes are no valid snapshot.
 * `tableText` makes the string table's string (snapshotFrame.ts `TableText`).
 */
export function decodeReading(bytes: Uint8Array, uri: string, tableText?: TableText): FileReading {
  const { ints, strings, extra } = decodeFrame(bytes, MAGIC, CACHE_FORMAT, tableText);
  const diagnostics = (extra as { diagnostics?: unknown } | null)?.diagnostics;
  if (!Array.isArray(diagnostics)) throw new SnapshotError('bad diagnostics');
  // A copy of the ints: the entities keep them for their relations and facts (StoredEntity), and a
  // view would keep the whole file, string table included, for as long (26 MB of 42 on 100,000 entities).
  return new Reader(ints.slice(), strings, uri).reading(diagnostics as Diagnostic[]);
}

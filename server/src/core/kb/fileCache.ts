/**
 * A cache of data-file readings, keyed by the file's exact text: parsing YAML is by far the
 * costliest step of loading a KB, and most starts read files that have not changed.
 *
 * The core defines the shape and the JSON form; where readings are kept (memory, disk, a file
 * shipped with the extension) is the host's choice.
 */
import type { Diagnostic } from 'vscode-languageserver-types';
import type { DataFileInput } from './loader';
import type { Entity, Paragraph, Source } from './model';

/** What reading one file on its own found: its entities or its source, and its diagnostics. */
export interface FileReading {
  readonly entities?: Entity[];
  readonly source?: Source;
  readonly diagnostics: readonly Diagnostic[];
}

/** Where loaded readings are looked up before a file is parsed again. */
export interface FileReadingCache {
  get(input: DataFileInput, kind: 'entities' | 'source'): FileReading | undefined;
  set(input: DataFileInput, kind: 'entities' | 'source', reading: FileReading): void;
}

/** Bump when the reading's shape changes, so that older cache entries are ignored. */
export const CACHE_FORMAT = 1;

/** The JSON form of a reading; locations drop their URI (the file's own, restored on load). */
export function readingToJson(reading: FileReading): string {
  return JSON.stringify(reading, (key, value) => {
    if (key === 'uri') return undefined;
    if (value instanceof Map) return undefined; // Source.passages: rebuilt from paragraphs and captions
    return value;
  });
}

/** Rebuilds a reading from its JSON form for the file at `uri`. */
export function readingFromJson(json: string, uri: string): FileReading {
  const reading = JSON.parse(json, (key, value) => {
    // Every location in a reading points into the file itself.
    if (value && typeof value === 'object' && 'range' in value && (key === 'location')) return { uri, range: value.range };
    return value;
  }) as FileReading;
  if (reading.source) {
    const source = reading.source;
    const passages = new Map<string, Paragraph>();
    for (const p of [...source.paragraphs, ...source.captions]) passages.set(p.id, p);
    return { ...reading, source: { ...source, passages } };
  }
  return reading;
}

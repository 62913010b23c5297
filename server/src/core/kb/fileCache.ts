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

/**
 * Bump when a reading's shape or its stored form (snapshot.ts) changes: the format is part of
 * every cache key, so older cache entries are never looked up again.
 */
export const CACHE_FORMAT = 2;

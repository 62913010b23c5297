/**
 * The numbers a reading's snapshot (snapshot.ts) is written with: its magic, which strings are
 * shared, and the flags of its records. Changing any is a new CACHE_FORMAT (fileCache.ts).
 */
export const MAGIC = 0x4b424942; // "BIBK" as little-endian bytes
/** Strings up to this length are stored once however often they occur. */
export const SHARED_STRING_LENGTH = 40;

/** Flags of an entity record: which parts are present. */
export const HAS_ISO2 = 1;
export const HAS_ISO3 = 2;
export const HAS_WIKIDATA = 4;
/** Flags of a relation record. */
export const NEGATED = 1;
export const HAS_SINCE = 2;
export const HAS_UNTIL = 4;
/** Flags of the reading. */
export const HAS_ENTITIES = 1;
export const HAS_SOURCE = 2;
/** An evidence item without a location (the model allows it; the loader always sets one). */
export const NO_LOCATION = -1;

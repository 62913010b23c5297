/**
 * One spelling per file URI. A file can be written as a URI in several ways: VS Code escapes
 * `@`, `+`, `:` and the like (`file:///notes/team%40work/a.brief`), Node's `pathToFileURL` leaves
 * them as they are (`file:///notes/team@work/a.brief`), and the server makes URIs of its own for
 * the briefs it indexes from disk. Compared as strings, two spellings would be two documents: the
 * same brief listed twice in references, two sets of problems for one file, a rename editing one
 * file twice. So the server spells every file URI the way VS Code does, both the ones it makes
 * and the ones it receives (`canonicalizeParams`, on every incoming message).
 */
import { fileURLToPath } from 'url';

/** A URI path segment as VS Code escapes it: all but letters, digits and `-._~` percent-encoded. */
function escapeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The `file:` URI of an absolute path, spelled as VS Code spells it. */
export function fileUri(file: string): string {
  // A backslash separates folders on Windows only; elsewhere it is a character of a name (`%5C`).
  let p = process.platform === 'win32' ? file.replace(/\\/g, '/') : file;
  if (!p.startsWith('/')) p = `/${p}`;
  // A Windows drive (`C:\x`): VS Code writes `/c%3A/x`, the letter in lower case.
  if (/^\/[a-zA-Z]:/.test(p)) p = `/${p[1].toLowerCase()}${p.slice(2)}`;
  return `file://${p.split('/').map(escapeSegment).join('/')}`;
}

/** URIs already put in the one spelling: a session sends the same few in every request. */
const spelled = new Map<string, string>();
const SPELLED_MAX = 10_000;

/** A `file:` URI in the one spelling; any other URI (or one that is no valid file URI) as it came. */
export function canonicalUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  let canonical = spelled.get(uri);
  if (canonical === undefined) {
    try {
      // `file:///ws/` and `file:///ws` are one folder: no final slash.
      canonical = fileUri(fileURLToPath(uri).replace(/(?<=.)\/+$/, ''));
    } catch {
      canonical = uri;
    }
    if (spelled.size >= SPELLED_MAX) spelled.clear();
    spelled.set(uri, canonical);
  }
  return canonical;
}

/** Properties of LSP params that hold a document or folder URI. */
const URI_KEYS = new Set(['uri', 'rootUri', 'oldUri', 'newUri', 'scopeUri', 'targetUri']);

/**
 * Rewrites, in place, every file URI of a message's params into the one spelling. Params are small
 * objects (a document's text is one string, not walked); the depth bound only guards the walk.
 */
export function canonicalizeParams(value: unknown, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) canonicalizeParams(item, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string') {
      if (URI_KEYS.has(key)) record[key] = canonicalUri(item);
    } else if (typeof item === 'object') canonicalizeParams(item, depth + 1);
  }
}

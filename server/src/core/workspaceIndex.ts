/**
 * The workspace index: every brief of a workspace folder, open or not, parsed once per content,
 * with an inverted index from normalised reference names to the briefs that use them.
 *
 * Of each brief it keeps the text, the ranges of its references and its headings, not the whole
 * syntax tree: ten thousand trees are ten times the size of their text, and a heap that large
 * makes every garbage collection of the server slow, so every answer too. A tree is parsed again
 * when one is needed (checking a closed brief after a KB change, a rename across briefs).
 *
 * Find references, code lenses, workspace symbols and "re-check the briefs a KB change affects"
 * all read it. A lookup goes name → briefs → ranges, so its cost follows the number of matches,
 * not the number of briefs: it never resolves every reference of the workspace one by one.
 * It is pure data: the server feeds it text (from disk or the editor) and it never reads files.
 */
import type { Location, Range } from 'vscode-languageserver-types';
import type { Entity } from './kb/model';
import type { KnowledgeBase } from './kb/knowledgeBase';
import { entitiesApart } from './kb/roster';
import { normalizeName } from './normalize';
import { copyString, lineRange } from './text';
import { parseBrief } from './parser';
import { runSteps, stepper, type Steps } from './steps';
import type { Project } from './project';
import type { BriefSyntax, Heading } from './syntax';

/** One indexed brief. */
export interface IndexedBrief {
  readonly uri: string;
  /** The editor's version when the text came from an open document. */
  readonly version?: number;
  /** A hash of the text: the same text is never indexed twice. */
  readonly hash: string;
  /** The text indexed, for `syntaxOf`. */
  readonly text: string;
  readonly headings: readonly Heading[];
  /**
   * Where the references are, by the normalised name they use, in document order: three numbers
   * each (line, start and end column; a reference lies on one line). Numbers rather than ranges:
   * ten thousand briefs hold a hundred thousand references, and three objects each would make
   * the heap, and so every garbage collection, several times larger.
   */
  readonly references: ReadonlyMap<string, readonly number[]>;
}

/** A workspace folder as the navigation features see it: its project (KB, config) and its briefs. */
export interface FolderScope {
  readonly project: Project;
  readonly index: WorkspaceIndex;
}

/** Every brief of one workspace folder, indexed by the names their references use. */
export class WorkspaceIndex {
  private readonly briefs = new Map<string, IndexedBrief>();
  /** Normalised name → uris of the briefs that reference it (the inverted index). */
  // Lists, not sets: a brief posts each of its names once, and appending is what indexing does
  // ten thousand times; removing (an edited or deleted brief) is the rare case.
  private readonly postings = new Map<string, string[]>();
  /** Sorted copies of postings, made on first lookup and dropped when the key's briefs change. */
  private readonly sorted = new Map<string, readonly string[]>();
  /** Locations of the references by key, made on first lookup and dropped with `sorted`. */
  private readonly located = new Map<string, readonly Location[]>();
  /** Normal forms of names as written: ten thousand briefs name the same few thousand entities. */
  private readonly normalForms = new Map<string, string>();
  /**
   * How many indexed briefs each folder holds, by the folder's URI with a final `/`: a deleted
   * file or folder is looked up here at once, without a pass over every brief (the editor
   * reports every deleted file of the workspace, and a branch switch deletes thousands).
   */
  private readonly folderCounts = new Map<string, number>();

  private countFolders(uri: string, by: 1 | -1): void {
    for (let slash = uri.indexOf('/'); slash >= 0; slash = uri.indexOf('/', slash + 1)) {
      const folder = uri.slice(0, slash + 1);
      const count = (this.folderCounts.get(folder) ?? 0) + by;
      if (count > 0) this.folderCounts.set(folder, count);
      else this.folderCounts.delete(folder);
    }
  }

  /** The uris of the indexed briefs under a folder (given by its URI). */
  urisUnder(folderUri: string): string[] {
    const prefix = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
    if (!this.folderCounts.has(prefix)) return [];
    return this.uris().filter((uri) => uri.startsWith(prefix));
  }

  private keyOf(name: string): string {
    let key = this.normalForms.get(name);
    if (key === undefined) {
      // Copies, and bounded: a name (and its normal form) may be a slice that keeps its whole brief alive.
      key = copyString(normalizeName(name));
      if (this.normalForms.size >= 100_000) this.normalForms.clear();
      this.normalForms.set(copyString(name), key);
    }
    return key;
  }

  /**
   * Adds or replaces a brief. Returns false when the text is the one already indexed (nothing
   * was parsed). Pass `syntax` when the caller already parsed this exact text.
   */
  update(uri: string, text: string, version?: number, syntax?: BriefSyntax): boolean {
    const hash = hashText(text);
    const old = this.briefs.get(uri);
    if (old && old.hash === hash) {
      if (version !== undefined && old.version !== version) this.briefs.set(uri, { ...old, version });
      return false;
    }
    const tree = syntax ?? parseBrief(text);
    const references = new Map<string, number[]>();
    for (const ref of tree.references) {
      const key = this.keyOf(ref.name);
      const list = references.get(key);
      if (list) list.push(ref.line, ref.start, ref.end);
      else references.set(key, [ref.line, ref.start, ref.end]);
    }
    if (old) this.unpost(uri, old);
    else this.countFolders(uri, 1);
    for (const key of references.keys()) {
      const uris = this.postings.get(key);
      if (uris) uris.push(uri);
      else this.postings.set(key, [uri]);
      this.forgetLookups(key);
    }
    this.briefs.set(uri, { uri, ...(version !== undefined ? { version } : {}), hash, text, headings: tree.headings, references });
    return true;
  }

  /** Forgets a brief (deleted, or moved out of the folder). */
  remove(uri: string): boolean {
    const old = this.briefs.get(uri);
    if (!old) return false;
    this.unpost(uri, old);
    this.briefs.delete(uri);
    this.countFolders(uri, -1);
    return true;
  }

  has(uri: string): boolean {
    return this.briefs.has(uri);
  }

  /** The uris of every indexed brief. */
  uris(): string[] {
    return [...this.briefs.keys()];
  }

  get size(): number {
    return this.briefs.size;
  }

  /** The indexed brief, with its version and hash. */
  get(uri: string): IndexedBrief | undefined {
    return this.briefs.get(uri);
  }

  /** The syntax tree of an indexed brief, parsed anew from its indexed text on every call. */
  syntaxOf(uri: string): BriefSyntax | undefined {
    const brief = this.briefs.get(uri);
    return brief && parseBrief(brief.text);
  }

  /**
   * Every reference that resolves to `entity` in `kb`: those written with a normalised id, name
   * or alias that denotes this entity alone. A name it shares with another entity (`@Georgia`)
   * resolves to neither, so it is not a reference to either (find it with `referencesToName`).
   */
  referencesTo(entity: Entity, kb: KnowledgeBase): Location[] {
    return this.referencesToKeys(resolvingKeys(entity, kb));
  }

  /** Every reference whose name normalises like `name` (same spelling up to §3.3 normalisation). */
  referencesToName(name: string): Location[] {
    return this.referencesToKeys([normalizeName(name)]);
  }

  /**
   * Every reference using one of the normalised names, grouped by brief in uri order, leaving out
   * the brief `except` (the caller has its fresher syntax). The most-mentioned entity of a large
   * workspace has thousands of references, so this only walks lists: each brief's ranges are
   * already in document order, and are merged only when two spellings meet in one brief.
   */
  referencesToKeys(keys: Iterable<string>, except?: string): Location[] {
    const wanted = [...new Set(keys)].filter((key) => this.postings.has(key));
    // One spelling in use (the usual case): its list is kept between lookups.
    if (wanted.length <= 1) return wanted.length === 0 ? [] : this.locationsOf(wanted[0]).filter((l) => l.uri !== except);
    const out: Location[] = [];
    for (const uri of this.briefsMentioning(wanted)) {
      if (uri === except) continue;
      const brief = this.briefs.get(uri);
      if (!brief) continue;
      const ranges = wanted.flatMap((key) => rangesOf(brief.references.get(key)));
      ranges.sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
      for (const range of ranges) out.push({ uri, range });
    }
    return out;
  }

  /**
   * The references written with `key`, in uri then document order. Kept until that key's briefs
   * change: walking thousands of briefs' tables costs more than the answer does to send.
   */
  private locationsOf(key: string): readonly Location[] {
    const kept = this.located.get(key);
    if (kept) return kept;
    const locations: Location[] = [];
    for (const uri of this.sortedPostings(key)) {
      for (const range of rangesOf(this.briefs.get(uri)?.references.get(key))) locations.push({ uri, range });
    }
    this.located.set(key, locations);
    return locations;
  }

  /** The briefs that hold a reference with one of these normalised names, sorted by uri. */
  briefsMentioning(keys: Iterable<string>): readonly string[] {
    const lists: (readonly string[])[] = [];
    for (const key of new Set(keys)) {
      const list = this.sortedPostings(key);
      if (list.length > 0) lists.push(list);
    }
    return lists.reduce(mergeSorted, []);
  }

  /** The uris of the briefs using `key`, sorted; kept until that key's briefs change. */
  private sortedPostings(key: string): readonly string[] {
    let sorted = this.sorted.get(key);
    if (sorted === undefined) {
      sorted = [...(this.postings.get(key) ?? [])].sort();
      this.sorted.set(key, sorted);
    }
    return sorted;
  }

  /** Every heading of every brief, for workspace symbols. */
  *headings(): IterableIterator<{ uri: string; heading: Heading }> {
    for (const brief of this.briefs.values()) {
      for (const heading of brief.headings) yield { uri: brief.uri, heading };
    }
  }

  private forgetLookups(key: string): void {
    this.sorted.delete(key);
    this.located.delete(key);
  }

  private unpost(uri: string, brief: IndexedBrief): void {
    for (const key of brief.references.keys()) {
      const uris = this.postings.get(key);
      const at = uris ? uris.indexOf(uri) : -1;
      if (uris && at >= 0) {
        uris[at] = uris[uris.length - 1];
        uris.pop();
        if (uris.length === 0) this.postings.delete(key);
      }
      this.forgetLookups(key);
    }
  }
}

/** The ranges of a brief's references to one name, from their three numbers each. */
function rangesOf(spans: readonly number[] | undefined): Range[] {
  const ranges: Range[] = [];
  if (spans) for (let i = 0; i + 2 < spans.length; i += 3) ranges.push(lineRange(spans[i], spans[i + 1], spans[i + 2]));
  return ranges;
}

/** The union of two sorted lists of uris, sorted, each uri once. */
function mergeSorted(a: readonly string[], b: readonly string[]): readonly string[] {
  if (a.length === 0) return b;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) out.push(a[i++]);
    else if (b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** The normalised id, name and aliases of an entity: what to pass to `briefsMentioning` when it changes. */
export function entityKeys(entity: Entity): Set<string> {
  return new Set([entity.id, entity.name, ...entity.aliases].map(normalizeName));
}

/** Normalised names of every entity that was added, removed or changed between two KBs. */
export function changedKeys(kbBefore: ReadonlyMap<string, Entity>, kbAfter: ReadonlyMap<string, Entity>): Set<string> {
  return runSteps(changedKeySteps(kbBefore, kbAfter));
}

/** `changedKeys` as steps (steps.ts): it stops every thousand entities (0.2 s for two KBs of 100,000 with errors). */
export function* changedKeySteps(kbBefore: ReadonlyMap<string, Entity>, kbAfter: ReadonlyMap<string, Entity>): Steps<Set<string>> {
  const pauseHere = stepper(1000);
  const keys = new Set<string>();
  // Where both KBs were joined from files' readings, an entity of a file read once for both is
  // unchanged: only the other files' entities are compared. (Ids are unique across a KB's files
  // then, so an entity's earlier version, if any, is among them.)
  const apart = entitiesApart(kbBefore, kbAfter);
  const byId = (list: Entity[]) => new Map(list.map((e) => [e.id, e]));
  // A Map: a KB served from snapshots finds an id by a binary search over its names (roster.ts).
  const before = apart ? byId(apart.before) : kbBefore instanceof Map ? kbBefore : new Map(kbBefore);
  const after = apart ? byId(apart.after) : kbAfter;
  // Where each entity is written does not count: no check of a brief reads a KB location (a
  // definition or a hover reads the KB as it is when asked), and a line added on top of a file
  // moves every entity below it. Their order does: an ambiguous reference names its candidates
  // in the KB's order, so where the entities both KBs hold come in another order, places count too.
  yield;
  const places = !(yield* sameOrder(before, after));
  // Field by field: an entity read from a snapshot builds its relations and facts when asked
  // (kb/snapshot.ts), so the cheap fields come first.
  const fields = (e: Entity) => [...(places ? [() => e.location.range] : []), () => e.id, () => e.kind, () => e.name, () => e.aliases, () => e.summary, () => e.identifiers, () => e.origin, () => e.relations, () => e.facts];
  const skip = places ? undefined : 'location';
  for (const [id, entity] of after) {
    if (pauseHere()) yield;
    const old = before.get(id);
    // An unchanged file gives back the very same entity objects (kb/snapshot.ts): no need to compare them.
    if (!old || (old !== entity && !sameFields(fields(old), fields(entity), skip))) {
      entityKeys(entity).forEach((k) => keys.add(k));
      if (old) entityKeys(old).forEach((k) => keys.add(k));
    }
  }
  for (const [id, entity] of before) {
    if (pauseHere()) yield;
    if (!after.has(id)) entityKeys(entity).forEach((k) => keys.add(k));
  }
  return keys;
}

/**
 * Whether the ids both maps hold come in the same order in each. With sets of the ids: a KB
 * served from snapshots looks an id up by a binary search over its names (roster.ts), which for
 * every id of 100,000, twice, took 0.3 s.
 */
function* sameOrder(a: ReadonlyMap<string, Entity>, b: ReadonlyMap<string, Entity>): Steps<boolean> {
  const aIds = [...a.keys()];
  const bIds = [...b.keys()];
  yield;
  const inA = new Set(aIds);
  const inB = new Set(bIds);
  yield;
  const shared = bIds.filter((id) => inA.has(id));
  let n = 0;
  for (const id of aIds) if (inB.has(id) && shared[n++] !== id) return false;
  return true;
}

/**
 * Whether two values hold the same data, as `JSON.stringify` would write them (an object's
 * `toJSON` stands for it, a key holding undefined is no key), without writing them: comparing
 * the entities of a saved file of 5,000 as two strings each took the server 0.3 s. A key named
 * `skip` is left out at every depth.
 */
function sameData(a: unknown, b: unknown, skip?: string): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const x = asData(a);
  const y = asData(b);
  if (Array.isArray(x) || Array.isArray(y)) return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameData(v, y[i], skip));
  const kept = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined && k !== skip);
  const keys = kept(x);
  return keys.length === kept(y).length && keys.every((k) => sameData(x[k], y[k], skip));
}

/** Whether two lists of fields are alike (`sameData`), each field read only if those before it were. */
function sameFields(a: readonly (() => unknown)[], b: readonly (() => unknown)[], skip?: string): boolean {
  return a.every((field, i) => sameData(field(), b[i](), skip));
}

function asData(value: object): Record<string, unknown> {
  const withJson = value as { toJSON?: () => unknown };
  return (typeof withJson.toJSON === 'function' ? withJson.toJSON() : value) as Record<string, unknown>;
}

/** The entity's keys that denote it alone in `kb`: the names that resolve to it. */
export function resolvingKeys(entity: Entity, kb: KnowledgeBase): string[] {
  return [...entityKeys(entity)].filter((key) => {
    const found = kb.lookup(key);
    return found.length === 1 && found[0].id === entity.id;
  });
}

/**
 * Two 32-bit FNV-1a hashes over the UTF-16 code units (different offset bases): 64 bits, so
 * two different texts of one uri practically never collide, without Node's crypto in the core.
 */
function hashText(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return `${text.length.toString(36)}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}

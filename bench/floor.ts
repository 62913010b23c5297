/**
 * The floor: the least work that finds every unknown reference of a brief — one regex pass over
 * the text with a Map lookup per reference, nothing else (no parse tree, no claims, no
 * citations, no suggestions). The minimal server runs the same function.
 */

/**
 * Inline code (skipped), then a bracket reference or a short reference. The look-behind keeps
 * `analyst@example.org` out, as the spec does.
 */
const REFERENCE = /`[^`\n]*`|(?<![\p{L}\p{N}_@\\])@(?:\[([^\]\n]*)\]|([\p{L}\p{N}][\p{L}\p{N}\p{M}_.\-]*))/gu;

/** An unknown reference: where it is in the text (UTF-16 offsets) and its name. */
export interface FloorProblem {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

export interface FloorResult {
  readonly references: number;
  readonly unknown: FloorProblem[];
}

/** Known written forms, lower-cased (ids, names and aliases), mapped to entity ids. */
export type NameTable = ReadonlyMap<string, string>;

export function floorCheck(text: string, names: NameTable): FloorResult {
  const unknown: FloorProblem[] = [];
  let references = 0;
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(text); m; m = REFERENCE.exec(text)) {
    let name = m[1] ?? m[2];
    if (name === undefined) continue; // inline code
    let end = m.index + m[0].length;
    if (m[2] !== undefined) {
      // A trailing `.` or `-` is not part of a short name (spec §3.3).
      while (name.length > 1 && (name.endsWith('.') || name.endsWith('-'))) {
        name = name.slice(0, -1);
        end--;
      }
    } else {
      name = name.trim();
    }
    references++;
    if (!names.has(name.toLowerCase())) unknown.push({ start: m.index, end, name });
  }
  return { references, unknown };
}

/**
 * The reference of one line that covers `character` (the minimal server's hover), found by the
 * same scan, with the id its name is known by: a Map lookup, nothing else.
 */
export function floorReferenceAt(line: string, character: number, names: NameTable): { name: string; id: string | undefined } | undefined {
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(line); m; m = REFERENCE.exec(line)) {
    const name = m[1] ?? m[2];
    if (name === undefined || character < m.index || character > m.index + m[0].length) continue;
    const written = m[1] !== undefined ? name.trim() : name.replace(/[.-]+$/, '');
    return { name: written, id: names.get(written.toLowerCase()) };
  }
  return undefined;
}

export function loadNameTable(json: string): NameTable {
  return new Map(JSON.parse(json) as [string, string][]);
}

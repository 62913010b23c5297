/**
 * `@US-led`, `@Taliban-led`, `@China-Russia`: a short name runs on through `-` (spec §3.3), so
 * the words after it join the reference, and the whole names nothing. When the part before a
 * `-` names one entity, the analyst almost always meant that entity followed by plain text, or
 * by the next entity: `@[US]-led`, `@China-@Russia`. The unknown-reference message proposes this
 * rewrite, and the quick fix makes it.
 */
import type { EntityReference } from './syntax';

/** The most parts a name is split into: `@Russia-@Uzbekistan-@Tajikistan-led` has four. */
const MAX_PARTS = 8;

/** A part of a hyphenated name: one that names one entity, or plain text. */
interface Piece {
  readonly text: string;
  readonly entity: boolean;
}

/** What a hyphenated reference was probably meant as. */
export interface HyphenSplit {
  /** The rewrite, as the brief would hold it: `@[US]-led`, `@China-@Russia`. */
  readonly text: string;
  /** How many references the rewrite holds. */
  readonly references: number;
  /** The name of the first reference as written: `US`. */
  readonly first: string;
}

/**
 * The rewrite of `ref` into references that each name one entity (`entities(text)` says how many
 * a text names) and the plain text between them; undefined when it is not a short reference, or
 * when its first part names no single entity. Each run of parts is the longest that names one
 * entity, so `@Karshi-Khanabad-led` keeps `Karshi-Khanabad` whole.
 */
export function splitAtHyphen(ref: EntityReference, entities: (text: string) => number): HyphenSplit | undefined {
  if (ref.form !== 'short' || !ref.name.includes('-')) return undefined;
  const parts = ref.name.split('-');
  // Each run of parts is looked up: a name of many hyphens (hostile text) would cost their square.
  if (parts.length > MAX_PARTS) return undefined;
  const pieces: Piece[] = [];
  for (let i = 0; i < parts.length; ) {
    let j = parts.length;
    while (j > i && (parts[j - 1] === '' || entities(parts.slice(i, j).join('-')) !== 1)) j--;
    if (j > i) {
      pieces.push({ text: parts.slice(i, j).join('-'), entity: true });
      i = j;
    } else pieces.push({ text: parts[i++], entity: false });
  }
  if (pieces.length < 2 || !pieces[0].entity) return undefined;
  // A reference followed by plain text needs brackets, or the text would join its name again.
  const text = pieces.map((p, k) => (!p.entity ? p.text : pieces[k + 1] && !pieces[k + 1].entity ? `@[${p.text}]` : `@${p.text}`)).join('-');
  return { text, references: pieces.filter((p) => p.entity).length, first: pieces[0].text };
}

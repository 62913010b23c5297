/**
 * How to write a reference to an entity so that it names that entity alone, shared by the quick
 * fixes, the "Use canonical names" source action and the inlay hints.
 */
import type { Entity } from '../kb/model';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { EntityReference } from '../syntax';
import { normalizeName } from '../normalize';
import { splitLines } from '../text';

// The same test as completion's: a name the short form `@Name` carries whole (spec §3.3).
const SHORT_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}\p{M}_])?$/u;
// A character that would continue a short name written right before it.
const NAME_CONTINUES = /^[\p{L}\p{N}\p{M}_.\-]/u;

/** True when `@[label]` reads back as exactly `label`: no `]` closes it early and no `%%` starts a comment inside. */
export function writable(label: string): boolean {
  return label.trim() === label && label !== '' && !label.includes(']') && !label.includes('%%');
}

/**
 * The first of the entity's name, id and aliases that names it alone, or undefined when every
 * one is shared (e.g. the state `georgia`, whose id and name are also an alias of `georgia-us`).
 */
export function uniqueLabel(entity: Entity, kb: KnowledgeBase): string | undefined {
  for (const label of [entity.name, entity.id, ...entity.aliases]) {
    if (!writable(label)) continue;
    const matches = kb.lookup(label);
    if (matches.length === 1 && matches[0].id === entity.id) return label;
  }
  return undefined;
}

/** True when the canonical name of the entity names it alone and can be written in a reference. */
export function canonicalNameIsUnique(entity: Entity, kb: KnowledgeBase): boolean {
  const matches = kb.lookup(entity.name);
  return writable(entity.name) && matches.length === 1 && matches[0].id === entity.id;
}

/**
 * The text that replaces `ref` to name `label`: the short form `@Label` when the label allows
 * it and the character after the reference cannot glue onto it, else `@[Label]`. A reference
 * that was already short keeps its following text outside the name, so it may stay short.
 */
export function referenceText(label: string, ref: EntityReference, lineText: string): string | undefined {
  const after = lineText.slice(ref.end);
  // Touching references (`@[Xi Jinping]@Putin`, `@Xi@[ETH Zurich]`): whether the `@` after this
  // one starts a reference depends on how this one ends (§3.3: not after a letter or digit). The
  // rewrite keeps the form, so that no reference is lost or made; a short form it cannot write
  // is no rewrite.
  if (after.startsWith('@')) {
    if (ref.form === 'bracket') return `@[${label}]`;
    return SHORT_NAME.test(label) ? `@${label}` : undefined;
  }
  const short = SHORT_NAME.test(label) && (ref.form === 'short' || !NAME_CONTINUES.test(after));
  return short ? `@${label}` : `@[${label}]`;
}

/**
 * Where a rewrite of `ref` ends: before the `_` that end a short name (`_by @Putin_`, Markdown
 * emphasis that §3.3 reads as part of the name), which stay after the new text as written.
 */
export function rewrittenEnd(ref: EntityReference): number {
  if (ref.form !== 'short') return ref.end;
  let end = ref.end;
  while (end > ref.nameStart + 1 && ref.name.charCodeAt(end - ref.nameStart - 1) === 0x5f /* _ */) end--;
  return end;
}

/**
 * How many characters after `ref` a rewrite to `newText` takes in: 1 for the last `.` of an
 * abbreviation written short (`@U.S.`, whose name stops before that `.`, spec §3.3), else 0.
 * Left behind, the `.` would be glued to the new name: a claim's subject would be malformed
 * (`claim: @[United States]. operates …`) and prose would keep a stray dot (`The @[United
 * States]. and`). It stays where the new text is an abbreviation of its own (`@U.S.S.R.`) and, in
 * prose, where it may also end a sentence: at the end of the line, or before a capital or a
 * reference.
 */
export function abbreviationDot(ref: EntityReference, lineText: string, newText: string, claimSubject: boolean): number {
  if (ref.form !== 'short' || !ref.name.includes('.') || lineText.charCodeAt(ref.end) !== 0x2e /* . */) return 0;
  if (!newText.startsWith('@[') && newText.includes('.')) return 0;
  if (claimSubject) return 1;
  return SENTENCE_MAY_END.test(lineText.slice(ref.end + 1)) ? 0 : 1;
}

/** What may follow a `.` that ends a sentence: nothing (a comment at most), or a capital or a reference after white space. */
const SENTENCE_MAY_END = /^(?:\s*(?:$|%%)|\s+[\p{Lu}\p{Lt}@])/u;

/** How a reference names its entity: by the canonical name, by the id, or by an alias. */
export function writtenAs(ref: EntityReference, entity: Entity): 'name' | 'id' | 'alias' {
  const written = normalizeName(ref.name);
  if (written === normalizeName(entity.name)) return 'name';
  if (written === normalizeName(entity.id)) return 'id';
  return 'alias';
}

/** The lines of a document as the parser sees them (a leading byte order mark dropped). */
export function documentLines(text: string): string[] {
  return splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).texts;
}

/** The line ending a document already uses, for inserted lines. */
export function lineEnding(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : /\r/.test(text) ? '\r' : '\n';
}

/**
 * The ending of line `line` (of the line before, for the last line, which has none): a line
 * inserted above it matches its neighbours in a file whose endings are mixed.
 */
export function lineEndingAt(text: string, line: number): string {
  const { starts, texts } = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (const l of [line, line - 1]) {
    if (l < 0 || l + 1 >= starts.length) continue;
    return text.slice(bom + starts[l] + texts[l].length, bom + starts[l + 1]);
  }
  return lineEnding(text);
}

/**
 * How much of the text after a reference finishes the name a fix or a completion writes: `@Vladimir Putin said`
 * becomes `@[Vladimir Putin] said`, not `@[Vladimir Putin] Putin said`. The reference's words
 * must be the label's first ones; the rest must follow as names match. 0 otherwise. (Words are
 * what splitting at runs of white space, hyphens and dashes gives.)
 */
export function restOfName(written: string, label: string, after: string): number {
  // Completion runs this for each of its fifty items: the label is cut where the reference's
  // words end, not split into words, and only a label that starts like the reference is split.
  const cut = gapAfterWords(label, gapCount(written) + 1);
  if (cut === undefined) return 0;
  if (normalizeName(label.slice(0, cut.start)) !== normalizeName(written)) return 0;
  // Word by word, without a pattern made from the label: a pattern of a 40,000-letter name is
  // too large for the engine.
  let at = 0;
  // Word and gap in turn; the first gap is the one the cut is at.
  const parts = label.slice(cut.end).split(/([\s\-\u2010-\u2015\u2212]+)/);
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i];
    const labelGap = i === 0 ? label.slice(cut.start, cut.end) : parts[i - 1];
    // A hyphen or dash in the text's gap only where the label has one (`Karshi-Khanabad`); a
    // label's space may be written as either.
    const unit = DASH.test(labelGap) ? GAP_UNIT : SPACE_UNIT;
    const start = at;
    while (unit.test(after.charAt(at))) at++;
    if (at === start) return 0;
    const length = sameWordAt(after, at, word);
    if (length < 0) return 0;
    at += length;
  }
  return at;
}

/**
 * The length of the word at `at` in `text` that is `word` as written in any case, or else as
 * names match (accents, a decomposed `u\u0308` for `ü`), ending where a name could not go on; −1
 * if there is none. The shortest such: `Zurich.` ends before its full stop.
 */
function sameWordAt(text: string, at: number, word: string): number {
  const goesOn = (end: number) => NAME_GOES_ON.test(String.fromCodePoint(text.codePointAt(end) ?? 0x20));
  // As written, in any case: one comparison (and `U.S.` keeps its last dot).
  if (text.slice(at, at + word.length).toLowerCase() === word.toLowerCase() && !goesOn(at + word.length)) return word.length;
  // It starts as the label's word does: with the same letter or digit, else the same character
  // (normalised, `-Jinping` would be `Jinping`, and `(U.S.` would be `U.S.`).
  const first = String.fromCodePoint(word.codePointAt(0) ?? 0x20);
  const firstWritten = String.fromCodePoint(text.codePointAt(at) ?? 0x20);
  if (WORD_START.test(first) ? !WORD_START.test(firstWritten) || normalizeName(firstWritten) !== normalizeName(first) : firstWritten !== first) return -1;
  // Each length is normalised anew: only for words of a name's length, not a hostile KB's 40,000 letters.
  if (word.length > MAX_FOLDED_WORD) return -1;
  const key = normalizeName(word);
  // A word as written is at most a few units longer than the label's (marks written apart).
  const most = Math.min(text.length - at, 2 * word.length + 4);
  for (let length = 1; length <= most; length++) {
    if (goesOn(at + length)) continue;
    if (normalizeName(text.slice(at, at + length)) === key) return length;
  }
  return -1;
}

/**
 * What separates two words of a name: white space (a no-break space too) and hyphens or dashes,
 * which names fold alike (`Karshi-Khanabad` is `Karshi Khanabad`).
 */
const WORD_GAP = /[\s\-\u2010-\u2015\u2212]+/g;
const GAP_UNIT = /^[\s\-\u2010-\u2015\u2212]$/;
const SPACE_UNIT = /^\s$/;
const DASH = /[\-\u2010-\u2015\u2212]/;

/** How many gaps between words `text` holds. */
function gapCount(text: string): number {
  WORD_GAP.lastIndex = 0;
  let count = 0;
  while (WORD_GAP.exec(text)) count++;
  return count;
}

/** The gap that ends the first `words` words of `text`, if more text follows it. */
function gapAfterWords(text: string, words: number): { start: number; end: number } | undefined {
  WORD_GAP.lastIndex = 0;
  let seen = 0;
  for (let gap = WORD_GAP.exec(text); gap; gap = WORD_GAP.exec(text)) {
    if (++seen === words) return { start: gap.index, end: gap.index + gap[0].length };
  }
  return undefined;
}

const WORD_START = /[\p{L}\p{N}]/u;
/** The longest word of a label that is matched as names are (see `sameWordAt`). */
const MAX_FOLDED_WORD = 64;

/** A character that would go on with the word before it (a combining mark belongs to it). */
const NAME_GOES_ON = /[\p{L}\p{N}\p{M}_]/u;

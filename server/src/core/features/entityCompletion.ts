/**
 * Completion of entity references after `@` and `@[`: which text an accepted entity replaces,
 * and the entities offered, ranked by the name under the cursor.
 *
 * The replaced text is the name under the cursor, never more: a `.` or `-` that ends the name is
 * the sentence's (spec §3.3) and stays, and so does the text a name is glued to (`@[Taliban]-led`).
 */
import {
  CompletionItemKind,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Range,
} from 'vscode-languageserver-types';
import type { EntityKind } from '../kinds';
import type { Project } from '../project';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { NameMatch } from '../kb/nameIndex';
import { normalizeName, SEPARATOR_RUN } from '../normalize';
import { escapeMarkdown } from '../markdown';
import { lineRange } from '../text';
import { restOfName, uniqueLabel, writable } from './referenceText';
import { matchScore } from '../kb/nameScores';

/** `matchScore` gives prefix matches at least this. */
const PREFIX_SCORE = 80;

/** How many entities one answer lists (the best; the editor asks again as the analyst types). */
const MAX_ENTITIES = 50;

/** How many matches are ranked again when a claim's predicate says which kinds fit first. */
const KIND_WINDOW = 4 * MAX_ENTITIES;

const KIND_ICON: Record<EntityKind, CompletionItemKind> = {
  state: CompletionItemKind.Module,
  person: CompletionItemKind.Variable,
  group: CompletionItemKind.Class,
  organization: CompletionItemKind.Struct,
  initiative: CompletionItemKind.Function,
  place: CompletionItemKind.Folder,
  facility: CompletionItemKind.Constant,
  event: CompletionItemKind.Event,
};

/** An alias such as CSTO, U.S. or G20: capitals and digits (and dots), no word of lower case. */
const ACRONYM = /^[\p{Lu}\p{N}.]+$/u;

const SHORT_NAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}\p{M}_])?$/u;

/** What a short name is made of after its first character. */
const NAME_RUN = /^[\p{L}\p{N}\p{M}_.\-]*/u;

/** The text an accepted entity replaces, and what it is ranked by. */
export interface EntitySpot {
  /** From the range's start to the cursor (`@Taj`, `@[Xi J`): what a client filters by. */
  readonly written: string;
  /** The name under the cursor as far as the range takes it, normalised: the ranking. */
  readonly query: string;
  /**
   * When the range takes in text after the cursor: what was typed before it, normalised. Its
   * matches follow those of the whole name, so that typing `@Ch` in front of a word still offers China.
   */
  readonly typedQuery?: string;
  readonly range: Range;
  /** The `@[…]` form was written, or more of the name's word follows the range: a short name would run into it. */
  readonly bracketed: boolean;
  /** Punctuation before the cursor that is not the name's (`@Russia.|`, `@Russia-|led`): written again after the reference. */
  readonly kept: string;
  /**
   * Where an entity whose own name goes on through `kept` goes instead (`@Joint-|` for Joint
   * Western-2021, `@Georgia-|` for georgia-us): the punctuation is that name's, and the word
   * after the cursor too.
   */
  readonly through?: { readonly range: Range; readonly bracketed: boolean; readonly typed: string; readonly following?: string };
  /**
   * A short name's text in the range (without `@`), and the line after the range: an entity whose
   * name goes on with the words that follow takes them in (`@|Xi Jinping said` → `@[Xi Jinping]
   * said`, not `@[Xi Jinping] Jinping said`).
   */
  readonly replaced?: { readonly name: string; readonly following: string };
  /**
   * For a glued name with the cursor in its first part (`@Kar|shi-Khanabad`), where an entity whose
   * name goes on through the glue goes instead, longest first: the whole word, or up to a later
   * `.` or `-` (`@Indo|-Pacific-led` for Indo-Pacific Strategy keeps `-led`).
   */
  readonly longer?: readonly { readonly range: Range; readonly bracketed: boolean; readonly typed: string; readonly following?: string }[];
}

/**
 * The spot of a short reference `@Name` whose `@` is at column `at`. The name under the cursor is
 * replaced whole when the KB knows it (`@Jo|int-Western-2021`); a name glued to more text by
 * `.` or `-` that names nothing as a whole (`@Ta|liban-led`, `@U.|S.-led`) is replaced up to
 * the longest part from its start that the KB knows (else up to the next `.` or `-`), and
 * bracketed so the rest stays text. Dots before the `-` that glues go with the name
 * (`@U.S.-led` → `@[US]-led`, as when the cursor is after them).
 */
export function shortSpot(lineText: string, line: number, at: number, cursor: number, kb: KnowledgeBase): EntitySpot {
  const nameStart = at + 1;
  const typed = lineText.slice(nameStart, cursor);
  // With nothing typed, a `.` or `-` right after the cursor starts no name.
  const after = lineText.slice(cursor);
  const tail = typed === '' && !/^[\p{L}\p{N}]/u.test(after) ? '' : (NAME_RUN.exec(after)?.[0] ?? '');
  const word = typed + tail;
  const c = typed.length;
  // The name as the parser reads it: a trailing `.` or `-` is the sentence's (spec §3.3).
  const whole = word.replace(/[.\-]+$/, '');
  let nameEnd = whole.length; // where the name the range replaces ends, in `word`
  let glueStart = nameEnd; // where the text that stays starts
  let queryEnd = nameEnd;
  let query: string | undefined;
  if (c <= whole.length && kb.lookup(whole).length === 0) {
    const all = [...whole.matchAll(/[.\-]+/g)];
    const runs = all.filter((r) => r.index + r[0].length >= c);
    // With the cursor past the glue (`@Russia-le|d`), the part before it that names an entity is
    // the name; the rest of the word, before the cursor and after it, stays.
    // (Only inside the word: at its end the analyst may be typing a longer name, `@Georgia-u|`.)
    const known = runs.length > 0 || c >= whole.length ? undefined : [...all].reverse().find((r) => kb.lookup(whole.slice(0, r.index)).length > 0);
    if (runs.length > 0 || known) {
      // A few lookups, one per `.` or `-` in one word.
      const run = known ?? [...runs].reverse().find((r) => kb.lookup(whole.slice(0, r.index)).length > 0) ?? runs[0];
      queryEnd = run.index;
      glueStart = run.index + Math.max(0, run[0].indexOf('-'));
      nameEnd = glueStart;
      if (known) query = normalizeName(whole.slice(0, run.index));
    }
  }
  const end = Math.max(c, nameEnd);
  const kept = c > glueStart ? word.slice(glueStart, c) : '';
  const glued = nameEnd < whole.length;
  let through: EntitySpot['through'];
  if (kept !== '') {
    const rest = /^[\p{L}\p{N}\p{M}_]*/u.exec(word.slice(c))?.[0].length ?? 0;
    // The name goes on through the punctuation only if it goes on with the word after it too:
    // `@Karshi-|Khanabad`, not `@Indo-Pacific-|led` (Indo-Pacific Strategy), whose `led` stays.
    through = { range: lineRange(line, at, cursor + rest), bracketed: c + rest < whole.length, typed: word.slice(0, c + rest) };
  }
  const longer =
    glued && kept === ''
      ? [whole.length, ...[...whole.matchAll(/[.\-]+/g)].map((r) => r.index).filter((i) => i > nameEnd).reverse()].map((e) => ({
          range: lineRange(line, at, nameStart + e),
          bracketed: e < whole.length,
          typed: whole.slice(0, e),
          // The whole word: the words after it that finish the name are taken in too (`@|Karshi-Khanabad Air Base was`).
          ...(e === whole.length ? { following: lineText.slice(nameStart + e) } : {}),
        }))
      : undefined;
  return {
    written: `@${typed}`,
    query: query ?? normalizeName(word.slice(0, Math.max(c, queryEnd))),
    typedQuery: end > c ? normalizeName(typed) : undefined,
    range: lineRange(line, at, nameStart + end),
    bracketed: glued,
    kept,
    through,
    replaced: kept === '' && !glued ? { name: word.slice(0, end), following: lineText.slice(nameStart + end) } : undefined,
    longer,
  };
}

/**
 * The spot of `@[` at column `at`. Inside a closed `@[…]` (`@[Xi| Jinping]`) the rest of the name
 * and its `]` are replaced too (text with another `@`, `[` or a comment's `%` before a `]` is not
 * this name's); without such a `]`, the rest of the word at the cursor (`@[Pu|tin`).
 */
export function bracketSpot(lineText: string, line: number, at: number, cursor: number): EntitySpot {
  const typed = lineText.slice(at + 2, cursor);
  const after = lineText.slice(cursor);
  const closed = /^[^\]@[%]*\]/.exec(after)?.[0];
  const rest = closed ?? NAME_RUN.exec(after)?.[0] ?? '';
  const name = typed + (closed ? rest.slice(0, -1) : rest);
  return {
    written: `@[${typed}`,
    query: normalizeName(name),
    typedQuery: name !== typed ? normalizeName(typed) : undefined,
    range: lineRange(line, at, cursor + rest.length),
    bracketed: true,
    kept: '',
  };
}

/** A range, taking in the words after it that finish `label` (`@|Xi Jinping said`). */
function withRestOf(label: string, range: Range, replaced: { readonly name: string; readonly following: string } | undefined): Range {
  const more = replaced ? restOfName(replaced.name, label, replaced.following) : 0;
  return more === 0 ? range : { start: range.start, end: { line: range.end.line, character: range.end.character + more } };
}

/** Case folded and separators as one `-`, dots kept: does a name go on through `@Joint-`'s `-`? */
function folded(text: string): string {
  return text.toLowerCase().replace(SEPARATOR_RUN, '-');
}

/**
 * Entities whose id, name or an alias fits the name under the cursor, best first, inserting a form
 * that resolves. In a claim's object, entities of the kinds the predicate takes come first
 * (`member-of @` lists organizations before states), among the best matches.
 *
 * The order is the server's: each item's filter text starts with exactly what was written
 * (`spot.written`: the `@` or `@[` and the name up to the cursor, the text a client filters by),
 * so a client's own fuzzy match scores every item the same and keeps this order, and no item is
 * hidden for a spelling the KB folds (`@U.S` for US, `@Putin-Xi` for an en dash, `@Zur` for
 * Zürich). The list is always incomplete, so the client asks again at each keystroke instead of
 * re-ranking a stale list by its own rules.
 */
export function entityItems(project: Project, spot: EntitySpot, kinds?: readonly string[]): CompletionList {
  const kb = project.resolver.kb;
  const names = kb.names();
  const found = (query: string, closeOnly: boolean) => {
    let { matches } = names.complete(query, kinds ? KIND_WINDOW : MAX_ENTITIES, closeOnly);
    if (kinds) {
      const fits = (m: NameMatch) => kinds.includes(names.entityAt(m.entity).kind);
      matches = [...matches.filter(fits), ...matches.filter((m) => !fits(m))];
    }
    return matches.map((match) => ({ match, query }));
  };
  // The name under the cursor first (`@|Russia` offers Russia before anything else), then, when
  // the range takes in text after the cursor, what the text before the cursor alone matches. The
  // whole name is then matched by its start and its words' starts only: it is what the analyst
  // wrote, and the loose tier would cost its scan on every keystroke inside a name.
  const inside = spot.typedQuery !== undefined && spot.typedQuery !== spot.query;
  const ranked = found(spot.query, inside);
  if (inside && ranked.length === 0) {
    // A name under the cursor that nothing starts like (`@|Tajikstan`): what it was probably
    // meant to be comes first, as its diagnostic suggests, rather than the first entity by name,
    // which accepting would write over it. Only here: the search is the costly one.
    for (const entity of project.resolver.suggest(spot.query)) {
      const match = names.complete(normalizeName(entity.name), MAX_ENTITIES, true).matches.find((m) => m.id === entity.id);
      if (match) ranked.push({ match, query: normalizeName(entity.name) });
    }
  }
  if (inside && spot.typedQuery !== undefined) {
    const seen = new Set(ranked.map((r) => r.match.id));
    ranked.push(...found(spot.typedQuery, false).filter((r) => !seen.has(r.match.id)));
  }
  // Where an entity's name may go on through punctuation, folded once for the list, not per item.
  const onwards = [...(spot.through ? [spot.through] : []), ...(spot.longer ?? [])].map((place) => ({ place, typed: folded(place.typed) }));
  const items = ranked.slice(0, MAX_ENTITIES).map(({ match: m, query }, i): CompletionItem => {
    // By its number, as the name index found it: no lookup of its id.
    const entity = names.entityAt(m.entity);
    // When the canonical name itself starts with what was typed, offer it rather than a shorter
    // alias: `@[Xi` completes to `@[Xi Jinping]`, while `@CST` still offers the alias `CSTO`. An
    // acronym that matched is shown as itself: `@C` lists CSS, ranked among the short names, not
    // "Center for Security Studies" in that place.
    // (Keys, not names normalised again: this runs for fifty entities on every keystroke.)
    const nameKey = names.canonicalKey(m.entity);
    const byName = matchScore(query, names.keys[nameKey]) >= PREFIX_SCORE && !ACRONYM.test(m.label);
    const label = byName ? entity.name : m.label;
    // Insert the label if it names this entity alone and a reference can hold it (a `]` would
    // close `@[…]` early); otherwise another form that does (the id usually); an entity with no
    // such form at all gets its label, and the diagnostic says why.
    const unique = names.entityCount(byName ? nameKey : m.key) === 1 && writable(label);
    const name = unique ? label : kb.lookup(entity.id).length === 1 ? entity.id : (uniqueLabel(entity, kb) ?? label);
    const reference = (bracketed: boolean) => (bracketed || !SHORT_NAME.test(name) ? `@[${name}]` : `@${name}`);
    const forms = onwards.length === 0 ? [] : name === label ? [folded(label)] : [folded(label), folded(name)];
    const through = onwards.find((o) => forms.some((f) => f.startsWith(o.typed)))?.place;
    return {
      label,
      kind: KIND_ICON[entity.kind],
      detail: `${entity.kind} · ${entity.name}`,
      // In the list itself, not only for the selected row: whom an alias names (`Putin (Vladimir
      // Putin)`), and the kind, which tells two entities of one name apart.
      labelDetails: label !== entity.name ? { detail: ` (${entity.name})`, description: entity.kind } : { description: entity.kind },
      documentation: { kind: MarkupKind.Markdown, value: escapeMarkdown(entity.summary) },
      sortText: String(i).padStart(4, '0'),
      // The label after it, for a client that filters this list once more before it asks again
      // (VS Code does after a space inside `@[…`).
      filterText: `${spot.written} ${label}`,
      textEdit: through
        ? { range: withRestOf(label, through.range, through.following !== undefined ? { name: through.typed, following: through.following } : undefined), newText: reference(through.bracketed) }
        : { range: withRestOf(label, spot.range, spot.replaced), newText: reference(spot.bracketed) + spot.kept },
    };
  });
  return { isIncomplete: true, items };
}

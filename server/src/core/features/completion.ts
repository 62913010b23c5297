/**
 * Completion: entities after `@` and `@[`, predicates in a claim, sources after `[^` and
 * paragraphs after `[^source:`, rule names in directives, and front matter keys and values.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import type { BriefSyntax } from '../syntax';
import type { EntityKind } from '../kinds';
import { PREDICATES, PREDICATE_NAMES } from '../kinds';
import type { Project } from '../project';
import { normalizeName } from '../normalize';
import { escapeMarkdown } from '../markdown';
import { FRONT_MATTER_KEYS } from '../frontMatter';
import { RULE_CODES } from '../rules';
import { lineRange, touches } from '../text';
import { uniqueLabel, writable } from './referenceText';
import { matchScore } from '../kb/nameScores';

/** `matchScore` gives prefix matches at least this. */
const PREFIX_SCORE = 80;

/** How many entities one answer lists (the best; the editor asks again as the analyst types). */
const MAX_ENTITIES = 50;

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

export const COMPLETION_TRIGGERS = ['@', '[', '^', ':'];

export class CompletionProvider {
  /** `lineAt(n)` gives the text of line n without its line break. */
  provideCompletion(syntax: BriefSyntax, lineAt: (line: number) => string, project: Project, position: Position): CompletionList {
    const empty: CompletionList = { isIncomplete: false, items: [] };
    const lineText = lineAt(position.line);
    const before = lineText.slice(0, position.character);
    const l = position.line;
    if (inside(syntax.codeBlocks, position) || syntax.inlineCode.some((r) => r.start.character < position.character && touches(r, position) && r.end.character > position.character)) return empty;

    const fm = syntax.frontMatter;
    if (fm && l > 0 && l < fm.contentEndLine) return frontMatterItems(Array.from({ length: fm.contentEndLine }, (_, i) => (i === 0 ? '' : lineAt(i))), before, project, l);
    if (fm && l === 0) return empty;

    // A word the cursor sits inside is replaced whole: `member|of` completes to `member-of`, not
    // `member-ofof`.
    const wordEnd = position.character + (/^[\w-]*/.exec(lineText.slice(position.character))?.[0].length ?? 0);
    const comment = syntax.comments.find((c) => c.range.start.line === l && c.range.start.character <= position.character);
    if (comment) return directiveItems(before, l, wordEnd);

    const bracket = /(?<![\p{L}\p{N}\p{M}_@\\])@\[([^\]]*)$/u.exec(before);
    const onClaim = syntax.claimLines.includes(l);
    if (bracket) {
      // Inside a closed `@[…]` (`@[Xi| Jinping]`), the rest of the name and its `]` are replaced
      // too (text with another `@`, `[` or a comment's `%` before a `]` is not this name's);
      // without such a `]`, the rest of the word at the cursor (`@[Pu|tin`).
      const after = lineText.slice(position.character);
      const rest = /^[^\]@[%]*\]/.exec(after)?.[0].length ?? /^[\p{L}\p{N}\p{M}_.\-]*/u.exec(after)?.[0].length ?? 0;
      return entityItems(project, bracket[0], lineRange(l, bracket.index, position.character + rest), true, onClaim ? objectKinds(before.slice(0, bracket.index)) : undefined);
    }
    const short = /(?<![\p{L}\p{N}\p{M}_@\\])@([\p{L}\p{N}][\p{L}\p{N}\p{M}_.\-]*)?$/u.exec(before);
    if (short) {
      // The rest of the name after the cursor is replaced too, but not the `.` or `-` that ends
      // it: like the parser (spec §3.3), that is the sentence's punctuation, not the name's.
      const typed = short[1] ?? '';
      const tail = /^[\p{L}\p{N}\p{M}_.\-]*/u.exec(lineText.slice(position.character))?.[0] ?? '';
      const whole = (typed + tail).replace(/[.\-]+$/, '');
      let end = Math.max(position.character, short.index + 1 + whole.length);
      // A name glued to more text by `-` or `.` (`@Ta|liban-led`) that names nothing as a whole:
      // only the part the cursor is in is replaced, and the entity goes in brackets so that the
      // rest stays text (`@[Taliban]-led`, as the quick fix writes it).
      const part = /^[\p{L}\p{N}\p{M}_]*/u.exec(tail)?.[0] ?? '';
      const glued = /^[.\-][\p{L}\p{N}\p{M}_.\-]*[\p{L}\p{N}]/u.test(tail.slice(part.length)) && project.resolver.kb.lookup(whole).length === 0;
      if (glued) end = position.character + part.length;
      return entityItems(project, short[0], lineRange(l, short.index, end), false, onClaim ? objectKinds(before.slice(0, short.index)) : undefined, glued);
    }
    const cite = /\[\^([^\s\]:^[]*)(?::([^\s\]]*))?$/.exec(before);
    // A paragraph ends at a `-` (`p7-p9`: the cursor in `p7` replaces `p7` only).
    if (cite) return citationItems(project, cite, l, cite[2] === undefined ? wordEnd : position.character + (/^\w*/.exec(lineText.slice(position.character))?.[0].length ?? 0));

    if (onClaim) return predicateItems(syntax, project, before, l, position.character, wordEnd, lineText.slice(position.character, wordEnd));
    return empty;
  }
}

/** True on any line of a fenced block, its fences included (an unclosed block ends at the last line). */
function inside(ranges: readonly Range[], p: Position): boolean {
  return ranges.some((r) => r.start.line <= p.line && p.line <= r.end.line);
}

/** The kinds a claim's object may have, when the text before a reference is `claim: @Subject [not] predicate `. */
function objectKinds(beforeReference: string): readonly string[] | undefined {
  const m = /claim:\s*(?:@\[[^\]]*\]|@\S+)\s+(?:not\s+)?([\w-]+)\s+$/iu.exec(beforeReference);
  const predicate = m?.[1].toLowerCase();
  return predicate && Object.hasOwn(PREDICATES, predicate) ? PREDICATES[predicate].object : undefined;
}

/** How many matches are ranked again when a claim's predicate says which kinds fit first. */
const KIND_WINDOW = 4 * MAX_ENTITIES;

/**
 * Entities whose id, name or an alias fits what was typed, best first, inserting a form that
 * resolves. In a claim's object, entities of the kinds the predicate takes come first
 * (`member-of @` lists organizations before states), among the best matches.
 *
 * The order is the server's: each item's filter text starts with exactly what was written
 * (`written`: the `@` or `@[` and the name so far), so a client's own fuzzy match scores every
 * item the same and keeps this order, and no item is hidden for a spelling the KB folds (`@U.S`
 * for US, `@Putin-Xi` for an en dash, `@Zur` for Zürich). The list is always incomplete, so the
 * client asks again at each keystroke instead of re-ranking a stale list by its own rules.
 */
function entityItems(project: Project, written: string, replace: Range, bracket: boolean, kinds?: readonly string[], enclose = false): CompletionList {
  const query = normalizeName(written.slice(bracket ? 2 : 1));
  const kb = project.resolver.kb;
  const names = kb.names();
  let { matches } = names.complete(query, kinds ? KIND_WINDOW : MAX_ENTITIES);
  if (kinds) {
    const fits = (m: (typeof matches)[number]) => kinds.includes(kb.entities.get(m.id)?.kind ?? '');
    const ranked = [...matches.filter(fits), ...matches.filter((m) => !fits(m))];
    matches = ranked.slice(0, MAX_ENTITIES);
  }
  const items = matches.map((m, i): CompletionItem | undefined => {
    const entity = kb.entities.get(m.id);
    if (!entity) return undefined;
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
    const text = bracket || enclose || !SHORT_NAME.test(name) ? `@[${name}]` : `@${name}`;
    return {
      label,
      kind: KIND_ICON[entity.kind],
      detail: `${entity.kind} · ${entity.name}`,
      documentation: { kind: MarkupKind.Markdown, value: escapeMarkdown(entity.summary) },
      sortText: String(i).padStart(4, '0'),
      // The label after it, for a client that filters this list once more before it asks again
      // (VS Code does after a space inside `@[…`).
      filterText: `${written} ${label}`,
      textEdit: { range: replace, newText: text },
      insertTextFormat: InsertTextFormat.PlainText,
    };
  });
  return { isIncomplete: true, items: items.filter((x): x is CompletionItem => x !== undefined) };
}

function citationItems(project: Project, m: RegExpExecArray, line: number, wordEnd: number): CompletionList {
  const sources = project.resolver.kb.sources;
  const sourceStart = m.index + 2;
  if (m[2] === undefined) {
    const items = [...sources.values()].map((s): CompletionItem => ({
      label: s.id,
      kind: CompletionItemKind.Reference,
      detail: `${s.title} — ${s.author}, ${s.year}`,
      textEdit: { range: lineRange(line, sourceStart, wordEnd), newText: s.id },
    }));
    return { isIncomplete: false, items };
  }
  const source = sources.get(m[1]);
  if (!source) return { isIncomplete: false, items: [] };
  // The paragraph being written: after the `-` of a range (`p7-p|9` completes the second end).
  const partStart = sourceStart + m[1].length + 1 + (m[2].lastIndexOf('-') + 1);
  const items = source.paragraphs.map((p, i): CompletionItem => ({
    label: p.id,
    kind: CompletionItemKind.Reference,
    detail: p.section || source.title,
    documentation: { kind: MarkupKind.Markdown, value: `> ${escapeMarkdown(p.text.length > 400 ? `${p.text.slice(0, 400)}…` : p.text)}` },
    sortText: String(i).padStart(4, '0'),
    textEdit: { range: lineRange(line, partStart, wordEnd), newText: p.id },
  }));
  return { isIncomplete: false, items };
}

/**
 * After the subject of a claim (and an optional `not`): the predicates, and `not`. Those that take
 * the subject's kind come first (a state: member-of before leads).
 */
function predicateItems(syntax: BriefSyntax, project: Project, before: string, line: number, character: number, wordEnd: number, wordAfter: string): CompletionList {
  const subject = syntax.references.find((r) => r.line === line && /claim:\s*$/i.test(before.slice(0, r.start)));
  if (!subject || subject.end > character) return { isIncomplete: false, items: [] };
  const between = before.slice(subject.end);
  const m = /^\s+(not\s+)?([\w-]*)$/i.exec(between);
  if (!m) return { isIncomplete: false, items: [] };
  const wordStart = character - m[2].length;
  const resolved = project.resolver.resolve(subject.name);
  const kind = resolved.status === 'resolved' ? resolved.entity.kind : undefined;
  const fits = (p: string) => kind === undefined || PREDICATES[p].subject.includes(kind);
  const ordered = [...PREDICATE_NAMES.filter(fits), ...PREDICATE_NAMES.filter((p) => !fits(p))];
  const items: CompletionItem[] = ordered.map((p, i) => ({
    label: p,
    kind: CompletionItemKind.Operator,
    detail: `${PREDICATES[p].subject.join('/')} → ${PREDICATES[p].object.join('/')}${PREDICATES[p].symmetric ? ' (symmetric)' : ''}${fits(p) ? '' : ` (not for ${kind})`}`,
    sortText: String(i + 1).padStart(4, '0'),
    textEdit: { range: lineRange(line, wordStart, wordEnd), newText: p },
  }));
  if (!m[1]) {
    // `not` goes before the predicate under the cursor, or in place of `no` being typed.
    const word = before.slice(wordStart) + wordAfter;
    const newText = 'not'.startsWith(word.toLowerCase()) ? 'not ' : `not ${word}`;
    items.unshift({ label: 'not', kind: CompletionItemKind.Keyword, detail: 'the claim says the relation does not hold', sortText: '0000', textEdit: { range: lineRange(line, wordStart, wordEnd), newText } });
  }
  return { isIncomplete: false, items };
}

function directiveItems(before: string, line: number, wordEnd: number): CompletionList {
  const m = /%%\s*(brief-(?:disable-next-line|disable|enable)\s+(?:[\w-]+[\s,]+)*)?([\w-]*)$/.exec(before);
  if (!m) return { isIncomplete: false, items: [] };
  const range = lineRange(line, before.length - m[2].length, wordEnd);
  const names = m[1] ? RULE_CODES : ['brief-disable-next-line', 'brief-disable', 'brief-enable'];
  return { isIncomplete: false, items: names.map((n) => ({ label: n, kind: m[1] ? CompletionItemKind.EnumMember : CompletionItemKind.Keyword, textEdit: { range, newText: n } })) };
}

function frontMatterItems(frontMatterLines: readonly string[], before: string, project: Project, line: number): CompletionList {
  const keyMatch = /^([\w-]*)$/.exec(before);
  if (keyMatch) {
    // Keys already written, read from the lines themselves: while a key is half typed the YAML
    // may not parse, and the parsed entries would be empty.
    const present = new Set(frontMatterLines.filter((_, i) => i !== line).map((t) => /^([\w-]+):/.exec(t)?.[1]).filter((k) => k !== undefined));
    const items = Object.entries(FRONT_MATTER_KEYS)
      .filter(([k]) => !present.has(k))
      .map(([k, info]): CompletionItem => ({
        label: k,
        kind: CompletionItemKind.Property,
        documentation: info.description,
        textEdit: { range: lineRange(line, 0, before.length), newText: `${k}: ` },
      }));
    return { isIncomplete: false, items };
  }
  const valueMatch = /^(\w+):\s*\[?(?:[^,\]]*,\s*)*([^\s,\]]*)$/.exec(before);
  if (!valueMatch) return { isIncomplete: false, items: [] };
  const key = valueMatch[1];
  const values = key === 'sources' ? [...project.resolver.kb.sources.keys()] : (FRONT_MATTER_KEYS[key]?.values ?? []);
  const range = lineRange(line, before.length - valueMatch[2].length, before.length);
  return { isIncomplete: false, items: values.map((v) => ({ label: v, kind: CompletionItemKind.Value, textEdit: { range, newText: v } })) };
}

/**
 * Completion: entities after `@` and `@[`, predicates in a claim, sources after `[^` and
 * paragraphs after `[^source:`, rule names in directives, and front matter keys and values.
 */
import { CompletionItemKind, MarkupKind, type CompletionItem, type CompletionList, type Position, type Range } from 'vscode-languageserver-types';
import type { BriefSyntax } from '../syntax';
import { PREDICATES, PREDICATE_NAMES, predicateSignature } from '../kinds';
import type { Project } from '../project';
import { escapeMarkdown } from '../markdown';
import { FRONT_MATTER_KEYS, frontMatterKey } from '../frontMatter';
import { RULE_CODES, RULE_DEFAULTS, RULE_DESCRIPTIONS } from '../rules';
import { lineRange, touches } from '../text';
import { bracketSpot, entityItems, shortSpot, type EntitySpot } from './entityCompletion';

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
    if (fm && l > 0 && l < fm.contentEndLine) return frontMatterItems(Array.from({ length: fm.contentEndLine }, (_, i) => (i === 0 ? '' : lineAt(i))), before, lineText.slice(position.character), project, l);
    if (fm && l === 0) return empty;
    // A front matter being written top down has no closing `---` yet, and reads as body until it
    // has (spec §3.1): its keys and values are offered while its lines are still all YAML keys.
    if (!fm && l > 0 && /^(?:[\w-]*$|[\w-]+:|[ \t])/.test(before) && syntax.problems.some((p) => p.code === 'front-matter-unterminated') && openFrontMatterReaches(lineAt, l)) {
      // Its lines are those that read as keys, below the cursor too (a key written there is not offered again).
      let end = l + 1;
      while (end < syntax.lineCount && FRONT_MATTER_LINE.test(lineAt(end))) end++;
      return frontMatterItems(Array.from({ length: end }, (_, i) => (i === 0 ? '' : lineAt(i))), before, lineText.slice(position.character), project, l);
    }

    // A word the cursor sits inside is replaced whole: `member|of` completes to `member-of`, not
    // `member-ofof`.
    const wordEnd = position.character + (/^[\w-]*/.exec(lineText.slice(position.character))?.[0].length ?? 0);
    const comment = syntax.comments.find((c) => c.range.start.line === l && c.range.start.character <= position.character);
    if (comment) return directiveItems(before, lineText.slice(position.character), l);

    const onClaim = syntax.claimLines.includes(l);
    // Not after a word (its combining marks included: `rene\u0301@`), as the parser reads an `@` (inline.ts `glued`).
    const bracket = /(?<![\p{L}\p{N}_@\\](?:(?![\uFE0F\u20E3])\p{M})*)@\[[^\]]*$/u.exec(before);
    const short = bracket ? null : /(?<![\p{L}\p{N}_@\\](?:(?![\uFE0F\u20E3])\p{M})*)@(?:[\p{L}\p{N}][\p{L}\p{N}\p{M}_.\-]*)?$/u.exec(before);
    const at = (bracket ?? short)?.index;
    if (at !== undefined) {
      let spot: EntitySpot;
      if (bracket) spot = bracketSpot(lineText, l, at, position.character);
      // `@|[Xi Jinping]`: the bracket name after the cursor is the one under it.
      else if (position.character === at + 1 && lineText.charAt(at + 1) === '[') spot = { ...bracketSpot(lineText, l, at, at + 2), written: '@' };
      else spot = shortSpot(lineText, l, at, position.character, project.resolver.kb);
      // A claim's subject has its predicate after it: a `.` left after it would be glued to it
      // (`@U.S.` would become `@US.`, a malformed claim); the `.` was the abbreviation's.
      if (onClaim && /claim:\s*$/i.test(before.slice(0, at))) spot = abbreviationDotTakenIn(spot, lineText);
      return entityItems(project, spot, onClaim ? objectKinds(before.slice(0, at)) : undefined);
    }
    const cite = /\[\^([^\s\]:^[]*)(?::([^\s\]]*))?$/.exec(before);
    // A paragraph ends at a `-` (`p7-p9`: the cursor in `p7` replaces `p7` only).
    if (cite) return citationItems(project, cite, l, cite[2] === undefined ? wordEnd : position.character + (/^\w*/.exec(lineText.slice(position.character))?.[0].length ?? 0));

    if (onClaim) return predicateItems(syntax, project, before, l, position.character, wordEnd, lineText.slice(position.character, wordEnd), lineText.slice(wordEnd));
    return empty;
  }
}

/** The spot of a claim's subject, with a `.` kept after the name, or right after the range, replaced too. */
function abbreviationDotTakenIn(spot: EntitySpot, lineText: string): EntitySpot {
  if (spot.kept === '.') return { ...spot, kept: '' };
  const end = spot.range.end.character;
  if (spot.kept !== '' || !/^\.(\s|$)/.test(lineText.slice(end))) return spot;
  return { ...spot, range: { start: spot.range.start, end: { line: spot.range.end.line, character: end + 1 } }, replaced: undefined };
}

/** True on any line of a fenced block, its fences included (an unclosed block ends at the last line). */
function inside(ranges: readonly Range[], p: Position): boolean {
  return ranges.some((r) => r.start.line <= p.line && p.line <= r.end.line);
}

/** The kinds a claim's object may have, when the text before a reference is `claim: @Subject [not] predicate `. */
function objectKinds(beforeReference: string): readonly string[] | undefined {
  const m = /claim:\s*(?:@\[[^\]]*\]|@\S+)\s+(?:not\s+)?([\w-]+)\s+$/iu.exec(beforeReference);
  const predicate = m?.[1].toLowerCase();
  return predicate ? predicateSignature(predicate)?.object : undefined;
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
  // The paragraph being written: after the `-` of a range (`p7-p|9` completes the second end),
  // which only a paragraph after the first can be: `p7-p1` runs backwards.
  const dash = m[2].lastIndexOf('-');
  const partStart = sourceStart + m[1].length + 1 + (dash + 1);
  const first = dash < 0 ? undefined : /^p(\d+)$/i.exec(m[2].slice(0, dash))?.[1];
  // A range runs from a paragraph to a later one: after `c1-` or `x-` nothing can end it.
  const offered = dash < 0 ? source.paragraphs : first === undefined ? [] : source.paragraphs.filter((p) => Number(/^p(\d+)$/i.exec(p.id)?.[1] ?? Infinity) > Number(first));
  const items = offered.map((p, i): CompletionItem => ({
    label: p.id,
    kind: CompletionItemKind.Reference,
    // Beside the id, how the paragraph begins: the analyst looking for "the Wakhan paragraph"
    // reads the list rather than stepping through twenty previews.
    labelDetails: { description: opening(p.text) },
    ...(p.section ? { detail: p.section } : {}),
    documentation: { kind: MarkupKind.Markdown, value: `> ${escapeMarkdown(p.text.length > 400 ? `${p.text.slice(0, 400)}…` : p.text)}` },
    sortText: String(i).padStart(4, '0'),
    textEdit: { range: lineRange(line, partStart, wordEnd), newText: p.id },
  }));
  return { isIncomplete: false, items };
}

/** A line of a front matter: a key, or an indented list item or value. */
const FRONT_MATTER_LINE = /^(?:[\w-]+:|[ \t]+\S)/;

/** Whether every line from the opening `---` to line `l` (excluded) reads as a front matter's. */
function openFrontMatterReaches(lineAt: (line: number) => string, l: number): boolean {
  for (let i = 1; i < l; i++) if (!FRONT_MATTER_LINE.test(lineAt(i))) return false;
  return true;
}

/** A paragraph's first words, up to about 48 characters, cut at a word: `China has long sought to ensure…`. */
export function opening(text: string): string {
  if (text.length <= 48) return text;
  const cut = text.lastIndexOf(' ', 48);
  return `${text.slice(0, cut > 20 ? cut : 48)}…`;
}

/**
 * After the subject of a claim (and an optional `not`): the predicates, and `not`. Those that take
 * the subject's kind come first (a state: member-of before leads).
 */
function predicateItems(syntax: BriefSyntax, project: Project, before: string, line: number, character: number, wordEnd: number, wordAfter: string, following: string): CompletionList {
  const spaceAfter = /^\s/.test(following);
  const subject = syntax.references.find((r) => r.line === line && /claim:\s*$/i.test(before.slice(0, r.start)));
  if (!subject || subject.end > character) return { isIncomplete: false, items: [] };
  // `@U.S. |`: the abbreviation's last `.` follows the subject (as the parser reads a claim).
  const between = before.slice(subject.end + (subject.name.includes('.') && before.charAt(subject.end) === '.' ? 1 : 0));
  const m = /^\s+(not\s+)?([\w-]*)$/i.exec(between);
  if (!m) return { isIncomplete: false, items: [] };
  const wordStart = character - m[2].length;
  // Inside a `not` already written before the predicate: nothing to offer in its place (a
  // predicate there would make `member-of member-of`).
  if (!m[1] && spaceAfter && (m[2] + wordAfter).toLowerCase() === 'not') return { isIncomplete: false, items: [] };
  // Before a predicate already written (`@Russia n| member-of`): only `not` fits there.
  const next = /^\s+([\w-]+)/.exec(following)?.[1].toLowerCase();
  const beforePredicate = !m[1] && next !== undefined && predicateSignature(next) !== undefined;
  const resolved = project.resolver.resolve(subject.name);
  const kind = resolved.status === 'resolved' ? resolved.entity.kind : undefined;
  const fits = (p: string) => kind === undefined || PREDICATES[p].subject.includes(kind);
  const ordered = [...PREDICATE_NAMES.filter(fits), ...PREDICATE_NAMES.filter((p) => !fits(p))];
  const items: CompletionItem[] = (beforePredicate ? [] : ordered).map((p, i) => ({
    label: p,
    kind: CompletionItemKind.Operator,
    detail: `${PREDICATES[p].subject.join('/')} → ${PREDICATES[p].object.join('/')}${PREDICATES[p].symmetric ? ' (symmetric)' : ''}${fits(p) ? '' : ` (not for ${kind})`}`,
    // Beside the label in the list, as entities show their kind: the sentence the claim makes.
    labelDetails: { description: PREDICATES[p].phrase },
    sortText: String(i + 1).padStart(4, '0'),
    textEdit: { range: lineRange(line, wordStart, wordEnd), newText: p },
  }));
  if (!m[1]) {
    // `not` goes before the predicate under the cursor, or in place of `no` being typed.
    const word = before.slice(wordStart) + wordAfter;
    const newText = 'not'.startsWith(word.toLowerCase()) ? (spaceAfter ? 'not' : 'not ') : `not ${word}`;
    items.unshift({ label: 'not', kind: CompletionItemKind.Keyword, detail: 'the claim says the relation does not hold', sortText: '0000', textEdit: { range: lineRange(line, wordStart, wordEnd), newText } });
  }
  return { isIncomplete: false, items };
}

/** `rest`: the line after the cursor. */
function directiveItems(before: string, rest: string, line: number): CompletionList {
  const m = /%%\s*(brief-(?:disable-next-line|disable|enable)\s+(?:[\w-]+[\s,]+)*)?([\w-]*)$/.exec(before);
  if (!m) return { isIncomplete: false, items: [] };
  // The rest of the word at the cursor; a rule name never starts with `-`, so a `--` right after
  // the cursor is the reason's separator, not part of what is replaced.
  const wordAfter = /^(?!-)[\w-]*/.exec(rest)?.[0] ?? '';
  const after = rest.slice(wordAfter.length);
  const wordEnd = before.length + wordAfter.length;
  // Written right before the separator, a name gets the space that keeps ` -- ` a separator.
  const space = after.startsWith('-') ? ' ' : '';
  const range = lineRange(line, before.length - m[2].length, wordEnd);
  if (!m[1]) return { isIncomplete: false, items: ['brief-disable-next-line', 'brief-disable', 'brief-enable'].map((n, i) => ({ label: n, kind: CompletionItemKind.Keyword, sortText: String(i), textEdit: { range, newText: n } })) };
  // After ` -- ` the text says why: no rule names there (the parser's test, parser.ts).
  const names = m[1].replace(/^brief-[\w-]+/, '');
  if (/(^|[\s,])--(\s|$)/.test(names + m[2])) return { isIncomplete: false, items: [] };
  // Rules the line already names, before the cursor and after it (up to its ` -- `), are not offered again.
  const later = after.split(/(?:^|[\s,])--(?:\s|$)/)[0];
  const listed = new Set(`${names} ${later}`.split(/[\s,]+/));
  // The rule under the cursor first (`%% brief-disable |unsupported-claim`): accepting the first
  // item then keeps what was written.
  const word = m[2] + wordAfter;
  const rules = RULE_CODES.filter((n) => !listed.has(n));
  const ordered = word === m[2] ? rules : [...rules.filter((n) => n.startsWith(word)), ...rules.filter((n) => !n.startsWith(word))];
  return {
    isIncomplete: false,
    items: ordered.map((n, i) => ({ label: n, kind: CompletionItemKind.EnumMember, detail: `${RULE_DEFAULTS[n]} by default`, documentation: { kind: MarkupKind.Markdown, value: RULE_DESCRIPTIONS[n] }, sortText: String(i).padStart(3, '0'), textEdit: { range, newText: n + space } })),
  };
}

function frontMatterItems(frontMatterLines: readonly string[], before: string, after: string, project: Project, line: number): CompletionList {
  const values = (key: string) => (key === 'sources' ? [...project.resolver.kb.sources.keys()] : (frontMatterKey(key)?.values ?? []));
  // The rest of the value under the cursor is replaced too (`TLP:|AMBER` → `TLP:GREEN`, not
  // `TLP:GREENAMBER`), as in the body.
  const valueRest = /^[^\s,\]#]*/.exec(after)?.[0].length ?? 0;
  // An item of a block list under `sources:` (`  - carlson-2021`), as in the flow form `[…]`.
  const item = /^\s*-(\s*)([^\s,\]]*)$/.exec(before);
  if (item && (item[1] !== '' || item[2] === '') && blockListKey(frontMatterLines, line) === 'sources') {
    const range = lineRange(line, before.length - item[2].length, before.length + valueRest);
    // `-carlson-2021` would be a string, not an item.
    const space = item[1] === '' ? ' ' : '';
    const listed = new Set(siblingItems(frontMatterLines, line));
    return { isIncomplete: false, items: values('sources').filter((v) => !listed.has(v)).map((v) => ({ label: v, kind: CompletionItemKind.Value, textEdit: { range, newText: space + v } })) };
  }
  const keyMatch = /^([\w-]*)$/.exec(before);
  if (keyMatch) {
    // Keys already written, read from the lines themselves: while a key is half typed the YAML
    // may not parse, and the parsed entries would be empty.
    const present = new Set(frontMatterLines.filter((_, i) => i !== line).map((t) => /^([\w-]+):/.exec(t)?.[1]).filter((k) => k !== undefined));
    const items = Object.entries(FRONT_MATTER_KEYS)
      .filter(([k]) => !present.has(k))
      .map(([k, info], i): CompletionItem => ({
        label: k,
        kind: CompletionItemKind.Property,
        sortText: String(i).padStart(2, '0'),
        documentation: info.description,
        // The rest of the key, its `:` and the blanks after it are the item's (`con|fidence: low`).
        textEdit: { range: lineRange(line, 0, before.length + (/^[\w-]*(?::[ \t]*)?/.exec(after)?.[0].length ?? 0)), newText: `${k}: ` },
      }));
    return { isIncomplete: false, items };
  }
  const valueMatch = /^(\w+):(\s*)((?:\[\s*)?(?:[^,\]]*,\s*)*)([^\s,\]]*)$/.exec(before);
  if (!valueMatch) return { isIncomplete: false, items: [] };
  const [, key, space, list, typed] = valueMatch;
  // `sources` is a list (spec §3.1): a bare value is written as one (`sources: [carlson-2021]`),
  // and ids the list already holds are not offered again.
  const bare = key === 'sources' && !list.startsWith('[');
  const listed = new Set(list.replace(/^\[/, '').split(',').map((v) => v.trim()));
  const offered = values(key).filter((v) => !listed.has(v));
  const written = (v: string) => (bare ? `[${v}]` : v);
  // In the spec's order (TLP:CLEAR to TLP:RED, low to high), which the editor would sort away.
  const order = (i: number) => String(i).padStart(4, '0');
  if (space === '') {
    // `confidence:low` is one string to YAML, not a key and its value (front-matter-syntax): a
    // value offered right after the `:` brings the space it needs, and takes in any `[` typed.
    const range = lineRange(line, key.length + 1, before.length + valueRest);
    return { isIncomplete: false, items: offered.map((v, i) => ({ label: v, kind: CompletionItemKind.Value, sortText: order(i), filterText: list + v, textEdit: { range, newText: ` ${list}${written(v)}` } })) };
  }
  const range = lineRange(line, before.length - typed.length, before.length + valueRest);
  return { isIncomplete: false, items: offered.map((v, i) => ({ label: v, kind: CompletionItemKind.Value, sortText: order(i), textEdit: { range, newText: written(v) } })) };
}

/** The values of the block list that holds line `line`, from the items above and below it. */
function siblingItems(frontMatterLines: readonly string[], line: number): string[] {
  const values: string[] = [];
  for (const step of [-1, 1]) {
    for (let l = line + step; l > 0 && l < frontMatterLines.length; l += step) {
      const m = /^\s*-\s*(\S*)/.exec(frontMatterLines[l]);
      if (m) values.push(m[1]);
      else if (!/^\s*(#|$)/.test(frontMatterLines[l])) break;
    }
  }
  return values;
}

/** The key whose block list holds line `line` (`sources:` above `  - a`, `  - b`), if it is one. */
function blockListKey(frontMatterLines: readonly string[], line: number): string | undefined {
  for (let l = line - 1; l > 0; l--) {
    const text = frontMatterLines[l];
    if (/^\s*(-|#|$)/.test(text)) continue;
    return /^([\w-]+):\s*(#.*)?$/.exec(text)?.[1];
  }
  return undefined;
}

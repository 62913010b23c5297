/**
 * Code actions: quick fixes for the diagnostics of a brief, and the "Use canonical names"
 * source action.
 *
 * - unknown-reference: one fix per did-you-mean candidate (the best one preferred), and "Add
 *   '<name>' to the workspace KB" (kbStub.ts);
 * - ambiguous-reference: one fix per candidate, none preferred (which one is meant is the
 *   analyst's call);
 * - malformed-reference (unclosed `@[`): insert `]` after the longest prefix that names an
 *   entity, else at the end of the text before trailing spaces or a comment;
 * - unknown-predicate: one fix per suggested predicate;
 * - every rule: "Disable <rule> for this line" (`%% brief-disable-next-line <rule>` above, or
 *   the rule added to a directive already there). Not for lines of the front matter, where a
 *   `%%` line would be YAML.
 *
 * A fix rewrites a reference to a form that names its entity alone: the name, else the id, else
 * an alias (referenceText.ts). A candidate with no such form gets no fix.
 */
import { CodeActionKind, TextEdit, type CodeAction, type CodeActionContext, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { BriefSyntax, EntityReference } from '../syntax';
import type { Entity } from '../kb/model';
import type { ProjectState } from '../project';
import type { BriefDiagnosticData } from '../validation';
import { isRuleCode } from '../rules';
import { PREDICATES } from '../kinds';
import { normalizeName } from '../normalize';
import { boundedEditDistance } from '../kb/nameDistance';
import { addEntityEdit, type KbStubFiles } from './kbStub';
import { canonicalNameIsUnique, documentLines, lineEnding, referenceText, uniqueLabel, writtenAs } from './referenceText';

/** The kind of the source action that rewrites alias references to canonical names. */
export const CANONICAL_NAMES_KIND = 'source.brief.canonicalNames';

/** The code action kinds the server announces. */
export const CODE_ACTION_KINDS: readonly string[] = [CodeActionKind.QuickFix, CANONICAL_NAMES_KIND];

/** How far into an unclosed `@[` the fix looks for a name that resolves: names are short, lines may not be. */
const MAX_UNCLOSED_SCAN = 200;

export class CodeActionProvider {
  /**
   * The actions for the diagnostics in `context` (those the client sends for the range) and the
   * source action. `stubFiles` enables "Add to the workspace KB"; without it that fix is not offered.
   */
  provideCodeActions(
    document: Pick<TextDocument, 'uri' | 'getText'>,
    syntax: BriefSyntax,
    state: ProjectState,
    context: CodeActionContext,
    stubFiles?: KbStubFiles,
  ): CodeAction[] {
    const text = document.getText();
    const lines = documentLines(text);
    const wanted = (kind: string) => !context.only || context.only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const fix = new FixBuilder(document.uri, syntax, state, lines, stubFiles);
    const actions: CodeAction[] = [];
    if (wanted(CodeActionKind.QuickFix)) {
      const disables: CodeAction[] = [];
      const seen = new Set<string>();
      for (const d of context.diagnostics) {
        if (d.source !== 'brief' || typeof d.code !== 'string' || !isRuleCode(d.code)) continue;
        actions.push(...fix.forDiagnostic(d));
        const key = `${d.range.start.line}\u0000${d.code}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const disable = fix.disableForLine(d, d.code, lineEnding(text));
        if (disable) disables.push(disable);
      }
      actions.push(...disables);
    }
    if (wanted(CANONICAL_NAMES_KIND)) {
      const canonical = fix.canonicalNames();
      if (canonical) actions.push(canonical);
    }
    return actions;
  }
}

/** Builds the actions of one request; holds what every fix needs. */
class FixBuilder {
  constructor(
    private readonly uri: string,
    private readonly syntax: BriefSyntax,
    private readonly state: ProjectState,
    private readonly lines: readonly string[],
    private readonly stubFiles?: KbStubFiles,
  ) {}

  private get kb() {
    return this.state.project.resolver.kb;
  }

  forDiagnostic(d: Diagnostic): CodeAction[] {
    const data = (d.data ?? {}) as BriefDiagnosticData;
    switch (d.code) {
      case 'unknown-reference':
      case 'ambiguous-reference': {
        const ref = this.referenceAt(d.range);
        if (!ref) return [];
        const ids = data.candidates ?? this.candidatesOf(ref);
        const split = d.code === 'unknown-reference' ? this.splitAtHyphen(d, ref) : undefined;
        const actions = [...(split ? [split] : []), ...this.rewrites(d, ref, ids, d.code === 'unknown-reference' && !split)];
        if (d.code === 'unknown-reference') {
          const add = this.addToKb(d, ref);
          if (add) actions.push(add);
        }
        return actions;
      }
      case 'malformed-reference':
        return this.closeBracket(d);
      case 'malformed-claim':
        return this.joinPredicate(d);
      case 'unknown-predicate':
        return (data.predicates ?? []).map((p, i) => this.action(`Change to '${p}'`, d, [TextEdit.replace(d.range, p)], i === 0));
      default:
        return this.replacements(d, data.replacements ?? []);
    }
  }

  /** Candidates when the client did not send the diagnostic's data back. */
  private candidatesOf(ref: EntityReference): string[] {
    const r = this.state.project.resolver.resolve(ref.name);
    if (r.status === 'ambiguous') return r.candidates.map((e) => e.id);
    if (r.status === 'unknown') return r.suggestions.map((e) => e.id);
    return [];
  }

  /**
   * The rewrites to each candidate. The first is preferred (the one an editor applies on its own)
   * only when it is a typo away from what was written: a far suggestion (`@[Islamic Emirate]` to
   * Islamic State) is offered, never applied unasked.
   */
  private rewrites(d: Diagnostic, ref: EntityReference, ids: readonly string[], preferBest: boolean): CodeAction[] {
    const actions: CodeAction[] = [];
    for (const id of ids) {
      const entity = this.kb.entities.get(id);
      const label = entity && uniqueLabel(entity, this.kb);
      if (!entity || !label) continue;
      const text = referenceText(label, ref, this.lines[ref.line] ?? '');
      const preferred = preferBest && actions.length === 0 && aTypoAway(ref.name, entity);
      actions.push(this.action(`Change to '${text}'${describe(entity, label)}`, d, [TextEdit.replace(ref.range, text)], preferred));
    }
    return actions;
  }

  /**
   * `@Taliban-led`, `@China-Russia`: a name runs on through `-`, so the word after it joins the
   * reference. When what comes before a `-` names one entity, this keeps the rest as written:
   * `@[Taliban]-led`, or `@China-@Russia` when the rest names one too. Preferred: it loses nothing.
   */
  private splitAtHyphen(d: Diagnostic, ref: EntityReference): CodeAction | undefined {
    if (ref.form !== 'short') return undefined;
    const name = ref.name;
    for (let cut = name.lastIndexOf('-'); cut > 0; cut = name.lastIndexOf('-', cut - 1)) {
      const head = name.slice(0, cut);
      if (this.kb.lookup(head).length !== 1) continue;
      const rest = name.slice(cut + 1);
      if (rest !== '' && this.kb.lookup(rest).length === 1) {
        return this.action(`Split into two references: '@${head}-@${rest}'`, d, [TextEdit.replace(ref.range, `@${head}-@${rest}`)], true);
      }
      return this.action(`Refer to '${head}' only: '@[${head}]-${rest}'`, d, [TextEdit.replace(ref.range, `@[${head}]-${rest}`)], true);
    }
    return undefined;
  }

  private addToKb(d: Diagnostic, ref: EntityReference): CodeAction | undefined {
    if (!this.stubFiles) return undefined;
    const add = addEntityEdit(ref, this.syntax, this.kb, this.state, this.stubFiles);
    if (!add) return undefined;
    return {
      title: `Add '${ref.name}' to the workspace KB`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: add.edit,
      command: { title: 'Open the KB file', command: 'vscode.open', arguments: [add.kbUri] },
    };
  }

  /**
   * What a message's "Did you mean …?" proposes, as fixes (an unknown rule or source id, a paragraph
   * written `5` or backwards). A YAML value written in quotes keeps its quotes.
   */
  private replacements(d: Diagnostic, texts: readonly string[]): CodeAction[] {
    const line = this.lines[d.range.start.line] ?? '';
    const written = d.range.start.line === d.range.end.line ? line.slice(d.range.start.character, d.range.end.character) : '';
    const quote = /^(["'])[^]*\1$/.exec(written)?.[1] ?? '';
    return texts.map((t, i) => this.action(`Change to '${t}'`, d, [TextEdit.replace(d.range, `${quote}${t}${quote}`)], i === 0));
  }

  /** `member of` → `member-of`: a predicate written as two words, in a malformed claim. */
  private joinPredicate(d: Diagnostic): CodeAction[] {
    if (d.range.start.line !== d.range.end.line) return [];
    const line = this.lines[d.range.start.line] ?? '';
    const claim = line.slice(0, d.range.end.character);
    const words = /(?<![\p{L}\p{N}_@-])(\p{L}+)[ \t]+(\p{L}+)(?![\p{L}\p{N}_-])/gu;
    words.lastIndex = d.range.start.character;
    for (let m = words.exec(claim); m; m = words.exec(claim)) {
      const predicate = `${m[1]}-${m[2]}`.toLowerCase();
      if (!Object.hasOwn(PREDICATES, predicate)) continue;
      const range = { start: { line: d.range.start.line, character: m.index }, end: { line: d.range.start.line, character: m.index + m[0].length } };
      return [this.action(`Change to '${predicate}'`, d, [TextEdit.replace(range, predicate)], true)];
    }
    return [];
  }

  /** `]` for an unclosed `@[`: after the longest prefix that names an entity, or at the end. */
  private closeBracket(d: Diagnostic): CodeAction[] {
    const line = this.lines[d.range.start.line] ?? '';
    const from = d.range.start.character;
    const written = line.slice(from, d.range.end.line === d.range.start.line ? d.range.end.character : line.length);
    if (!written.startsWith('@[') || written.includes(']')) return []; // `@[]` is the other malformed-reference
    const body = written.slice(2).trimEnd();
    if (body.trim() === '') return [];
    const end = from + 2 + body.length;
    const actions: CodeAction[] = [];
    const named = this.longestResolvingPrefix(body);
    if (named !== undefined && named < body.length) {
      const at = from + 2 + named;
      actions.push(this.action(`Close the reference: '@[${body.slice(0, named)}]'`, d, [TextEdit.insert({ line: d.range.start.line, character: at }, ']')], true));
    }
    const title = actions.length > 0 ? "Close the reference at the end of the text: '…]'" : `Close the reference: '@[${body}]'`;
    actions.push(this.action(title, d, [TextEdit.insert({ line: d.range.start.line, character: end }, ']')], actions.length === 0));
    return actions;
  }

  /** Length of the longest prefix of `body`, ending before a space or punctuation, that names exactly one entity. */
  private longestResolvingPrefix(body: string): number | undefined {
    let best: number | undefined;
    const limit = Math.min(body.length, MAX_UNCLOSED_SCAN);
    for (let p = 1; p <= limit; p++) {
      const boundary = p === body.length || /[\s,;:!?)'’"]/.test(body[p]);
      if (!boundary || /\s/.test(body[p - 1])) continue;
      if (this.kb.lookup(body.slice(0, p)).length === 1) best = p;
    }
    return best;
  }

  /** `%% brief-disable-next-line <rule>` above the line, or `<rule>` added to such a directive already there. */
  disableForLine(d: Diagnostic, rule: string, eol: string): CodeAction | undefined {
    const line = d.range.start.line;
    // Front matter lines are YAML, where a `%%` line is an error; of an unterminated one, only its `---` is.
    const fm = this.syntax.frontMatter;
    const unterminated = this.syntax.problems.some((p) => p.code === 'front-matter-unterminated');
    if (line < (fm ? fm.contentEndLine + 1 : unterminated ? 1 : 0)) return undefined;
    const title = `Disable ${rule} for this line`;
    const above = this.syntax.directives.find((x) => x.line === line - 1 && x.kind === 'disable-next-line');
    if (above && above.rules.length > 0) {
      const last = above.rules[above.rules.length - 1].range.end;
      return this.action(title, d, [TextEdit.insert(last, ` ${rule}`)], false);
    }
    const indent = /^\s*/.exec(this.lines[line] ?? '')?.[0] ?? '';
    return this.action(title, d, [TextEdit.insert({ line, character: 0 }, `${indent}%% brief-disable-next-line ${rule}${eol}`)], false);
  }

  /** Every alias reference rewritten to the entity's canonical name, when that name names it alone. */
  canonicalNames(): CodeAction | undefined {
    const edits: TextEdit[] = [];
    for (const ref of this.syntax.references) {
      const r = this.state.project.resolver.resolve(ref.name);
      if (r.status !== 'resolved' || writtenAs(ref, r.entity) !== 'alias' || !canonicalNameIsUnique(r.entity, this.kb)) continue;
      edits.push(TextEdit.replace(ref.range, referenceText(r.entity.name, ref, this.lines[ref.line] ?? '')));
    }
    if (edits.length === 0) return undefined;
    return { title: 'Use canonical names', kind: CANONICAL_NAMES_KIND, edit: { changes: { [this.uri]: edits } } };
  }

  private referenceAt(range: Range): EntityReference | undefined {
    return this.syntax.references.find((r) => r.line === range.start.line && r.start === range.start.character);
  }

  private action(title: string, d: Diagnostic, edits: TextEdit[], isPreferred: boolean): CodeAction {
    return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], ...(isPreferred ? { isPreferred } : {}), edit: { changes: { [this.uri]: edits } } };
  }
}

/** ` — Kant Air Base (facility)` when the label does not show the name, else ` (facility)`. */
function describe(entity: Entity, label: string): string {
  return label === entity.name ? ` (${entity.kind})` : ` — ${entity.name} (${entity.kind})`;
}

/**
 * Whether a written name is close enough to a name of the entity for its fix to be applied
 * unasked: a typo away (edit distance at most 2, and a third of its length), or its first words,
 * at least half of them (`@[Shanghai Cooperation]`, not `@Chinese` for the Chinese Ministry of
 * Foreign Affairs).
 */
function aTypoAway(written: string, entity: Entity): boolean {
  const w = normalizeName(written);
  const limit = Math.min(2, Math.floor(w.length / 3));
  const words = (s: string) => s.split('-').length;
  return [entity.id, entity.name, ...entity.aliases].some((label) => {
    const l = normalizeName(label);
    return boundedEditDistance(w, l, limit) <= limit || (l.startsWith(`${w}-`) && 2 * words(w) >= words(l));
  });
}

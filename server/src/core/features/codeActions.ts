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
import { CANDIDATES_FIXED, hyphenSplitOf, type BriefDiagnosticData } from '../validation';
import { isRuleCode } from '../rules';
import { predicateSignature } from '../kinds';
import { normalizeName } from '../normalize';
import { boundedEditDistance } from '../kb/nameDistance';
import { addEntityEdit, SHOW_KB_ENTITY_COMMAND, type KbStubFiles } from './kbStub';
import { abbreviationDot, canonicalNameIsUnique, documentLines, lineEndingAt, referenceText, restOfName, rewrittenEnd, uniqueLabel, writtenAs } from './referenceText';

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
        const disable = fix.disableForLine(d, d.code, lineEndingAt(text, d.range.start.line));
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

/** The whole words of a cut-off piece of text, taken from its `start` or its `end`. */
function wordsFrom(piece: string, side: 'start' | 'end'): string {
  const cut = side === 'start' ? piece.lastIndexOf(' ') : piece.indexOf(' ');
  if (cut <= 0) return piece.trim();
  return (side === 'start' ? piece.slice(0, cut) : piece.slice(cut + 1)).trim();
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
        // A diagnostic the editor still shows for text edited since is not fixed blind: the
        // reference must still be written as it was, and still fail to resolve the same way.
        if (!ref || ref.end !== d.range.end.character || (data.written !== undefined && this.textAt(d.range) !== data.written)) return [];
        if (this.state.project.resolver.resolve(ref.name).status !== (d.code === 'unknown-reference' ? 'unknown' : 'ambiguous')) return [];
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
        if (!this.stillWritten(d, data.written)) return [];
        return (data.predicates ?? []).map((p, i) => this.action(`Change to '${p}'`, d, [TextEdit.replace(d.range, p)], i === 0));
      default:
        return this.replacements(d, data.replacements ?? []);
    }
  }

  /** Candidates when the client did not send the diagnostic's data back. */
  private candidatesOf(ref: EntityReference): string[] {
    const r = this.state.project.resolver.resolve(ref.name);
    if (r.status === 'ambiguous') return r.candidates.slice(0, CANDIDATES_FIXED).map((e) => e.id);
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
      const line = this.lines[ref.line] ?? '';
      const text = referenceText(label, ref, line);
      if (!text) continue;
      const preferred = preferBest && actions.length === 0 && aTypoAway(ref.name, entity);
      const taken = restOfName(ref.name, label, line.slice(ref.end)) || abbreviationDot(ref, line, text, this.isClaimSubject(ref));
      const range = { start: ref.range.start, end: { line: ref.line, character: taken > 0 ? ref.end + taken : rewrittenEnd(ref) } };
      actions.push(this.action(`Change to '${text}'${describe(entity, label)}`, d, [TextEdit.replace(range, text)], preferred));
    }
    return actions;
  }

  /** `@Taliban-led` → `@[Taliban]-led`, `@China-Russia` → `@China-@Russia` (hyphenSplit.ts): what the message proposes. Preferred: it loses nothing. */
  private splitAtHyphen(d: Diagnostic, ref: EntityReference): CodeAction | undefined {
    const split = hyphenSplitOf(this.syntax, ref, this.kb);
    if (!split) return undefined;
    const title = split.references > 1 ? `Split into references: '${split.text}'` : `Refer to '${split.first}' only: '${split.text}'`;
    return this.action(title, d, [TextEdit.replace(ref.range, split.text)], true);
  }

  private addToKb(d: Diagnostic, ref: EntityReference): CodeAction | undefined {
    if (!this.stubFiles) return undefined;
    const add = addEntityEdit(ref, this.syntax, this.kb, this.state, this.stubFiles);
    if (!add) return undefined;
    return {
      title: `Add '${ref.name}' to the workspace KB${this.stubFiles.kbUnsaved ? ' (the KB file has unsaved changes: the reference resolves once it is saved)' : ''}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: add.edit,
      ...(this.stubFiles.canShowDocument ? { command: { title: 'Open the KB file', command: SHOW_KB_ENTITY_COMMAND, arguments: [add.kbUri, add.id] } } : {}),
    };
  }

  /**
   * What a message's "Did you mean …?" proposes, as fixes (an unknown rule or source id, a paragraph
   * written `5` or backwards). A YAML value written in quotes keeps its quotes.
   */
  private replacements(d: Diagnostic, texts: readonly string[]): CodeAction[] {
    const quote = /^(["'])[^]*\1$/.exec(this.textAt(d.range))?.[1] ?? '';
    if (texts.length === 0 || !this.stillWritten(d, (d.data as BriefDiagnosticData | undefined)?.written)) return [];
    return texts.map((t, i) => this.action(`Change to '${t}'`, d, [TextEdit.replace(d.range, `${quote}${t}${quote}`)], i === 0));
  }

  /** The text of a one-line range now ('' for a range over lines). */
  private textAt(range: Range): string {
    if (range.start.line !== range.end.line) return '';
    return (this.lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
  }

  /**
   * Whether the range still holds what the diagnostic was made for (quotes of a YAML value aside):
   * a client may ask for fixes with a diagnostic of an older version of the text.
   */
  private stillWritten(d: Diagnostic, written: string | undefined): boolean {
    if (written === undefined) return true;
    const now = this.textAt(d.range);
    if (now !== written && !(/^(["'])[^]*\1$/.test(now) && now.slice(1, -1) === written)) return false;
    // Typed on at either end (`5` → `55`): the range holds only part of what is there now.
    const line = this.lines[d.range.start.line] ?? '';
    const word = /[\p{L}\p{N}_.\-]/u;
    return !word.test(line[d.range.start.character - 1] ?? '') && !word.test(line[d.range.end.character] ?? '');
  }

  /**
   * `member of` → `member-of`: a predicate written as two words, right after a claim's subject
   * (and `not`), as the malformed-claim message says.
   */
  private joinPredicate(d: Diagnostic): CodeAction[] {
    const l = d.range.start.line;
    const line = this.lines[l] ?? '';
    const subject = this.syntax.references.find((r) => r.line === l && /claim:\s*$/i.test(line.slice(0, r.start)));
    if (!subject) return [];
    const after = /^([ \t]+(?:not[ \t]+)?)(\p{L}+)[ \t]+(\p{L}+)(?![\p{L}\p{N}_-])/iu.exec(line.slice(subject.end));
    if (!after) return [];
    const predicate = `${after[2]}-${after[3]}`.toLowerCase();
    if (!predicateSignature(predicate)) return [];
    const start = subject.end + after[1].length;
    const range = { start: { line: l, character: start }, end: { line: l, character: subject.end + after[0].length } };
    return [this.action(`Change to '${predicate}'`, d, [TextEdit.replace(range, predicate)], true)];
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
    // The whole text, or for a long one its two ends: the analyst sees where the `]` goes.
    const shown = body.length <= 40 ? body : `${wordsFrom(body.slice(0, 16), 'start')} … ${wordsFrom(body.slice(-16), 'end')}`;
    const title = actions.length > 0 ? `Close the reference at the end of the text: '@[${shown}]'` : `Close the reference: '@[${shown}]'`;
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
      const line = this.lines[ref.line] ?? '';
      const text = referenceText(r.entity.name, ref, line);
      if (!text) continue;
      const dot = abbreviationDot(ref, line, text, this.isClaimSubject(ref));
      const end = dot > 0 ? ref.end + dot : rewrittenEnd(ref);
      edits.push(TextEdit.replace({ start: ref.range.start, end: { line: ref.line, character: end } }, text));
    }
    if (edits.length === 0) return undefined;
    return { title: 'Use canonical names', kind: CANONICAL_NAMES_KIND, edit: { changes: { [this.uri]: edits } } };
  }

  /** True when `ref` is the subject of a claim, which must be followed by a space. */
  private isClaimSubject(ref: EntityReference): boolean {
    return this.syntax.claims.some((c) => c.subject.line === ref.line && c.subject.start === ref.start);
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


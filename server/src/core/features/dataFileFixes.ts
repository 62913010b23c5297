/**
 * Quick fixes in `.briefrc.yaml` and KB YAML files: the replacement a diagnostic already proposes
 * ("Unknown rule 'unsuported-claim'. Did you mean unsupported-claim?", "unknown key 'smmary':
 * did you mean 'summary'?", "Unknown source 'carlson-2022': did you mean 'carlson-2021'?", a
 * target written as a name: "use the id 'tajikistan'"), applied to the key or value the
 * diagnostic covers. These diagnostics come from the KB's readings, which a cache keeps as text
 * and ranges; the fix reads the replacement from the message, whose wording the checks and this
 * file share (and the tests hold to).
 */
import { CodeActionKind, TextEdit, type CodeAction, type CodeActionContext, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { documentLines } from './referenceText';

/** "did you mean x?", "did you mean 'x' or 'y'?" at the end of a message. */
const DID_YOU_MEAN = /[Dd]id you mean (.+)\?$/;
/** A target written as one entity's name: "…; use the id 'x'." */
const USE_THE_ID = /use the id '([^']+)'\.$/;
/** A key, id, rule, source or paragraph as a fix writes it: one word, nothing YAML would read apart. */
const TOKEN = /^[\p{L}\p{N}][\p{L}\p{N}_.\-]*$/u;

export function dataFileFixes(document: Pick<TextDocument, 'uri' | 'getText'>, context: CodeActionContext): CodeAction[] {
  // Every fix here is a quick fix: a request for other kinds only (`source.fixAll` on save) gets none.
  if (context.only && !context.only.some((o) => CodeActionKind.QuickFix === o || CodeActionKind.QuickFix.startsWith(`${o}.`))) return [];
  const lines = documentLines(document.getText());
  const actions: CodeAction[] = [];
  for (const d of context.diagnostics) {
    if (d.source !== 'brief' || d.range.start.line !== d.range.end.line) continue;
    const proposal = typeof d.message === 'string' ? proposalIn(d.message) : undefined;
    if (!proposal) continue;
    const written = (lines[d.range.start.line] ?? '').slice(d.range.start.character, d.range.end.character);
    // Quoted in the file, quoted in the fix. A diagnostic of an older text (the client may send
    // one) no longer has what its message names under its range: no fix.
    const quote = /^(["'])[^]*\1$/.exec(written)?.[1] ?? '';
    if ((quote ? written.slice(1, -1) : written) !== proposal.written) continue;
    proposal.replacements.forEach((p, i) => actions.push(fix(document.uri, d, `Change to '${p}'`, TextEdit.replace(d.range, `${quote}${p}${quote}`), i === 0)));
  }
  return actions;
}

/**
 * What a message proposes: the replacements, best first (single words only), and the text they
 * replace, which the message quotes last before its proposal (`… targets 'Vladimir Putin', which
 * is no entity's id: … use the id 'vladimir-putin'.`).
 */
export function proposalIn(message: string): { written: string; replacements: string[] } | undefined {
  const m = DID_YOU_MEAN.exec(message) ?? USE_THE_ID.exec(message);
  if (!m) return undefined;
  const quoted = [...message.slice(0, m.index).matchAll(/'([^']*)'/g)];
  const replacements = m[1]
    .split(/ or /)
    .map((p) => p.trim().replace(/^'(.*)'$/, '$1'))
    .filter((p) => TOKEN.test(p));
  return quoted.length > 0 && replacements.length > 0 ? { written: quoted[quoted.length - 1][1], replacements } : undefined;
}

function fix(uri: string, d: Diagnostic, title: string, edit: TextEdit, isPreferred: boolean): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], ...(isPreferred ? { isPreferred } : {}), edit: { changes: { [uri]: [edit] } } };
}

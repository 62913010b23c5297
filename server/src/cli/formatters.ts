/** brief-lint's three output formats (spec §5): text, JSON and SARIF 2.1.0. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { RULE_DEFAULTS, type Severity } from '../core/rules';
import { counted } from '../core/wording';

/** One diagnostic as the CLI reports it: 1-based lines and UTF-16 columns, file relative to the cwd. */
export interface LintResult {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

const SEVERITY_NAME: Record<DiagnosticSeverity, Severity> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

export function toLintResult(file: string, d: Diagnostic): LintResult {
  return {
    file,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: SEVERITY_NAME[d.severity ?? DiagnosticSeverity.Error],
    code: String(d.code ?? ''),
    message: typeof d.message === 'string' ? d.message : d.message.value,
  };
}

export function formatText(results: readonly LintResult[], filesChecked: number): string {
  const lines = results.map((r) => `${oneLine(r.file)}:${r.line}:${r.column}: ${r.severity} ${r.code}: ${oneLine(r.message)}`);
  const count = (s: Severity) => results.filter((r) => r.severity === s).length;
  const summary = `${counted(filesChecked, 'file')} checked: ${counted(count('error'), 'error')}, ${counted(count('warning'), 'warning')}, ${counted(count('information') + count('hint'), 'note')}.`;
  return [...lines, summary].join('\n') + '\n';
}

/**
 * Text output is one line per diagnostic, which problem matchers in CI read: a line break in a
 * message (a KB name may hold one) or a file name must not start a line that looks like another.
 */
function oneLine(text: string): string {
  // C0 and C1 controls (U+009B is a terminal's escape-sequence introducer) and the Unicode line breaks.
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatJson(results: readonly LintResult[]): string {
  return JSON.stringify(results, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** What brief-lint says of a run besides its results (on stderr): a note, or an input it could not check. */
export interface RunNotice {
  readonly level: 'note' | 'error';
  readonly text: string;
}

/**
 * SARIF 2.1.0 with one run; columns are UTF-16 code units, as in the text and JSON formats. The
 * run's notices go in its invocation, and one of level error makes it unsuccessful: a
 * code-scanning upload of a run that could not read some of its inputs must not look like a
 * clean one (the exit status, 2, says so too, but a CI step may ignore it).
 */
export function formatSarif(results: readonly LintResult[], version: string, rootUri: string, notices: readonly RunNotice[] = []): string {
  const ruleIds = [...new Set([...Object.keys(RULE_DEFAULTS), ...results.map((r) => r.code)])];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'brief-lint',
            version,
            rules: ruleIds.map((id) => ({
              id,
              ...(id in RULE_DEFAULTS ? { defaultConfiguration: { level: SARIF_LEVEL[RULE_DEFAULTS[id as keyof typeof RULE_DEFAULTS]] } } : {}),
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: !notices.some((n) => n.level === 'error'),
            ...(notices.length > 0 ? { toolExecutionNotifications: notices.map((n) => ({ level: n.level, message: { text: n.text } })) } : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { SRCROOT: { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
        results: results.map((r) => ({
          ruleId: r.code,
          ruleIndex: ruleIds.indexOf(r.code),
          level: SARIF_LEVEL[r.severity],
          message: { text: r.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: r.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' },
                region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

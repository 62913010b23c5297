/** The diagnostic rules of spec §3.7 and their default severities. */
import { DiagnosticSeverity } from 'vscode-languageserver-types';

/** How loud a rule is; `off` silences it (`.briefrc.yaml`, spec §6). */
export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleSetting = Severity | 'off';

export const RULE_DEFAULTS = {
  'unknown-reference': 'error',
  'ambiguous-reference': 'warning',
  'malformed-reference': 'error',
  'unknown-source': 'error',
  'unknown-paragraph': 'error',
  'malformed-claim': 'error',
  'unknown-predicate': 'error',
  'kind-mismatch': 'error',
  'contradicted-claim': 'error',
  'unsupported-claim': 'information',
  'front-matter-syntax': 'error',
  'front-matter-unterminated': 'error',
  'front-matter-unknown-key': 'warning',
  'front-matter-invalid-value': 'error',
  'unknown-rule': 'warning',
} as const satisfies Record<string, Severity>;

/** The name of one rule of §3.7, used as the diagnostic's `code`. */
export type RuleCode = keyof typeof RULE_DEFAULTS;

export const RULE_CODES = Object.keys(RULE_DEFAULTS) as RuleCode[];

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];
export const RULE_SETTINGS: readonly RuleSetting[] = [...SEVERITIES, 'off'];

/** A rule's severity as LSP numbers it. */
export const LSP_SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function isRuleCode(name: string): name is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULE_DEFAULTS, name);
}

/** Per-rule severities after applying a config over the defaults. */
export type RuleSeverities = Readonly<Record<RuleCode, RuleSetting>>;

export function ruleSeverities(overrides: Partial<Record<RuleCode, RuleSetting>> = {}): RuleSeverities {
  return { ...RULE_DEFAULTS, ...overrides };
}

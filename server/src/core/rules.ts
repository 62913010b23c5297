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

/** What each rule reports, as the editor explains a rule name (hover and completion in directives). */
export const RULE_DESCRIPTIONS: Readonly<Record<keyof typeof RULE_DEFAULTS, string>> = {
  'unknown-reference': 'A reference names no entity of the knowledge base (with up to three suggestions).',
  'ambiguous-reference': 'A reference names several entities; the candidates are listed.',
  'malformed-reference': "An `@[` is not closed on its line, or holds no name (`@[]`).",
  'unknown-source': 'A citation, or the front matter\'s `sources:`, names a source the knowledge base lacks.',
  'unknown-paragraph': 'A citation names a paragraph its source does not have.',
  'malformed-claim': 'A `claim:` line is not `@Subject [not] predicate @Object`, with citations after it.',
  'unknown-predicate': 'A claim\'s predicate is not one of the twelve (member-of, leads, borders, …).',
  'kind-mismatch': 'A claim\'s predicate does not take the kinds of its subject and object (a person cannot be a member-of).',
  'contradicted-claim': 'The source says the opposite of the claim; the message quotes it.',
  'unsupported-claim': 'The knowledge base holds no relation that decides the claim.',
  'front-matter-syntax': 'The front matter is not valid YAML.',
  'front-matter-unterminated': 'The front matter has no closing `---`.',
  'front-matter-unknown-key': 'The front matter has a key Brief does not know.',
  'front-matter-invalid-value': 'A front matter value is not one the key allows, or `title` is missing.',
  'unknown-rule': 'A directive or `.briefrc.yaml` names no rule.',
};

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

/**
 * `.briefrc.yaml` (spec §6): per-rule severities and extra KB files of a workspace folder.
 *
 * One typed object with its defaults here; the core receives it as data. Problems are
 * diagnostics on the config file itself. A config with an error still yields the parts that
 * are valid, and `broken` tells the CLI to exit with status 2.
 */
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { isRuleCode, LSP_SEVERITY, RULE_CODES, RULE_DEFAULTS, RULE_SETTINGS, type RuleCode, type RuleSetting } from './rules';
import { Field, YamlFile } from './kb/yamlFile';
import { closest } from './resolver';

/** The settings of one workspace folder. */
export interface BriefConfig {
  /** Severity overrides by rule. */
  readonly rules: Readonly<Partial<Record<RuleCode, RuleSetting>>>;
  /** Extra KB files, relative to the config file, as written. */
  readonly kb: readonly { readonly path: string; readonly range: Range }[];
}

export const DEFAULT_CONFIG: BriefConfig = { rules: {}, kb: [] };

/** A parsed config and what was wrong with it. */
export interface ConfigResult {
  readonly config: BriefConfig;
  readonly diagnostics: Diagnostic[];
  /** True when the file has an error (the CLI exits with status 2). */
  readonly broken: boolean;
}

export const CONFIG_FILE_NAME = '.briefrc.yaml';

/** Parses `.briefrc.yaml` text. */
export function parseConfig(uri: string, text: string): ConfigResult {
  const file = new YamlFile(uri, text, 'config-syntax');
  const rules: Partial<Record<RuleCode, RuleSetting>> = {};
  const kb: { path: string; range: Range }[] = [];
  const emptyDocument = file.doc.errors.length === 0 && (file.doc.contents === null || text.trim() === '');
  // Messages name the file as it is named (`ci.briefrc.yaml`, given with --config), as in `ci.briefrc.yaml.kb[1]`.
  const shownAs = fileName(uri);
  const root = emptyDocument ? undefined : file.root('config-invalid-value', shownAs);
  const get = root ? new Field(file, root, shownAs, 'config-invalid-value').map(['rules', 'kb']) : undefined;
  if (get) {
    /** Rule names the file does not know: reported once the file's own `unknown-rule` setting is read. */
    const unknown: { message: string; range: Range }[] = [];
    const rulesField = get('rules');
    const rulesMap = rulesField.present ? rulesField.map() : undefined;
    if (rulesMap && rulesField.node && 'items' in rulesField.node) {
      for (const pair of (rulesField.node as { items: { key: unknown }[] }).items) {
        const keyNode = pair.key as { value?: unknown } | null;
        const name = String(keyNode?.value ?? keyNode);
        if (!isRuleCode(name)) {
          const near = closest(name, RULE_CODES);
          unknown.push({ message: `Unknown rule '${name}'.${near ? ` Did you mean ${near}?` : ` Rules: ${RULE_CODES.join(', ')}.`}`, range: file.nodeRange(pair.key) });
          continue;
        }
        const value = rulesMap(name).string({ pattern: new RegExp(`^(${RULE_SETTINGS.join('|')})$`), patternHint: `use one of ${RULE_SETTINGS.join(', ')}` });
        if (value) rules[name] = value as RuleSetting;
      }
    }
    // The config's `unknown-rule` setting holds for its own rule names too: a team that makes
    // the rule an error has a misspelt `rules:` key fail CI (it would leave a rule on unnoticed).
    const setting = rules['unknown-rule'] ?? RULE_DEFAULTS['unknown-rule'];
    if (setting !== 'off') for (const u of unknown) file.report('unknown-rule', u.message, u.range, LSP_SEVERITY[setting]);
    for (const item of get('kb').list({ optional: true })) {
      const path = item.string({ nonEmpty: true });
      if (path === undefined) continue;
      const refusal = lexicalEscape(path);
      if (refusal) {
        file.report('kb-path-refused', `KB path '${path}' refused: ${refusal}`, item.range);
        continue;
      }
      kb.push({ path, range: item.range });
    }
  }
  return { config: { rules, kb }, diagnostics: file.diagnostics, broken: file.hasErrors };
}

/** The last segment of a config's URI, decoded; `.briefrc.yaml` when there is none. */
function fileName(uri: string): string {
  const last = uri.slice(uri.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || CONFIG_FILE_NAME;
  } catch {
    return last || CONFIG_FILE_NAME;
  }
}

/**
 * Why a `kb:` path is refused by its spelling alone, or undefined: an absolute path or a URI.
 * Where a relative path leads (`..`, symbolic links) is checked against the workspace folder
 * when the project loads (core/project.ts), which knows the folder and can see the disk.
 */
export function lexicalEscape(path: string): string | undefined {
  if (/^([a-zA-Z]:)?[\\/]/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) return 'an absolute path leads outside the workspace folder.';
  return undefined;
}

/**
 * Quick fixes in `.briefrc.yaml` and KB files (core/features/dataFileFixes.ts), on the diagnostics
 * the loader really gives: the fix reads its replacement from the message, so these tests hold
 * the checks' wording and the fixes together.
 */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-types';
import { miniProject, service, WORKSPACE } from '../helpers/fixtures';

const CONFIG = 'rules: { unsuported-claim: off }\nkb: [kb/local.yaml]\n';
const KB = `entities:
  - id: night-watch
    kind: grop
    name: Night Watch
    smmary: A militia.
    relations:
      - type: opposes
        target: Vladimir Putin
        evidence: [ { source: mini-2022, paragraph: p2, quote: "Russian President Vladimir Putin" } ]
      - type: opposes
        target: tajikstan
        evidence: [ { source: "mini-2021", paragraph: p2, quote: "Russian President Vladimir Putin" } ]
      - type: oposes
        target: vladimir-putin
        evidence: [ { source: mini-2021, paragraph: p02, quote: "Russian President Vladimir Putin" } ]
`;

/** Each fix's title and the line it leaves, for the diagnostics of one file. */
async function fixesOf(file: string, text: string): Promise<string[]> {
  const state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: CONFIG, [`${WORKSPACE}/kb/local.yaml`]: KB });
  const uri = `file://${WORKSPACE}/${file}`;
  const diagnostics: Diagnostic[] = state.fileDiagnostics.get(uri) ?? [];
  const doc = TextDocument.create(uri, 'yaml', 1, text);
  return service()
    .dataFileCodeActions(doc, { diagnostics })
    .map((a) => {
      const [edit] = a.edit?.changes?.[uri] ?? ([] as TextEdit[]);
      const line = TextDocument.applyEdits(doc, [edit]).split('\n')[edit.range.start.line];
      return `${a.title}${a.isPreferred ? ' (preferred)' : ''} → ${line.trim()}`;
    });
}

describe('quick fixes in .briefrc.yaml and KB files', () => {
  it('a misspelt rule in the config', async () => {
    assert.deepEqual(await fixesOf('.briefrc.yaml', CONFIG), ["Change to 'unsupported-claim' (preferred) → rules: { unsupported-claim: off }"]);
  });

  it('in a KB file: a key, a kind, a predicate, a source (quoted or not), a paragraph, a target written as a name, a misspelt target', async () => {
    assert.deepEqual((await fixesOf('kb/local.yaml', KB)).sort(), [
      "Change to 'group' (preferred) → kind: group",
      "Change to 'mini-2021' (preferred) → evidence: [ { source: mini-2021, paragraph: p2, quote: \"Russian President Vladimir Putin\" } ]",
      "Change to 'opposes' (preferred) → - type: opposes",
      "Change to 'p2' (preferred) → evidence: [ { source: mini-2021, paragraph: p2, quote: \"Russian President Vladimir Putin\" } ]",
      "Change to 'summary' (preferred) → summary: A militia.",
      "Change to 'tajikistan' (preferred) → target: tajikistan",
      "Change to 'vladimir-putin' (preferred) → target: vladimir-putin",
    ]);
  });

  it('nothing once the text at the range has changed, nor for a message without a proposal', async () => {
    const edited = KB.replace('kind: grop', 'kind: group!').replace('smmary', 'summary');
    const fixes = await fixesOf('kb/local.yaml', edited);
    assert.ok(!fixes.some((f) => /group|summary/.test(f)), fixes.join('\n'));
  });
});

/**
 * Inlay hints and semantic tokens, as data. A hint shows as `⟨label⟩` inserted in the text at its
 * position; a token as [covered text, type, modifiers], decoded from LSP's relative encoding
 * through the legend. A few raw encodings check the deltas and UTF-16 lengths.
 */
import { strict as assert } from 'assert';
import type { InlayHint } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { brief, MINI_DATA, miniProject, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { InlayHintProvider, type InlayHintOptions } from '../../server/src/core/features/inlayHints';
import { SEMANTIC_TOKENS_LEGEND, SemanticTokensProvider } from '../../server/src/core/features/semanticTokens';
import { documentLines } from '../../server/src/core/features/referenceText';

const hintsProvider = new InlayHintProvider();
const tokensProvider = new SemanticTokensProvider();
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } };

/** The text with each hint's label inserted at its position as `⟨label⟩`. */
function showHints(doc: TextDocument, hints: InlayHint[]): string {
  let text = doc.getText();
  for (const h of [...hints].reverse()) {
    const at = doc.offsetAt(h.position);
    text = `${text.slice(0, at)}⟨${String(h.label)}⟩${text.slice(at)}`;
  }
  return text;
}

describe('inlay hints', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  const CASES: { name: string; text: string; expect: string; options?: InlayHintOptions }[] = [
    {
      name: 'the canonical name after an alias; none after a name, an id, or what does not resolve',
      text: '@Putin met @Xi, not @[Xi Jinping], @vladimir-putin, @[vladimir  putin], @Nobody or @Georgia.',
      expect: '@Putin⟨▸ Vladimir Putin⟩ met @Xi⟨▸ Xi Jinping⟩, not @[Xi Jinping], @vladimir-putin, @[vladimir  putin], @Nobody or @Georgia.',
    },
    { name: 'after the name, not after a trailing dot', text: 'With @US and @U.S. and @[U.S.].', expect: 'With @US⟨▸ United States⟩ and @U.S⟨▸ United States⟩. and @[U.S.]⟨▸ United States⟩.' },
    { name: 'an alias that spells the id gets none', text: '@CSTO and @[Republic of Tajikistan]', expect: '@CSTO and @[Republic of Tajikistan]⟨▸ Tajikistan⟩' },
    {
      name: 'supported claim: the paragraph of its evidence, after the citations and before a comment',
      text: '- claim: @Tajikistan member-of @CSTO [^mini-2021:p1]  %% note',
      expect: '- claim: @Tajikistan member-of @CSTO [^mini-2021:p1]⟨✓ supported ¶p1⟩  %% note',
    },
    { name: 'supported negative claim', text: 'claim: @Uzbekistan not member-of @CSTO', expect: 'claim: @Uzbekistan not member-of @CSTO⟨✓ supported ¶p1⟩' },
    { name: 'contradicted claim', text: '> claim: @Uzbekistan member-of @CSTO', expect: '> claim: @Uzbekistan member-of @CSTO⟨✗ contradicted ¶p1⟩' },
    { name: 'unsupported claim', text: 'claim: @Russia member-of @SCO', expect: 'claim: @Russia member-of @SCO⟨? unsupported⟩' },
    {
      name: 'no hint for a verdict whose rule a directive turns off; the others stay',
      text: '%% brief-disable-next-line unsupported-claim -- not in the article\nclaim: @Russia member-of @SCO\n%% brief-disable-next-line contradicted-claim\nclaim: @Uzbekistan member-of @CSTO\nclaim: @Russia member-of @SCO',
      expect: '%% brief-disable-next-line unsupported-claim -- not in the article\nclaim: @Russia member-of @SCO\n%% brief-disable-next-line contradicted-claim\nclaim: @Uzbekistan member-of @CSTO\nclaim: @Russia member-of @SCO⟨? unsupported⟩',
    },
    { name: 'symmetric claim through an alias: both hints, alias first', text: 'claim: @Tajikistan borders @PRC', expect: 'claim: @Tajikistan borders @PRC⟨▸ China⟩⟨✓ supported ¶p2⟩' },
    { name: 'no verdict on a kind mismatch', text: 'claim: @Putin member-of @CSTO', expect: 'claim: @Putin⟨▸ Vladimir Putin⟩ member-of @CSTO' },
    { name: 'no verdict with an unknown reference or predicate', text: 'claim: @Tajikstan member-of @CSTO\nclaim: @Tajikistan memberof @CSTO', expect: 'claim: @Tajikstan member-of @CSTO\nclaim: @Tajikistan memberof @CSTO' },
    { name: 'nothing in code', text: '```\nclaim: @Uzbekistan member-of @CSTO\n```\n`@Putin`', expect: '```\nclaim: @Uzbekistan member-of @CSTO\n```\n`@Putin`' },
    { name: 'canonical names off', text: 'claim: @Tajikistan borders @PRC', options: { canonicalNames: false }, expect: 'claim: @Tajikistan borders @PRC⟨✓ supported ¶p2⟩' },
    { name: 'verdicts off', text: 'claim: @Tajikistan borders @PRC', options: { claimVerdicts: false }, expect: 'claim: @Tajikistan borders @PRC⟨▸ China⟩' },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const { doc } = brief(c.text);
      const hints = hintsProvider.provideInlayHints(service().parse(doc), state.project, WHOLE, c.options);
      assert.equal(showHints(doc, hints), c.expect);
      for (const h of hints) assert.equal(h.paddingLeft, true);
    });
  }

  it("a verdict's tooltip says when the claim cites paragraphs none of which holds the evidence", () => {
    const tooltip = (text: string) => hintsProvider.provideInlayHints(service().parse(brief(text).doc), state.project, WHOLE).map((h) => String(h.tooltip));
    assert.deepEqual(tooltip('claim: @Uzbekistan member-of @CSTO [^mini-2021:p3]'), [
      'The source says Uzbekistan is not a member of Collective Security Treaty Organization.\n“excludes Uzbekistan” (mini-2021 ¶p1)\nThe claim cites ¶p3; the source says this in ¶p1.',
    ]);
    assert.doesNotMatch(tooltip('claim: @Uzbekistan member-of @CSTO [^mini-2021:p1]')[0], /The claim cites/);
    // A huge span is read by its ends, not walked.
    assert.doesNotMatch(tooltip('claim: @Uzbekistan member-of @CSTO [^mini-2021:p1-p9999999999999]')[0], /The claim cites/);
    assert.match(tooltip('claim: @Uzbekistan member-of @CSTO [^mini-2021:p2-p9999999999999]')[0], /The claim cites ¶p2-p9999999999999; the source says this in ¶p1\./);
  });

  it('no hint for a verdict whose rule .briefrc.yaml turns off', async () => {
    const off = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'rules: { unsupported-claim: off }\n' });
    const { doc } = brief('claim: @Russia member-of @SCO\nclaim: @Uzbekistan member-of @CSTO');
    const hints = hintsProvider.provideInlayHints(service().parse(doc), off.project, WHOLE);
    assert.equal(showHints(doc, hints), 'claim: @Russia member-of @SCO\nclaim: @Uzbekistan member-of @CSTO⟨✗ contradicted ¶p1⟩');
  });

  it('a relation that ended shows its time; an unsupported claim names what the KB holds between the pair', async () => {
    const kb = [
      'entities:',
      '  - { id: old-base, kind: facility, name: Old Base, summary: S. }',
      '  - id: watchers',
      '    kind: group',
      '    name: Watchers',
      '    summary: S.',
      '    relations:',
      '      - { type: operates, target: old-base, negated: false, until: "2005", evidence: [ { source: mini-2021, paragraph: p1, quote: "excludes Uzbekistan" } ] }',
      '      - { type: opposes, target: russia, negated: false, evidence: [ { source: mini-2021, paragraph: p2, quote: "Russian President Vladimir Putin" } ] }',
      '',
    ].join('\n');
    const withKb = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/w.yaml]\n', [`${WORKSPACE}/kb/w.yaml`]: kb });
    const { doc } = brief('claim: @Watchers operates @[Old Base]\nclaim: @Watchers supports @Russia');
    const hints = hintsProvider.provideInlayHints(service().parse(doc), withKb.project, WHOLE);
    assert.equal(showHints(doc, hints), 'claim: @Watchers operates @[Old Base]⟨✓ supported (until 2005) ¶p1⟩\nclaim: @Watchers supports @Russia⟨? unsupported⟩');
    assert.equal(hints[1].tooltip, 'The knowledge base holds no relation for this claim, but holds that Watchers opposes Russia.');
  });

  it('only the hints in the requested range', () => {
    const { doc } = brief('@Putin\n@Xi\nclaim: @Russia member-of @SCO');
    const hints = hintsProvider.provideInlayHints(service().parse(doc), state.project, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
    assert.equal(showHints(doc, hints), '@Putin\n@Xi⟨▸ Xi Jinping⟩\nclaim: @Russia member-of @SCO');
  });

  it('tooltips say the relation and quote the evidence', () => {
    const { doc } = brief('claim: @Uzbekistan member-of @CSTO and @PRC');
    const hints = hintsProvider.provideInlayHints(service().parse(doc), state.project, WHOLE);
    // The verdict sits at the end of the claim's line, after the alias hint of @PRC.
    assert.deepEqual(hints.map((h) => h.tooltip), [
      "China (state, @china), written by its alias 'PRC'.",
      'The source says Uzbekistan is not a member of Collective Security Treaty Organization.\n“excludes Uzbekistan” (mini-2021 ¶p1)',
    ]);
  });
});

describe('semantic tokens', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });

  /** Decodes tokens into [covered text, type, modifiers]. */
  function decode(doc: TextDocument, data: number[]): [string, string, string[]][] {
    const out: [string, string, string[]][] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      const [dl, dc, length, type, mods] = data.slice(i, i + 5);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      const text = doc.getText({ start: { line, character: char }, end: { line, character: char + length } });
      const modifiers = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, bit) => mods & (1 << bit));
      out.push([text, SEMANTIC_TOKENS_LEGEND.tokenTypes[type], modifiers]);
    }
    return out;
  }

  const tokensOf = (doc: TextDocument, s: ProjectState, range?: Parameters<SemanticTokensProvider['provideSemanticTokens']>[3]) =>
    tokensProvider.provideSemanticTokens(service().parse(doc), documentLines(doc.getText()), s.project, range).data;

  const LIB = ['defaultLibrary'];
  const CASES: { name: string; text: string; expect: [string, string, string[]][] }[] = [
    {
      name: 'references by kind; bundled entities are defaultLibrary',
      text: '@Tajikistan @Putin @[Xi Jinping] @CSTO @[Joint Western-2021] @[Georgia (U.S. state)]',
      expect: [
        ['@Tajikistan', 'namespace', LIB],
        ['@Putin', 'variable', LIB],
        ['@[Xi Jinping]', 'variable', LIB],
        ['@CSTO', 'struct', LIB],
        ['@[Joint Western-2021]', 'event', LIB],
        ['@[Georgia (U.S. state)]', 'type', LIB],
      ],
    },
    { name: 'unknown and ambiguous references', text: '@Nobody and @Georgia', expect: [['@Nobody', 'variable', ['unresolved']], ['@Georgia', 'variable', ['ambiguous']]] },
    {
      name: 'a claim: keyword, not, predicate, references and citation',
      text: '- claim: @Uzbekistan NOT member-of @CSTO [^mini-2021:p1]',
      expect: [
        ['claim:', 'keyword', []],
        ['@Uzbekistan', 'namespace', LIB],
        ['NOT', 'keyword', []],
        ['member-of', 'method', []],
        ['@CSTO', 'struct', LIB],
        ['[^mini-2021:p1]', 'macro', []],
      ],
    },
    {
      name: 'unknown predicate and unknown source are unresolved',
      text: 'claim: @Russia memberof @SCO [^nowhere:p1]',
      expect: [
        ['claim:', 'keyword', []],
        ['@Russia', 'namespace', LIB],
        ['memberof', 'method', ['unresolved']],
        ['@SCO', 'struct', LIB],
        ['[^nowhere:p1]', 'macro', ['unresolved']],
      ],
    },
    {
      name: 'a citation of a paragraph the source lacks, or of a backward range, is unresolved',
      text: '[^mini-2021:p0] [^mini-2021:p9] [^mini-2021:p3-p2] [^mini-2021:p1-p3] [^mini-2021]',
      expect: [
        ['[^mini-2021:p0]', 'macro', ['unresolved']],
        ['[^mini-2021:p9]', 'macro', ['unresolved']],
        ['[^mini-2021:p3-p2]', 'macro', ['unresolved']],
        ['[^mini-2021:p1-p3]', 'macro', []],
        ['[^mini-2021]', 'macro', []],
      ],
    },
    { name: 'nothing in code, comments or escapes', text: '`@Putin` \\@Putin %% @Putin [^mini-2021]\n```\nclaim: @Russia leads @SCO\n```', expect: [] },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const { doc } = brief(c.text);
      assert.deepEqual(decode(doc, tokensOf(doc, state)), c.expect);
    });
  }

  it('workspace entities carry no defaultLibrary modifier', async () => {
    const ws = miniWorkspace({
      [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml]\n',
      [`${WORKSPACE}/kb/local.yaml`]: 'entities:\n  - id: kant-air-base\n    kind: facility\n    name: Kant Air Base\n    summary: A base.\n',
    });
    const local = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    const { doc } = brief('@kant-air-base');
    assert.deepEqual(decode(doc, tokensOf(doc, local)), [['@kant-air-base', 'enumMember', []]]);
  });

  it('encodes relative lines and starts, with UTF-16 lengths', () => {
    const { doc } = brief('a\n😀 @China x @Russia\n\n  @PRC');
    // namespace = 0; defaultLibrary = bit 2 (4).
    assert.deepEqual(tokensOf(doc, state), [1, 3, 6, 0, 4, 0, 9, 7, 0, 4, 2, 2, 4, 0, 4]);
  });

  it('the range variant returns the tokens that overlap the range, encoded from the start of the document', () => {
    const { doc } = brief('a\n😀 @China x @Russia\n\n  @PRC\n@Russia');
    const range = { start: { line: 1, character: 10 }, end: { line: 3, character: 3 } };
    assert.deepEqual(tokensOf(doc, state, range), [1, 12, 7, 0, 4, 2, 2, 4, 0, 4]);
  });

  it('announces a legend of standard token types plus its own modifiers', () => {
    assert.deepEqual(SEMANTIC_TOKENS_LEGEND, {
      tokenTypes: ['namespace', 'variable', 'class', 'struct', 'function', 'type', 'enumMember', 'event', 'keyword', 'method', 'macro'],
      tokenModifiers: ['unresolved', 'ambiguous', 'defaultLibrary'],
    });
  });
});

/**
 * Code actions, as data: a brief with `$0` on a diagnostic, and the quick fixes offered there as
 * [title, the text after applying the fix]. Every reference fix is re-validated: the diagnostic
 * it fixes must be gone. Then "Add to the workspace KB" on in-memory workspaces, reloading the
 * project from the edited files, and the "Use canonical names" source action.
 */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { brief, MINI_DATA, miniProject, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { CANONICAL_NAMES_KIND, CodeActionProvider } from '../../server/src/core/features/codeActions';
import { entityIdFor, kbStubTarget, type KbStubFiles } from '../../server/src/core/features/kbStub';
import { touches } from '../../server/src/core/text';

const provider = new CodeActionProvider();
const toUri = (path: string) => `file://${path}`;

/** The diagnostics at the cursor and the actions offered for them. */
function actionsAt(textWithCursor: string, state: ProjectState, files?: KbStubFiles, only?: string[]) {
  const { doc, cursor } = brief(textWithCursor);
  const diagnostics = service().validate(doc, state.project).filter((d) => touches(d.range, cursor));
  const actions = provider.provideCodeActions(doc, service().parse(doc), state, { diagnostics, ...(only ? { only } : {}) }, files);
  return { doc, diagnostics, actions };
}

function applyToDoc(doc: TextDocument, action: CodeAction): string {
  const edits = action.edit?.changes?.[doc.uri] ?? [];
  return TextDocument.applyEdits(doc, edits);
}

/** Diagnostics of a text, as [code, covered text]. */
function diagnose(text: string, state: ProjectState): [string, string][] {
  const doc = TextDocument.create(`file://${WORKSPACE}/check.brief`, 'brief', 1, text);
  return service().validate(doc, state.project).map((d) => [String(d.code), doc.getText(d.range)]);
}

const D = (rule: string) => `Disable ${rule} for this line`;

const FIXES: { name: string; text: string; expect: [title: string, result: string][]; preferred?: string }[] = [
  {
    name: 'unknown reference: the did-you-mean candidate',
    text: 'Then @Tajikstan$0 moved.',
    expect: [
      ["Change to '@Tajikistan' (state)", 'Then @Tajikistan moved.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThen @Tajikstan moved.'],
    ],
    preferred: "Change to '@Tajikistan' (state)",
  },
  {
    name: 'unknown reference: a bracket name',
    text: 'Under @[Shanghai Cooperation]$0 auspices.',
    expect: [
      ["Change to '@[Shanghai Cooperation Organization]' (organization)", 'Under @[Shanghai Cooperation Organization] auspices.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nUnder @[Shanghai Cooperation] auspices.'],
    ],
    preferred: "Change to '@[Shanghai Cooperation Organization]' (organization)",
  },
  {
    name: 'unknown reference: a name that runs on through a hyphen keeps the rest as written',
    text: 'The @Tajikistan-based$0 unit.',
    expect: [
      ["Refer to 'Tajikistan' only: '@[Tajikistan]-based'", 'The @[Tajikistan]-based unit.'],
      ["Change to '@Tajikistan' (state)", 'The @Tajikistan unit.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThe @Tajikistan-based unit.'],
    ],
    preferred: "Refer to 'Tajikistan' only: '@[Tajikistan]-based'",
  },
  {
    name: 'unknown reference: two names joined by a hyphen become two references',
    text: 'The @Russia-China$0 ties.',
    expect: [
      ["Split into references: '@Russia-@China'", 'The @Russia-@China ties.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThe @Russia-China ties.'],
    ],
    preferred: "Split into references: '@Russia-@China'",
  },
  {
    name: 'unknown reference: every part of a hyphenated name that names an entity becomes a reference',
    text: 'The @Russia-Uzbekistan-Tajikistan$0 exercises and @Tajikistan--based units.',
    expect: [
      ["Split into references: '@Russia-@Uzbekistan-@Tajikistan'", 'The @Russia-@Uzbekistan-@Tajikistan exercises and @Tajikistan--based units.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThe @Russia-Uzbekistan-Tajikistan exercises and @Tajikistan--based units.'],
    ],
    preferred: "Split into references: '@Russia-@Uzbekistan-@Tajikistan'",
  },
  {
    name: 'unknown reference: a doubled hyphen stays plain text',
    text: 'The @Tajikistan--based$0 units.',
    expect: [
      ["Refer to 'Tajikistan' only: '@[Tajikistan]--based'", 'The @[Tajikistan]--based units.'],
      ["Change to '@Tajikistan' (state)", 'The @Tajikistan units.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThe @Tajikistan--based units.'],
    ],
    preferred: "Refer to 'Tajikistan' only: '@[Tajikistan]--based'",
  },
  {
    name: "unknown reference: no split for a claim's subject (it would be glued to the predicate)",
    text: '- claim: @Russia-China$0 cooperates-with @Tajikistan',
    expect: [[D('unknown-reference'), '%% brief-disable-next-line unknown-reference\n- claim: @Russia-China cooperates-with @Tajikistan']],
  },
  {
    name: "unknown reference: a name's first word, with the rest after it, is replaced whole",
    text: 'Then @Vladimir$0 Putin said so.',
    expect: [
      ["Change to '@[Vladimir Putin]' (person)", 'Then @[Vladimir Putin] said so.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThen @Vladimir Putin said so.'],
    ],
    preferred: "Change to '@[Vladimir Putin]' (person)",
  },
  {
    name: "unknown reference: an abbreviation's last `.` goes with it from a claim's subject, where it would be glued to the new name",
    text: '- claim: @U.S.S$0. opposes @Russia',
    expect: [
      ["Change to '@[United States]' (state)", '- claim: @[United States] opposes @Russia'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\n- claim: @U.S.S. opposes @Russia'],
    ],
    preferred: "Change to '@[United States]' (state)",
  },
  {
    name: "unknown reference: an abbreviation's last `.` goes with it inside a sentence, and stays where it may end one",
    text: 'The @U.S.S$0. and @Russia; run by the @U.S.S. Then the @U.S.S.',
    expect: [
      ["Change to '@[United States]' (state)", 'The @[United States] and @Russia; run by the @U.S.S. Then the @U.S.S.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThe @U.S.S. and @Russia; run by the @U.S.S. Then the @U.S.S.'],
    ],
    preferred: "Change to '@[United States]' (state)",
  },
  {
    name: "unknown reference: an abbreviation's last `.` before a capital may end a sentence: it stays",
    text: 'Run by the @U.S.S$0. Russia, too.',
    expect: [
      ["Change to '@[United States]' (state)", 'Run by the @[United States]. Russia, too.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nRun by the @U.S.S. Russia, too.'],
    ],
    preferred: "Change to '@[United States]' (state)",
  },
  {
    name: 'malformed claim: a predicate in two words after not',
    text: '- claim: @Uzbekistan not member of$0 @CSTO',
    expect: [
      ["Change to 'member-of'", '- claim: @Uzbekistan not member-of @CSTO'],
      [D('malformed-claim'), '%% brief-disable-next-line malformed-claim\n- claim: @Uzbekistan not member of @CSTO'],
    ],
    preferred: "Change to 'member-of'",
  },
  {
    name: 'malformed claim of another cause: no predicate fix',
    text: '- claim: Russia leads the group as a member of$0 @CSTO',
    expect: [[D('malformed-claim'), '%% brief-disable-next-line malformed-claim\n- claim: Russia leads the group as a member of @CSTO']],
  },
  {
    name: 'unknown reference: a suggestion far from what was written is offered, not preferred',
    text: 'The @[Cooperation Organization]$0 met.',
    expect: [
      ["Change to '@[Shanghai Cooperation Organization]' (organization)", 'The @[Shanghai Cooperation Organization] met.'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\nThe @[Cooperation Organization] met.'],
    ],
  },
  {
    name: 'malformed claim: a predicate written as two words',
    text: '- claim: @Russia member of$0 @SCO',
    expect: [
      ["Change to 'member-of'", '- claim: @Russia member-of @SCO'],
      [D('malformed-claim'), '%% brief-disable-next-line malformed-claim\n- claim: @Russia member-of @SCO'.replace('member-of', 'member of')],
    ],
    preferred: "Change to 'member-of'",
  },
  {
    name: "unknown rule: the message's did-you-mean as a fix",
    text: '%% brief-disable unknown-referense$0\n@Tajikistan',
    expect: [
      ["Change to 'unknown-reference'", '%% brief-disable unknown-reference\n@Tajikistan'],
      [D('unknown-rule'), '%% brief-disable-next-line unknown-rule\n%% brief-disable unknown-referense\n@Tajikistan'],
    ],
    preferred: "Change to 'unknown-reference'",
  },
  {
    // No "disable for this line": a `%%` line in the front matter would be YAML.
    name: "unknown front matter key: the key meant, when the front matter lacks it",
    text: '---\ntitle: T\nconfidnce$0: high\n---\nText',
    expect: [["Change to 'confidence'", '---\ntitle: T\nconfidence: high\n---\nText']],
    preferred: "Change to 'confidence'",
  },
  {
    name: "unknown source in a citation: the message's did-you-mean as a fix",
    text: 'See [^mini2021$0:p1].',
    expect: [
      ["Change to 'mini-2021'", 'See [^mini-2021:p1].'],
      [D('unknown-source'), '%% brief-disable-next-line unknown-source\nSee [^mini2021:p1].'],
    ],
    preferred: "Change to 'mini-2021'",
  },
  {
    name: 'unknown source in the front matter, quoted: the fix keeps the quotes',
    text: '---\ntitle: T\nsources: ["mini2021"$0]\n---\nText.\n',
    expect: [["Change to 'mini-2021'", '---\ntitle: T\nsources: ["mini-2021"]\n---\nText.\n']],
    preferred: "Change to 'mini-2021'",
  },
  {
    name: 'a paragraph written without its p, or a backward range, as a fix',
    text: 'See [^mini-2021:2$0] and [^mini-2021:p3-p1].',
    expect: [
      ["Change to 'p2'", 'See [^mini-2021:p2] and [^mini-2021:p3-p1].'],
      [D('unknown-paragraph'), '%% brief-disable-next-line unknown-paragraph\nSee [^mini-2021:2] and [^mini-2021:p3-p1].'],
    ],
    preferred: "Change to 'p2'",
  },
  {
    name: 'a backward range of paragraphs, turned round',
    text: 'See [^mini-2021:p3-p1$0].',
    expect: [
      ["Change to 'p1-p3'", 'See [^mini-2021:p1-p3].'],
      [D('unknown-paragraph'), '%% brief-disable-next-line unknown-paragraph\nSee [^mini-2021:p3-p1].'],
    ],
    preferred: "Change to 'p1-p3'",
  },
  {
    name: 'a paragraph the source does not have: no fix but disabling',
    text: 'See [^mini-2021:p9$0].',
    expect: [[D('unknown-paragraph'), '%% brief-disable-next-line unknown-paragraph\nSee [^mini-2021:p9].']],
  },
  {
    name: 'a bracket reference becomes short only when nothing glues onto it',
    text: '@[Tajikstan]$0\'s and @[Tajikstan]x',
    expect: [
      ["Change to '@Tajikistan' (state)", "@Tajikistan's and @[Tajikstan]x"],
      [D('unknown-reference'), "%% brief-disable-next-line unknown-reference\n@[Tajikstan]'s and @[Tajikstan]x"],
    ],
    preferred: "Change to '@Tajikistan' (state)",
  },
  {
    name: 'glued text keeps the bracket form',
    text: '@[Tajikstan]$0x',
    expect: [
      ["Change to '@[Tajikistan]' (state)", '@[Tajikistan]x'],
      [D('unknown-reference'), '%% brief-disable-next-line unknown-reference\n@[Tajikstan]x'],
    ],
    preferred: "Change to '@[Tajikistan]' (state)",
  },
  {
    name: 'ambiguous reference: each candidate that has a unique form, none preferred',
    text: 'In @Georgia$0 today.',
    // The state georgia has no unique form in the mini KB: its id and name are also an alias of georgia-us.
    expect: [
      ["Change to '@[Georgia (U.S. state)]' (place)", 'In @[Georgia (U.S. state)] today.'],
      [D('ambiguous-reference'), '%% brief-disable-next-line ambiguous-reference\nIn @Georgia today.'],
    ],
  },
  {
    name: 'unclosed @[: close after the name that resolves, or at the end',
    text: 'See @[Xi Jinping$0 said so',
    expect: [
      ["Close the reference: '@[Xi Jinping]'", 'See @[Xi Jinping] said so'],
      ["Close the reference at the end of the text: '@[Xi Jinping said so]'", 'See @[Xi Jinping said so]'],
      [D('malformed-reference'), '%% brief-disable-next-line malformed-reference\nSee @[Xi Jinping said so'],
    ],
    preferred: "Close the reference: '@[Xi Jinping]'",
  },
  {
    name: 'unclosed @[: a long text is shown by its two ends',
    text: 'An unclosed bracket reference: @[Xi Jinping$0 and the rest of the line, which runs on',
    expect: [
      ["Close the reference: '@[Xi Jinping]'", 'An unclosed bracket reference: @[Xi Jinping] and the rest of the line, which runs on'],
      ["Close the reference at the end of the text: '@[Xi Jinping and … which runs on]'", 'An unclosed bracket reference: @[Xi Jinping and the rest of the line, which runs on]'],
      [D('malformed-reference'), '%% brief-disable-next-line malformed-reference\nAn unclosed bracket reference: @[Xi Jinping and the rest of the line, which runs on'],
    ],
    preferred: "Close the reference: '@[Xi Jinping]'",
  },
  {
    name: 'unclosed @[ before a comment and trailing spaces',
    text: 'See @[Joint Western-2021$0  %% note',
    expect: [
      ["Close the reference: '@[Joint Western-2021]'", 'See @[Joint Western-2021]  %% note'],
      [D('malformed-reference'), '%% brief-disable-next-line malformed-reference\nSee @[Joint Western-2021  %% note'],
    ],
    preferred: "Close the reference: '@[Joint Western-2021]'",
  },
  {
    name: 'unclosed @[ that names nothing: close at the end, trailing spaces kept outside',
    text: 'See @[Nobody here$0   ',
    expect: [
      ["Close the reference: '@[Nobody here]'", 'See @[Nobody here]   '],
      [D('malformed-reference'), '%% brief-disable-next-line malformed-reference\nSee @[Nobody here   '],
    ],
    preferred: "Close the reference: '@[Nobody here]'",
  },
  {
    name: 'empty @[] has no closing fix',
    text: 'See @[]$0 here.',
    expect: [[D('malformed-reference'), '%% brief-disable-next-line malformed-reference\nSee @[] here.']],
  },
  {
    name: 'unknown predicate: the suggested predicate',
    text: 'claim: @Tajikistan memberof$0 @CSTO',
    expect: [
      ["Change to 'member-of'", 'claim: @Tajikistan member-of @CSTO'],
      [D('unknown-predicate'), '%% brief-disable-next-line unknown-predicate\nclaim: @Tajikistan memberof @CSTO'],
    ],
    preferred: "Change to 'member-of'",
  },
  {
    name: "unknown predicate: a negation written as one word gets its 'not' apart",
    text: 'claim: @Uzbekistan not-member-of$0 @CSTO',
    expect: [
      ["Change to 'not member-of'", 'claim: @Uzbekistan not member-of @CSTO'],
      [D('unknown-predicate'), '%% brief-disable-next-line unknown-predicate\nclaim: @Uzbekistan not-member-of @CSTO'],
    ],
    preferred: "Change to 'not member-of'",
  },
  {
    name: 'disable keeps the line indentation',
    text: '  - see [^nowhere$0]',
    expect: [[D('unknown-source'), '  %% brief-disable-next-line unknown-source\n  - see [^nowhere]']],
  },
  {
    name: 'disable adds the rule to a next-line directive already above',
    text: '%% brief-disable-next-line unknown-source\nSee [^nowhere] and [^mini-2021:p9$0].',
    expect: [[D('unknown-paragraph'), '%% brief-disable-next-line unknown-source unknown-paragraph\nSee [^nowhere] and [^mini-2021:p9].']],
  },
  {
    name: 'disable uses the document line ending',
    text: 'a\r\nb [^nowhere$0]\r\n',
    expect: [[D('unknown-source'), 'a\r\n%% brief-disable-next-line unknown-source\r\nb [^nowhere]\r\n']],
  },
  {
    name: 'no disable inside front matter',
    text: '---\ntitle: x\nwho$0: me\n---\n',
    expect: [],
  },
  {
    name: 'contradicted claim: only the disable action',
    text: '- claim: @Uzbekistan member-of$0 @CSTO',
    expect: [[D('contradicted-claim'), '%% brief-disable-next-line contradicted-claim\n- claim: @Uzbekistan member-of @CSTO']],
  },
];

describe('code actions: quick fixes', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  for (const c of FIXES) {
    it(c.name, () => {
      const { doc, diagnostics, actions } = actionsAt(c.text, state);
      assert.deepEqual(actions.map((a) => [a.title, applyToDoc(doc, a)]), c.expect);
      assert.deepEqual(actions.filter((a) => a.isPreferred).map((a) => a.title), c.preferred ? [c.preferred] : []);
      for (const a of actions) {
        assert.equal(a.kind, 'quickfix');
        assert.deepEqual(a.diagnostics?.map((d) => d.code), [diagnostics.find((d) => d === a.diagnostics?.[0])?.code]);
        // A fixed reference or predicate, or a disabled rule, leaves fewer diagnostics of that rule.
        const rule = String(a.diagnostics?.[0].code);
        const count = (text: string) => diagnose(text, state).filter(([code]) => code === rule).length;
        assert.ok(count(applyToDoc(doc, a)) < count(doc.getText()) || a.title.includes('at the end'), `${a.title} leaves ${rule}`);
      }
    });
  }

  it("disables a line with that line's own ending, in a file whose endings are mixed", () => {
    for (const [text, line, eol] of [['A\r\nB\n@Nobody\nC', 2, '\n'], ['A\nB\r\n@Nobody\r\nC', 2, '\r\n'], ['A\r\n@Nobody', 1, '\r\n']] as const) {
      const doc = TextDocument.create(`file://${WORKSPACE}/mixed.brief`, 'brief', 1, text);
      const diagnostics = service().validate(doc, state.project);
      const disable = provider.provideCodeActions(doc, service().parse(doc), state, { diagnostics }).find((a) => a.title === D('unknown-reference'));
      const edit = disable?.edit?.changes?.[doc.uri]?.[0];
      assert.equal(edit?.range.start.line, line);
      assert.equal(edit?.newText, `%% brief-disable-next-line unknown-reference${eol}`, JSON.stringify(text));
    }
  });

  /**
   * Asks for fixes with the first diagnostic `pick` keeps of `before`, on the text `after`: none
   * may rewrite it; on `before` itself, a "Change to" is offered.
   */
  const noStaleFixes = (cases: [before: string, after: string][], pick: (d: Diagnostic) => boolean) => {
    for (const [before, after] of cases) {
      const old = TextDocument.create(`file://${WORKSPACE}/stale.brief`, 'brief', 1, before);
      const diagnostics = service().validate(old, state.project).filter(pick).slice(0, 1);
      assert.equal(diagnostics.length, 1, before);
      const fresh = TextDocument.create(`file://${WORKSPACE}/stale.brief`, 'brief', 2, after);
      const stale = provider.provideCodeActions(fresh, service().parse(fresh), state, { diagnostics }).map((a) => a.title);
      assert.deepEqual(stale.filter((t) => t.startsWith('Change to') || t.startsWith('Add ')), [], `${before} → ${after}`);
      const current = provider.provideCodeActions(old, service().parse(old), state, { diagnostics }).map((a) => a.title);
      assert.ok(current.some((t) => t.startsWith('Change to')), `the fix is offered on the text it was made for: ${before}`);
    }
  };

  it('offers no fix for a diagnostic of an older text: the range no longer holds what it was made for', () => {
    const cases: [before: string, after: string][] = [
      ['See [^mini-2021:2].', 'See [^mini-2021:22].'],
      ['See [^mini-2021:p3-p1].', 'See [^mini-2021:p3-p11].'],
      ['claim: @Tajikistan memberof @CSTO', 'claim: @Tajikistan memberoff @CSTO'],
      ['%% brief-disable unknown-referense\n@Tajikistan', '%% brief-disable unknown-referenses\n@Tajikistan'],
    ];
    noStaleFixes(cases, (d) => d.code !== 'unknown-reference');
  });

  it('offers no fix for a reference diagnostic of an older text: another name, a longer one, or one that now resolves', () => {
    const cases: [before: string, after: string][] = [
      // The range now holds a name that resolves (the client moved the marker onto it).
      ['@Tajikstan @CSTO', '@CSTO @Tajikstan'],
      // Another unknown name of the same length: the candidates were made for the old one.
      ['@Tajikstan', '@Kazakhstn'],
      // Typed on: the range holds only the start of the name now.
      ['@Tajikstan', '@Tajikstanx'],
      ['@Georgia', '@Georgian'],
    ];
    noStaleFixes(cases, () => true);
  });

  it('ambiguous reference: a unique name, else the id', async () => {
    const kant = await withKb(`entities:
  - id: kant-air-base
    kind: facility
    name: Kant Air Base
    aliases: [Kant]
    summary: A Russian air base in Kyrgyzstan.
  - id: kant-town
    kind: place
    name: Kant
    summary: A town in Kyrgyzstan.
`);
    const { doc, actions } = actionsAt('Near @Kant$0.', kant);
    assert.deepEqual(
      actions.filter((a) => a.title.startsWith('Change')).map((a) => [a.title, applyToDoc(doc, a)]),
      [
        ["Change to '@[Kant Air Base]' (facility)", 'Near @[Kant Air Base].'],
        ["Change to '@kant-town' — Kant (place)", 'Near @kant-town.'],
      ],
    );
    for (const a of actions.filter((x) => x.title.startsWith('Change'))) assert.deepEqual(diagnose(applyToDoc(doc, a), kant), []);
  });

  it('works from the resolver when the client drops the diagnostic data', () => {
    const { doc } = brief('Then @Tajikstan$0 moved.');
    const diagnostics = service().validate(doc, state.project).map((d): Diagnostic => ({ ...d, data: undefined }));
    const actions = provider.provideCodeActions(doc, service().parse(doc), state, { diagnostics });
    assert.equal(actions[0].title, "Change to '@Tajikistan' (state)");
  });

  it('ignores diagnostics of other sources and respects `only`', () => {
    const { doc, cursor } = brief('Then @Tajikstan$0 moved.');
    const syntax = service().parse(doc);
    const foreign: Diagnostic = { range: { start: cursor, end: cursor }, message: 'x', source: 'other', code: 'unknown-reference' };
    assert.deepEqual(provider.provideCodeActions(doc, syntax, state, { diagnostics: [foreign] }), []);
    const diagnostics = service().validate(doc, state.project);
    assert.deepEqual(provider.provideCodeActions(doc, syntax, state, { diagnostics, only: ['source'] }), []);
  });
});

describe('code actions: Use canonical names', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  const CASES: { name: string; text: string; expect: string | undefined }[] = [
    {
      name: 'aliases become canonical names; names, ids and unknowns stay',
      text: "@Putin met @Xi and @PRC's envoy; @[U.S.]x, @Russian_Federation, @vladimir-putin, @[xi jinping], @Nobody.",
      expect: "@[Vladimir Putin] met @[Xi Jinping] and @China's envoy; @[United States]x, @Russia, @vladimir-putin, @[xi jinping], @Nobody.",
    },
    { name: 'a bracket alias may become a short name; an alias that spells the id stays (@SCO is @sco)', text: '@[Republic of Tajikistan] @SCO @CSTO', expect: '@Tajikistan @SCO @CSTO' },
    {
      name: "an abbreviation's last `.` goes with it where the sentence goes on, and from a claim's subject (left, it would break the claim)",
      text: '%% brief-disable-next-line unsupported-claim\n- claim: @U.S. opposes @Russia\nThe @U.S. and @PRC. Backed by the @U.S.\nThe @U.S., then the @U.S. %% note',
      expect: '%% brief-disable-next-line unsupported-claim\n- claim: @[United States] opposes @Russia\nThe @[United States] and @China. Backed by the @[United States].\nThe @[United States], then the @[United States]. %% note',
    },
    {
      name: "touching references stay as many (an `@` after a letter starts none), and a short name's closing `_` stays",
      text: '@[Republic of Tajikistan]@Putin and @Xi@[PRC], _by @Putin_ now_',
      expect: '@[Tajikistan]@[Vladimir Putin] and @Xi@[PRC], _by @[Vladimir Putin]_ now_',
    },
    { name: 'nothing to rewrite: no action', text: '@Tajikistan and @[Xi Jinping]', expect: undefined },
    { name: 'references in code are not references', text: '`@Putin`\n```\n@Putin\n```', expect: undefined },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const { doc, actions } = actionsAt(c.text, state, undefined, ['source']);
      const action = actions.find((a) => a.kind === CANONICAL_NAMES_KIND);
      assert.equal(action && applyToDoc(doc, action), c.expect);
      if (action) {
        assert.equal(action.title, 'Use canonical names');
        assert.deepEqual(diagnose(applyToDoc(doc, action), state), diagnose(doc.getText(), state));
      }
    });
  }

  it('a did-you-mean fix keeps a reference touching the next one, and the closing `_` of emphasis', () => {
    const fixed = (text: string) => {
      const { doc, actions } = actionsAt(text, state, undefined, ['quickfix']);
      const change = actions.find((a) => a.title.startsWith('Change to'));
      return change && applyToDoc(doc, change);
    };
    assert.equal(fixed('@[Tajikstan$0]@Putin'), '@[Tajikistan]@Putin');
    assert.equal(fixed('_by @Tajikstan$0_ now_'), '_by @Tajikistan_ now_');
  });

  it('is not offered when only quick fixes are asked for', () => {
    const { actions } = actionsAt('@Putin$0', state, undefined, ['quickfix']);
    assert.deepEqual(actions, []);
  });
});

/** A project whose `.briefrc.yaml` lists `kb/local.yaml` holding `kbText`. */
async function withKb(kbText: string): Promise<ProjectState> {
  const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: kbText });
  return loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
}

/** Applies a workspace edit (file creations and text edits) to a map of path → text. */
function applyWorkspaceEdit(files: Record<string, string>, edit: WorkspaceEdit): Record<string, string> {
  const out = { ...files };
  const path = (uri: string) => uri.replace(/^file:\/\//, '');
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      assert.equal(change.kind, 'create');
      if (change.kind === 'create' && !(path(change.uri) in out)) out[path(change.uri)] = '';
      continue;
    }
    const p = path(change.textDocument.uri);
    assert.ok(p in out, `edit of a file that does not exist: ${p}`);
    // As an editor does: the text it shows and edits has no BOM, which it writes back on saving.
    const bom = out[p].charCodeAt(0) === 0xfeff ? '\ufeff' : '';
    out[p] = bom + TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'yaml', 1, out[p].slice(bom.length)), change.edits as TextEdit[]);
  }
  return out;
}

describe("code actions: Add '<name>' to the workspace KB", () => {
  const LOCAL = `entities:\n  - id: kant-air-base\n    kind: facility\n    name: Kant Air Base\n    summary: A base.\n`;
  const CONFIG = `${WORKSPACE}/.briefrc.yaml`;
  const DEFAULT_KB = `${WORKSPACE}/kb/workspace.yaml`;
  const CASES: {
    name: string;
    files: Record<string, string>;
    text: string;
    /** Expected files after the edit (only those that change). */
    expect: Record<string, string>;
  }[] = [
    {
      name: 'no config: creates .briefrc.yaml and kb/workspace.yaml',
      files: {},
      text: 'The @[Kant Air Base]$0 hosts jets.',
      expect: {
        [CONFIG]: 'kb: [kb/workspace.yaml]\n',
        [DEFAULT_KB]:
          'entities:\n  - id: kant-air-base\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Kant Air Base\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'config lists a KB file: appends to its entities, with its indentation',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: LOCAL.replace(/\n {2}/g, '\n') },
      text: '@Manas$0 closed.',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: `${LOCAL.replace(/\n {2}/g, '\n')}- id: manas\n  kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n  name: Manas\n  summary: "TODO: one sentence on what the source says about it."\n`,
      },
    },
    {
      name: 'appends at the end of a file without a final newline',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: `# mine\n${LOCAL.trimEnd()}` },
      text: '@Manas$0 closed.',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: `# mine\n${LOCAL}  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n`,
      },
    },
    {
      name: 'config lists a KB file that does not exist yet: creates it',
      files: { [CONFIG]: 'rules: {}\nkb:\n  - kb/new.yaml\n' },
      text: 'claim: @Tajikistan member-of @[Dushanbe Pact]$0',
      expect: {
        [`${WORKSPACE}/kb/new.yaml`]:
          'entities:\n  - id: dushanbe-pact\n    kind: organization # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Dushanbe Pact\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'config without KB files: adds kb/workspace.yaml to it',
      files: { [CONFIG]: 'rules: { unsupported-claim: off }\n' },
      text: '@Manas$0',
      expect: {
        [CONFIG]: 'rules: { unsupported-claim: off }\nkb:\n  - kb/workspace.yaml\n',
        [DEFAULT_KB]:
          'entities:\n  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'config with an empty kb list and an empty KB file',
      files: { [CONFIG]: 'kb: [] # none yet\n', [DEFAULT_KB]: '' },
      text: '@Manas$0',
      expect: {
        [CONFIG]: 'kb: # none yet\n  - kb/workspace.yaml\n',
        [DEFAULT_KB]:
          'entities:\n  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'an id already taken gets a number',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities: []\n' },
      text: 'See @[Tajikistan!]$0 now',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]:
          'entities:\n  - id: tajikistan-2\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Tajikistan!\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'a name YAML must quote is quoted',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities:\n' },
      text: 'See @[Kant: #2 base]$0 now',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]:
          'entities:\n  - id: kant-2-base\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: "Kant: #2 base"\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    ...['---', '...'].map((word) => ({
      name: `a name YAML writes as a block (${word}) is double-quoted on its line`,
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities:\n' },
      text: `See @[${word}]$0 now`,
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: `entities:\n  - id: entity\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: "${word}"\n    summary: "TODO: one sentence on what the source says about it."\n`,
      },
    })),
    ...['true', 'null', '1e3', '0x1f', '007'].map((word) => ({
      name: `an id YAML would read as another type is quoted: ${word}`,
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities:\n' },
      text: `See @[${word}]$0 now`,
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: `entities:\n  - id: "${word}"\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: "${word}"\n    summary: "TODO: one sentence on what the source says about it."\n`,
      },
    })),
    {
      name: 'a comment after an empty list key stays on its line, in the config and in the KB file',
      files: { [CONFIG]: 'kb: # none yet\n', [DEFAULT_KB]: 'entities: # fill me\n' },
      text: '@Manas$0',
      expect: {
        [CONFIG]: 'kb: # none yet\n  - kb/workspace.yaml\n',
        [DEFAULT_KB]: 'entities: # fill me\n  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'a KB file with a BOM, read from disk: the edit is placed as the editor shows the text, without it',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: '\ufeffentities: []\n' },
      text: '@Manas$0',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: '\ufeffentities:\n  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n',
      },
    },
    {
      name: 'a KB file of lone CR line ends: appended to its list, not a second entities key',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: `# local KB\r${LOCAL.replace(/\n/g, '\r')}` },
      text: '@Manas$0',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: `# local KB\r${LOCAL}  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n`.replace(/\n/g, '\r'),
      },
    },
    {
      name: 'CRLF KB file keeps CRLF',
      files: { [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: LOCAL.replace(/\n/g, '\r\n') },
      text: '@Manas$0',
      expect: {
        [`${WORKSPACE}/kb/local.yaml`]: `${LOCAL}  - id: manas\n    kind: group # TODO: the real kind: state, person, group, organization, initiative, place, facility or event\n    name: Manas\n    summary: "TODO: one sentence on what the source says about it."\n`.replace(/\n/g, '\r\n'),
      },
    },
  ];

  for (const c of CASES) {
    it(c.name, async () => {
      const ws = miniWorkspace(c.files);
      const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
      const target = kbStubTarget(state);
      assert.ok(target);
      const files: KbStubFiles = { kbText: c.files[target.kbPath], configText: c.files[CONFIG], toUri, canShowDocument: true };
      const { doc, actions } = actionsAt(c.text, state, files);
      const add = actions.find((a) => a.title.startsWith('Add '));
      assert.ok(add?.edit, `no add action among ${actions.map((a) => a.title).join(' | ')}`);
      assert.match(add.title, /^Add '.+' to the workspace KB$/);
      assert.deepEqual(add.command, { title: 'Open the KB file', command: 'brief.showKbEntity', arguments: [toUri(target.kbPath), /- id: \\?"?([\w-]+)/.exec(JSON.stringify(add.edit))?.[1]] });
      const after = applyWorkspaceEdit(c.files, add.edit);
      const changed = Object.fromEntries(Object.entries(after).filter(([p, t]) => c.files[p] !== t));
      assert.deepEqual(changed, c.expect);
      // Reload from the edited files: the KB files are clean and the reference resolves.
      const reloaded = await loadProject(miniWorkspace(after), { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
      for (const [uri, list] of reloaded.fileDiagnostics) assert.deepEqual(list.map((d) => d.message), [], uri);
      assert.deepEqual(diagnose(doc.getText(), reloaded).filter(([code]) => code !== 'unsupported-claim'), []);
    });
  }

  it('is not offered without a folder, without file creation, or on a flow-style list', async () => {
    const lone = await loadProject(miniWorkspace(), { bundledDataDir: MINI_DATA, trusted: true });
    assert.equal(actionsAt('@Manas$0', lone, { toUri }).actions.some((a) => a.title.startsWith('Add ')), false);
    const noConfig = await miniProject();
    assert.equal(actionsAt('@Manas$0', noConfig, { toUri, canCreateFiles: false }).actions.some((a) => a.title.startsWith('Add ')), false);
    const flowText = 'entities: [ { id: x, kind: state, name: X, summary: S } ]\n';
    const flow = await withKb(flowText);
    assert.equal(actionsAt('@Manas$0', flow, { toUri, kbText: flowText }).actions.some((a) => a.title.startsWith('Add ')), false);
    // The KB file is in use, but its text was not passed: creating it would clobber it.
    const local = await withKb('entities: []\n');
    assert.equal(actionsAt('@Manas$0', local, { toUri }).actions.some((a) => a.title.startsWith('Add ')), false);
    // An untrusted workspace's KB files are not read, so none is written either.
    const untrusted = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities: []\n' }, false);
    assert.equal(kbStubTarget(untrusted), undefined);
    assert.equal(actionsAt('@Manas$0', untrusted, { toUri, kbText: 'entities: []\n', canCreateFiles: true }).actions.some((a) => a.title.startsWith('Add ')), false);
  });

  it('makes a stub\'s id from a Cyrillic name in Latin letters (an id is [a-z0-9-])', () => {
    const free = () => false;
    assert.equal(entityIdFor('Шанхайская организация', free), 'shankhayskaya-organizatsiya');
    assert.equal(entityIdFor('Жұмабек Назарбаев', free), 'zhumabek-nazarbaev');
    assert.equal(entityIdFor('Ҷумъа Қурбон', free), 'juma-qurbon');
    assert.equal(entityIdFor('भारत', free), 'entity', 'other scripts fall back to a placeholder id');
  });

  it('is not offered for ambiguous references', async () => {
    const state = await miniProject();
    assert.equal(actionsAt('@Georgia$0', state, { toUri }).actions.some((a) => a.title.startsWith('Add ')), false);
  });

  it('adds no second stub for a name the KB file already holds, unsaved or not yet loaded', async () => {
    const state = await miniProject({ [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities: []\n' });
    const add = (kbText: string, text = '@[Night Watch]$0') => actionsAt(text, state, { toUri, kbText }).actions.find((a) => a.title.startsWith('Add '));
    const file = (id: string, more: string) => `entities:\n  - id: ${id}\n    kind: group\n${more}    summary: S.\n`;
    assert.ok(add('entities: []\n'), 'offered while the file does not hold it');
    assert.ok(add(file('watchers', '    name: Night Watchers\n')), 'offered beside another name');
    for (const held of [file('night-watch', '    name: NW\n'), file('nw', '    name: Night Watch # new\n'), file('nw', '    name: "night watch"\n'), file('nw', '    name: NW\n    aliases: [Guards, Night Watch]\n')]) {
      assert.equal(add(held), undefined, `not offered when the file holds ${JSON.stringify(held)}`);
    }
  });

  it('takes another id when the KB text already holds one, also for a 40,000-letter name', async () => {
    const state = await miniProject({ [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities: []\n' });
    // `@[Manas (base)]` is written nowhere, but its id would be manas-base, which the text holds.
    const stub = (kbText: string) => JSON.stringify(actionsAt('@[Manas (base)]$0', state, { toUri, kbText }).actions.find((a) => a.title.startsWith('Add '))?.edit ?? null);
    assert.match(stub('entities:\n'), /id: manas-base\\n/);
    assert.match(stub('entities:\n  - id: manas-base # unsaved\n    kind: place\n    name: Manas Airport\n'), /id: manas-base-2\\n/);
    assert.match(stub('entities:\r\n  - id: "manas-base"\r\n    kind: place\r\n    name: Manas Airport\r\n'), /id: manas-base-2\\r\\n/);
    const long = 'a'.repeat(40_000);
    const titles = actionsAt(`@${long}$0`, state, { toUri, kbText: 'entities:\n' }).actions.map((a) => a.title.replace(long, '<long>'));
    assert.deepEqual(titles, ["Add '<long>' to the workspace KB", 'Disable unknown-reference for this line']);
  });

  it('says in its title when the KB file has unsaved changes, which the reference waits for', async () => {
    const state = await miniProject({ [CONFIG]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: 'entities: []\n' });
    const titles = (kbUnsaved: boolean) => actionsAt('@Manas$0', state, { toUri, kbText: 'entities: []\n', kbUnsaved }).actions.map((a) => a.title).filter((t) => t.startsWith('Add '));
    assert.deepEqual(titles(false), ["Add 'Manas' to the workspace KB"]);
    assert.deepEqual(titles(true), ["Add 'Manas' to the workspace KB (the KB file has unsaved changes: the reference resolves once it is saved)"]);
  });

  it('carries no command to open the KB file for a client that cannot be asked to show a document', async () => {
    const state = await miniProject();
    const add = actionsAt('@Manas$0', state, { toUri }).actions.find((a) => a.title.startsWith('Add '));
    assert.ok(add?.edit, 'the edit is still offered');
    assert.equal(add.command, undefined);
  });
});

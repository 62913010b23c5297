/**
 * Hover and completion on the core, as data: a brief with a `$0` cursor and what the feature
 * must answer there. Every branch of features/hover.ts and features/completion.ts has a row.
 * Run on the small test KB (test/fixtures/mini-data), plus in-memory workspace KB files.
 */
import { strict as assert } from 'assert';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { brief, covered, miniProject, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { parseBrief } from '../../server/src/core/parser';
import { entityCard } from '../../server/src/core/features/hover';
import { addFolder } from '../helpers/memoryWorkspace';

// ---------------------------------------------------------------------------------------------
// Hover

/** A hover case: the markdown must contain every `expect` string and none of `absent`. */
interface HoverCase {
  readonly text: string;
  /** Substrings of the hover markdown, or null when there must be no hover. */
  readonly expect: readonly string[] | null;
  readonly absent?: readonly string[];
  /** The text the hover's range covers. */
  readonly covers?: string;
}

function hoverAt(state: ProjectState, textWithCursor: string): { value: string | null; covers?: string } {
  const { doc, cursor } = brief(textWithCursor);
  const hover = service().hover(doc, state.project, cursor);
  if (!hover) return { value: null };
  const contents = hover.contents as { kind: string; value: string };
  assert.equal(contents.kind, 'markdown');
  return { value: contents.value, covers: hover.range ? covered(doc, hover.range) : undefined };
}

function checkHover(state: ProjectState, c: HoverCase): void {
  const { value, covers } = hoverAt(state, c.text);
  if (c.expect === null) return assert.equal(value, null);
  assert.ok(value !== null, 'expected a hover');
  for (const s of c.expect) assert.ok(value.includes(s), `missing ${JSON.stringify(s)} in:\n${value}`);
  for (const s of c.absent ?? []) assert.ok(!value.includes(s), `unexpected ${JSON.stringify(s)} in:\n${value}`);
  if (c.covers !== undefined) assert.equal(covers, c.covers);
}

const TAJIKISTAN_CARD = [
  '**Tajikistan** · _state_',
  'Also: Republic of Tajikistan',
  'A CSTO member on the Afghan border\\.',
  'ISO 3166-1: TJ / TJK',
  '**Relations**',
  '- Tajikistan is a member of Collective Security Treaty Organization (mini\\-2021 ¶p1)',
  // An incoming relation: China holds it, Tajikistan is its target.
  '- China borders Tajikistan (mini\\-2021 ¶p2)',
  '**Facts**',
  '- Borders China along 477 km\\.',
  '  > “477\\-kilometer border” — mini\\-2021 ¶p2',
];

const HOVERS: readonly HoverCase[] = [
  // Reference cards
  { text: '@Tajik$0istan', expect: TAJIKISTAN_CARD, covers: '@Tajikistan' },
  { text: '$0@Tajikistan is here', expect: ['**Tajikistan**'], covers: '@Tajikistan' },
  { text: 'See @Tajikistan$0.', expect: ['**Tajikistan**'], covers: '@Tajikistan' },
  { text: '@[Republic of Tajik$0istan]', expect: ['**Tajikistan** · _state_'], covers: '@[Republic of Tajikistan]' },
  { text: '@Uzbek$0istan', expect: ['**Uzbekistan** · _state_', 'ISO 3166-1: UZ / UZB', '- Uzbekistan is not a member of Collective Security Treaty Organization (mini\\-2021 ¶p1)'], absent: ['Also:', '**Facts**'] },
  { text: '@C$0STO', expect: ['**Collective Security Treaty Organization** · _organization_', 'Also: CSTO', 'A six\\-member grouping', '- Tajikistan is a member of Collective Security Treaty Organization', '- Uzbekistan is not a member of Collective Security Treaty Organization'], absent: ['ISO 3166-1', '**Facts**'] },
  { text: '@Put$0in', expect: ['**Vladimir Putin** · _person_', 'Also: Putin', 'Russian President\\.', '- Vladimir Putin leads Russia (mini\\-2021 ¶p2)'], covers: '@Putin' },
  { text: '@[Xi Jin$0ping]', expect: ['**Xi Jinping** · _person_', 'Also: Xi', 'Chinese President\\.'], absent: ['**Relations**', '**Facts**', 'ISO'] },
  { text: '@[ETH Zu$0rich]', expect: ['**ETH Zürich** · _organization_'] },
  { text: '@Russia$0\'s view', expect: ['**Russia** · _state_', '- Russia participates in Joint Western\\-2021 (mini\\-2021 ¶p3)', '- Vladimir Putin leads Russia (mini\\-2021 ¶p2)'], covers: '@Russia' },
  { text: '# Heading on @Chi$0na', expect: ['**China** · _state_', 'Also: PRC', '- China borders Tajikistan (mini\\-2021 ¶p2)'] },
  { text: 'claim: @Tajik$0istan member-of @CSTO', expect: ['**Tajikistan** · _state_'], covers: '@Tajikistan' },
  // Where two touch, the one whose first character is under the mouse; else the one that ends there.
  { text: 'Backed by @Russia$0[^mini-2021:p1].', expect: ['**A Small Test Article**', '¶p1'], covers: '[^mini-2021:p1]' },
  { text: 'Met @[Xi Jinping]$0[^mini-2021:p2]', expect: ['¶p2 · _Leaders_'], covers: '[^mini-2021:p2]' },
  { text: 'Backed by @Russi$0a[^mini-2021:p1].', expect: ['**Russia** · _state_'], covers: '@Russia' },
  { text: 'As said [^mini-2021]$0@Russia', expect: ['**Russia** · _state_'], covers: '@Russia' },
  { text: 'claim:$0@Tajikistan member-of @CSTO', expect: ['**Tajikistan** · _state_'], covers: '@Tajikistan' },
  { text: 'claim$0:@Tajikistan member-of @CSTO', expect: ['**✓ Supported**'], covers: 'claim:' },
  // Ambiguous and unknown references
  { text: 'In @Geor$0gia', expect: ['**Ambiguous:** `Georgia` may mean', '- Georgia \\(U\\.S\\. state\\) (place) — write `@georgia-us`', '- Georgia (state) — no name of it is unique: give it a distinct alias in the KB'], covers: '@Georgia' },
  { text: '@Tajik$0stan', expect: ['**Unknown entity** `Tajikstan`.', 'Did you mean **Tajikistan**?'], covers: '@Tajikstan' },
  { text: '@Nob$0ody', expect: ['**Unknown entity** `Nobody`.'], absent: ['Did you mean'] },
  { text: 'The @US-l$0ed plan', expect: ['**Unknown entity** `US-led`. Did you mean `@[US]-led`?'], covers: '@US-led' },
  // Citations
  { text: '[^mini$0-2021]', expect: ['**A Small Test Article** — Test Author, 2021', '3 paragraphs.'], covers: '[^mini-2021]' },
  { text: 'As said [^mini-2021:p2$0].', expect: ['**A Small Test Article**', '¶p2 · _Leaders_', '> Russian President Vladimir Putin spoke with Chinese President Xi Jinping\\. China borders Tajikistan along a 477\\-kilometer border\\.'], absent: ['¶p1', '¶p3', 'more'], covers: '[^mini-2021:p2]' },
  { text: '[^mini-2021:p1$0]', expect: ['¶p1\n\n> Russia seeks to use the Collective Security Treaty Organization \\(CSTO\\)'], absent: ['¶p1 ·'] },
  { text: '[^mini-2021:p1-p3$0]', expect: ['¶p1\n', '¶p2 · _Leaders_', '¶p3 · _Leaders_', 'Joint Western\\-2021'], absent: ['more'], covers: '[^mini-2021:p1-p3]' },
  { text: '[^mini-2021:p2-p2$0]', expect: ['¶p2 · _Leaders_'], absent: ['¶p1', '¶p3'] },
  { text: '[^mini-2021:p$04]', expect: ['**A Small Test Article**', 'No paragraph `p4` (the source has p1–p3).'] },
  { text: '[^mini-2021:x$0]', expect: ['No paragraph `x`.'] },
  { text: '[^nowh$0ere:p1]', expect: ['**Unknown source** `nowhere`'], covers: '[^nowhere:p1]' },
  // Claims: keyword and predicate
  { text: 'cla$0im: @Tajikistan member-of @CSTO', expect: ['**✓ Supported** — Tajikistan is a member of Collective Security Treaty Organization', '> “a six\\-member grouping that includes Tajikistan” — mini\\-2021 ¶p1'], covers: 'claim:' },
  { text: '- claim: @Uzbekistan not mem$0ber-of @CSTO', expect: ['**✓ Supported** — Uzbekistan is not a member of Collective Security Treaty Organization', '“excludes Uzbekistan” — mini\\-2021 ¶p1'], covers: 'member-of' },
  { text: '1. claim: @Tajikistan bor$0ders @China', expect: ['**✓ Supported** — Tajikistan borders China', '“China borders Tajikistan” — mini\\-2021 ¶p2'] },
  { text: 'claim: @Uzbekistan mem$0ber-of @CSTO', expect: ['**✗ Contradicted** — Uzbekistan is a member of Collective Security Treaty Organization\n\nThe source says that Uzbekistan is not a member of Collective Security Treaty Organization:\n\n> “excludes Uzbekistan” — mini\\-2021 ¶p1'], absent: ['The claim cites'], covers: 'member-of' },
  // A claim that cites paragraphs none of which holds the evidence is told where it is.
  { text: 'claim: @Uzbekistan not mem$0ber-of @CSTO [^mini-2021:p2-p3]', expect: ['**✓ Supported**', 'The claim cites ¶p2\\-p3; the source says this in ¶p1\\.'] },
  { text: 'claim: @Uzbekistan not mem$0ber-of @CSTO [^mini-2021:p2] [^mini-2021:p1]', expect: ['**✓ Supported**'], absent: ['The claim cites'] },
  { text: 'claim: @Uzbekistan not mem$0ber-of @CSTO [^mini-2021]', expect: ['**✓ Supported**'], absent: ['The claim cites'] },
  { text: '> CLAIM$0: @Tajikistan NOT member-of @CSTO', expect: ['**✗ Contradicted** — Tajikistan is not a member of Collective Security Treaty Organization'], covers: 'CLAIM:' },
  { text: 'claim: @Russia member-of$0 @SCO', expect: ['**? Unsupported** — Russia is a member of Shanghai Cooperation Organization', 'The knowledge base holds no relation for this claim.'] },
  { text: 'claim: @Putin memb$0er-of @CSTO', expect: ["**Kind mismatch** — 'member\\-of' takes state, organization as its subject, but Vladimir Putin is a person\\."] },
  { text: 'claim: @Tajikistan lea$0ds @CSTO', expect: ["**Kind mismatch** — 'leads' takes person as its subject, but Tajikistan is a state\\."] },
  { text: 'claim: @Tajikistan memb$0erof @CSTO', expect: ['**Unknown predicate** `memberof`. Did you mean `member-of`?'], covers: 'memberof' },
  { text: 'claim: @Tajikistan fri$0ends @CSTO', expect: ['**Unknown predicate** `friends`.'], absent: ['Did you mean'] },
  // Rule names in directives
  { text: '%% brief-disable-next-line unknown-refe$0rence -- why', expect: ['**unknown\\-reference** — error by default\n\nA reference names no entity of the knowledge base'], covers: 'unknown-reference' },
  { text: '%% brief-disable ambiguous-reference, unsupp$0orted-claim', expect: ['**unsupported\\-claim** — information by default'], covers: 'unsupported-claim' },
  { text: '%% brief-enable unknwn-ref$0erence', expect: ['**Unknown rule** `unknwn-reference`. Did you mean `unknown-reference`?'], covers: 'unknwn-reference' },
  { text: 'claim: @Tajikstan member$0-of @CSTO', expect: ['**member\\-of** — state, organization → organization', 'No verdict: a reference of this claim does not name exactly one entity.'] },
  { text: 'claim: @Georgia member$0-of @CSTO', expect: ['No verdict'] },
  // Front matter keys
  { text: '---\ntit$0le: x\n---', expect: ["**title** — The brief's title (required when there is front matter)."], covers: 'title' },
  { text: '---\ntitle: x\nclassi$0fication: TLP:RED\n---', expect: ['**classification** — Traffic Light Protocol marking.', 'Values: `TLP:CLEAR`, `TLP:GREEN`, `TLP:AMBER`, `TLP:AMBER+STRICT`, `TLP:RED`'] },
  { text: '---\ntitle: x\nconfidence$0: low\n---', expect: ['**confidence**', 'Values: `low`, `moderate`, `high`'] },
  { text: '---\ntitle: x\nsour$0ces: [mini-2021]\n---', expect: ['**sources** — A list of source ids'], absent: ['Values:'] },
  // Nothing to say
  { text: '---\ntitle: x\ncolo$0ur: red\n---', expect: null },
  { text: '---\ntitle: x$0y\n---', expect: null },
  { text: 'plain $0text', expect: null },
  { text: '```\n@Tajik$0istan [^mini-2021]\n```', expect: null },
  { text: 'Write `@Tajik$0istan` like this.', expect: null },
  { text: 'Text %% @Tajik$0istan', expect: null },
  { text: 'Literal \\@Tajik$0istan', expect: null },
  { text: 'Mail analyst@Tajik$0istan.org', expect: null },
  { text: 'The claim: @Tajikistan mem$0ber-of @CSTO is prose.', expect: null },
  { text: '', expect: null },
];

describe('hover (mini KB)', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  for (const c of HOVERS) it(JSON.stringify(c.text), () => checkHover(state, c));
});

/** A workspace KB with an entity that has every optional part, more relations and facts than a card shows. */
const HUB_KB = `entities:
  - id: test-hub
    kind: organization
    name: Test Hub
    summary: An organization with many relations.
    identifiers: { wikidata: Q4242 }
    relations:
${['tajikistan', 'uzbekistan', 'russia', 'china', 'united-states', 'georgia', 'csto', 'sco', 'vladimir-putin', 'xi-jinping']
  .map((target, i) => `      - type: supports
        target: ${target}
        negated: ${i === 5}
${i === 0 ? '        since: "2019"\n' : ''}${i === 1 ? '        since: "2001"\n        until: 2021-08\n' : ''}${i === 2 ? '        until: "2020"\n' : ''}        evidence: [ { source: mini-2021, paragraph: p${(i % 3) + 1}, quote: "${['Russia', 'Russian', 'Russian'][i % 3]}" } ]`)
  .join('\n')}
    facts:
${[1, 2, 3, 4].map((n) => `      - text: Fact number ${n}.\n        evidence: [ { source: mini-2021, paragraph: p1, quote: "Russia" } ]`).join('\n')}
  - id: lone-state
    kind: state
    name: Lone State
    summary: Only an alpha-2 code.
    identifiers: { iso2: LS }
`;

describe('hover (workspace KB: identifiers, dates, long lists)', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/hub.yaml]\n', [`${WORKSPACE}/kb/hub.yaml`]: HUB_KB });
    const problems = [...state.fileDiagnostics.values()].flat();
    assert.deepEqual(problems, [], 'the test KB is valid');
  });
  const CASES: HoverCase[] = [
    {
      text: '@test-h$0ub',
      expect: [
        '**Test Hub** · _organization_',
        'Wikidata: Q4242',
        '- Test Hub supports Tajikistan \\(since 2019\\) (mini\\-2021 ¶p1)',
        '- Test Hub supports Uzbekistan \\(2001–2021\\-08\\) (mini\\-2021 ¶p2)',
        '- Test Hub supports Russia \\(until 2020\\) (mini\\-2021 ¶p3)',
        '- Test Hub does not support Georgia',
        '- … and 2 more',
        '- Fact number 1\\.',
        '- Fact number 3\\.',
        '- … and 1 more',
      ],
      // Eight relations and three facts at most.
      absent: ['ISO 3166-1', 'Also:', 'supports Vladimir Putin', 'supports Xi Jinping', 'Fact number 4'],
    },
    { text: '@Lone$0-State', expect: ['**Lone State** · _state_', 'ISO 3166-1: LS'], absent: [' / ', 'Wikidata'] },
    { text: '@[Lone State]$0', expect: ['ISO 3166-1: LS'] },
    { text: 'claim: @test-hub supp$0orts @Tajikistan', expect: ['**✓ Supported** — Test Hub supports Tajikistan \\(since 2019\\)'] },
    // A contradicted claim's heading states the claim alone: the dates are those of what the source says instead.
    {
      text: 'claim: @test-hub not supp$0orts @Tajikistan',
      expect: ['**✗ Contradicted** — Test Hub does not support Tajikistan\n\nThe source says that Test Hub supports Tajikistan \\(since 2019\\):'],
      absent: ['does not support Tajikistan \\(since 2019\\)'],
    },
    { text: 'claim: @test-hub supp$0orts @Georgia', expect: ['No verdict'] },
    { text: 'claim: @test-hub supp$0orts @Uzbekistan', expect: ['**✓ Supported** — Test Hub supports Uzbekistan \\(2001–2021\\-08\\)'] },
    // A relation that ended contradicts no claim (README, decisions): 'not supports' is unsupported.
    { text: 'claim: @test-hub not supp$0orts @Uzbekistan', expect: ['**? Unsupported** — Test Hub does not support Uzbekistan'] },
    // An unsupported claim that quotes a relation says too where the source says it, when the claim cites elsewhere.
    { text: 'claim: @test-hub not supp$0orts @Uzbekistan [^mini-2021:p1]', expect: ['a relation that ended', 'The claim cites ¶p1; the source says this in ¶p2\\.'] },
    { text: 'claim: @test-hub opp$0oses @Tajikistan [^mini-2021:p3]', expect: ['holds no relation for this claim, but holds that Test Hub supports Tajikistan', 'The claim cites ¶p3; the source says this in ¶p1\\.'] },
    { text: 'claim: @test-hub opp$0oses @Tajikistan [^mini-2021:p1]', expect: ['but holds that Test Hub supports Tajikistan'], absent: ['The claim cites'] },
    { text: '@Tajik$0istan', expect: ['- Test Hub supports Tajikistan \\(since 2019\\)'] },
  ];
  for (const c of CASES) it(JSON.stringify(c.text), () => checkHover(state, c));
});

describe('hover (a source with more paragraphs than a hover shows)', () => {
  let state: ProjectState;
  before(async () => {
    const paragraphs = [1, 2, 3, 4, 5].map((n) => `  - { id: p${n}, section: "", text: "Paragraph number ${n}." }`).join('\n');
    const ws = miniWorkspace({
      '/mem/five/sources/five.yaml': `id: five\ntitle: Five\nauthor: A. Writer\nyear: 2020\nparagraphs:\n${paragraphs}\n`,
      '/mem/five/sources/one.yaml': 'id: one\ntitle: One\nauthor: A. Writer\nyear: 2020\nparagraphs:\n  - { id: p1, section: "", text: "The only paragraph." }\n',
      '/mem/five/kb/none.yaml': 'entities: []\n',
    });
    state = await loadProject(ws, { bundledDataDir: '/mem/five', folder: WORKSPACE, trusted: true });
  });
  const CASES: HoverCase[] = [
    { text: '[^five:p1-p5$0]', expect: ['**Five** — A\\. Writer, 2020', '> Paragraph number 1\\.', '> Paragraph number 3\\.', '… and 2 more paragraphs'], absent: ['Paragraph number 4'] },
    { text: '[^five:p2-p4$0]', expect: ['Paragraph number 2', 'Paragraph number 4'], absent: ['more', 'Paragraph number 5'] },
    { text: '[^five$0]', expect: ['5 paragraphs.'] },
    // Counts agree with their noun: one more paragraph, a source of one paragraph.
    { text: '[^five:p1-p4$0]', expect: ['… and 1 more paragraph'], absent: ['more paragraphs'] },
    { text: '[^one$0]', expect: ['**One** — A\\. Writer, 2020\n\n1 paragraph.'], absent: ['paragraphs'] },
  ];
  for (const c of CASES) it(JSON.stringify(c.text), () => checkHover(state, c));
});

// ---------------------------------------------------------------------------------------------
// Completion

/**
 * A completion case. `labels`: all the labels, in order; `includes`: some of them; `edits`: label →
 * [newText, replaced text]; `first`: the first item's label and the text once it is accepted.
 */
interface CompletionCase {
  readonly text: string;
  readonly labels?: readonly string[];
  readonly includes?: readonly string[];
  readonly absent?: readonly string[];
  readonly edits?: Readonly<Record<string, readonly [newText: string, replaced: string]>>;
  readonly first?: readonly [label: string, accepted: string];
}

// With nothing typed, every entity under its canonical name.
const ENTITY_LABELS = ['China', 'Collective Security Treaty Organization', 'ETH Zürich', 'Georgia', 'Georgia (U.S. state)', 'Joint Western-2021', 'Russia', 'Shanghai Cooperation Organization', 'Tajikistan', 'United States', 'Uzbekistan', 'Vladimir Putin', 'Xi Jinping'];
const PREDICATES = ['member-of', 'leads', 'borders', 'allied-with', 'rival-of', 'cooperates-with', 'supports', 'opposes', 'operates', 'located-in', 'part-of', 'participates-in'];
const RULES = [
  'unknown-reference', 'ambiguous-reference', 'malformed-reference', 'unknown-source', 'unknown-paragraph',
  'malformed-claim', 'unknown-predicate', 'kind-mismatch', 'contradicted-claim', 'unsupported-claim',
  'front-matter-syntax', 'front-matter-unterminated', 'front-matter-unknown-key', 'front-matter-invalid-value', 'unknown-rule',
];
const FOR_A_STATE = ['member-of', 'borders', 'allied-with', 'rival-of', 'cooperates-with', 'supports', 'opposes', 'operates', 'participates-in', 'leads', 'located-in', 'part-of'];
const FOR_A_PERSON = ['leads', 'cooperates-with', 'supports', 'opposes', 'participates-in', 'member-of', 'borders', 'allied-with', 'rival-of', 'operates', 'located-in', 'part-of'];
const DIRECTIVES = ['brief-disable-next-line', 'brief-disable', 'brief-enable'];
const FM_KEYS = ['title', 'author', 'date', 'classification', 'confidence', 'tags', 'sources'];
const TLP = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];

const COMPLETIONS: readonly CompletionCase[] = [
  // Entities after @ and @[
  { text: 'Backed by @$0', labels: ENTITY_LABELS, edits: { Tajikistan: ['@Tajikistan', '@'], 'Xi Jinping': ['@[Xi Jinping]', '@'], 'ETH Zürich': ['@[ETH Zürich]', '@'] } },
  { text: '@Taj$0', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan', '@Taj'] } },
  { text: 'In @Taj$0 today', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan', '@Taj'] } },
  { text: '@Ta$0jikistan and more', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan', '@Tajikistan'] } },
  // The `.` or `-` that ends a name is the sentence's (spec §3.3): it stays, wherever the cursor is.
  { text: 'backed by @Taj$0. Then', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan', '@Taj'] } },
  { text: 'backed by @Ta$0jik-- then', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan', '@Tajik'] } },
  { text: 'backed by @Taj.$0 Then', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan.', '@Taj.'] } },
  { text: 'x @Russia.$0 Next', first: ['Russia', 'x @Russia. Next'] },
  // …unless the entity's own name goes on through it (`Joint Western-2021` after `@Joint-`).
  { text: '@Joint-$0', first: ['Joint Western-2021', '@[Joint Western-2021]'] },
  { text: 'In @Georgia-$0', includes: ['Georgia (U.S. state)'], edits: { 'Georgia (U.S. state)': ['@[Georgia (U.S. state)]', '@Georgia-'] } },
  { text: '@U.S$0. today', includes: ['US'], edits: { US: ['@US', '@U.S'] } },
  // Glued to more text that names nothing as a whole: the part at the cursor, in brackets.
  { text: 'The @Ta$0jikistan-led pact', includes: ['Tajikistan'], edits: { Tajikistan: ['@[Tajikistan]', '@Tajikistan'] } },
  { text: 'The @Ru$0ssia.China axis', includes: ['Russia'], edits: { Russia: ['@[Russia]', '@Russia'] } },
  { text: 'The @Ru$0ssia--led and @Ru-_x', includes: ['Russia'], edits: { Russia: ['@[Russia]', '@Russia'] } },
  // The cursor after the `.` or `-` that glues: it stays, and so does the text after the cursor.
  { text: '@Russia-$0led forces', first: ['Russia', '@[Russia]-led forces'] },
  { text: '@Putin-$0Xi call', first: ['Putin', '@[Putin]-Xi call'] },
  { text: 'The @Russia.$0China axis', first: ['Russia', 'The @[Russia].China axis'] },
  // Dots before the `-` that glues are the name's, wherever the cursor is in it.
  { text: '@U.$0S.-led forces', first: ['US', '@[US]-led forces'] },
  { text: '@U.S.$0-led forces', first: ['US', '@[US]-led forces'] },
  { text: '@U.S.-$0led forces', first: ['US', '@[US]-led forces'] },
  // `@` typed in front of a name: the name under the cursor comes first, then what the text
  // before the cursor matches (`@Ch` in front of a word still offers China).
  { text: 'Ties with @$0Russia remain.', first: ['Russia', 'Ties with @Russia remain.'], includes: ['China'] },
  { text: 'Ties with @[$0Xi Jinping] remain.', first: ['Xi Jinping', 'Ties with @[Xi Jinping] remain.'], includes: ['China'] },
  { text: 'Ties with @[Xi $0Jinping] remain.', first: ['Xi Jinping', 'Ties with @[Xi Jinping] remain.'] },
  // A word of the name counts too (Jinping in Xi Jinping); letters in order do not.
  { text: 'Ties with @[$0Jinping] remain.', first: ['Xi Jinping', 'Ties with @[Xi Jinping] remain.'] },
  { text: 'claim: @Tajikistan member-of @$0Russia', first: ['Russia', 'claim: @Tajikistan member-of @Russia'], includes: ['Collective Security Treaty Organization'] },
  // A name that goes on through the `-` but not with the word after it leaves that word.
  { text: '@Joint-$0led x', first: ['Joint Western-2021', '@[Joint Western-2021]-led x'] },
  // The cursor in the first part of a glued name: a name that goes on through the glue takes in
  // as much of the word as it goes on with, not less (no `-Western` written twice).
  { text: '@Jo$0int-Western exercises', first: ['Joint Western-2021', '@[Joint Western-2021] exercises'] },
  // The whole glued word, and the words after it that finish the name (`@|Karshi-Khanabad Air Base was`).
  { text: '@Jo$0int-Western 2021 drills', first: ['Joint Western-2021', '@[Joint Western-2021] drills'] },
  { text: '@$0Shanghai-Cooperation Organization met', first: ['Shanghai Cooperation Organization', '@[Shanghai Cooperation Organization] met'] },
  { text: '@Jo$0int-led x', first: ['Joint Western-2021', '@[Joint Western-2021]-led x'] },
  // The cursor past the glue, inside the word: the known part is the name, the rest stays.
  { text: '@Russia-le$0d forces', first: ['Russia', '@[Russia]-led forces'] },
  // `@` typed before a name of several words: the words that finish the name are taken in.
  { text: 'Met @$0Xi Jinping today.', first: ['Xi Jinping', 'Met @[Xi Jinping] today.'] },
  { text: 'Met @$0Vladimir Putin today.', first: ['Vladimir Putin', 'Met @[Vladimir Putin] today.'] },
  { text: 'Met @Xi$0 Jinping today.', first: ['Xi Jinping', 'Met @[Xi Jinping] today.'] },
  // `@` before a bracket name: that name is the one under the cursor.
  { text: 'Saw @$0[Xi Jinping] now', first: ['Xi Jinping', 'Saw @[Xi Jinping] now'] },
  // A misspelt name under the cursor: what it was meant to be first, not the first by name.
  { text: 'Ties with @$0Tajikstan remain.', first: ['Tajikistan', 'Ties with @Tajikistan remain.'] },
  // A claim's subject written as an abbreviation with its last `.`: no `.` left glued to it.
  { text: 'claim: @U.S.$0 supports @China', first: ['US', 'claim: @US supports @China'] },
  { text: 'claim: @U.$0S. supports @China', first: ['US', 'claim: @US supports @China'] },
  { text: 'claim: @U.S. $0', includes: ['not', 'member-of', 'supports'] },
  { text: '@Ch$0Russia', includes: ['China'], edits: { China: ['@China', '@ChRussia'] } },
  // …but a name with a hyphen of its own is replaced whole.
  { text: '@Jo$0int-Western-2021 drills', includes: ['Joint Western-2021'], edits: { 'Joint Western-2021': ['@[Joint Western-2021]', '@Joint-Western-2021'] } },
  { text: '(@Uzb$0', labels: ['Uzbekistan'], edits: { Uzbekistan: ['@Uzbekistan', '@Uzb'] } },
  { text: '@[Xi J$0', labels: ['Xi Jinping'], edits: { 'Xi Jinping': ['@[Xi Jinping]', '@[Xi J'] } },
  { text: '@[Xi J$0]', labels: ['Xi Jinping'], edits: { 'Xi Jinping': ['@[Xi Jinping]', '@[Xi J]'] } },
  // Inside a closed bracket reference: the rest of the name and the `]` go too, not more.
  { text: 'We saw @[Xi$0 Jinping] met', labels: ['Xi Jinping'], edits: { 'Xi Jinping': ['@[Xi Jinping]', '@[Xi Jinping]'] } },
  { text: 'Then @[Xi$0 said @[Russia] x', includes: ['Xi Jinping'], edits: { 'Xi Jinping': ['@[Xi Jinping]', '@[Xi'] } },
  { text: 'x @[Xi J$0inp said', labels: ['Xi Jinping'], edits: { 'Xi Jinping': ['@[Xi Jinping]', '@[Xi Jinp'] } },
  { text: 'Talks with @[$0', includes: ['Tajikistan', 'Xi Jinping'], edits: { Tajikistan: ['@[Tajikistan]', '@['] } },
  { text: '@[$0]', includes: ['Russia'], edits: { Russia: ['@[Russia]', '@[]'] } },
  { text: '@[ETH Z$0', labels: ['ETH Zürich'], edits: { 'ETH Zürich': ['@[ETH Zürich]', '@[ETH Z'] } },
  { text: '@Joint$0', labels: ['Joint Western-2021'], edits: { 'Joint Western-2021': ['@[Joint Western-2021]', '@Joint'] } },
  // An alias that was typed is the label, and is inserted when it names one entity.
  { text: '@Put$0', includes: ['Putin'], absent: ['Vladimir Putin'], edits: { Putin: ['@Putin', '@Put'] } },
  { text: '@PR$0', includes: ['PRC'], edits: { PRC: ['@PRC', '@PR'] } },
  // An acronym that matched is shown as itself, in the place its length ranks it: not the long
  // name there, which would read as out of order.
  { text: '@C$0', labels: ['CSTO', 'China', 'Shanghai Cooperation Organization', 'ETH Zürich', 'Republic of Tajikistan'], edits: { CSTO: ['@CSTO', '@C'] } },
  { text: '@[Co$0', labels: ['Collective Security Treaty Organization', 'Shanghai Cooperation Organization', 'Republic of Tajikistan'] },
  { text: '@Russian$0', labels: ['Russian Federation'], edits: { 'Russian Federation': ['@[Russian Federation]', '@Russian'] } },
  { text: '@U.S$0', includes: ['US'], edits: { US: ['@US', '@U.S'] } },
  // An alias shared by two entities inserts the id, which names one of them.
  { text: '@Georgia-u$0', includes: ['georgia-us'], edits: { 'georgia-us': ['@georgia-us', '@Georgia-u'] } },
  { text: '@zzq$0', labels: [] },
  { text: 'claim: @Tajikistan member-of @CS$0', includes: ['CSTO'], edits: { CSTO: ['@CSTO', '@CS'] } },
  // No entities where references do not count
  { text: '```\n@Taj$0\n```', labels: [] },
  { text: '~~~~\ntext\n@Taj$0\n~~~~\n', labels: [] },
  { text: 'Write `@Taj$0` here', labels: [] },
  { text: 'Text %% @Taj$0', labels: [] },
  { text: 'mail analyst@Taj$0', labels: [] },
  { text: 'mail rene\u0301@Taj$0', labels: [] },
  { text: '\u26a0\ufe0f@Taj$0', includes: ['Tajikistan'], edits: { Tajikistan: ['@Tajikistan', '@Taj'] } },
  { text: 'Literal \\@Taj$0', labels: [] },
  { text: 'Double @@Taj$0', labels: [] },
  { text: 'plain $0text', labels: [] },
  { text: '', labels: [] },
  // Predicates in a claim
  // The predicates that take the subject's kind first (a state, a person), then the others.
  { text: 'claim: @Tajikistan $0', labels: ['not', ...FOR_A_STATE], edits: { 'member-of': ['member-of', ''], not: ['not ', ''] } },
  { text: '- claim: @Tajikistan mem$0', labels: ['not', ...FOR_A_STATE], edits: { 'member-of': ['member-of', 'mem'] } },
  { text: '> CLAIM: @[Xi Jinping] $0', labels: ['not', ...FOR_A_PERSON] },
  { text: '1. claim: @Tajikistan not $0', labels: FOR_A_STATE, edits: { borders: ['borders', ''] } },
  { text: 'claim: @Tajikistan NOT bor$0', labels: FOR_A_STATE, edits: { borders: ['borders', 'bor'] } },
  // The cursor inside a word: the whole word is replaced, not only what is before the cursor.
  { text: 'claim: @Tajikistan member$0of @CSTO', labels: ['not', ...FOR_A_STATE], edits: { 'member-of': ['member-of', 'memberof'], not: ['not memberof', 'memberof'] } },
  // A space follows already: `not` alone, not `not  member-of`.
  { text: 'claim: @Tajikistan no$0 member-of @CSTO', labels: ['not'], edits: { not: ['not', 'no'] } },
  { text: 'claim: @Tajikistan n$0', includes: ['not'], edits: { not: ['not ', 'n'] } },
  // Inside a `not` written before the predicate: nothing in its place.
  { text: 'claim: @Tajikistan n$0ot member-of @CSTO', labels: [] },
  { text: 'claim: @Tajikstan $0', labels: ['not', ...PREDICATES] },
  // A claim's object: the kinds its predicate takes first (organizations for member-of).
  {
    text: 'claim: @Tajikistan member-of @$0',
    labels: ['Collective Security Treaty Organization', 'ETH Zürich', 'Shanghai Cooperation Organization', 'China', 'Georgia', 'Georgia (U.S. state)', 'Joint Western-2021', 'Russia', 'Tajikistan', 'United States', 'Uzbekistan', 'Vladimir Putin', 'Xi Jinping'],
  },
  { text: 'claim: @Tajikistan member-of $0', labels: [] },
  { text: 'claim: $0', labels: [] },
  { text: 'claim:$0', labels: [] },
  { text: 'The claim: @Tajikistan $0', labels: [] },
  // Sources and paragraphs in citations
  { text: 'As reported [^$0', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', ''] } },
  { text: 'As reported [^mi$0', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', 'mi'] } },
  { text: 'As reported [^$0]', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', ''] } },
  { text: 'See [^mini-2021:$0', labels: ['p1', 'p2', 'p3'], edits: { p2: ['p2', ''] } },
  { text: 'See [^mini-2021:p$0]', labels: ['p1', 'p2', 'p3'], edits: { p3: ['p3', 'p'] } },
  { text: 'See [^mini-2021:p$02]', labels: ['p1', 'p2', 'p3'], edits: { p3: ['p3', 'p2'] } },
  { text: 'See [^mini-2021:p$01-p3]', labels: ['p1', 'p2', 'p3'], edits: { p2: ['p2', 'p1'] } },
  // The end of a range: the paragraphs after its start only (`p2-p1` runs backwards).
  { text: 'See [^mini-2021:p1-p$03]', labels: ['p2', 'p3'], edits: { p2: ['p2', 'p3'] } },
  // A range starts at a paragraph: after a caption or anything else, nothing ends it.
  { text: 'See [^mini-2021:c1-$0]', labels: [] },
  { text: 'See [^mini-2021:x-$0]', labels: [] },
  { text: 'See [^mini-2021:p1-$0]', labels: ['p2', 'p3'], edits: { p3: ['p3', ''] } },
  { text: 'See [^mini-2021:p2-$0', labels: ['p3'] },
  { text: 'See [^mini-2021:p3-$0', labels: [] },
  { text: 'See [^mini-2021:x-$0', labels: [] },
  { text: 'As reported [^mi$0ni-2021:p2]', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', 'mini-2021'] } },
  { text: 'See [^nowhere:$0', labels: [] },
  // Directives in comments
  { text: '%% $0', labels: DIRECTIVES, edits: { 'brief-disable': ['brief-disable', ''] } },
  { text: '%% brief-dis$0', labels: DIRECTIVES, edits: { 'brief-disable-next-line': ['brief-disable-next-line', 'brief-dis'] } },
  { text: '@Tajikistan %% brief-disable $0', labels: RULES, edits: { 'unknown-reference': ['unknown-reference', ''] } },
  // Rules the line names already are not offered again, before the cursor or after it.
  { text: '%% brief-disable-next-line unknown-reference, unk$0', labels: RULES.filter((r) => r !== 'unknown-reference'), edits: { 'unknown-source': ['unknown-source', 'unk'] } },
  { text: '%% brief-disable unknown-reference, $0', labels: RULES.filter((r) => r !== 'unknown-reference') },
  { text: '%% brief-disable $0 unknown-source -- not unknown-reference', labels: RULES.filter((r) => r !== 'unknown-source') },
  // After ` -- ` the text says why: no rule names.
  { text: '%% brief-disable-next-line unknown-reference -- the $0', labels: [] },
  // The cursor before a rule already written: that rule first.
  { text: '%% brief-disable-next-line $0unsupported-claim', first: ['unsupported-claim', '%% brief-disable-next-line unsupported-claim'] },
  // Right before the ` -- `: the separator is not replaced, and stays one.
  { text: '%% brief-disable-next-line $0-- the KB lacks it', first: ['unknown-reference', '%% brief-disable-next-line unknown-reference -- the KB lacks it'] },
  { text: '%% brief-disable-next-line unknown-reference $0-- why', first: ['ambiguous-reference', '%% brief-disable-next-line unknown-reference ambiguous-reference -- why'] },
  { text: '%% brief-disable-next-line unknown-reference -- unk$0', labels: [] },
  { text: '%% brief-disable unknown-reference --$0', labels: [] },
  { text: '%% brief-enable unk$0', labels: RULES },
  { text: '%% brief-disable unsupp$0p', labels: RULES, edits: { 'unsupported-claim': ['unsupported-claim', 'unsuppp'] } },
  { text: '%% brief-dis$0able unknown-reference', labels: DIRECTIVES, edits: { 'brief-disable': ['brief-disable', 'brief-disable'] } },
  { text: '%% a remark $0', labels: [] },
  // Front matter keys and values
  { text: '---\n$0\n---', labels: FM_KEYS, edits: { title: ['title: ', ''] } },
  { text: '---\ntitle: x\n$0\n---', labels: FM_KEYS.filter((k) => k !== 'title'), edits: { confidence: ['confidence: ', ''] } },
  { text: '---\ntitle: x\ndate: 2021-01-01\n$0\n---', labels: FM_KEYS.filter((k) => k !== 'title' && k !== 'date') },
  { text: '---\ntitle: x\nclassification: $0\n---', labels: TLP, edits: { 'TLP:RED': ['TLP:RED', ''] } },
  { text: '---\ntitle: x\nclassification: TLP:A$0\n---', labels: TLP, edits: { 'TLP:AMBER': ['TLP:AMBER', 'TLP:A'] } },
  { text: '---\ntitle: x\nconfidence: m$0\n---', labels: ['low', 'moderate', 'high'], edits: { moderate: ['moderate', 'm'] } },
  { text: '---\ntitle: x\nsources: [$0]\n---', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', ''] } },
  // Right after the `:`, a value brings the space YAML needs (`confidence:low` is one string).
  { text: '---\ntitle: x\nconfidence:$0\n---\nBody.\n', labels: ['low', 'moderate', 'high'], first: ['low', '---\ntitle: x\nconfidence: low\n---\nBody.\n'] },
  { text: '---\ntitle: x\nclassification:$0\n---', labels: TLP, edits: { 'TLP:RED': [' TLP:RED', ''] } },
  { text: '---\ntitle: x\nconfidence:mo$0\n---', labels: ['low', 'moderate', 'high'], edits: { moderate: [' moderate', 'mo'] } },
  { text: '---\ntitle: x\nsources:[$0\n---', labels: ['mini-2021'], edits: { 'mini-2021': [' [mini-2021', '['] } },
  // A block list under `sources:` is offered sources as the flow form is.
  { text: '---\ntitle: x\nsources:\n  - $0\n---\n', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', ''] } },
  { text: '---\ntitle: x\nsources:\n  - other-2020\n\n  - mi$0\n---\n', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', 'mi'] } },
  // A source the list already holds is not offered again; a bare value is written as a list.
  { text: '---\ntitle: x\nsources:\n  - mini-2021\n  - $0\n---\n', labels: [] },
  { text: '---\ntitle: x\nsources: [mini-2021, $0]\n---', labels: [] },
  { text: '---\ntitle: x\nsources: [ $0]\n---', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', ''] } },
  { text: '---\ntitle: x\nsources: $0\n---\n', first: ['mini-2021', '---\ntitle: x\nsources: [mini-2021]\n---\n'] },
  // Written top down, before its closing `---`: keys and values while its lines are all keys.
  { text: '---\nconf$0', labels: FM_KEYS, edits: { confidence: ['confidence: ', 'conf'] } },
  { text: '---\nco$0\ntitle: X\nconfidence: low\n\nBody.', labels: FM_KEYS.filter((k) => k !== 'title' && k !== 'confidence') },
  { text: '---\ntitle: x\nconfidence: $0', labels: ['low', 'moderate', 'high'] },
  { text: '---\ntitle: x\nsources:\n  - $0', labels: ['mini-2021'] },
  { text: '---\nSome prose, not a key.\n@Taj$0', includes: ['Tajikistan'] },
  { text: '---\nSome prose, not a key.\nconf$0', labels: [] },
  { text: '---\n@Taj$0', includes: ['Tajikistan'] },
  { text: '---\ntitle: x\nsources:$0\n---\n', first: ['mini-2021', '---\ntitle: x\nsources: [mini-2021]\n---\n'] },
  { text: '---\ntitle: x\nsources:\n-$0\n---\n', labels: ['mini-2021'], edits: { 'mini-2021': [' mini-2021', ''] } },
  { text: '---\ntitle: x\ntags:\n  - $0\n---\n', labels: [] },
  { text: '---\ntitle: x\nconfidence:\n  - $0\n---\n', labels: [] },
  { text: '---\ntitle: x\nsources: [other-2020, mi$0]\n---', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', 'mi'] } },
  { text: '---\ntitle: x\ntags: $0\n---', labels: [] },
  // With the cursor inside a key or value, the rest of it is replaced too, as in the body.
  { text: '---\ntitle: x\nclassification: TLP:$0AMBER\n---', labels: TLP, edits: { 'TLP:GREEN': ['TLP:GREEN', 'TLP:AMBER'] } },
  { text: '---\ntitle: x\nconfidence: mod$0erate # why\n---', labels: ['low', 'moderate', 'high'], edits: { high: ['high', 'moderate'] } },
  { text: '---\ntitle: x\nconfidence:mo$0derate\n---', labels: ['low', 'moderate', 'high'], edits: { moderate: [' moderate', 'moderate'] } },
  { text: '---\ntitle: x\nsources: [mi$0ni-2021]\n---', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', 'mini-2021'] } },
  { text: '---\ntitle: x\nsources:\n  - mi$0ni-2021\n---\n', labels: ['mini-2021'], edits: { 'mini-2021': ['mini-2021', 'mini-2021'] } },
  { text: '---\ntitle: x\ncon$0fidence: low\n---', edits: { confidence: ['confidence: ', 'confidence: '] } },
  { text: '---$0\ntitle: x\n---', labels: [] },
  { text: '---\ntitle: x\n---\n@Taj$0', includes: ['Tajikistan'] },
];

function completeAt(state: ProjectState, textWithCursor: string): { doc: TextDocument; list: CompletionList; cursor: { line: number; character: number } } {
  const { doc, cursor } = brief(textWithCursor);
  return { doc, cursor, list: service().complete(doc, state.project, cursor) };
}

function editOf(item: CompletionItem): TextEdit {
  const edit = item.textEdit;
  assert.ok(edit && 'range' in edit, `${item.label} has a TextEdit`);
  return edit;
}

describe('completion (mini KB)', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  for (const c of COMPLETIONS) {
    it(JSON.stringify(c.text), () => {
      const { doc, list, cursor } = completeAt(state, c.text);
      const labels = list.items.map((i) => i.label);
      if (c.labels) assert.deepEqual(labels, c.labels);
      // The editor shows the list sorted by sortText, else by label: the order must survive that.
      const shown = [...list.items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
      if (c.labels) assert.deepEqual(shown, c.labels, 'as the editor sorts it');
      for (const l of c.includes ?? []) assert.ok(labels.includes(l), `missing ${l} in ${labels.join(', ')}`);
      for (const l of c.absent ?? []) assert.ok(!labels.includes(l), `unexpected ${l}`);
      if (c.first) {
        assert.equal(list.items[0]?.label, c.first[0], `first of ${labels.join(', ')}`);
        assert.equal(TextDocument.applyEdits(doc, [editOf(list.items[0])]), c.first[1]);
      }
      for (const [label, [newText, replaced]] of Object.entries(c.edits ?? {})) {
        const item = list.items.find((i) => i.label === label);
        assert.ok(item, `no item ${label} in ${labels.join(', ')}`);
        const edit = editOf(item);
        assert.equal(edit.newText, newText);
        assert.equal(covered(doc, edit.range), replaced);
      }
      // Every edit stays on the cursor's line and contains the cursor, as LSP requires.
      for (const item of list.items) {
        const { range } = editOf(item);
        assert.equal(range.start.line, cursor.line);
        assert.equal(range.end.line, cursor.line);
        assert.ok(range.start.character <= cursor.character && cursor.character <= range.end.character, `${item.label}: the range contains the cursor`);
      }
    });
  }

  it('offers both entities of an ambiguous alias, each inserted by its id', async () => {
    const airports = `entities:
  - { id: hamid-karzai-airport, kind: facility, name: Hamid Karzai International Airport, aliases: [Kabul airport], summary: S. }
  - { id: old-kabul-airfield, kind: place, name: Old Kabul Airfield, aliases: [Kabul airport], summary: S. }
`;
    const withAirports = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/airports.yaml]\n', [`${WORKSPACE}/kb/airports.yaml`]: airports });
    const items = completeAt(withAirports, 'Near @Kabul-a$0').list.items;
    assert.deepEqual(items.map((i) => [i.label, i.detail, editOf(i).newText]).sort(), [
      ['Kabul airport', 'facility · Hamid Karzai International Airport', '@hamid-karzai-airport'],
      ['Kabul airport', 'place · Old Kabul Airfield', '@old-kabul-airfield'],
    ]);
  });

  it('never inserts @[…] around a name that holds a `]`: the id, or another name, instead', async () => {
    const khorasan = `entities:
  - { id: is-k, kind: group, name: "Islamic State [Khorasan]", summary: S. }
  - { id: bracketed, kind: group, name: "Only [Name]", aliases: ["Only Name Group"], summary: S. }
`;
    const project = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/k.yaml]\n', [`${WORKSPACE}/kb/k.yaml`]: khorasan });
    const edits = (typed: string) => completeAt(project, typed).list.items.map((i) => `${i.label} → ${editOf(i).newText}`);
    assert.deepEqual(edits('@Islamic$0'), ['Islamic State [Khorasan] → @is-k']);
    assert.deepEqual(edits('@[Only$0'), ['Only [Name] → @[bracketed]']);
  });

  it('offers the canonical name when it starts with what was typed, an alias otherwise', () => {
    const edits = (typed: string) => completeAt(state, typed).list.items.map((i) => `${i.label} → ${editOf(i).newText}`);
    assert.equal(edits('@[Xi$0')[0], 'Xi Jinping → @[Xi Jinping]');
    assert.equal(edits('@CST$0')[0], 'CSTO → @CSTO');
    assert.ok(edits('@Geor$0').includes('Georgia (U.S. state) → @[Georgia (U.S. state)]'));
  });

  it('ranks the entity whose name starts with the typed text first', () => {
    assert.equal(completeAt(state, '@Taj$0').list.items[0].label, 'Tajikistan');
    assert.equal(completeAt(state, '@Sh$0').list.items[0].label, 'Shanghai Cooperation Organization');
  });

  it('inserts a reference that resolves to the entity it offers, whenever the KB has one', () => {
    const kb = state.project.resolver.kb;
    const spots = ['@$0', '@[$0', '@Geor$0', '@Ru$0', '@[Xi J$0', '@Put$0', '@PR$0', '@U$0', 'Ties with @$0Russia remain.', '@Russia-$0led forces', '@U.$0S.-led forces', 'x @Taj.$0 Next', '@Joint-$0', 'The @[$0Xi Jinping] met'];
    for (const typed of spots) {
      const { doc, list } = completeAt(state, typed);
      for (const item of list.items) {
        const entity = [...kb.entities.values()].find((e) => item.detail === `${e.kind} · ${e.name}`);
        assert.ok(entity, `${item.label}: detail names the entity`);
        // An entity whose every id, name and alias is shared with another cannot be referenced alone.
        const reachable = [entity.id, entity.name, ...entity.aliases].some((n) => kb.lookup(n).length === 1);
        if (!reachable) continue;
        const text = TextDocument.applyEdits(doc, [editOf(item)]);
        const [reference, ...more] = parseBrief(text).references;
        assert.deepEqual(more, [], `${typed} → ${text}: one reference`);
        const resolved = state.project.resolver.resolve(reference.name);
        assert.ok(resolved.status === 'resolved' && resolved.entity.id === entity.id, `${typed} → ${text} should name ${entity.id}`);
      }
    }
  });

  it('a KB name of 40,000 letters leaves completion working (the words that finish a name are compared, not matched by a pattern)', async () => {
    const long = 'a'.repeat(40_000);
    const withLong = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/long.yaml]\n', [`${WORKSPACE}/kb/long.yaml`]: `entities:\n  - id: xi-long\n    kind: person\n    name: Xi ${long}\n    summary: S.\n` });
    const items = completeAt(withLong, 'Said @Xi$0 Jinping said').list.items;
    const jinping = items.find((i) => i.label === 'Xi Jinping');
    assert.deepEqual(jinping?.textEdit && 'range' in jinping.textEdit ? jinping.textEdit.range.end.character : undefined, 'Said @Xi Jinping'.length);
    assert.ok(items.some((i) => i.label === `Xi ${long}`));
  });

  it('describes entities: kind, summary and a filter text that starts with what was typed', () => {
    const item = completeAt(state, '@Taj$0').list.items.find((i) => i.label === 'Tajikistan');
    assert.ok(item);
    assert.equal(item.detail, 'state · Tajikistan');
    assert.deepEqual(item.documentation, { kind: 'markdown', value: 'A CSTO member on the Afghan border\\.' });
    assert.equal(item.filterText, '@Taj Tajikistan');
    const bracket = completeAt(state, '@[Xi J$0').list.items[0];
    assert.equal(bracket.filterText, '@[Xi J Xi Jinping');
    // In the list itself: the kind, and whom an alias names.
    assert.deepEqual(item.labelDetails, { description: 'state' });
    const alias = completeAt(state, '@Puti$0').list.items.find((i) => i.label === 'Putin');
    assert.deepEqual(alias?.labelDetails, { detail: ' (Vladimir Putin)', description: 'person' });
  });

  it("keeps its order and its folded matches in a client that filters by the filter text: every item's starts with what was typed, and the list is incomplete", () => {
    // Spellings the KB folds (case, dots, separators): a client matching them against the
    // label (`US`, `Xi Jinping`) would hide these items; against what was typed, it keeps all.
    for (const typed of ['@U.S', '@[Xi_J', '@xi-j', '@TAJ']) {
      const { list } = completeAt(state, `${typed}$0`);
      assert.ok(list.items.length > 0, `${typed}: no items`);
      assert.equal(list.isIncomplete, true, `${typed}: the client must ask again as the analyst types`);
      for (const item of list.items) assert.ok(item.filterText?.startsWith(`${typed} `), `${typed}: filter text '${item.filterText}'`);
    }
    assert.equal(completeAt(state, '@U.S$0').list.items[0].label, 'US');
    assert.equal(completeAt(state, '@[Xi_J$0').list.items[0].label, 'Xi Jinping');
  });

  it('shows paragraph text as the documentation of a paragraph item', () => {
    const p2 = completeAt(state, '[^mini-2021:$0').list.items.find((i) => i.label === 'p2');
    assert.equal(p2?.detail, 'Leaders');
    assert.deepEqual(p2?.documentation, { kind: 'markdown', value: '> Russian President Vladimir Putin spoke with Chinese President Xi Jinping\\. China borders Tajikistan along a 477\\-kilometer border\\.' });
    const p1 = completeAt(state, '[^mini-2021:$0').list.items.find((i) => i.label === 'p1');
    assert.equal(p1?.detail, undefined, 'a paragraph without a section has no detail: the title would read as its section');
  });

  it('lists at most 50 entities, in a list marked incomplete', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `  - { id: extra-${i}, kind: place, name: Extra ${i}, summary: S. }`).join('\n');
    const big = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/many.yaml]\n', [`${WORKSPACE}/kb/many.yaml`]: `entities:\n${many}\n` });
    const all = completeAt(big, '@$0').list;
    assert.equal(all.items.length, 50);
    assert.equal(all.isIncomplete, true);
    const few = completeAt(big, '@[Extra 5$0').list;
    assert.ok(few.items.length > 0 && few.items.length < 50);
    assert.equal(few.isIncomplete, true, 'incomplete however few: the client asks again rather than re-rank this list');
  });
});

// ---------------------------------------------------------------------------------------------
// KB text cannot inject markdown

const EVIL = '[link](command:workbench.action.terminal.new) ![img](http://x/y.png) <img src=x onerror=alert(1)> https://evil.example www.evil.example mailto:a@b.example <script>alert(1)</script> [ref]: javascript:alert(1) `code` *em* __strong__ &lt;b&gt; <http://auto.example>';
const EVIL_KB = `entities:
  - id: evil-entity
    kind: group
    name: ${JSON.stringify(`Evil ${EVIL.slice(0, 40)}`)}
    aliases: [${JSON.stringify('<img src=x onerror=alert(2)>')}, "https://evil.example/alias"]
    summary: ${JSON.stringify(`Click ${EVIL}`)}
    relations:
      - type: supports
        target: tajikistan
        evidence: [ { source: mini-2021, paragraph: p1, quote: "Russia" } ]
    facts:
      - text: ${JSON.stringify(`A fact with ${EVIL}`)}
        evidence: [ { source: mini-2021, paragraph: p1, quote: "Russia" } ]
  - id: evil-twin
    kind: group
    name: ${JSON.stringify('Twin ![x](https://evil.example/t.png)')}
    aliases: ["https://evil.example/alias"]
    summary: A second entity sharing an alias, for the ambiguous card.
`;

/** The markdown renders as text only: no link, image, autolink, raw HTML or live URI scheme. */
function assertInert(markdown: string): void {
  // Code spans are literal in CommonMark (no links, no HTML, no autolinks): text shown as written
  // inside one is inert, so only the text outside code spans is checked.
  const value = markdown.replace(/(`+)[^`]*?\1/g, '');
  assert.doesNotMatch(value, /<[a-z/!?]/i, 'raw HTML or an autolink');
  assert.ok(!value.includes(']('), 'an inline link or image');
  assert.ok(!value.includes('!['), 'an image');
  assert.doesNotMatch(value, /(^|[^\\])\[/, 'an unescaped [ (link text or a reference definition)');
  assert.doesNotMatch(value, /\b(command|https?|javascript|mailto):/i, 'a URI scheme that a renderer could link');
  assert.doesNotMatch(value, /www\./i, 'a www. autolink');
}

describe('KB text in hovers and completion is escaped', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/evil.yaml]\n', [`${WORKSPACE}/kb/evil.yaml`]: EVIL_KB });
    // Its two entities share an alias on purpose: that is a warning (kb-id-clash), not an error.
    const problems = [...state.fileDiagnostics.values()].flat().filter((d) => d.code !== 'kb-id-clash' || d.severity !== 2);
    assert.deepEqual(problems, [], 'the test KB is valid');
  });

  const CASES: { name: string; text: string; mustShow: string[] }[] = [
    { name: 'the entity card', text: '@evil-ent$0ity', mustShow: ['Click', 'onerror', 'alert', 'evil', 'A fact with'] },
    { name: 'an incoming relation on another card', text: '@Tajik$0istan', mustShow: ['Evil', 'supports Tajikistan'] },
    { name: 'the ambiguous card', text: '@[https://evil.example/ali$0as]', mustShow: ['Ambiguous', 'Twin', 'Evil'] },
    { name: 'the did-you-mean of an unknown reference', text: '@evil-entit$0', mustShow: ['Did you mean', 'Evil'] },
    { name: 'a claim verdict', text: 'claim: @evil-entity supp$0orts @Tajikistan', mustShow: ['Supported', 'Evil'] },
  ];
  for (const c of CASES) {
    it(`in ${c.name}`, () => {
      const { value } = hoverAt(state, c.text);
      assert.ok(value, 'a hover');
      assertInert(value);
      for (const s of c.mustShow) assert.ok(value.includes(s), `${s} is still shown as text in:\n${value}`);
    });
  }

  it('in completion documentation', () => {
    const { list } = completeAt(state, '@evil-ent$0');
    const item = list.items.find((i) => i.detail?.includes('Evil'));
    assert.ok(item, 'the evil entity is offered');
    const doc = item.documentation as { kind: string; value: string };
    assert.equal(doc.kind, 'markdown');
    assertInert(doc.value);
    assert.ok(doc.value.includes('Click'));
  });

  it('the check itself catches live markdown', () => {
    for (const live of ['[a](command:x)', '![i](x.png)', '<img src=x>', 'see https://evil.example', 'www.evil.example', '[ref]: x', '<http://x>']) {
      assert.throws(() => assertInert(live), `${live} should be caught`);
    }
  });
});

// Regressions: each of these once failed on a real bug.
describe('hover and completion (regressions)', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });

  // Backslash escapes are literal inside a Markdown code span, so `Tajik\-stan` shows the backslash.
  const CODE_SPANS: HoverCase[] = [
    { text: '@Tajik-st$0an', expect: ['`Tajik-stan`'] },
    { text: '@[Nobody_h$0ere]', expect: ['`Nobody_here`'] },
    { text: 'claim: @Tajikistan member_o$0f @CSTO', expect: ['`member_of`'] },
    { text: '[^mini-2021:p3-p$01]', expect: ['`p3-p1`'] },
  ];
  for (const c of CODE_SPANS) it(`hover code span shows the text as written: ${JSON.stringify(c.text)}`, () => checkHover(state, c));

  it('hover on a citation running past the last paragraph does not announce paragraphs that do not exist', () => {
    checkHover(state, { text: '[^mini-2021:p2-p5$0]', expect: ['¶p2', '¶p3'], absent: ['more paragraphs'] });
  });

  it('no completion on the last line of an unclosed fenced code block', () => {
    assert.deepEqual(completeAt(state, '```\n@Taj$0').list.items, []);
    assert.deepEqual(completeAt(state, '~~~\ntext\n@Taj$0').list.items, []);
  });

  it('a front matter value accepted right after the `:`, or in a block list, leaves valid YAML', () => {
    for (const text of ['---\ntitle: x\nconfidence:$0\n---\n', '---\ntitle: x\nclassification:$0\n---\n', '---\ntitle: x\nsources:[$0]\n---\n', '---\ntitle: x\nsources:\n  -$0\n---\n', '---\ntitle: x\nsources:\n  - $0\n---\n']) {
      const { doc, list } = completeAt(state, text);
      assert.ok(list.items.length > 0, text);
      for (const item of list.items) {
        const accepted = brief(TextDocument.applyEdits(doc, [editOf(item)])).doc;
        assert.deepEqual(service().validate(accepted, state.project).map((d) => d.code), [], accepted.getText());
      }
    }
  });

  it("says beside each paragraph how it begins, and gives its section, if any, as the detail", () => {
    const items = completeAt(state, 'See [^mini-2021:$0').list.items;
    assert.deepEqual(
      items.map((i) => [i.label, i.labelDetails?.description, i.detail]),
      [
        ['p1', 'Russia seeks to use the Collective Security…', undefined],
        ['p2', 'Russian President Vladimir Putin spoke with…', 'Leaders'],
        ['p3', items[2].labelDetails?.description, items[2].detail],
      ],
    );
    for (const i of items) assert.ok((i.labelDetails?.description?.length ?? 99) <= 49, i.labelDetails?.description);
  });

  it('says beside each predicate the sentence it makes, and beside each rule its default severity', () => {
    const predicates = completeAt(state, 'claim: @Tajikistan $0').list.items;
    assert.equal(predicates.find((i) => i.label === 'member-of')?.labelDetails?.description, 'is a member of');
    assert.equal(predicates.find((i) => i.label === 'cooperates-with')?.labelDetails?.description, 'cooperates with');
    const rules = completeAt(state, '%% brief-disable $0').list.items;
    assert.equal(rules.find((i) => i.label === 'unknown-reference')?.detail, 'error by default');
    assert.equal(rules.find((i) => i.label === 'unsupported-claim')?.detail, 'information by default');
    // And what each rule reports, as its hover in a directive says.
    for (const rule of rules) assert.match(JSON.stringify(rule.documentation), /\.\s*"/, `${rule.label} has a sentence of documentation`);
  });

  it('front matter key completion does not offer a key already present while a new key is typed', () => {
    const labels = completeAt(state, '---\ntitle: x\nconf$0\n---').list.items.map((i) => i.label);
    assert.ok(!labels.includes('title'), labels.join(', '));
  });
});

describe('hover on an entity with many relations (bundled KB)', () => {
  it('lists eight relations, its own first, and counts the rest', async () => {
    const ws = miniWorkspace();
    addFolder(ws, 'data', '/bundled');
    const { project } = await loadProject(ws, { bundledDataDir: '/bundled', trusted: true });
    const afghanistan = project.resolver.kb.entities.get('afghanistan');
    assert.ok(afghanistan);
    const incoming = project.resolver.kb.relationsTo('afghanistan');
    const total = afghanistan.relations.length + incoming.length;
    assert.ok(afghanistan.relations.length > 0 && total > 8, `the KB changed: ${afghanistan.relations.length} + ${incoming.length} relations`);
    const card = entityCard(afghanistan, project);
    const lines = card.split('**Relations**\n')[1].split('\n\n')[0].split('\n');
    assert.equal(lines.length, 9, card);
    assert.equal(lines[8], `- … and ${total - 8} more`);
    // Its own relations come first; the rest are relations other entities hold towards it.
    assert.ok(lines[0].includes(afghanistan.name), lines[0]);
    assert.ok(lines[7].includes(incoming[7 - afghanistan.relations.length].subject.name), lines[7]);
    // The card builds only the incoming relations it shows: the first ones, and their count.
    const kb = project.resolver.kb;
    assert.equal(kb.countRelationsTo('afghanistan'), incoming.length);
    assert.deepEqual(kb.relationsTo('afghanistan', 3), incoming.slice(0, 3));
    assert.deepEqual(kb.relationsTo('afghanistan', 0), []);
    assert.equal(kb.countRelationsTo('no-such-entity'), 0);
  });
});

describe('a citation of a caption (bundled KB: carlson-2021 has c1)', () => {
  it('says what c1 is, in the diagnostic and the hover, and that a brief cites paragraphs only', async () => {
    const ws = miniWorkspace();
    addFolder(ws, 'data', '/bundled');
    const state = await loadProject(ws, { bundledDataDir: '/bundled', trusted: true });
    const { doc } = brief('Xi leads China [^carlson-2021:c1].');
    const [d] = service().validate(doc, state.project);
    assert.equal(d.code, 'unknown-paragraph');
    assert.equal(d.message, "'c1' is a photo caption of carlson-2021: a brief cites paragraphs only (pN or pN-pM), or the source alone, [^carlson-2021].");
    const hover = service().hover(doc, state.project, { line: 0, character: 20 });
    const text = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(text, /¶c1 is a photo caption, which a brief cannot cite/);
    assert.match(text, /Vladimir Putin takes part in a video conference call/);
  });

  it('evidence from the caption is shown as the caption, not as a ¶ a brief could cite', async () => {
    const ws = miniWorkspace();
    addFolder(ws, 'data', '/bundled');
    const state = await loadProject(ws, { bundledDataDir: '/bundled', trusted: true });
    const { doc } = brief('- claim: @[Xi Jinping] leads @China');
    const hover = service().hover(doc, state.project, { line: 0, character: 26 });
    const text = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.match(text, /“Chinese President Xi Jinping” — carlson\\-2021 caption c1/);
    assert.doesNotMatch(text, /¶c1/);
    const [hint] = service().inlayHints(doc, state.project, { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }).filter((h) => String(h.label).startsWith('✓'));
    assert.equal(hint.label, '✓ supported caption c1');
  });
});

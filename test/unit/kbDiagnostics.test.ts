/**
 * What the analyst is told about a KB file (spec §4.2): every problem at once, once, on the
 * value at fault, with what was probably meant.
 */
import { strict as assert } from 'assert';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { loadKnowledgeBase, type KbLoadResult } from '../../server/src/core/kb/knowledgeBase';
import type { DataFileInput } from '../../server/src/core/kb/loader';

const SOURCE = `id: src
title: T
author: A
year: 2021
paragraphs:
  - { id: p1, section: "", text: "Alpha borders Beta along a long line." }
  - { id: p2, section: "", text: "Gamma opposes Delta." }
`;

/** A bundled file: beta, and two entities that share the label Georgia on purpose. */
const BUNDLED = `entities:
  - { id: beta, kind: state, name: Beta, aliases: [CSTO], summary: S. }
  - { id: georgia, kind: state, name: Georgia, summary: S. }
  - { id: georgia-us, kind: place, name: Georgia (U.S. state), aliases: [Georgia], summary: S. }
`;

const MINE = 'file:///ws/kb/mine.yaml';

function load(files: Record<string, string>, previous?: KbLoadResult): KbLoadResult {
  const entityFiles: DataFileInput[] = [
    { uri: 'file:///bundled/kb.yaml', text: BUNDLED, origin: 'bundled' },
    ...Object.entries(files).map(([uri, text]): DataFileInput => ({ uri, text, origin: 'workspace' })),
  ];
  return loadKnowledgeBase({ entityFiles, sourceFiles: [{ uri: 'file:///src.yaml', text: SOURCE, origin: 'bundled' }] }, previous);
}

const shown = (d: Diagnostic) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.code} ${d.message}`;
const diagnosticsOf = (text: string, uri = MINE) => (load({ [uri]: text }).diagnostics.get(uri) ?? []).map(shown);

const entity = (lines: string[]) => ['entities:', ...lines, ''].join('\n');
const ALPHA = ['  - id: alpha', '    kind: state', '    name: Alpha', '    summary: S.'];
const relation = (type: string, target: string, more: string[] = [], evidence = '{ source: src, paragraph: p1, quote: "Alpha borders Beta" }') => [
  '    relations:',
  `      - type: ${type}`,
  `        target: ${target}`,
  ...more,
  `        evidence: [ ${evidence} ]`,
];

describe('KB diagnostics: every problem of a file at once', () => {
  it('a file with a schema error still gets its unknown targets, sources, paragraphs, quotes, kinds and ids checked, each once', () => {
    const text = entity([
      ...ALPHA,
      ...relation('borders', 'gama', ['        since: "May 2021"'], '{ source: nope, paragraph: p1, quote: "x" }, { source: src, paragraph: p9, quote: "x" }, { source: src, paragraph: p1, quote: "nowhere" }'),
      '      - type: leads',
      '        target: self-ref',
      '        evidence: [ { source: src, paragraph: p1, quote: "Alpha" } ]',
      '  - id: self-ref',
      '    kind: state',
      '    name: Self',
      '    summary: S.',
      '  - id: alpha',
      '    kind: state',
      '    name: Alpha again',
      '    summary: S.',
      '  - id: beta',
      '    kind: state',
      '    name: Beta again',
      '    summary: S.',
    ]);
    assert.deepEqual(diagnosticsOf(text), [
      "9:16-9:26 kb-schema entity 'alpha'.relations[0].since: 'May 2021' is not valid: use YYYY, YYYY-MM or YYYY-MM-DD",
      "8:17-8:21 kb-unknown-target Relation borders of 'alpha' targets 'gama', which is no entity.",
      "10:31-10:35 kb-unknown-source Unknown source 'nope'.",
      "10:92-10:94 kb-unknown-paragraph Source 'src' has no paragraph 'p9'.",
      '10:148-10:155 kb-quote-mismatch The quote is not verbatim in src ¶p1: "nowhere".',
      "11:15-11:20 kb-schema 'leads' takes person → state/organization/group, but 'alpha' is a state and 'self-ref' a state.",
      "18:9-18:14 kb-duplicate-id Duplicate id 'alpha' in this file: already defined on line 2.",
      "22:9-22:13 kb-id-clash Id 'beta' is already an entity of Brief's bundled KB: choose another id.",
    ]);
  });

  it('a file with errors is still not merged: the last good version serves', () => {
    const good = load({ [MINE]: entity(ALPHA) });
    const broken = load({ [MINE]: entity([...ALPHA, ...relation('borders', 'gama', ['        since: "2021-13"'])]) }, good);
    assert.equal(broken.kb.entities.get('alpha')?.relations.length, 0);
    assert.deepEqual((broken.diagnostics.get(MINE) ?? []).map((d) => d.code), ['kb-schema', 'kb-unknown-target']);
  });

  it('an entry of a file with errors finds targets among its own entries and other files, not its last good version', () => {
    const good = load({ [MINE]: entity([...ALPHA, '  - { id: old, kind: state, name: Old, summary: S. }']) });
    const text = entity([...ALPHA, ...relation('borders', 'old', []), '      - type: borders', '        target: fresh', '        evidence: [ { source: src, paragraph: p1, quote: "Alpha" } ]', '  - { id: fresh, kind: state, name: Fresh, summary: "" }']);
    const codes = (load({ [MINE]: text }, good).diagnostics.get(MINE) ?? []).map((d) => `${d.code} ${d.message}`);
    assert.deepEqual(codes, ["kb-schema entity 'fresh'.summary: must not be empty.", "kb-unknown-target Relation borders of 'alpha' targets 'old', which is no entity."]);
  });
});

describe('KB diagnostics: a target that means an entity of its own file', () => {
  // The usual desk file: its relations point at its own entities. Its only errors are these
  // targets, and they keep it out of the KB: the hint comes from the file itself.
  const ZETA = ['  - { id: zeta, kind: state, name: Zeta Land, summary: S. }'];
  const messages = (text: string) => diagnosticsOf(text).map((d) => d.replace(/^\S+ /, ''));

  it('a name or alias is told the id, a typo the closest ids', () => {
    assert.deepEqual(messages(entity([...ZETA, ...ALPHA, ...relation('borders', 'Zeta Land'), ...relation('borders', 'zetta').slice(1)])), [
      "kb-unknown-target Relation borders of 'alpha' targets 'Zeta Land', which is no entity's id: it is a name of zeta; use the id 'zeta'.",
      "kb-unknown-target Relation borders of 'alpha' targets 'zetta', which is no entity: did you mean 'zeta'?",
    ]);
  });

  it('the same in a file with other errors too', () => {
    assert.deepEqual(messages(entity([...ZETA, ...ALPHA.slice(0, 3), '    summary: ""', ...relation('borders', 'Zeta Land')])), [
      "kb-schema entity 'alpha'.summary: must not be empty.",
      "kb-unknown-target Relation borders of 'alpha' targets 'Zeta Land', which is no entity's id: it is a name of zeta; use the id 'zeta'.",
    ]);
  });

  it('a part-of cycle shows beside a schema error of its file', () => {
    const org = (id: string, target: string) => [`  - id: ${id}`, '    kind: organization', `    name: ${id}`, '    summary: S.', ...relation('part-of', target)];
    const text = entity([...org('org-a', 'org-b'), ...org('org-b', 'org-a'), '  - { id: org-c, kind: organization, name: C, summary: "" }']);
    assert.deepEqual(messages(text), ["kb-schema entity 'org-c'.summary: must not be empty.", 'kb-cycle part-of cycle: org-a → org-b → org-a.']);
  });
});

describe('KB diagnostics: a target defined only in a KB file with errors', () => {
  it('says that file defines it and is not loaded (a start with no last good version, as brief-lint has)', () => {
    const desk = 'file:///ws/kb/desk.yaml';
    const r = load({ [desk]: entity(['  - id: night-watch', '    kind: group', '    name: Night Watch', '    summary: ""']), [MINE]: entity([...ALPHA, ...relation('borders', 'night-watch')]) });
    assert.deepEqual((r.diagnostics.get(MINE) ?? []).map((d) => `${d.code} ${d.message}`), [
      "kb-unknown-target Relation borders of 'alpha' targets 'night-watch', which is no entity: desk.yaml defines it, but that KB file has errors and is not loaded.",
    ]);
  });
});

describe('KB diagnostics: a paragraph that is not there', () => {
  it('is told the paragraph that holds the quote, whatever was written', () => {
    for (const paragraph of ['7', 'p21', 'p0', 'c2']) {
      const [d] = diagnosticsOf(entity([...ALPHA, ...relation('borders', 'beta', [], `{ source: src, paragraph: ${paragraph}, quote: "Alpha borders Beta" }`)]));
      assert.match(d, new RegExp(`kb-unknown-paragraph Source 'src' has no paragraph '${paragraph}': did you mean 'p1'\\?$`), d);
    }
  });
});

describe('KB diagnostics: an entry whose kind cannot be read', () => {
  it('is an entity all the same as a target: only its own kind is an error', () => {
    for (const kind of ['    kind: organisation', '    kind: [state]', undefined]) {
      const target = ['  - id: gamma', ...(kind ? [kind] : []), '    name: Gamma', '    summary: S.'];
      const codes = diagnosticsOf(entity([...ALPHA, ...relation('borders', 'gamma'), ...target])).map((d) => d.split(' ')[1]);
      assert.deepEqual(codes, ['kb-schema'], String(kind));
    }
  });
});

describe('KB diagnostics: dates', () => {
  const dated = (since: string, until: string) => diagnosticsOf(entity([...ALPHA, ...relation('borders', 'beta', [`        since: "${since}"`, `        until: "${until}"`])]));
  it('an until before its since is an error on the until', () => {
    assert.deepEqual(dated('2021-06', '2019'), ["10:16-10:22 kb-schema entity 'alpha'.relations[0].until: '2019' is before since '2021-06'."]);
    assert.deepEqual(dated('2021-06-15', '2021-06-14').length, 1);
    // Dates of different precision are compared to the coarser one.
    assert.deepEqual(dated('2021-06', '2021'), []);
    assert.deepEqual(dated('2021', '2021-01-01'), []);
  });
  it('a day the calendar lacks is an error, said as the front matter says it', () => {
    for (const date of ['2021-02-30', '2021-04-31', '2021-02-29']) {
      assert.deepEqual(dated(date, '2022'), [`9:16-9:28 kb-schema entity 'alpha'.relations[0].since: '${date}' is not valid: give a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD.`]);
    }
    assert.deepEqual(dated('2020-02-29', '2022'), []);
    // Written in the form, but no month of the calendar: said the same way, not "use YYYY-MM".
    for (const date of ['2021-00', '2021-13', '2021-13-01', '2021-00-10']) {
      assert.match(dated(date, '2022')[0] ?? '', /is not valid: give a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD\.$/, date);
    }
    assert.match(dated('May 2021', '2022')[0] ?? '', /is not valid: use YYYY, YYYY-MM or YYYY-MM-DD\.?$/);
  });
});

describe('KB diagnostics: labels shared with another entity', () => {
  it("warns on an analyst's alias, name or id that is a label of another entity, naming it and the ambiguous reference", () => {
    const text = entity(['  - id: georgia', '    kind: state', '    name: Night Watch', '    aliases: [CSTO, "Dusk Watch"]', '    summary: S.', '  - { id: dusk, kind: group, name: Dusk Watch, summary: S. }']);
    const mine = diagnosticsOf(text);
    assert.deepEqual(mine, [
      "2:9-2:16 kb-id-clash Id 'georgia' is already an entity of Brief's bundled KB: choose another id.",
      // A file with errors is looked at as a clean one is: against the other files and itself.
      "5:15-5:19 kb-id-clash Alias 'CSTO' is already a name of beta (Brief's bundled KB): @CSTO will be ambiguous.",
      "5:22-5:32 kb-id-clash Alias 'Dusk Watch' is already a name of dusk (in this file): @[Dusk Watch] will be ambiguous.",
      "7:36-7:46 kb-id-clash Name 'Dusk Watch' is already a name of georgia (in this file): @[Dusk Watch] will be ambiguous.",
    ]);
    const other = diagnosticsOf(entity(['  - id: night-watch', '    kind: state', '    name: Georgia', '    aliases: [CSTO, "Dusk Watch"]', '    summary: S.', '  - { id: dusk, kind: group, name: Dusk Watch, summary: S. }']));
    assert.deepEqual(other, [
      "5:15-5:19 kb-id-clash Alias 'CSTO' is already a name of beta (Brief's bundled KB): @CSTO will be ambiguous.",
      "5:22-5:32 kb-id-clash Alias 'Dusk Watch' is already a name of dusk (in this file): @[Dusk Watch] will be ambiguous.",
      "7:36-7:46 kb-id-clash Name 'Dusk Watch' is already a name of night-watch (in this file): @[Dusk Watch] will be ambiguous.",
      "4:11-4:18 kb-id-clash Name 'Georgia' is already a name of georgia (Brief's bundled KB), georgia-us (Brief's bundled KB): @Georgia will be ambiguous.",
    ]);
    const r = load({ [MINE]: entity(['  - id: night-watch', '    kind: state', '    name: Night Watch', '    aliases: [CSTO]', '    summary: S.']) });
    assert.ok((r.diagnostics.get(MINE) ?? []).every((d) => d.severity === DiagnosticSeverity.Warning));
    assert.deepEqual(r.diagnostics.get('file:///bundled/kb.yaml'), [], 'the bundled KB shares Georgia on purpose');
  });

  it('between two analyst files, one of them with errors: each side is warned, as when both are clean', () => {
    const other = 'file:///ws/kb/other.yaml';
    const r = load({ [MINE]: entity(['  - id: dawn', '    kind: group', '    name: Dawn', '    aliases: [Watch]', '    summary: S.', '    colour: red']), [other]: entity(['  - { id: watch, kind: group, name: The Watch, summary: S. }']) });
    assert.deepEqual((r.diagnostics.get(MINE) ?? []).map(shown), [
      "7:5-7:11 kb-schema entities[0]: unknown key 'colour' (expected id, kind, name, aliases, summary, identifiers, relations, facts).",
      "5:15-5:20 kb-id-clash Alias 'Watch' is already a name of watch (other.yaml): @Watch will be ambiguous.",
    ]);
    assert.deepEqual((r.diagnostics.get(other) ?? []).map(shown), ["2:11-2:16 kb-id-clash Id 'watch' is already a name of dawn (mine.yaml): @watch will be ambiguous."]);
    // Fixed, the file with errors changes no warning of either side.
    const fixed = load({ [MINE]: entity(['  - id: dawn', '    kind: group', '    name: Dawn', '    aliases: [Watch]', '    summary: S.']), [other]: entity(['  - { id: watch, kind: group, name: The Watch, summary: S. }']) });
    assert.deepEqual((fixed.diagnostics.get(other) ?? []).map(shown), (r.diagnostics.get(other) ?? []).map(shown));
    assert.deepEqual((fixed.diagnostics.get(MINE) ?? []).map(shown), (r.diagnostics.get(MINE) ?? []).map(shown).slice(1));
  });
});

describe('KB diagnostics: did you mean', () => {
  it('a misspelled key is one diagnostic on the key, and its value stands for the key meant', () => {
    for (const [key, meant] of [['sumary', 'summary'], ['Kind', 'kind']]) {
      const text = entity(['  - id: alpha', "    kind: state", '    name: Alpha', '    summary: S.'].map((l) => l.replace(`${meant}:`, `${key}:`)));
      assert.deepEqual(diagnosticsOf(text).map((d) => d.replace(/^\S+ /, '')), [`kb-schema entities[0]: unknown key '${key}': did you mean '${meant}'?`]);
    }
    const evidence = diagnosticsOf(entity([...ALPHA, '    relations:', '      - type: borders', '        targets: beta', '        evidance: [ { source: src, para: p1, qoute: "Alpha" } ]']));
    assert.deepEqual(evidence, [
      "8:9-8:16 kb-schema entity 'alpha'.relations[0]: unknown key 'targets': did you mean 'target'?",
      "9:9-9:17 kb-schema entity 'alpha'.relations[0]: unknown key 'evidance': did you mean 'evidence'?",
      "9:36-9:40 kb-schema entity 'alpha'.relations[0].evidence[0]: unknown key 'para': did you mean 'paragraph'?",
      "9:46-9:51 kb-schema entity 'alpha'.relations[0].evidence[0]: unknown key 'qoute': did you mean 'quote'?",
    ]);
  });

  it('a near-miss kind, predicate or id is told the one meant', () => {
    const text = entity(['  - id: Day Watch', '    kind: Group', '    name: Day Watch', '    summary: S.', ...relation('member of', 'beta'), ...relation('oposes', 'beta').slice(1)]);
    assert.deepEqual(diagnosticsOf(text), [
      "2:9-2:18 kb-schema entities[0].id: 'Day Watch' is not valid: did you mean 'day-watch'?",
      "3:11-3:16 kb-schema entities[0].kind: 'Group' is not valid: did you mean 'group'?",
      "7:15-7:24 kb-schema entities[0].relations[0].type: 'member of' is not valid: did you mean 'member-of'?",
      "10:15-10:21 kb-schema entities[0].relations[1].type: 'oposes' is not valid: did you mean 'opposes'?",
    ]);
    assert.match(diagnosticsOf(entity(['  - { id: a, kind: grup, name: A, summary: S. }']))[0], /'grup' is not valid: did you mean 'group'\?/);
    assert.match(diagnosticsOf(entity(['  - { id: Ночной дозор, kind: group, name: A, summary: S. }']))[0], /'Ночной дозор' is not valid: did you mean 'nochnoy-dozor'\?/);
  });

  it("an unknown target is told the id meant: of the name written, or the closest ids", () => {
    const target = (t: string) => diagnosticsOf(entity([...ALPHA, ...relation('borders', t)]))[0];
    assert.equal(target('Beta'), "8:17-8:21 kb-unknown-target Relation borders of 'alpha' targets 'Beta', which is no entity's id: it is a name of beta; use the id 'beta'.");
    assert.equal(target('CSTO'), "8:17-8:21 kb-unknown-target Relation borders of 'alpha' targets 'CSTO', which is no entity's id: it is a name of beta; use the id 'beta'.");
    assert.equal(target('betta'), "8:17-8:22 kb-unknown-target Relation borders of 'alpha' targets 'betta', which is no entity: did you mean 'beta'?");
    assert.equal(target('Georgia'), "8:17-8:24 kb-unknown-target Relation borders of 'alpha' targets 'Georgia', which is no entity's id: it names georgia, georgia-us; use the id of the one meant.");
  });

  it('an unknown source or a paragraph written another way is told the one meant', () => {
    const evidence = (ev: string) => diagnosticsOf(entity([...ALPHA, ...relation('borders', 'beta', [], ev)])).map((d) => d.replace(/^\S+ /, ''));
    assert.deepEqual(evidence('{ source: Src, paragraph: p1, quote: "Alpha" }'), ["kb-unknown-source Unknown source 'Src': did you mean 'src'?"]);
    assert.deepEqual(evidence('{ source: src, paragraph: P2, quote: "Gamma" }'), ["kb-unknown-paragraph Source 'src' has no paragraph 'P2': did you mean 'p2'?"]);
    assert.deepEqual(evidence('{ source: src, paragraph: 2, quote: "Gamma" }'), ["kb-unknown-paragraph Source 'src' has no paragraph '2': did you mean 'p2'?"]);
    // The paragraph that holds the quote is the one meant; a quote found nowhere gets no guess.
    assert.deepEqual(evidence('{ source: src, paragraph: p7, quote: "Gamma" }'), ["kb-unknown-paragraph Source 'src' has no paragraph 'p7': did you mean 'p2'?"]);
    assert.deepEqual(evidence('{ source: src, paragraph: p7, quote: "Omega" }'), ["kb-unknown-paragraph Source 'src' has no paragraph 'p7'."]);
    // A quote both paragraphs hold (a letter) names neither.
    assert.deepEqual(evidence('{ source: src, paragraph: p99, quote: "a" }'), ["kb-unknown-paragraph Source 'src' has no paragraph 'p99'."]);
  });
});

describe('KB diagnostics: one message per problem, on the value at fault', () => {
  it('evidence written as a mapping: only "must be a list"', () => {
    assert.deepEqual(diagnosticsOf(entity([...ALPHA, '    relations:', '      - type: borders', '        target: beta', '        evidence: { source: src, paragraph: p1, quote: "Alpha" }'])), [
      "9:19-9:65 kb-schema entity 'alpha'.relations[0].evidence: must be a list.",
    ]);
  });

  it('a duplicate id and an id of the bundled KB are on the id value, as in a flow mapping', () => {
    assert.deepEqual(diagnosticsOf(entity([...ALPHA, '  - { id: "alpha", kind: state, name: A2, summary: S. }', "  - { kind: state, id: 'beta', name: B2, summary: S. }"])), [
      "6:12-6:17 kb-duplicate-id Duplicate id 'alpha' in this file: already defined on line 2.",
      "7:25-7:29 kb-id-clash Id 'beta' is already an entity of Brief's bundled KB: choose another id.",
    ]);
  });
});

describe('KB diagnostics: why a quote is not verbatim', () => {
  const quote = (q: string, paragraph = 'p1') => diagnosticsOf(entity([...ALPHA, ...relation('borders', 'beta', [], `{ source: src, paragraph: ${paragraph}, quote: ${JSON.stringify(q)} }`)]))[0]?.replace(/^\S+ kb-quote-mismatch /, '');
  it('says when it differs only in case, only in white space, holds an ellipsis, or is in another paragraph', () => {
    assert.equal(quote('alpha borders beta'), 'The quote is not verbatim in src ¶p1: "alpha borders beta". It differs only in upper and lower case: copy it as the source prints it.');
    assert.equal(quote('Alpha  borders\nBeta'), 'The quote is not verbatim in src ¶p1: "Alpha  borders Beta". It differs only in white space (line breaks, tabs or double spaces): copy it as the source prints it.');
    assert.equal(quote('Alpha borders … a long line'), 'The quote is not verbatim in src ¶p1: "Alpha borders … a long line". It holds an ellipsis, which never matches the source: split it into two evidence items, one for each part.');
    assert.equal(quote('Alpha ... long line'), 'The quote is not verbatim in src ¶p1: "Alpha ... long line". It holds an ellipsis, which never matches the source: split it into two evidence items, one for each part.');
    assert.equal(quote('Gamma opposes Delta'), 'The quote is not verbatim in src ¶p1: "Gamma opposes Delta". This text is in ¶p2: cite that paragraph.');
  });

  it('shortens a long quote and never puts a line break in the message', () => {
    const long = `${'word '.repeat(70_000)}\nend`;
    const message = quote(long) ?? '';
    assert.ok(message.length < 200, `${message.length} characters`);
    assert.ok(!/[\r\n]/.test(message));
    assert.match(message, /^The quote is not verbatim in src ¶p1: "word word .*…"\.$/);
  });
});

describe('KB diagnostics: empty files', () => {
  it('says an empty or comment-only file is empty, and how a KB file starts', () => {
    for (const text of ['', '# notes\n']) assert.deepEqual(diagnosticsOf(text), ["1:1-1:1 kb-schema The file is empty: a KB file starts with 'entities:'."]);
  });
  it('says entities: with nothing after it is empty, not missing', () => {
    assert.deepEqual(diagnosticsOf('entities:\n'), ['1:10-1:10 kb-schema entities: is empty.']);
  });
  it('says a top-level list lacks its entities: key', () => {
    assert.deepEqual(diagnosticsOf('- id: alpha\n  kind: state\n'), [
      "1:1-3:1 kb-schema A KB file must be a YAML mapping, and this one is a list: put 'entities:' on a line before it and indent the list under it.",
    ]);
  });
});

/**
 * Every rule of spec §3.7, as data: a brief, and the diagnostics it must give as
 * [code, the text the diagnostic covers]. Run on the small test KB (test/fixtures/mini-data).
 */
import { strict as assert } from 'assert';
import { brief, covered, miniProject, service } from '../helpers/fixtures';
import type { ProjectState } from '../../server/src/core/project';
import { loadProject } from '../../server/src/core/project';
import { MINI_DATA, miniWorkspace, WORKSPACE } from '../helpers/fixtures';
import { paragraphSpan } from '../../server/src/core/validation';
import { prng } from '../helpers/prng';

type Expected = [code: string, text: string][];

const FM = '---\ntitle: T\n---\n';

const CASES: { name: string; text: string; expect: Expected }[] = [
  // References
  { name: 'known short and bracket references are clean', text: '@Tajikistan and @[Xi Jinping] and @CSTO.', expect: [] },
  { name: 'normalisation: case, dots, accents, separators', text: '@[ETH Zurich] @eth-zurich @[ETH Zürich] @US @U.S. @[U.S.] @united_states', expect: [] },
  { name: 'unknown reference with a suggestion', text: 'Then @Tajikstan moved.', expect: [['unknown-reference', '@Tajikstan']] },
  { name: 'ambiguous reference', text: 'In @Georgia today.', expect: [['ambiguous-reference', '@Georgia']] },
  { name: 'trailing dot and possessive are not part of the name', text: 'Backed by @Russia. And @China\'s view.', expect: [] },
  { name: 'email addresses and doubled @ are not references', text: 'Mail analyst@example.org or @@Nobody.', expect: [] },
  { name: 'an @ after a letter with a combining mark (decomposed text) starts no reference', text: 'Mail rene\u0301@example.org or \u0915\u093f@Nobody.', expect: [] },
  { name: 'a Unicode number starts a name as a digit does', text: 'The @Ⅸ and @½.', expect: [['unknown-reference', '@Ⅸ'], ['unknown-reference', '@½']] },
  { name: 'a broken reference after the object: its diagnostic, and the claim its verdict', text: 'claim: @Uzbekistan member-of @CSTO, unlike @Zzz', expect: [['contradicted-claim', 'claim: @Uzbekistan member-of @CSTO, unlike @Zzz'], ['unknown-reference', '@Zzz']] },
  { name: 'a quote marker without its space before claim:', text: '>claim: @Uzbekistan member-of @CSTO', expect: [['contradicted-claim', 'claim: @Uzbekistan member-of @CSTO']] },
  { name: 'an @ after an emoji with its variation selector starts a reference (the mark belongs to a symbol)', text: '\u26a0\ufe0f@Tajikstan and \u2764\ufe0f@[Xi Jinpin]', expect: [['unknown-reference', '@Tajikstan'], ['unknown-reference', '@[Xi Jinpin]']] },
  { name: 'also after an emoji whose base is a letter or digit (ℹ️, a keycap)', text: '\u2139\ufe0f@Tajikstan 1\ufe0f\u20e3@Tajikstan', expect: [['unknown-reference', '@Tajikstan'], ['unknown-reference', '@Tajikstan']] },
  { name: 'escaped @ and [ are literal', text: 'Literal \\@Nobody and \\[^nowhere].', expect: [] },
  { name: 'inline code holds no references', text: 'Write `@Nobody` like this.', expect: [] },
  { name: 'fenced code holds nothing', text: '```\n@Nobody [^nowhere] %% brief-disable nothing\nclaim: @A foo @B\n```\n@Tajikistan', expect: [] },
  { name: 'tilde fence, unclosed fence runs to the end', text: '~~~~\n@Nobody\n~~~\n@Nobody', expect: [] },
  { name: 'unclosed bracket reference eats the rest of its line', text: 'See @[Xi Jinping and @Nobody [^nowhere\n@Tajikstan', expect: [['malformed-reference', '@[Xi Jinping and @Nobody [^nowhere'], ['unknown-reference', '@Tajikstan']] },
  { name: 'a comment ends an unclosed bracket reference', text: 'See @[Xi Jinping  %% brief-disable-next-line\n@Tajikstan', expect: [['malformed-reference', '@[Xi Jinping']] },
  { name: 'a closing fence may be followed by spaces and tabs only', text: '```\n@Nobody\n``` \t\n@Nobody\n```\n@Nobody\n```\u00a0\n@Nobody', expect: [['unknown-reference', '@Nobody']] },
  { name: 'indented backticks do not open a fence', text: '   ```\n@Nobody', expect: [['unknown-reference', '@Nobody']] },
  { name: 'the first ] on the line closes a bracket reference', text: 'See @[Xi Jinping and [^mini-2021] too', expect: [['unknown-reference', '@[Xi Jinping and [^mini-2021]']] },
  { name: 'empty bracket reference', text: 'See @[] here.', expect: [['malformed-reference', '@[]']] },
  { name: 'references in headings and block quotes', text: '# About @Nobody\n> quoting @Tajikstan', expect: [['unknown-reference', '@Nobody'], ['unknown-reference', '@Tajikstan']] },
  // Citations
  { name: 'a %% inside a citation starts a comment: no citation', text: 'A [^nowhere%%p1] @Nobody\nB [^nowhere:p1%%] @Nobody\nC [^nowhere%p1] D', expect: [['unknown-source', 'nowhere%p1']] },
  { name: 'valid citations', text: 'A [^mini-2021] B [^mini-2021:p2] C [^mini-2021:p1-p3].', expect: [] },
  { name: 'unknown source', text: 'A [^nowhere-1999:p1].', expect: [['unknown-source', 'nowhere-1999']] },
  { name: 'unknown paragraph', text: 'A [^mini-2021:p4] B [^mini-2021:p2-p9] C [^mini-2021:7] D [^mini-2021:p3-p1].', expect: [['unknown-paragraph', 'p4'], ['unknown-paragraph', 'p2-p9'], ['unknown-paragraph', '7'], ['unknown-paragraph', 'p3-p1']] },
  // Claims
  { name: 'supported claim', text: 'claim: @Tajikistan member-of @CSTO [^mini-2021:p1]', expect: [] },
  { name: 'supported negative claim', text: '- claim: @Uzbekistan not member-of @CSTO', expect: [] },
  { name: 'contradicted claim (KB negated)', text: '- claim: @Uzbekistan member-of @CSTO', expect: [['contradicted-claim', 'claim: @Uzbekistan member-of @CSTO']] },
  { name: 'contradicted claim (claim says not)', text: '> CLAIM: @Tajikistan NOT member-of @CSTO', expect: [['contradicted-claim', 'CLAIM: @Tajikistan NOT member-of @CSTO']] },
  { name: 'symmetric predicate stored the other way round', text: '1. claim: @Tajikistan borders @China', expect: [] },
  { name: 'asymmetric predicate is not reversed', text: 'claim: @Russia leads @Putin', expect: [['kind-mismatch', 'leads']] },
  { name: 'unsupported claim', text: 'claim: @Russia member-of @SCO', expect: [['unsupported-claim', 'claim: @Russia member-of @SCO']] },
  { name: 'kind mismatch', text: 'claim: @Putin member-of @CSTO', expect: [['kind-mismatch', 'member-of']] },
  { name: 'unknown predicate', text: 'claim: @Tajikistan memberof @CSTO', expect: [['unknown-predicate', 'memberof']] },
  { name: 'malformed claim: no predicate', text: 'claim: @Tajikistan @CSTO', expect: [['malformed-claim', 'claim: @Tajikistan @CSTO']] },
  { name: 'malformed claim: no subject', text: '- claim: Tajikistan member-of @CSTO', expect: [['malformed-claim', 'claim: Tajikistan member-of @CSTO']] },
  { name: 'malformed claim: no object', text: 'claim: @Tajikistan member-of', expect: [['malformed-claim', 'claim: @Tajikistan member-of']] },
  { name: 'a claim with an unknown reference gets no verdict', text: 'claim: @Tajikstan member-of @CSTO', expect: [['unknown-reference', '@Tajikstan']] },
  { name: 'a claim with an ambiguous reference gets no verdict', text: 'claim: @Georgia member-of @CSTO', expect: [['ambiguous-reference', '@Georgia']] },
  { name: 'a claim with a malformed reference gets only that diagnostic', text: 'claim: @[Xi Jinping leads @China', expect: [['malformed-reference', '@[Xi Jinping leads @China']] },
  { name: 'claim: inside prose is not a claim', text: 'The claim: @Tajikistan memberof @CSTO is prose.', expect: [] },
  // Directives
  { name: 'disable-next-line for one rule', text: '%% brief-disable-next-line unknown-reference\n@Nobody\n@Nobody', expect: [['unknown-reference', '@Nobody']] },
  { name: 'disable-next-line for every rule', text: '%% brief-disable-next-line\n@Nobody [^nowhere]', expect: [] },
  { name: 'disable-next-line with a U+2028 in its note', text: '%% brief-disable-next-line unknown-reference -- a note\u2028that wraps\n@Nobody', expect: [] },
  { name: 'disable and enable a region', text: '%% brief-disable unknown-reference\n@Nobody\n%% brief-enable unknown-reference\n@Nobody', expect: [['unknown-reference', '@Nobody']] },
  { name: 'disable everything, enable one rule', text: '%% brief-disable\n@Nobody [^nowhere]\n%% brief-enable unknown-source\n@Nobody [^nowhere]', expect: [['unknown-source', 'nowhere']] },
  { name: "a directive's reason after --: not read as rule names", text: '%% brief-disable-next-line unknown-reference -- a name the KB lacks %% yet\n@Nobody\n@Zzother', expect: [['unknown-reference', '@Zzother']] },
  { name: 'a bare directive with a reason disables every rule', text: '%% brief-disable-next-line -- drafted from notes\n@Nobody [^nope]\n@Zzother', expect: [['unknown-reference', '@Zzother']] },
  { name: 'unknown rule in a directive', text: '%% brief-disable unknown-referense\n@Nobody', expect: [['unknown-rule', 'unknown-referense'], ['unknown-reference', '@Nobody']] },
  { name: 'comment after text', text: '@Tajikistan %% a comment about @Nobody', expect: [] },
  // Front matter
  { name: 'valid front matter', text: '---\ntitle: A brief\nauthor: [A, B]\ndate: 2021-09-17\nclassification: TLP:AMBER+STRICT\nconfidence: moderate\ntags: [csto]\nsources: [mini-2021]\n---\nBody', expect: [] },
  { name: 'front matter syntax error', text: '---\ntitle: [unclosed\n---\n', expect: [['front-matter-syntax', '']] },
  { name: 'front matter unterminated', text: '---\ntitle: x\n@Nobody', expect: [['front-matter-unterminated', '---'], ['unknown-reference', '@Nobody']] },
  { name: 'unknown key', text: '---\ntitle: x\nauthr: me\n---\n', expect: [['front-matter-unknown-key', 'authr']] },
  { name: 'unknown key: a slip is told the key meant, unless the front matter has it', text: '---\ntitle: x\nauthr: me\ntitel: y\n---\n', expect: [['front-matter-unknown-key', 'authr'], ['front-matter-unknown-key', 'titel']] },
  { name: 'missing title', text: '---\nauthor: me\n---\n', expect: [['front-matter-invalid-value', '---']] },
  { name: 'invalid values', text: '---\ntitle: ""\ndate: 2021-02-30\nclassification: secret\nconfidence: 3\ntags: x\nauthor: 5\n---\n', expect: [['front-matter-invalid-value', '""'], ['front-matter-invalid-value', '2021-02-30'], ['front-matter-invalid-value', 'secret'], ['front-matter-invalid-value', '3'], ['front-matter-invalid-value', 'x'], ['front-matter-invalid-value', '5']] },
  { name: 'an alias inside the mapping it names', text: '---\n&a\ntitle: *a\n---\n', expect: [['front-matter-invalid-value', '*a']] },
  { name: 'an alias inside the list it names', text: '---\ntitle: x\ntags: &t [a, *t]\n---\n', expect: [['front-matter-invalid-value', '*t']] },
  { name: 'aliases to earlier values', text: '---\ntitle: &t x\ntags: [*t, *t]\n---\n', expect: [] },
  { name: 'unknown source in front matter', text: '---\ntitle: x\nsources: [mini-2021, nowhere]\n---\n', expect: [['unknown-source', 'nowhere']] },
  { name: 'a --- line later in the file is prose', text: 'Intro\n---\n@Tajikistan', expect: [] },
];

describe('validation (every rule of §3.7)', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  for (const c of CASES) {
    it(c.name, () => {
      const { doc } = brief(c.text);
      const diagnostics = service().validate(doc, state.project);
      const actual = diagnostics.map((d) => [String(d.code), covered(doc, d.range)]);
      // The front matter syntax error's range depends on the YAML parser; only its code is fixed.
      const normalise = (list: string[][]) => list.map(([code, text]) => [code, code === 'front-matter-syntax' ? '' : text]);
      assert.deepEqual(normalise(actual), c.expect);
      for (const d of diagnostics) assert.equal(d.source, 'brief');
    });
  }
});

describe('validation details', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  const diagnose = (text: string) =>
    service()
      .validate(brief(text).doc, state.project)
      .map((d) => ({ ...d, message: typeof d.message === 'string' ? d.message : d.message.value }));

  it('suggests did-you-mean names for an unknown reference', () => {
    const [d] = diagnose('@Tajikstan');
    assert.match(d.message, /Did you mean Tajikistan/);
    assert.deepEqual((d.data as { candidates: string[] }).candidates[0], 'tajikistan');
  });

  it('ranks suggestions by edit distance and by shared words', () => {
    assert.match(diagnose('@[Shanghai Cooperation]')[0].message, /Did you mean Shanghai Cooperation Organization\?/);
    assert.match(diagnose('@Tajikstan')[0].message, /Did you mean Tajikistan[,?]/);
    assert.match(diagnose('@[Vladimir Puttin]')[0].message, /Did you mean Vladimir Putin/);
    assert.equal(diagnose('@Zzzzqqq')[0].message, "Unknown entity '@Zzzzqqq'.");
  });

  it('does not propose, for an unknown source in the front matter, one its list already holds', () => {
    const [twice] = diagnose('---\ntitle: x\nsources: [mini-2021, mini-2022]\n---\n');
    assert.deepEqual([twice.message, twice.data], ["Unknown source 'mini-2022'.", undefined]);
    const [once] = diagnose('---\ntitle: x\nsources: [mini-2022]\n---\n');
    assert.deepEqual([once.message, (once.data as { replacements?: string[] }).replacements], ["Unknown source 'mini-2022'. Did you mean mini-2021?", ['mini-2021']]);
  });

  it('proposes the reference a hyphen glued to more text, as the quick fix writes it', () => {
    const messages = (text: string) => diagnose(text).map((d) => d.message);
    assert.deepEqual(messages('The @US-led plan, the @Russia-China ties, the @Tajikistan-Uzbekistan-based unit.'), [
      "Unknown entity '@US-led'. Did you mean '@[US]-led'?",
      "Unknown entity '@Russia-China'. Did you mean '@Russia-@China'?",
      "Unknown entity '@Tajikistan-Uzbekistan-based'. Did you mean '@Tajikistan-@[Uzbekistan]-based'?",
    ]);
    // Not when the first part names nothing, nor for a claim's subject, which a space must follow.
    assert.match(messages('@Tajikstan-led')[0], /Did you mean Tajikistan\?$/);
    assert.doesNotMatch(messages('claim: @US-led member-of @CSTO')[0], /@\[US\]-led/);
    // A name of many hyphens is not split (each run would be looked up: their square).
    assert.match(messages(`@US${'-a'.repeat(20000)}`)[0], /^Unknown entity '@US-a-a/);
  });

  it('names the candidates of an ambiguous reference', () => {
    const [d] = diagnose('@Georgia');
    assert.match(d.message, /Georgia \(state, @georgia\)/);
    assert.match(d.message, /Georgia \(U\.S\. state\) \(place, @georgia-us\)/);
  });

  it('names ten candidates of a name that many entities share and counts the rest, everywhere it lists them', async () => {
    // Forty entities with one alias: the message, the data that carries the quick fixes, the card and rename's refusal stay short.
    const khans = Array.from({ length: 40 }, (_, i) => `  - { id: khan-${i + 1}, kind: person, name: Khan Number ${i + 1}, aliases: [Khan], summary: One of many. }\n`);
    const state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/khans.yaml]\n', [`${WORKSPACE}/kb/khans.yaml`]: `entities:\n${khans.join('')}` });
    const { doc } = brief('@Khan met');
    const [d] = service().validate(doc, state.project);
    assert.equal(d.code, 'ambiguous-reference');
    assert.equal(d.message, `'@Khan' is ambiguous: it may mean ${Array.from({ length: 10 }, (_, i) => `Khan Number ${i + 1} (person, @khan-${i + 1})`).join(', ')} and 30 more.`);
    assert.deepEqual((d.data as { candidates: string[] }).candidates, Array.from({ length: 20 }, (_, i) => `khan-${i + 1}`));
    const fixes = service().codeActions(doc, state, { diagnostics: [d] }).filter((a) => a.title.startsWith('Change to'));
    assert.equal(fixes.length, 20);
    const card = (service().hover(doc, state.project, { line: 0, character: 2 })?.contents as { value: string }).value;
    assert.equal(card.split('\n').filter((l) => l.startsWith('- Khan Number')).length, 30);
    assert.match(card, /\n- and 10 more$/);
    const refusal = service().prepareRename(doc, state.project, { line: 0, character: 2 });
    assert.ok(refusal && 'error' in refusal);
    assert.match(refusal.error, /^'@Khan' is ambiguous \(@khan-1, @khan-2, .*@khan-10 and 30 more\): rename from a reference to one entity\.$/);
  });

  it('names a missing paragraph, or a backward range, as written, however large its number', () => {
    assert.deepEqual(
      diagnose('[^mini-2021:p9007199254740993] [^mini-2021:p2-p99999999999999999999] [^mini-2021:p9-p3] [^mini-2021:p7]').map((d) => d.message),
      [
        'mini-2021 has no paragraph p9007199254740993: it has p1–p3.',
        'mini-2021 has no paragraph p99999999999999999999: it has p1–p3.',
        'The range p9-p3 runs backwards.',
        'mini-2021 has no paragraph p7: it has p1–p3.',
      ],
    );
  });

  it('says what is wrong with a paragraph number of the right form: p0, a leading zero', () => {
    assert.deepEqual(
      diagnose('[^mini-2021:p0] [^mini-2021:p1-p0] [^mini-2021:p02] [^mini-2021:7]').map((d) => d.message),
      [
        'mini-2021 has no paragraph p0: it has p1–p3.',
        'mini-2021 has no paragraph p0: it has p1–p3.',
        "'p02': write paragraph numbers without leading zeros (mini-2021 has p1–p3).",
        "'7' is not a paragraph reference: cite pN or pN-pM (mini-2021 has p1–p3).",
      ],
    );
  });

  it('never reports an empty range: an empty paragraph, an empty front matter value, a YAML error at the end of a line', () => {
    const cases: [string, string, string][] = [
      ['q [^mini-2021:]\n', 'unknown-paragraph', '[^mini-2021:]'],
      ['---\ntitle:\n---\nText.\n', 'front-matter-invalid-value', 'title'],
      ['---\ntitle: [T\n---\nText.\n', 'front-matter-syntax', 'title: [T'],
      // A one-unit span on an emoji covers the whole emoji, not half of it.
      ['---\ntitle: 😀: z\n---\n', 'front-matter-syntax', '😀'],
    ];
    for (const [text, code, shown] of cases) {
      const { doc } = brief(text);
      const found = service().validate(doc, state.project).filter((d) => d.code === code);
      assert.deepEqual(found.map((d) => doc.getText(d.range)), [shown], JSON.stringify(text));
    }
  });

  it('says a predicate written as two words is one predicate with a hyphen', () => {
    assert.deepEqual(diagnose('- claim: @Russia Member of @SCO').map((d) => [d.code, d.message]), [
      ['malformed-claim', "Malformed claim: 'Member of' is one predicate, written with a hyphen: 'member-of'. Expected 'claim: @Subject [not] predicate @Object'."],
    ]);
  });

  it('says what is wrong where the predicate should be: a stray word, a citation too early, a glued object', () => {
    const why = (text: string) => diagnose(text).map((d) => d.message.replace(/^Malformed claim: | Expected .*$/g, ''));
    assert.deepEqual(why('claim: @Uzbekistan is not member-of @CSTO'), ["'is' is not a predicate: the predicate ('member-of') follows the subject, after 'not' when the claim is negated."]);
    assert.deepEqual(why('claim: @Uzbekistan is member-of @CSTO'), ["'is' is not a predicate: the predicate ('member-of') follows the subject, after 'not' when the claim is negated."]);
    assert.deepEqual(why('claim: @Uzbekistan [^mini-2021:p1] not member-of @CSTO'), ["a citation comes at the end of a claim, after its object, not before the predicate ('[^mini-2021:p1]')."]);
    assert.deepEqual(why('claim: @Russia member-of@CSTO'), ["'@CSTO' is glued to the predicate 'member-of': put a space between them."]);
    // Otherwise the object is what is missing.
    assert.deepEqual(why('claim: @Russia member-of the CSTO'), ["a reference must follow the predicate 'member-of'."]);
    assert.deepEqual(why('claim: @Russia is a member'), ["a reference must follow the predicate 'is'."]);
  });

  it('suggests the predicate an unknown one runs on from or stops short of, and a negation written as one word', () => {
    const unknown = (text: string) => diagnose(text).map((d) => [d.message, (d.data as { predicates?: string[] }).predicates]);
    assert.deepEqual(unknown('claim: @Russia borders-with @China'), [["Unknown predicate 'borders-with'. Did you mean borders?", ['borders']]]);
    assert.deepEqual(unknown('claim: @Russia allied @China'), [["Unknown predicate 'allied'. Did you mean allied-with?", ['allied-with']]]);
    assert.deepEqual(unknown('claim: @Uzbekistan not-member-of @CSTO'), [["Unknown predicate 'not-member-of'. Did you mean not member-of ('not' is a word of its own)?", ['not member-of']]]);
    // Already negated: `not not member-of` would be no better.
    assert.match(unknown('claim: @Uzbekistan not not-member-of @CSTO')[0][0] as string, /Predicates: member-of, /);
  });

  it('names the predicates that fit both kinds of a kind mismatch', () => {
    assert.deepEqual(diagnose('claim: @Tajikistan leads @CSTO').map((d) => d.message), [
      "'leads' takes person as its subject, but Tajikistan is a state. Predicates from a state to an organization: member-of, allied-with, rival-of, cooperates-with, supports, opposes, participates-in.",
    ]);
  });

  it('turns a paragraph range written with a dash into its fix, and a caption in capitals is still the caption', () => {
    const [d] = diagnose('[^mini-2021:p1–p3]');
    assert.equal(d.code, 'unknown-paragraph');
    assert.deepEqual((d.data as { replacements?: string[] }).replacements, ['p1-p3']);
  });

  it("says a doubled 'not' is written once, not that a reference is missing", () => {
    assert.deepEqual(diagnose('claim: @Uzbekistan not not member-of @CSTO').map((d) => [d.code, d.message]), [
      ['malformed-claim', "Malformed claim: 'not' is written once, before the predicate. Expected 'claim: @Subject [not] predicate @Object'."],
    ]);
  });

  it('checks a claim however Markdown nests its quote and list markers, a task box included', () => {
    for (const prefix of ['- > ', '> - ', '- - ', '1. > ', '- [ ] ', '* [x] ', '> 1) [X] > ']) {
      assert.deepEqual(diagnose(`${prefix}claim: @Uzbekistan member-of @CSTO`).map((d) => d.code), ['contradicted-claim'], prefix);
    }
    for (const notAClaim of ['[ ] claim: @Uzbekistan member-of @CSTO', '-claim: @Uzbekistan member-of @CSTO', '- [y] claim: @Uzbekistan member-of @CSTO']) {
      assert.deepEqual(diagnose(notAClaim), [], notAClaim);
    }
  });

  it('reads an abbreviation written with its last `.` as the subject of a claim (`@U.S.` is `@US`, §3.3)', () => {
    assert.deepEqual(diagnose('claim: @U.S. member-of @CSTO\nclaim: @[U.S.] member-of @CSTO\n').map((d) => d.code), ['unsupported-claim', 'unsupported-claim']);
    assert.match(diagnose('claim: @Russia. member-of @CSTO')[0].message, /'\.' is glued to the subject/);
    assert.match(diagnose('claim: @U.S.. member-of @CSTO')[0].message, /'\.\.' is glued to the subject/);
  });

  it('quotes an empty bracket reference as written', () => {
    assert.deepEqual(diagnose('@[] @[ ] @[\t]').map((d) => d.message), ["Empty reference '@[]': write a name between the brackets.", "Empty reference '@[ ]': write a name between the brackets.", "Empty reference '@[ ]': write a name between the brackets."]);
  });

  it('quotes the evidence of a contradicted claim', () => {
    const [d] = diagnose('claim: @Uzbekistan member-of @CSTO');
    // A sentence, ended as the other verdicts' messages are.
    assert.match(d.message, /^Contradicted: the source says .* “excludes Uzbekistan” \(mini-2021 ¶p1\)\.$/);
    // Cited where the source does not say it: the message says where it does.
    const [cited] = diagnose('claim: @Uzbekistan member-of @CSTO [^mini-2021:p2]');
    assert.match(cited.message, /\(mini-2021 ¶p1\)\. The claim cites ¶p2; the source says this in ¶p1\.$/);
  });

  it('uses the default severities of §3.7', () => {
    const severities = Object.fromEntries(
      diagnose('@Nobody @Georgia\nclaim: @Russia member-of @SCO\n%% brief-disable nosuchrule').map((d) => [d.code, d.severity]),
    );
    assert.deepEqual(severities, { 'unknown-reference': 1, 'ambiguous-reference': 2, 'unsupported-claim': 3, 'unknown-rule': 2 });
  });

  it('applies .briefrc.yaml severities, including off', async () => {
    const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'rules: { unsupported-claim: off, ambiguous-reference: error, unknown-reference: hint }\n' });
    const configured = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    const diagnostics = service().validate(brief('@Nobody @Georgia\nclaim: @Russia member-of @SCO').doc, configured.project);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['unknown-reference', 4], ['ambiguous-reference', 1]]);
  });

  it('reports columns in UTF-16 code units after astral characters', () => {
    const { doc } = brief('𝒳😀 @Nobody');
    const [d] = service().validate(doc, state.project);
    assert.deepEqual(d.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } });
  });

  it('keeps the tree plain data when a front matter alias names its own container', () => {
    // Expanded, `title` would be the mapping that holds it; the tree must still serialise.
    const syntax = service().parse(brief('---\n&a\ntitle: *a\n---\n@Tajikistan').doc);
    assert.deepEqual(syntax.frontMatter?.entries, []);
    assert.equal(JSON.parse(JSON.stringify(syntax)).references[0].name, 'Tajikistan');
  });

  it('names a front matter key that is a mapping or a list as written, and the parser warns no one', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const found = diagnose('---\ntitle: x\n{ mini-2021 }: 3\n? [a,\n    b]\n: 4\n---\n');
      assert.deepEqual(found.map((d) => [d.code, d.range.start.line]), [['front-matter-unknown-key', 2], ['front-matter-unknown-key', 3]]);
      assert.match(found[0].message, /^Unknown front matter key '\{ mini-2021 \}'\./);
      assert.match(found[1].message, /^Unknown front matter key '\[a, b\]'\./);
      // A process warning is emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('handles CRLF, lone CR and a BOM', () => {
    const crlf = service().validate(brief(`${FM.replace(/\n/g, '\r\n')}@Nobody\r\n@Tajikstan`).doc, state.project);
    assert.deepEqual(crlf.map((d) => d.range.start), [{ line: 3, character: 0 }, { line: 4, character: 0 }]);
    const cr = service().validate(brief('a\r@Nobody').doc, state.project);
    assert.deepEqual(cr.map((d) => d.range.start), [{ line: 1, character: 0 }]);
    const bom = service().validate(brief('\uFEFF---\ntitle: x\n---\n@Nobody').doc, state.project);
    assert.deepEqual(bom.map((d) => [d.code, d.range.start.line]), [['unknown-reference', 3]]);
  });
});

describe('a reference to an entity of a KB file that has errors', () => {
  const config = { [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/my kb.yaml]\n' };
  const entity = (id: string, name: string, more = '') => `  - id: ${id}\n    kind: group\n    name: ${name}\n    aliases: [NW]\n    summary: S.\n${more}`;
  const good = `entities:\n${entity('border-cell', 'Border Cell')}`;
  // A relation whose kinds the predicate does not take: the file is not merged.
  const broken = `${good}${entity('night-watch', 'Night Watch', '    relations:\n      - { type: leads, target: tajikistan, evidence: [ { source: mini-2021, paragraph: p1, quote: Tajikistan } ] }\n')}`;
  const messages = (state: ProjectState, text: string) => service().validate(brief(text).doc, state.project).map((d) => [d.code, d.message]);

  it('says which file defines it and why it is not loaded, without a did-you-mean', async () => {
    const state = await miniProject({ ...config, [`${WORKSPACE}/kb/my kb.yaml`]: broken });
    const held = "'@[Night Watch]': my kb.yaml defines it, but that KB file has errors and is not loaded.";
    assert.deepEqual(messages(state, '@[Night Watch] @NW @night-watch @Nobody'), [
      ['unknown-reference', `Unknown entity ${held}`],
      ['unknown-reference', "Unknown entity '@NW': my kb.yaml defines it, but that KB file has errors and is not loaded."],
      ['unknown-reference', "Unknown entity '@night-watch': my kb.yaml defines it, but that KB file has errors and is not loaded."],
      ['unknown-reference', "Unknown entity '@Nobody'."],
    ]);
    const hover = service().hover(brief('@[Night Watch]').doc, state.project, { line: 0, character: 3 });
    assert.match(JSON.stringify(hover?.contents), /Night Watch.*my kb\.yaml.* defines it, but that KB file has errors and is not loaded/);
  });

  it('also for an entry that cannot be read itself (no summary, a bad kind or id), and tells two files of one name apart', async () => {
    const files = {
      [`${WORKSPACE}/.briefrc.yaml`]: 'kb: ["kb/**/*.yaml"]\n',
      [`${WORKSPACE}/kb/bad.yaml`]: 'entities:\n  - id: night-watch\n    kind: group\n    name: Night Watch\n',
      [`${WORKSPACE}/kb/y/bad.yaml`]: 'entities:\n  - id: Day Watch\n    kind: grop\n    name: Day Guard\n    aliases: [Sun Watch]\n    summary: S.\n',
    };
    const state = await miniProject(files);
    assert.deepEqual(messages(state, '@[Night Watch] @[Day Watch] @[Day Guard] @[Sun Watch]').map(([, m]) => m), [
      "Unknown entity '@[Night Watch]': kb/bad.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@[Day Watch]': y/bad.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@[Day Guard]': y/bad.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@[Sun Watch]': y/bad.yaml defines it, but that KB file has errors and is not loaded.",
    ]);
  });

  it('also for a file the YAML parser cannot read at all (its names read off its lines)', async () => {
    const unclosed = 'entities:\n  - id: eve-watch\n    kind: group\n    name: Eve Watch\n    aliases: [EW, "Dusk Watch"]\n    summary: "A group.\n';
    const state = await miniProject({ ...config, [`${WORKSPACE}/kb/my kb.yaml`]: unclosed });
    assert.deepEqual(messages(state, '@[Eve Watch] @EW @[Dusk Watch] @eve-watch @Nobody').map(([, m]) => m), [
      "Unknown entity '@[Eve Watch]': my kb.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@EW': my kb.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@[Dusk Watch]': my kb.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@eve-watch': my kb.yaml defines it, but that KB file has errors and is not loaded.",
      "Unknown entity '@Nobody'.",
    ]);
  });

  it('in the editor, beside the last good version of the file: the entity that version lacks', async () => {
    const ws = miniWorkspace({ ...config, [`${WORKSPACE}/kb/my kb.yaml`]: good });
    const before = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    const after = await loadProject(miniWorkspace({ ...config, [`${WORKSPACE}/kb/my kb.yaml`]: broken }), { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true }, before);
    assert.deepEqual(messages(after, '@[Border Cell] @[Night Watch]'), [['unknown-reference', "Unknown entity '@[Night Watch]': my kb.yaml defines it, but that KB file has errors and is not loaded."]]);
  });
});

describe('paragraph spans of citations', () => {
  /** The definition: pN or pN-pM, numbers without leading zeros. */
  const definition = (text: string) => {
    const m = /^p([1-9]\d*)(?:-p([1-9]\d*))?$/.exec(text);
    return m ? { from: Number(m[1]), to: Number(m[2] ?? m[1]) } : undefined;
  };
  it('reads pN and pN-pM as the definition does, on random strings', () => {
    const random = prng(61);
    const alphabet = ['p', 'p', '0', '1', '7', '9', '-', '-p', 'P', ' ', 'x'];
    for (let i = 0; i < 30000; i++) {
      const text = Array.from({ length: Math.floor(random() * 7) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      assert.deepStrictEqual(paragraphSpan(text), definition(text), JSON.stringify(text));
    }
    assert.deepStrictEqual(paragraphSpan('p7-p9'), { from: 7, to: 9 });
  });
});

describe('a claim the KB holds both ways', () => {
  // An analyst's KB file with evidence for each polarity: `opposes` stored plainly and negated,
  // and the symmetric `cooperates-with` stored once each way round, one of them negated.
  const evidence = (p: string, quote: string) => `evidence: [ { source: mini-2021, paragraph: ${p}, quote: "${quote}" } ]`;
  const relation = (type: string, target: string, negated: boolean, p: string, quote: string, until = '') => `      - { type: ${type}, target: ${target}, negated: ${negated}${until}, ${evidence(p, quote)} }\n`;
  const entity = (id: string, name: string, relations: string) => `  - id: ${id}\n    kind: group\n    name: ${name}\n    summary: S.\n    relations:\n${relations}`;
  const kb =
    'entities:\n' +
    entity('night-watch', 'Night Watch', relation('opposes', 'border-cell', false, 'p1', 'Russia seeks') + relation('opposes', 'border-cell', true, 'p2', 'Russian President') + relation('supports', 'border-cell', false, 'p1', 'six-member grouping') + relation('supports', 'border-cell', true, 'p2', 'spoke with', ', until: "2019"')) +
    entity('border-cell', 'Border Cell', relation('cooperates-with', 'night-watch', false, 'p3', 'Joint Western-2021')) +
    entity('dusk-cell', 'Dusk Cell', relation('cooperates-with', 'night-watch', true, 'p3', 'Russian forces')) +
    entity('dawn-cell', 'Dawn Cell', relation('cooperates-with', 'night-watch', false, 'p3', 'participated in') + relation('cooperates-with', 'night-watch', true, 'p1', 'excludes Uzbekistan'));
  let state: ProjectState;
  before(async () => {
    state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/desk.yaml]\n', [`${WORKSPACE}/kb/desk.yaml`]: kb });
    assert.deepEqual([...state.kbLoad.diagnostics.values()].flat().filter((d) => d.severity === 1), []);
  });
  const diagnose = (text: string) => service().validate(brief(text).doc, state.project).map((d) => [String(d.code), typeof d.message === 'string' ? d.message : d.message.value]);

  it('is neither supported nor contradicted, whichever way it is written: unsupported, naming both', () => {
    for (const claim of ['claim: @[Night Watch] opposes @[Border Cell]', 'claim: @[Night Watch] not opposes @[Border Cell]']) {
      const [[code, message]] = diagnose(claim);
      assert.equal(code, 'unsupported-claim', claim);
      assert.match(message, /the source says both that Night Watch (does not )?oppose/, claim);
      assert.match(message, /“Russia seeks” \(mini-2021 ¶p1\).*“Russian President” \(mini-2021 ¶p2\)|“Russian President” \(mini-2021 ¶p2\).*“Russia seeks” \(mini-2021 ¶p1\)/, claim);
    }
    const [[, reversed]] = diagnose('claim: @[Dawn Cell] cooperates-with @[Night Watch]');
    assert.match(reversed, /both that Dawn Cell cooperates with Night Watch .*, and that Dawn Cell does not cooperate with Night Watch/);
  });

  it('a symmetric relation stored once each way round: disputed too; one stored once decides as before', () => {
    assert.deepEqual(diagnose('claim: @[Border Cell] cooperates-with @[Night Watch]').map(([c]) => c), []);
    assert.deepEqual(diagnose('claim: @[Night Watch] not cooperates-with @[Dusk Cell]').map(([c]) => c), []);
    assert.deepEqual(diagnose('claim: @[Night Watch] cooperates-with @[Dusk Cell]').map(([c]) => c), ['contradicted-claim']);
  });

  it('the other way ended (until): the claim is supported, as before', () => {
    assert.deepEqual(diagnose('claim: @[Night Watch] supports @[Border Cell]'), []);
  });

  it('the hover and the hint say disputed, with both quotes', () => {
    const text = 'claim: @[Night Watch] opposes @[Border Cell]';
    const hover = JSON.stringify(service().hover(brief(text).doc, state.project, { line: 0, character: 23 })?.contents);
    assert.match(hover, /Disputed.*both ways.*Russia seeks.*Russian President/);
    const [hint] = service().inlayHints(brief(text).doc, state.project, { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } });
    assert.equal(hint.label, '? disputed');
  });
});

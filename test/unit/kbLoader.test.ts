/**
 * The KB loader and the config (spec §4.2, §6): each kind of problem in a data file is a
 * diagnostic on that file, and a broken file never takes away the last good entities.
 */
import { strict as assert } from 'assert';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { KnowledgeBase, loadKnowledgeBase, type KbLoadResult } from '../../server/src/core/kb/knowledgeBase';
import { parseConfig } from '../../server/src/core/config';
import { normalizeName } from '../../server/src/core/normalize';
import { loadProject } from '../../server/src/core/project';
import { MINI_DATA, miniWorkspace, WORKSPACE } from '../helpers/fixtures';
import type { FileReading, FileReadingCache } from '../../server/src/core/kb/fileCache';
import { decodeReading, encodeReading } from '../../server/src/core/kb/snapshot';
import type { DataFileInput } from '../../server/src/core/kb/loader';
import { REPO_ROOT } from '../helpers/memoryWorkspace';
import * as fs from 'fs';
import * as path from 'path';
import { entitiesAsLoaded } from '../helpers/entities';

const SOURCE = `id: src
title: T
author: A
year: 2021
paragraphs:
  - { id: p1, section: "", text: "Alpha borders Beta along a long line." }
`;

const entity = (id: string, extra = '') => `  - id: ${id}\n    kind: state\n    name: ${id[0].toUpperCase()}${id.slice(1)}\n    summary: S.\n${extra}`;
const BASE = `entities:\n${entity('alpha')}${entity('beta')}`;

function load(kbText: string, previous?: KbLoadResult): KbLoadResult {
  return loadKnowledgeBase(
    { entityFiles: [{ uri: 'file:///kb.yaml', text: kbText, origin: 'workspace' }], sourceFiles: [{ uri: 'file:///src.yaml', text: SOURCE, origin: 'bundled' }] },
    previous,
  );
}

const codes = (r: KbLoadResult, uri = 'file:///kb.yaml') => (r.diagnostics.get(uri) ?? []).map((d) => d.code);

const RELATION = (target: string, quote: string, paragraph = 'p1', source = 'src') =>
  `    relations:\n      - type: borders\n        target: ${target}\n        evidence:\n          - { source: ${source}, paragraph: ${paragraph}, quote: "${quote}" }\n`;

describe('KB loader (spec §4.2)', () => {
  const cases: { name: string; text: string; expect: string[] }[] = [
    { name: 'a clean file', text: BASE, expect: [] },
    { name: 'a YAML syntax error', text: 'entities:\n  - id: [unclosed\n', expect: ['kb-syntax'] },
    { name: 'not a mapping', text: '- just a list\n', expect: ['kb-schema'] },
    { name: 'a missing required key', text: 'entities:\n  - id: alpha\n    kind: state\n    summary: S.\n', expect: ['kb-schema'] },
    { name: 'a bad id', text: `entities:\n${entity('Alpha_1')}`, expect: ['kb-schema'] },
    { name: 'a bad kind', text: 'entities:\n  - id: alpha\n    kind: country\n    name: A\n    summary: S.\n', expect: ['kb-schema'] },
    { name: 'an unknown key', text: `entities:\n${entity('alpha', '    colour: red\n')}`, expect: ['kb-schema'] },
    { name: 'wrong identifier formats', text: `entities:\n${entity('alpha', '    identifiers: { iso2: ALP, wikidata: 42 }\n')}`, expect: ['kb-schema', 'kb-schema'] },
    { name: 'a duplicate id', text: `${BASE}${entity('alpha')}`, expect: ['kb-duplicate-id'] },
    { name: 'an unknown target', text: `entities:\n${entity('alpha', RELATION('gamma', 'Alpha borders Beta'))}${entity('beta')}`, expect: ['kb-unknown-target'] },
    { name: 'a quote not in its paragraph', text: `entities:\n${entity('alpha', RELATION('beta', 'Alpha borders Gamma'))}${entity('beta')}`, expect: ['kb-quote-mismatch'] },
    { name: 'an unknown paragraph', text: `entities:\n${entity('alpha', RELATION('beta', 'Alpha', 'p9'))}${entity('beta')}`, expect: ['kb-unknown-paragraph'] },
    { name: 'an unknown source', text: `entities:\n${entity('alpha', RELATION('beta', 'Alpha', 'p1', 'nope'))}${entity('beta')}`, expect: ['kb-unknown-source'] },
    { name: 'a relation without evidence', text: `entities:\n${entity('alpha', '    relations:\n      - { type: borders, target: beta, evidence: [] }\n')}${entity('beta')}`, expect: ['kb-schema'] },
    { name: 'an unknown predicate', text: `entities:\n${entity('alpha', '    relations:\n      - { type: neighbours, target: beta, evidence: [ { source: src, paragraph: p1, quote: Alpha } ] }\n')}${entity('beta')}`, expect: ['kb-schema'] },
    { name: 'a kind the predicate does not take', text: `entities:\n${entity('alpha', '    relations:\n      - { type: leads, target: beta, evidence: [ { source: src, paragraph: p1, quote: Alpha } ] }\n')}${entity('beta')}`, expect: ['kb-schema'] },
    { name: 'a bad date', text: `entities:\n${entity('alpha', '    relations:\n      - { type: borders, target: beta, since: 2021-13, evidence: [ { source: src, paragraph: p1, quote: Alpha } ] }\n')}${entity('beta')}`, expect: ['kb-schema'] },
    { name: 'a YAML alias where a string belongs stays unexpanded', text: 'x: &a [1, 2]\nentities:\n  - id: alpha\n    kind: state\n    name: *a\n    summary: S.\n', expect: ['kb-schema', 'kb-schema'] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(codes(load(c.text)), c.expect));
  }

  it('says a YAML alias is not followed, and to write the value out', () => {
    const r = load(`entities:\n${entity('alpha')}  - id: beta\n    kind: state\n    name: &n Beta\n    summary: &s "Shared."\n  - id: gamma\n    kind: state\n    name: Gamma\n    summary: *s\n`);
    assert.deepEqual((r.diagnostics.get('file:///kb.yaml') ?? []).map((d) => [d.range.start.line, d.message]), [
      [12, "entity 'gamma'.summary: is a YAML alias (*s), which KB and config files do not follow: write a string out here."],
    ]);
  });

  it('puts an unclosed quote where it opens, not at the end of the file the parser ran on to', () => {
    for (const q of ['"', "'"]) {
      const r = load(`entities:\n  - id: alpha\n    kind: state\n    name: ${q}Alpha\n    summary: S.\n  - id: beta\n    kind: state\n    name: Beta\n    summary: S.\n`);
      const [d] = r.diagnostics.get('file:///kb.yaml') ?? [];
      assert.equal(d.code, 'kb-syntax');
      assert.deepEqual(d.range.start, { line: 3, character: 10 }, q);
      assert.equal(d.message, `YAML syntax error: the quoted value opened here is never closed (add its closing ${q})`);
    }
  });

  const SLIPS: { name: string; text: string; line: number; message: string }[] = [
    { name: 'a key indented more than the one above', text: 'entities:\n  - id: a\n    kind: group\n     name: A\n    summary: S.\n', line: 3, message: "'name' is indented more than 'kind' on the line above: indent it by 4 spaces, as that key" },
    { name: 'a key indented less than the one above', text: 'entities:\n  - id: a\n    kind: group\n   name: A\n    summary: S.\n', line: 3, message: "'name' is not lined up with 'kind' on line 3: indent it by 4 spaces, as that key (it has 3)" },
    { name: 'a key indented less, at a column of its own', text: 'entities:\n  - id: a\n    kind: group\n  name: A\n    summary: S.\n', line: 3, message: "'name' is not lined up with 'kind' on line 3: indent it by 4 spaces, as that key (it has 2)" },
    { name: 'a list item out of line', text: 'entities:\n  - id: a\n    aliases:\n    - A\n   - B\n', line: 4, message: "this list item is not lined up with the one on line 4: put its '-' at column 5, as there (it is at 4)" },
    { name: "': ' inside a value", text: 'entities:\n  - id: a\n    name: A: B\n    kind: group\n    summary: S.\n', line: 2, message: 'the value of \'name\' holds \': \': put it in quotes (name: "A: B")' },
    { name: 'a missing colon', text: 'entities:\n  - id: a\n    kind group\n    name: A\n', line: 2, message: "this line has no ':' between a key and its value" },
    { name: "an apostrophe in a value in ' quotes", text: "entities:\n  - id: a\n    summary: 'it's a group.'\n    kind: group\n", line: 2, message: "the value in ' quotes ends at the ' inside it: write it twice ('it''s'), or quote the value with \" instead" },
    { name: 'a " in a value in " quotes', text: 'entities:\n  - id: a\n    summary: "say "hi" now"\n', line: 2, message: 'the value in " quotes ends at the " inside it: write it as \\", or quote the value with \' instead' },
  ];
  for (const c of SLIPS) {
    it(`says what to change for ${c.name}, on its line`, () => {
      const [d] = load(c.text).diagnostics.get('file:///kb.yaml') ?? [];
      assert.equal(d.code, 'kb-syntax');
      assert.equal(String(d.message).replace(/ \(and \d+ more after it\)$/, ''), `YAML syntax error: ${c.message}`);
      assert.equal(d.range.start.line, c.line);
    });
  }

  it("says when a quote differs from the source only in its apostrophes or quotation marks", () => {
    const source = SOURCE.replace('Alpha borders Beta along a long line.', 'Alpha’s “long line” borders Beta.');
    const quoteOf = (quote: string) =>
      loadKnowledgeBase({
        entityFiles: [{ uri: 'file:///kb.yaml', text: `entities:\n${entity('alpha', RELATION('beta', quote))}${entity('beta')}`, origin: 'workspace' }],
        sourceFiles: [{ uri: 'file:///src.yaml', text: source, origin: 'bundled' }],
      }).diagnostics.get('file:///kb.yaml') ?? [];
    assert.deepEqual(quoteOf('Alpha’s “long line”'), []);
    const [straight] = quoteOf("Alpha's \\\"long line\\\"");
    assert.equal(straight?.code, 'kb-quote-mismatch');
    assert.match(String(straight.message), /Only its apostrophes or quotation marks differ/);
    const [other] = quoteOf('Alpha’s short line');
    assert.equal(other?.code, 'kb-quote-mismatch');
    assert.doesNotMatch(String(other.message), /apostrophes/);
  });

  it('points a diagnostic at the offending line', () => {
    const r = load(`entities:\n${entity('alpha', RELATION('gamma', 'Alpha borders Beta'))}${entity('beta')}`);
    const [d] = r.diagnostics.get('file:///kb.yaml') ?? [];
    assert.equal(d.range.start.line, 7); // the relation's `target:` line
  });

  it('reads a file whose lines end in a lone \\r (YAML counts it as a line break, as editors do)', () => {
    for (const ending of ['\r\n', '\r']) {
      const r = load(BASE.replace(/\n/g, ending));
      assert.deepEqual(codes(r), [], JSON.stringify(ending));
      const [beta] = r.kb.lookup('beta');
      assert.equal(beta?.name, 'Beta');
      assert.equal(beta.location.range.start.line, 5, "beta's `- id:` line");
      const broken = load(`entities:\n${entity('alpha', RELATION('gamma', 'Alpha borders Beta'))}`.replace(/\n/g, ending));
      assert.deepEqual(codes(broken), ['kb-unknown-target']);
      assert.equal(broken.diagnostics.get('file:///kb.yaml')?.[0].range.start.line, 7);
    }
  });

  it('keeps serving the last good version of a file that breaks', () => {
    const good = load(BASE);
    assert.ok(good.kb.entities.has('alpha'));
    const broken = load('entities:\n  - id: [oops\n', good);
    assert.deepEqual(codes(broken), ['kb-syntax']);
    assert.ok(broken.kb.entities.has('alpha'), 'alpha survives the broken edit');
    const fixed = load(`entities:\n${entity('gamma')}`, broken);
    assert.deepEqual([...fixed.kb.entities.keys()], ['gamma']);
  });

  it('reports a workspace id that clashes with the bundled KB, in the workspace file', () => {
    const r = loadKnowledgeBase({
      entityFiles: [
        { uri: 'file:///ws.yaml', text: `entities:\n${entity('alpha')}`, origin: 'workspace' },
        { uri: 'file:///bundled.yaml', text: BASE, origin: 'bundled' },
      ],
      sourceFiles: [{ uri: 'file:///src.yaml', text: SOURCE, origin: 'bundled' }],
    });
    assert.deepEqual(codes(r, 'file:///ws.yaml'), ['kb-id-clash']);
    assert.deepEqual(codes(r, 'file:///bundled.yaml'), []);
    assert.equal(r.kb.entities.get('alpha')?.origin, 'bundled');
  });

  it('indexes ids, names and aliases by normalised form', () => {
    const r = load(`entities:\n${entity('alpha', '    aliases: [Alpha Land, ALP]\n')}`);
    for (const name of ['alpha', 'ALPHA', 'alpha land', 'Alpha_Land', 'A.L.P']) assert.equal(r.kb.lookup(name)[0]?.id, 'alpha', name);
  });

  it('files each label under its normal form once, the name first, an id only where the name does not put it', () => {
    const r = load(`entities:\n${entity('alpha', '    aliases: [ALPHA, Alpha Land]\n')}  - id: us\n    kind: state\n    name: United States\n    aliases: [U.S.]\n    summary: S.\n  - id: tojikiston\n    kind: state\n    name: Tajikistan\n    summary: S.\n`);
    const names = r.kb.names();
    const entries = Object.fromEntries(names.keys.map((key, k) => [key, names.entry(k)]));
    assert.deepEqual(entries, {
      alpha: { ids: ['alpha'], labels: ['Alpha'] },
      'alpha-land': { ids: ['alpha'], labels: ['Alpha Land'] },
      'united-states': { ids: ['us'], labels: ['United States'] },
      us: { ids: ['us'], labels: ['U.S.'] },
      tajikistan: { ids: ['tojikiston'], labels: ['Tajikistan'] },
      tojikiston: { ids: ['tojikiston'], labels: ['tojikiston'] },
    });
    // The canonical name's key, as completion reads it (`us` is the second entity).
    assert.equal(names.keys[names.canonicalKey(1)], 'united-states');
  });

  it('normalising a normal form changes nothing, as the name index relies on', () => {
    // The constructor skips normalising an id equal to its name's normal form; that is sound
    // because normalising a normal form changes nothing, for any script.
    for (const label of ['Ostmir Offensive-1995', 'U.S.', '  --Zürich_ETH--  ', 'İstanbul', 'Ǆemal ﬁ', 'Тоҷикистон', 'Ａｌｐｈａ', 'a\u0301\u200b b']) {
      const key = normalizeName(label);
      assert.equal(normalizeName(key), key, label);
    }
  });

  it('answers "who relates to X" from the relations of every entity, on first question', () => {
    const r = load(`entities:\n${entity('alpha', RELATION('beta', 'Alpha borders Beta'))}${entity('beta', RELATION('alpha', 'Alpha borders Beta'))}${entity('gamma', RELATION('beta', 'Alpha borders Beta'))}`);
    const incoming = (id: string) => r.kb.relationsTo(id).map(({ subject, relation }) => `${subject.id} ${relation.type} ${relation.target}`);
    assert.deepEqual(incoming('beta'), ['alpha borders beta', 'gamma borders beta']);
    assert.deepEqual(incoming('alpha'), ['beta borders alpha']);
    assert.deepEqual(incoming('gamma'), []);
  });

  it('makes the index of incoming relations in the cross-file pass, or else in steps, to what a scan of every relation finds, and finishes it when asked midway', () => {
    const dataDir = path.join(REPO_ROOT, 'data');
    const read = (dir: string) =>
      fs.readdirSync(path.join(dataDir, dir)).filter((f) => f.endsWith('.yaml')).map((f) => ({ uri: `file:///${dir}/${f}`, text: fs.readFileSync(path.join(dataDir, dir, f), 'utf8'), origin: 'bundled' as const }));
    const inputs = { entityFiles: read('kb'), sourceFiles: read('sources') };
    const all = (kb: KbLoadResult['kb']) => [...kb.entities.keys(), 'no-such-entity'].map((id) => [id, kb.countRelationsTo(id), kb.relationsTo(id).map(({ subject, relation }) => `${subject.id} ${relation.type} ${relation.target}`)]);
    // The oracle: every relation of every entity, in the KB's order, filed by its target.
    const scanned = (kb: KbLoadResult['kb']) => {
      const ids = [...kb.entities.keys(), 'no-such-entity'];
      const subjects = [...kb.entities.values()];
      return ids.map((id) => {
        const to = subjects.flatMap((e) => e.relations.filter((r) => r.target === id).map((r) => `${e.id} ${r.type} ${r.target}`));
        return [id, to.length, to];
      });
    };
    const expected = scanned(loadKnowledgeBase(inputs).kb);
    assert.ok(expected.filter(([, count]) => (count as number) > 1).length > 5, 'the bundled KB has entities that several relations point at');

    // A clean pass has looked every target up: its KB comes with the index made.
    const clean = loadKnowledgeBase(inputs).kb;
    assert.equal(clean.prepareIncoming(1), true, 'nothing left to build');
    assert.deepEqual(all(clean), expected);
    // A KB without it (a pass with an error somewhere, below) builds it in steps.
    const unprepared = () => {
      const { entities, sources } = loadKnowledgeBase(inputs).kb;
      return new KnowledgeBase(entities, sources);
    };
    for (const step of [1, 7, 1000]) {
      const kb = unprepared();
      let calls = 1;
      while (!kb.prepareIncoming(step)) calls++;
      assert.equal(calls, Math.ceil((2 * kb.entities.size) / step), `steps of ${step}: each entity is numbered, then read`);
      assert.equal(kb.prepareIncoming(step), true, 'complete stays complete');
      assert.deepEqual(all(kb), expected, `steps of ${step}`);
    }
    // A hover that comes before the preparation is done finishes it: nothing read twice, nothing missed.
    const midway = unprepared();
    assert.equal(midway.prepareIncoming(10), false);
    assert.deepEqual(all(midway), expected);
    assert.equal(midway.prepareIncoming(1), true);
    // With nothing prepared, the first question builds it all.
    assert.deepEqual(all(unprepared()), expected);

    // A workspace file whose relation targets no entity is an error: that file is left out, and the rest builds in steps.
    const broken = { uri: 'file:///ws/kb/broken.yaml', text: 'entities:\n  - id: x-land\n    kind: state\n    name: X Land\n    summary: S.\n    relations:\n      - type: borders\n        target: nowhere\n        evidence:\n          - { source: carlson-2021, paragraph: p2, quote: "the Taliban\'s takeover of Afghanistan" }\n', origin: 'workspace' as const };
    const withError = loadKnowledgeBase({ ...inputs, entityFiles: [...inputs.entityFiles, broken] });
    assert.ok([...withError.diagnostics.values()].flat().some((d) => d.code === 'kb-unknown-target'));
    assert.equal(withError.kb.prepareIncoming(1), false, 'a pass with an error hands no index over');
    assert.deepEqual(all(withError.kb), scanned(withError.kb));
  });

  it('loads the bundled KB with no diagnostics', async () => {
    const dataDir = path.join(REPO_ROOT, 'data');
    const read = (dir: string) =>
      fs.readdirSync(path.join(dataDir, dir)).filter((f) => f.endsWith('.yaml')).map((f) => ({ uri: `file:///${dir}/${f}`, text: fs.readFileSync(path.join(dataDir, dir, f), 'utf8'), origin: 'bundled' as const }));
    const r = loadKnowledgeBase({ entityFiles: read('kb'), sourceFiles: read('sources') });
    const problems = [...r.diagnostics.values()].flat();
    assert.deepEqual(problems.map((d) => d.message), []);
    assert.ok(r.kb.entities.size > 50);
  });

  it('a slip in the order of paragraph ids is one problem, not one for every paragraph after it', () => {
    const paragraphs = (ids: string[]) => `id: src\ntitle: T\nauthor: A\nyear: 2021\nparagraphs:\n${ids.map((id) => `  - { id: ${id}, section: "", text: "Text ${id}." }\n`).join('')}`;
    const problems = (ids: string[]) => {
      const r = loadKnowledgeBase({ entityFiles: [], sourceFiles: [{ uri: 'file:///src.yaml', text: paragraphs(ids), origin: 'bundled' }] });
      return (r.diagnostics.get('file:///src.yaml') ?? []).map((d) => d.message);
    };
    const ten = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
    assert.deepEqual(problems(ten), []);
    // p3 written as p2: the duplicate, then one gap.
    assert.deepEqual(problems(ten.map((id) => (id === 'p3' ? 'p2' : id))), ["source.paragraphs[2]: duplicate paragraph id 'p2'.", "Paragraph ids must run p1, p2, … in order: expected 'p3', found 'p4'."]);
    assert.deepEqual(problems(ten.filter((id) => id !== 'p5')), ["Paragraph ids must run p1, p2, … in order: expected 'p5', found 'p6'."]);
  });
});

describe('.briefrc.yaml (spec §6)', () => {
  const cases: { name: string; text: string; expect: string[]; broken: boolean }[] = [
    { name: 'empty', text: '', expect: [], broken: false },
    { name: 'rules and kb', text: 'rules: { unsupported-claim: off, ambiguous-reference: error }\nkb: [kb/local.yaml]\n', expect: [], broken: false },
    { name: 'unknown rule', text: 'rules: { unknown-referense: off }\n', expect: ['unknown-rule'], broken: false },
    { name: 'wrong severity', text: 'rules: { unknown-reference: loud }\n', expect: ['config-invalid-value'], broken: true },
    { name: 'syntax error', text: 'rules: { a: [\n', expect: ['config-syntax'], broken: true },
    { name: 'unknown key', text: 'colour: red\n', expect: ['config-invalid-value'], broken: true },
    // Where a relative path leads is known only with the folder: see 'refuses a kb path whose ..' below.
    { name: 'kb path with .. (checked when the project loads)', text: 'kb: [../../etc/passwd]\n', expect: [], broken: false },
    { name: 'absolute kb path', text: 'kb: [/etc/passwd]\n', expect: ['kb-path-refused'], broken: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = parseConfig('file:///.briefrc.yaml', c.text);
      assert.deepEqual([...new Set(r.diagnostics.map((d) => d.code))], c.expect); // YAML may report one slip twice
      assert.equal(r.broken, c.broken);
    });
  }

  it("names the rule an unknown one is a typo of, else lists the rules", () => {
    const messages = (text: string) => parseConfig('file:///.briefrc.yaml', text).diagnostics.map((d) => String(d.message));
    assert.deepEqual(messages('rules: { unsuported-claim: off }\n'), ["Unknown rule 'unsuported-claim'. Did you mean unsupported-claim?"]);
    assert.match(messages('rules: { zzz: off }\n')[0], /^Unknown rule 'zzz'\. Rules: unknown-reference, /);
  });

  it('names the file in its messages as it is named: a config given with --config may have another name', () => {
    const messages = (uri: string) => parseConfig(uri, 'rules: { unknown-reference: loud }\ncolour: red\n').diagnostics.map((d) => String(d.message));
    assert.deepEqual(messages('file:///w/.briefrc.yaml'), [
      ".briefrc.yaml: unknown key 'colour' (expected rules, kb).",
      ".briefrc.yaml.rules.unknown-reference: 'loud' is not valid: use one of error, warning, information, hint, off",
    ]);
    assert.deepEqual(messages('file:///w/my%20ci.briefrc.yaml'), [
      "my ci.briefrc.yaml: unknown key 'colour' (expected rules, kb).",
      "my ci.briefrc.yaml.rules.unknown-reference: 'loud' is not valid: use one of error, warning, information, hint, off",
    ]);
  });

  it("holds the file's own unknown-rule setting for its unknown rule names, wherever the setting is written", () => {
    const found = (text: string) => parseConfig('file:///.briefrc.yaml', text).diagnostics.map((d) => [d.code, d.severity, d.range.start.character]);
    const r = parseConfig('file:///.briefrc.yaml', 'rules: { nosuch: warning, unknown-rule: error }\n');
    assert.deepEqual(found('rules: { nosuch: warning, unknown-rule: error }\n'), [['unknown-rule', 1, 9]]);
    assert.equal(r.broken, true, 'an error in the config');
    assert.deepEqual(found('rules: { unknown-rule: information, nosuch: warning }\n'), [['unknown-rule', 3, 36]]);
    assert.deepEqual(found('rules: { unknown-rule: off, nosuch: warning }\n'), []);
    assert.deepEqual(found('rules: { nosuch: warning }\n'), [['unknown-rule', 2, 9]], 'the default: a warning');
  });

  it('loads workspace KB files, by path and by glob', async () => {
    const local = `entities:\n  - id: local-one\n    kind: group\n    name: Local One\n    summary: S.\n`;
    const ws = miniWorkspace({
      [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/one.yaml, "more/**/*.yaml"]\n',
      [`${WORKSPACE}/kb/one.yaml`]: local,
      [`${WORKSPACE}/more/deep/two.yaml`]: local.replace(/local-one/g, 'local-two').replace('Local One', 'Local Two'),
    });
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    assert.ok(state.project.resolver.kb.entities.has('local-one'));
    assert.ok(state.project.resolver.kb.entities.has('local-two'));
    assert.deepEqual(state.workspaceKbFiles, [`${WORKSPACE}/kb/one.yaml`, `${WORKSPACE}/more/deep/two.yaml`]);
  });

  it('keeps the last good config while .briefrc.yaml is not YAML (the editor), and drops it with no last good one (brief-lint)', async () => {
    const local = `entities:\n  - id: local-one\n    kind: group\n    name: Local One\n    summary: S.\n`;
    const files = { [`${WORKSPACE}/.briefrc.yaml`]: 'rules: { unknown-reference: off }\nkb: [kb/one.yaml]\n', [`${WORKSPACE}/kb/one.yaml`]: local };
    const options = { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true };
    const good = await loadProject(miniWorkspace(files), options);
    const typing = { ...files, [`${WORKSPACE}/.briefrc.yaml`]: 'rules: { unknown-reference: off \nkb: [kb/one.yaml, kb/two\n' };
    const carried = await loadProject(miniWorkspace(typing), options, good);
    assert.deepEqual(carried.workspaceKbFiles, [`${WORKSPACE}/kb/one.yaml`]);
    assert.ok(carried.project.resolver.kb.entities.has('local-one'));
    assert.equal(carried.project.severities['unknown-reference'], 'off');
    const diagnostics = carried.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
    assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.code === 'config-syntax'), diagnostics.map((d) => d.code).join(', '));
    // Still carried after a second broken version; a good one replaces it.
    const again = await loadProject(miniWorkspace(typing), options, carried);
    assert.deepEqual(again.workspaceKbFiles, [`${WORKSPACE}/kb/one.yaml`]);
    const fixed = await loadProject(miniWorkspace({ ...files, [`${WORKSPACE}/.briefrc.yaml`]: 'kb: []\n' }), options, again);
    assert.deepEqual(fixed.workspaceKbFiles, []);
    // With no last good config (a first load, brief-lint), the broken one gives nothing.
    const fresh = await loadProject(miniWorkspace(typing), options);
    assert.deepEqual(fresh.workspaceKbFiles, []);
  });

  it('keeps the last good config while .briefrc.yaml cannot be read, and says so on it', async () => {
    const local = `entities:\n  - id: local-one\n    kind: group\n    name: Local One\n    summary: S.\n`;
    const files = { [`${WORKSPACE}/.briefrc.yaml`]: 'rules: { unknown-reference: off }\nkb: [kb/one.yaml]\n', [`${WORKSPACE}/kb/one.yaml`]: local };
    const options = { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true };
    // There (its path resolves), but reading it fails: no permission.
    const locked = () => {
      const ws = miniWorkspace(files);
      const read = ws.readFile.bind(ws);
      ws.readFile = async (file: string) => (file.endsWith('/.briefrc.yaml') ? undefined : read(file));
      return ws;
    };
    const good = await loadProject(miniWorkspace(files), options);
    const carried = await loadProject(locked(), options, good);
    assert.ok(carried.project.resolver.kb.entities.has('local-one'));
    assert.equal(carried.project.severities['unknown-reference'], 'off');
    assert.deepEqual((carried.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? []).map((d) => [d.code, d.message]), [
      ['config-syntax', 'Cannot read .briefrc.yaml: no permission to read it, or it is not a regular file. Its last good settings stay in force.'],
    ]);
    // With no last good one: the defaults, and the same problem said.
    const fresh = await loadProject(locked(), options);
    assert.deepEqual(fresh.workspaceKbFiles, []);
    assert.deepEqual((fresh.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? []).map((d) => d.message), ['Cannot read .briefrc.yaml: no permission to read it, or it is not a regular file.']);
    // A config that is not there is no problem.
    const gone = await loadProject(miniWorkspace({ [`${WORKSPACE}/kb/one.yaml`]: local }), options, good);
    assert.equal(gone.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`), undefined);
  });

  it('loads no workspace KB file in an untrusted workspace, and says so on each kb: entry', async () => {
    const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/one.yaml, ../outside.yaml]\n', [`${WORKSPACE}/kb/one.yaml`]: 'entities: []\n', '/mem/outside.yaml': 'entities: []\n' });
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: false });
    assert.deepEqual(state.workspaceKbFiles, []);
    const notes = state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
    // A path that leads outside is refused as in a trusted workspace: trust would not make it read.
    assert.deepEqual(notes.map((d) => [d.severity, d.range.start, d.message]), [
      [3, { line: 0, character: 5 }, "KB path 'kb/one.yaml' not read: the workspace is not trusted (VS Code's Restricted Mode). Its entities are unknown until you trust it."],
      [1, { line: 0, character: 18 }, "KB path '../outside.yaml' refused: it leads outside the workspace folder."],
    ]);
  });

  it('reads a KB file once when a symbolic link inside the folder names it again, in the config or on the command line', async () => {
    const local = 'entities:\n  - { id: night-watch, kind: group, name: Night Watch, summary: A watch. }\n';
    const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml, kb/alias.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: local });
    ws.links.set(`${WORKSPACE}/kb/alias.yaml`, `${WORKSPACE}/kb/local.yaml`);
    ws.links.set(`${WORKSPACE}/other.yaml`, `${WORKSPACE}/kb/local.yaml`);
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true, extraKbFiles: [`${WORKSPACE}/other.yaml`] });
    assert.deepEqual(state.workspaceKbFiles, [`${WORKSPACE}/kb/local.yaml`]);
    assert.deepEqual([...state.fileDiagnostics.values()].flat(), []);
    assert.equal(state.project.resolver.resolve('Night Watch').status, 'resolved');
  });

  it('refuses a kb path that leaves the folder through a symbolic link', async () => {
    const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [linked/secret.yaml]\n', '/outside/secret.yaml': 'entities: []\n' });
    ws.links.set(`${WORKSPACE}/linked`, '/outside');
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    assert.deepEqual(state.workspaceKbFiles, []);
    const diagnostics = state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
    assert.deepEqual(diagnostics.map((d) => d.code), ['kb-path-refused']);
    assert.match(String(diagnostics[0].message), /symbolic link/);
  });

  it("refuses a kb path whose '..' leads out of the folder, by path or by glob, reading nothing there", async () => {
    const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [../outside.yaml, "../x/*.yaml", ../../etc/passwd]\n', '/mem/outside.yaml': 'entities: []\n', '/mem/x/a.yaml': 'entities: []\n' });
    const listed: string[] = [];
    const listFiles = ws.listFiles.bind(ws);
    ws.listFiles = async (folder: string, recursive: boolean) => {
      listed.push(folder);
      return listFiles(folder, recursive);
    };
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    assert.deepEqual(state.workspaceKbFiles, []);
    assert.deepEqual(listed.filter((f) => !f.startsWith(MINI_DATA)), []);
    const diagnostics = state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.message]),
      ['../outside.yaml', '../x/*.yaml', '../../etc/passwd'].map((p) => ['kb-path-refused', DiagnosticSeverity.Error, `KB path '${p}' refused: it leads outside the workspace folder.`]),
    );
  });

  it("loads a kb path whose '..' stays inside the folder (a config in a subfolder, as brief-lint finds it)", async () => {
    const local = `entities:\n  - id: local-one\n    kind: group\n    name: Local One\n    summary: S.\n`;
    const ws = miniWorkspace({
      [`${WORKSPACE}/team/.briefrc.yaml`]: 'kb: [../shared/one.yaml, "kb/../kb/*.yaml"]\n',
      [`${WORKSPACE}/shared/one.yaml`]: local,
      [`${WORKSPACE}/team/kb/two.yaml`]: local.replace(/local-one/g, 'local-two').replace('Local One', 'Local Two'),
    });
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, configPath: `${WORKSPACE}/team/.briefrc.yaml`, trusted: true });
    assert.deepEqual(state.fileDiagnostics.get(`file://${WORKSPACE}/team/.briefrc.yaml`), []);
    assert.deepEqual(state.workspaceKbFiles, [`${WORKSPACE}/shared/one.yaml`, `${WORKSPACE}/team/kb/two.yaml`]);
    assert.ok(state.project.resolver.kb.entities.has('local-two'));
  });

  it('reads only YAML files as KB files, each once: a glob skips briefs and the config, a path to either is refused', async () => {
    const local = `entities:\n  - id: local-one\n    kind: group\n    name: Local One\n    summary: S.\n`;
    const ws = miniWorkspace({
      [`${WORKSPACE}/.briefrc.yaml`]: 'kb: ["*", "**", notes.brief, .briefrc.yaml, kb/two.YML]\n',
      [`${WORKSPACE}/one.yaml`]: local,
      [`${WORKSPACE}/kb/two.YML`]: local.replace(/local-one/g, 'local-two').replace('Local One', 'Local Two'),
      [`${WORKSPACE}/notes.brief`]: 'About @[Local One].\n',
    });
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    assert.deepEqual(state.workspaceKbFiles, [`${WORKSPACE}/one.yaml`, `${WORKSPACE}/kb/two.YML`]);
    assert.deepEqual(
      (state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? []).map((d) => [d.code, d.message]),
      [
        ['kb-path-refused', "KB path 'notes.brief' refused: a KB file is YAML, named *.yaml or *.yml."],
        ['kb-path-refused', "KB path '.briefrc.yaml' refused: it is this config file."],
      ],
    );
    assert.equal(state.fileDiagnostics.get(`file://${WORKSPACE}/notes.brief`), undefined, 'the brief is not read as a KB file');
    assert.deepEqual(state.fileDiagnostics.get(`file://${WORKSPACE}/one.yaml`), [], 'a file two globs list is read once: no id clashes with itself');
    assert.ok(state.project.resolver.kb.entities.has('local-two'));
  });

  it('refuses a kb glob whose folder is a symbolic link out of the folder, as an error that names the link', async () => {
    const ws = miniWorkspace({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: ["kb/linked/*.yaml"]\n', [`${WORKSPACE}/kb/here.yaml`]: 'entities: []\n', '/outside/secret.yaml': 'entities: []\n' });
    ws.links.set(`${WORKSPACE}/kb/linked`, '/outside');
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    assert.deepEqual(state.workspaceKbFiles, []);
    const diagnostics = state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.message]),
      [['kb-path-refused', DiagnosticSeverity.Error, "KB path 'kb/linked/*.yaml' refused: it leads outside the workspace folder (through a symbolic link)."]],
    );
  });

  it('reports a kb path that names no file or a folder, and loads the files that are there', async () => {
    const local = `entities:\n  - id: local-one\n    kind: group\n    name: Local One\n    summary: S.\n`;
    const ws = miniWorkspace({
      [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/one.yaml, kb/typo.yaml, kb, 5, "kb/none/*.yaml"]\n',
      [`${WORKSPACE}/kb/one.yaml`]: local,
    });
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
    assert.deepEqual(state.workspaceKbFiles, [`${WORKSPACE}/kb/one.yaml`]);
    assert.ok(state.project.resolver.kb.entities.has('local-one'));
    const diagnostics = state.fileDiagnostics.get(`file://${WORKSPACE}/.briefrc.yaml`) ?? [];
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.start.character, d.message]),
      [
        ['kb-path-refused', DiagnosticSeverity.Error, 18, "KB file 'kb/typo.yaml' was not found."],
        ['kb-path-refused', DiagnosticSeverity.Error, 32, "KB path 'kb' is not a file that can be read: name YAML files, or a glob such as 'kb/*.yaml'."],
        ['kb-path-refused', DiagnosticSeverity.Error, 36, "KB file '5' was not found."],
        ['kb-path-refused', DiagnosticSeverity.Warning, 39, "No KB file matches 'kb/none/*.yaml'."],
      ],
    );
  });

  it('says why a kb path of a config outside the folder is refused: no link is involved', async () => {
    const ws = miniWorkspace({ '/elsewhere/ci.yaml': 'kb: [kb/local.yaml]\n', '/elsewhere/kb/local.yaml': 'entities: []\n' });
    const state = await loadProject(ws, { bundledDataDir: MINI_DATA, folder: WORKSPACE, configPath: '/elsewhere/ci.yaml', trusted: true });
    assert.deepEqual(state.workspaceKbFiles, []);
    const diagnostics = state.fileDiagnostics.get('file:///elsewhere/ci.yaml') ?? [];
    assert.deepEqual(diagnostics.map((d) => d.message), ["KB path 'kb/local.yaml' refused: it leads outside the workspace folder."]);
  });
});

describe('KB reading cache', () => {
  /** A cache that keeps readings as their snapshot bytes, as the disk cache does. */
  class SnapshotCache implements FileReadingCache {
    readonly stored = new Map<string, Uint8Array>();
    hits = 0;
    get(input: DataFileInput, kind: string): FileReading | undefined {
      const bytes = this.stored.get(`${kind}:${input.text}`);
      if (bytes === undefined) return undefined;
      this.hits++;
      return decodeReading(bytes, input.uri);
    }
    set(input: DataFileInput, kind: string, reading: FileReading): void {
      this.stored.set(`${kind}:${input.text}`, encodeReading(reading));
    }
  }

  it('gives the same KB and diagnostics from cached readings as from the YAML', async () => {
    const cache = new SnapshotCache();
    const files = { [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/bad.yaml]\n', [`${WORKSPACE}/kb/bad.yaml`]: 'entities:\n  - id: Bad\n' };
    const options = { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true, cache };
    const first = await loadProject(miniWorkspace(files), options);
    assert.equal(cache.hits, 0);
    const second = await loadProject(miniWorkspace(files), options);
    // The three clean files of the test KB come from the cache; the file with errors is read
    // again, since its reading names the entities a brief may ask about, which a cache does not keep.
    assert.equal(cache.hits, 3);
    assert.deepEqual(entitiesAsLoaded(second.kbLoad.kb.entities), entitiesAsLoaded(first.kbLoad.kb.entities));
    assert.deepEqual([...second.kbLoad.kb.sources.values()], [...first.kbLoad.kb.sources.values()]);
    assert.deepEqual([...second.fileDiagnostics.entries()], [...first.fileDiagnostics.entries()]);
  });
});

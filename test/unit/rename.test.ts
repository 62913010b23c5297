/**
 * Rename of a workspace-KB entity's id, on an in-memory workspace: the edits to the KB files and
 * to every brief (found through the workspace index), applied and re-loaded, must leave every
 * reference resolving; references by name or alias stay as written. Bundled entities, ambiguous
 * references and bad new ids are refused with a message.
 */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { brief, MINI_DATA, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';
import { loadProject, type ProjectState } from '../../server/src/core/project';
import { RenameProvider, type RenameInputs } from '../../server/src/core/features/rename';
import { WorkspaceIndex } from '../../server/src/core/workspaceIndex';

const provider = new RenameProvider();
const LOCAL = `${WORKSPACE}/kb/local.yaml`;
const MORE = `${WORKSPACE}/kb/more.yaml`;
const OTHER = `${WORKSPACE}/other.brief`;

const FILES: Record<string, string> = {
  [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml, kb/more.yaml]\n',
  [LOCAL]: `entities:
  - id: kab   # the base
    kind: facility
    name: Kant Air Base
    aliases: [Kant]
    summary: A Russian air base in Kyrgyzstan.
  - id: bishkek-garrison
    kind: group
    name: Bishkek Garrison
    summary: A unit that runs the base.
    relations:
      - type: operates
        target: kab
        negated: false
        evidence:
          - { source: mini-2021, paragraph: p1, quote: "Russia seeks to use" }
`,
  [MORE]: `entities:
  - id: kyrgyz-army
    kind: group
    name: Kyrgyz Army
    summary: Also near kab, in words.
    relations:
      - { type: operates, target: "kab", negated: false, evidence: [ { source: mini-2021, paragraph: p1, quote: "Russia seeks" } ] }
`,
  [OTHER]: 'See @kab. And @Kant, @[kab] and `@kab`.\n',
};

async function load(files: Record<string, string>): Promise<ProjectState> {
  return loadProject(miniWorkspace(files), { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: true });
}

/** Inputs from an index of the other briefs, and the KB files' texts. */
function inputs(files: Record<string, string>, state: ProjectState): RenameInputs {
  const index = new WorkspaceIndex();
  for (const [path, text] of Object.entries(files)) if (path.endsWith('.brief')) index.update(`file://${path}`, text);
  return {
    findReferences: (entity) => index.referencesTo(entity, state.project.resolver.kb),
    briefSyntax: (uri) => index.syntaxOf(uri),
    kbFiles: state.workspaceKbFiles.map((p) => ({ uri: `file://${p}`, text: files[p] })),
  };
}

function apply(files: Record<string, string>, edit: WorkspaceEdit): Record<string, string> {
  const out = { ...files };
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
    const path = uri.replace(/^file:\/\//, '');
    out[path] = TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, out[path]), edits as TextEdit[]);
  }
  return out;
}

describe('rename', () => {
  let state: ProjectState;
  before(async () => {
    state = await load(FILES);
  });

  it('prepareRename: the reference name, with the id as placeholder', () => {
    const { doc, cursor } = brief('Near @[Kant Air$0 Base] now');
    const result = provider.prepareRename(service().parse(doc), state.project, cursor);
    assert.ok(result && 'range' in result);
    assert.equal(doc.getText(result.range), 'Kant Air Base');
    assert.equal(result.placeholder, 'kab');
  });

  const REFUSALS: { name: string; text: string; message: RegExp }[] = [
    { name: 'an entity of the bundled KB', text: 'In @Tajikistan$0 now', message: /Tajikistan \(@tajikistan\) is an entity of Brief's bundled knowledge base/ },
    { name: 'an ambiguous reference', text: 'In @Georgia$0 now', message: /ambiguous \(@georgia-us, @georgia\)/ },
    { name: 'an unknown reference', text: 'In @Nobody$0 now', message: /'@Nobody' names no entity/ },
  ];
  for (const c of REFUSALS) {
    it(`refuses ${c.name}, in prepareRename and rename alike`, () => {
      const { doc, cursor } = brief(c.text);
      const syntax = service().parse(doc);
      const prepared = provider.prepareRename(syntax, state.project, cursor);
      assert.ok(prepared && 'error' in prepared);
      assert.match(prepared.error, c.message);
      const renamed = provider.provideRename(doc, syntax, state.project, cursor, 'x', inputs(FILES, state));
      assert.ok(renamed && 'error' in renamed);
      assert.match(renamed.error, c.message);
    });
  }

  it('renames the reference that starts at the cursor where two touch, none at a citation there, and the one that ends there at the end of a line', () => {
    const at = (text: string) => {
      const { doc, cursor } = brief(text);
      const result = provider.prepareRename(service().parse(doc), state.project, cursor);
      return result && 'range' in result ? doc.getText(result.range) : result;
    };
    assert.equal(at('@[Tajikistan]$0@kab'), 'kab');
    assert.equal(at('@kab$0[^mini-2021:p1]'), null);
    assert.equal(at('Near @[Kant Air Base]$0'), 'Kant Air Base');
  });

  it('answers null off references', () => {
    const { doc, cursor } = brief('Plain$0 text @kab');
    assert.equal(provider.prepareRename(service().parse(doc), state.project, cursor), null);
    assert.equal(provider.provideRename(doc, service().parse(doc), state.project, cursor, 'x', inputs(FILES, state)), null);
  });

  const BAD_NAMES: [newName: string, message: RegExp][] = [
    ['Kant Base', /'Kant Base' is not an id: .*e\.g\. kant-base\./],
    ['kant--base', /not an id/],
    ['tajikistan', /'tajikistan' already names Tajikistan \(@tajikistan\)/],
    ['kyrgyz-army', /already names Kyrgyz Army/],
    ['putin', /already names Vladimir Putin \(@vladimir-putin\)/],
  ];
  for (const [newName, message] of BAD_NAMES) {
    it(`refuses the new id '${newName}'`, () => {
      const { doc, cursor } = brief('@kab$0');
      const result = provider.provideRename(doc, service().parse(doc), state.project, cursor, newName, inputs(FILES, state));
      assert.ok(result && 'error' in result);
      assert.match(result.error, message);
    });
  }

  it('renames the id in the KB, relation targets, and id references; names and aliases stay', async () => {
    const text = 'At @kab$0, @[Kant Air Base], @Kant, @KAB and @[kab]: claim: @[Bishkek Garrison] operates @kab';
    const { doc, cursor } = brief(text);
    const result = provider.provideRename(doc, service().parse(doc), state.project, cursor, '@manas-base', inputs(FILES, state));
    assert.ok(result && !('error' in result));
    const after = apply({ ...FILES, [`${WORKSPACE}/test.brief`]: doc.getText() }, result);
    assert.equal(after[`${WORKSPACE}/test.brief`], 'At @manas-base, @[Kant Air Base], @Kant, @manas-base and @[manas-base]: claim: @[Bishkek Garrison] operates @manas-base');
    assert.equal(after[OTHER], 'See @manas-base. And @Kant, @[manas-base] and `@kab`.\n');
    assert.match(after[LOCAL], /- id: manas-base {3}# the base\n/);
    assert.match(after[LOCAL], /target: manas-base\n/);
    assert.match(after[MORE], /target: "manas-base"/);
    assert.match(after[MORE], /Also near kab, in words\./);
    assert.equal(after[`${WORKSPACE}/.briefrc.yaml`], FILES[`${WORKSPACE}/.briefrc.yaml`]);

    // Reloaded: clean KB files, every reference resolves, the claim is supported.
    const reloaded = await load(after);
    for (const [uri, list] of reloaded.fileDiagnostics) assert.deepEqual(list.map((d) => d.message), [], uri);
    for (const path of [`${WORKSPACE}/test.brief`, OTHER]) {
      const diagnostics = service().validate(TextDocument.create(`file://${path}`, 'brief', 1, after[path]), reloaded.project);
      assert.deepEqual(diagnostics.map((d) => d.message), [], path);
    }
  });

  it('from a reference by name, also rewrites the id references', () => {
    const { doc, cursor } = brief('@[Kant Air Base$0] and @kab');
    const result = provider.provideRename(doc, service().parse(doc), state.project, cursor, 'manas-base', inputs(FILES, state));
    assert.ok(result && !('error' in result));
    assert.equal(TextDocument.applyEdits(doc, result.changes?.[doc.uri] ?? []), '@[Kant Air Base] and @manas-base');
  });

  it('a target written as a block scalar: only the id in it changes, and the file stays valid', async () => {
    const files = { ...FILES, [MORE]: FILES[MORE].replace('      - { type: operates, target: "kab", negated: false, evidence: [ { source: mini-2021, paragraph: p1, quote: "Russia seeks" } ] }\n', '      - type: operates\n        target: >-\n          kab\n        evidence: [ { source: mini-2021, paragraph: p1, quote: "Russia seeks" } ]\n') };
    const blockState = await load(files);
    const { doc, cursor } = brief('@kab$0');
    const result = provider.provideRename(doc, service().parse(doc), blockState.project, cursor, 'manas-base', inputs(files, blockState));
    assert.ok(result && !('error' in result));
    const after = apply({ ...files, [`${WORKSPACE}/test.brief`]: doc.getText() }, result);
    assert.match(after[MORE], /target: >-\n {10}manas-base\n {8}evidence/);
    const reloaded = await load(after);
    for (const [uri, list] of reloaded.fileDiagnostics) assert.deepEqual(list.map((d) => d.message), [], uri);
  });

  it("takes in an abbreviation's last '.' where it would be glued to the id, and keeps the '_' that end a short name", async () => {
    const text = 'The @K.A$0.B. and the @kab met.\nclaim: @K.A.B. located-in @Tajikistan\n_near @kab_ now_ and @K.A.B.\n';
    const { doc, cursor } = brief(text);
    const lines = (uri: string, line: number) => (uri === doc.uri ? doc.getText() : FILES[uri.replace(/^file:\/\//, '')] ?? '').split('\n')[line];
    const result = provider.provideRename(doc, service().parse(doc), state.project, cursor, 'manas-base', { ...inputs(FILES, state), briefLine: lines });
    assert.ok(result && !('error' in result), JSON.stringify(result));
    const after = apply({ ...FILES, [`${WORKSPACE}/test.brief`]: doc.getText() }, result);
    // The last `.` of a sentence stays: `@K.A.B.` at the end of the line may end one.
    assert.equal(after[`${WORKSPACE}/test.brief`], 'The @manas-base and the @manas-base met.\nclaim: @manas-base located-in @Tajikistan\n_near @manas-base_ now_ and @manas-base.\n');
    const reloaded = await load(after);
    const codes = service().validate(TextDocument.create('file:///t.brief', 'brief', 1, after[`${WORKSPACE}/test.brief`]), reloaded.project).map((d) => d.code);
    assert.deepEqual(codes, ['unsupported-claim']);
  });

  it('quotes a new id YAML would read as another type, and edits KB files of lone CR line ends', async () => {
    for (const [newName, files] of [['true', FILES], ['null', FILES], ['kant-2', Object.fromEntries(Object.entries(FILES).map(([p, t]) => [p, p.endsWith('.yaml') ? t.replace(/\n/g, '\r') : t]))]] as const) {
      const local = await load(files);
      const { doc, cursor } = brief('@kab$0');
      const result = provider.provideRename(doc, service().parse(doc), local.project, cursor, newName, inputs(files, local));
      assert.ok(result && !('error' in result), `${newName}: ${JSON.stringify(result)}`);
      const after = apply({ ...files, [`${WORKSPACE}/test.brief`]: doc.getText() }, result);
      const reloaded = await load(after);
      for (const [uri, list] of reloaded.fileDiagnostics) assert.deepEqual(list.map((d) => d.message), [], `${newName} ${uri}`);
      assert.deepEqual(service().validate(TextDocument.create('file:///t.brief', 'brief', 1, after[`${WORKSPACE}/test.brief`]), reloaded.project), [], newName);
    }
  });

  it('renaming to the same id changes nothing', () => {
    const { doc, cursor } = brief('@kab$0');
    assert.deepEqual(provider.provideRename(doc, service().parse(doc), state.project, cursor, 'kab', inputs(FILES, state)), { changes: {} });
  });

  it('refuses when a KB file that holds the id has broken YAML, naming it from the brief as the other messages do', () => {
    const broken = { ...FILES, [MORE]: `${FILES[MORE]}  - id: [unclosed\n` };
    const { doc, cursor } = brief('@kab$0');
    const result = provider.provideRename(doc, service().parse(doc), state.project, cursor, 'manas-base', inputs(broken, state));
    assert.ok(result && 'error' in result);
    // The brief is /mem/ws/test.brief: the file is kb/more.yaml from there, not a file:/// URI.
    assert.equal(result.error, 'Fix the YAML errors in kb/more.yaml first: the rename edits that file.');
  });

  it('refuses when a brief the index points at has no tree', () => {
    const { doc, cursor } = brief('@kab$0');
    const base = inputs(FILES, state);
    const result = provider.provideRename(doc, service().parse(doc), state.project, cursor, 'manas-base', { ...base, briefSyntax: () => undefined });
    assert.ok(result && 'error' in result);
    assert.match(result.error, /other\.brief refers to Kant Air Base but is not indexed/);
  });
});

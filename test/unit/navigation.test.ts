/**
 * Navigation features as data, on the small test KB (test/fixtures/mini-data) and on in-memory
 * workspaces of several briefs: definition, references (from briefs and from KB YAML), document
 * highlights, document and workspace symbols, folding ranges, document links and code lenses.
 * A `$0` marks the cursor; answers are compared as `file:covered text` or `file@line`.
 */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentSymbol, Location, Position } from 'vscode-languageserver-types';
import { parseBrief } from '../../server/src/core/parser';
import type { ProjectState } from '../../server/src/core/project';
import { loadProject } from '../../server/src/core/project';
import type { SourceLocation } from '../../server/src/core/kb/model';
import type { BriefSyntax } from '../../server/src/core/syntax';
import { WorkspaceIndex, type FolderScope } from '../../server/src/core/workspaceIndex';
import { DefinitionProvider, linksToLocations } from '../../server/src/core/features/definition';
import { KbReferencesProvider, ReferencesProvider } from '../../server/src/core/features/references';
import { DocumentHighlightProvider } from '../../server/src/core/features/documentHighlight';
import { DocumentSymbolProvider, WorkspaceSymbolProvider } from '../../server/src/core/features/symbols';
import { FoldingProvider } from '../../server/src/core/features/folding';
import { DocumentLinkProvider } from '../../server/src/core/features/documentLinks';
import { CodeLensProvider } from '../../server/src/core/features/codeLens';
import { entityAt } from '../../server/src/core/features/kbYaml';
import { brief, covered, MINI_DATA, miniProject, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';

const OTHERS = `file://${MINI_DATA}/kb/others.yaml`;
const STATES = `file://${MINI_DATA}/kb/states.yaml`;
const uri = (name: string) => `file://${WORKSPACE}/${name}`;

/** Text of the files behind the uris an answer may name: workspace briefs and the fixture YAML. */
function fixtureText(u: string): string | undefined {
  const path = u.replace(/^file:\/\//, '');
  return miniWorkspace().files.get(path);
}

/** A workspace folder of briefs; one of them may hold `$0`, the cursor of the "active" brief. */
function folder(state: ProjectState, files: Record<string, string>) {
  const index = new WorkspaceIndex();
  const texts: Record<string, string> = {};
  let active: { uri: string; syntax: BriefSyntax; cursor: Position } | undefined;
  for (const [name, raw] of Object.entries(files)) {
    const { doc, cursor } = brief(raw);
    texts[uri(name)] = doc.getText();
    index.update(uri(name), doc.getText());
    if (raw.includes('$0')) active = { uri: uri(name), syntax: parseBrief(doc.getText()), cursor };
  }
  const scope: FolderScope = { project: state.project, index };
  /** `a.brief:@Putin` for a brief, `others.yaml@11` for a KB file. */
  const show = (locations: readonly Location[]) =>
    locations.map((l) => {
      const name = l.uri.slice(l.uri.lastIndexOf('/') + 1);
      const text = texts[l.uri];
      return text === undefined ? `${name}@${l.range.start.line}` : `${name}:${TextDocument.create(l.uri, 'brief', 0, text).getText(l.range)}`;
    });
  return { scope, index, show, active: () => active ?? assert.fail('no $0 in the files') };
}

describe('navigation', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  const kb = () => state.project.resolver.kb;

  describe('go to definition', () => {
    /** Where an expected target is: `entity:id`, `relation:holder:type:target`, `paragraph:source:pN`, `source:id`. */
    const target = (spec: string): SourceLocation => {
      const [what, a, b, c] = spec.split(':');
      const found =
        what === 'entity' ? kb().entities.get(a)?.location
        : what === 'relation' ? kb().entities.get(a)?.relations.find((r) => r.type === b && r.target === c)?.location
        : what === 'paragraph' ? kb().sources.get(a)?.passages.get(b)?.location
        : kb().sources.get(a)?.location;
      // As the plain LSP location an answer holds (the KB keeps its locations as numbers).
      return found ? { uri: found.uri, range: found.range } : assert.fail(`no ${spec} in the fixture KB`);
    };
    const cases: { name: string; text: string; origin?: string; expect: string[] }[] = [
      { name: 'alias reference', text: 'Then @Pu$0tin spoke.', origin: '@Putin', expect: ['entity:vladimir-putin'] },
      { name: 'bracket name, cursor on the space', text: 'Then @[Vladimir$0 Putin] spoke.', origin: '@[Vladimir Putin]', expect: ['entity:vladimir-putin'] },
      { name: 'id form, cursor before the @', text: '$0@vladimir-putin', origin: '@vladimir-putin', expect: ['entity:vladimir-putin'] },
      { name: 'cursor just after the name', text: 'by @Russia$0. More', origin: '@Russia', expect: ['entity:russia'] },
      { name: 'cursor just after the name at the end of the line', text: 'by @Russia$0', origin: '@Russia', expect: ['entity:russia'] },
      { name: 'a citation that starts where a reference ends: the citation', text: 'by @Russia$0[^mini-2021:p2].', origin: '[^mini-2021:p2]', expect: ['paragraph:mini-2021:p2'] },
      { name: 'a reference that starts where another ends: the second', text: '@[Xi Jinping]$0@Putin', origin: '@Putin', expect: ['entity:vladimir-putin'] },
      { name: 'normalised spelling', text: '@[ETH Zu\u0308rich$0]', expect: ['entity:eth-zurich'] },
      { name: 'ambiguous reference: every candidate', text: 'In @Geor$0gia', expect: ['entity:georgia-us', 'entity:georgia'] },
      { name: 'unknown reference: nothing', text: '@Nob$0ody', expect: [] },
      { name: 'reference in fenced code: nothing', text: '```\n@Pu$0tin\n```', expect: [] },
      { name: 'reference in inline code: nothing', text: '`@Pu$0tin`', expect: [] },
      { name: 'plain text: nothing', text: 'Pu$0tin', expect: [] },
      { name: 'predicate of a contradicted claim: the negated relation', text: '- claim: @Uzbekistan member-$0of @CSTO', origin: 'member-of', expect: ['relation:uzbekistan:member-of:csto'] },
      { name: 'predicate of a supported claim', text: 'claim: @Tajikistan member-of$0 @CSTO', expect: ['relation:tajikistan:member-of:csto'] },
      { name: 'symmetric predicate stored on the object', text: 'claim: @Tajikistan bor$0ders @China', expect: ['relation:china:borders:tajikistan'] },
      { name: 'predicate of an unsupported claim: nothing', text: 'claim: @Russia member-$0of @SCO', expect: [] },
      { name: 'predicate of a claim that breaks the kind table: nothing', text: 'claim: @Russia lea$0ds @Putin', expect: [] },
      { name: 'predicate of a claim with an unknown reference: nothing', text: 'claim: @Russa participates-$0in @[Joint Western-2021]', expect: [] },
      { name: 'citation of a paragraph', text: 'As said [^mini-2021:p$02].', origin: '[^mini-2021:p2]', expect: ['paragraph:mini-2021:p2'] },
      { name: 'citation of a span: each paragraph', text: '[^mini-2021:p2-p$03]', expect: ['paragraph:mini-2021:p2', 'paragraph:mini-2021:p3'] },
      { name: 'citation of the whole source', text: '[^mini$0-2021]', expect: ['source:mini-2021'] },
      { name: 'citation of a paragraph the source lacks: the source', text: '[^mini-2021:p$09]', expect: ['source:mini-2021'] },
      { name: 'citation of an unknown source: nothing', text: '[^nowh$0ere:p1]', expect: [] },
      { name: 'UTF-16 columns after astral characters', text: '𝒳😀 @[Xi Jin$0ping]', origin: '@[Xi Jinping]', expect: ['entity:xi-jinping'] },
      { name: 'CRLF line ends', text: '---\r\ntitle: T\r\n---\r\nclaim: @Uzbekistan not member-of @CS$0TO\r\n', origin: '@CSTO', expect: ['entity:csto'] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { doc, cursor } = brief(c.text);
        const links = new DefinitionProvider().provideDefinition(service().parse(doc), state.project, cursor);
        assert.deepEqual(links.map((l) => ({ uri: l.targetUri, range: l.targetRange })), c.expect.map(target));
        if (c.origin) for (const l of links) assert.equal(covered(doc, l.originSelectionRange ?? assert.fail()), c.origin);
      });
    }

    it('lands exactly on the entity\'s `- id:` line of the bundled YAML file', () => {
      const { doc, cursor } = brief('@[Vladimir Putin$0]');
      const [link] = new DefinitionProvider().provideDefinition(service().parse(doc), state.project, cursor);
      assert.equal(link.targetUri, OTHERS);
      const yaml = TextDocument.create(OTHERS, 'yaml', 0, fixtureText(OTHERS) ?? '');
      assert.equal(yaml.getText(link.targetSelectionRange), '  - id: vladimir-putin');
      assert.deepEqual(linksToLocations([link]), [{ uri: OTHERS, range: link.targetSelectionRange }]);
    });

    it('puts the cursor on the deciding relation and the cited paragraph', () => {
      const { doc } = brief('claim: @Uzbekistan member-of @CSTO [^mini-2021:p1]');
      const syntax = service().parse(doc);
      const at = (character: number) => new DefinitionProvider().provideDefinition(syntax, state.project, { line: 0, character })[0];
      const relation = at(22);
      const states = TextDocument.create(STATES, 'yaml', 0, fixtureText(STATES) ?? '');
      assert.match(states.getText({ start: relation.targetSelectionRange.start, end: { line: relation.targetSelectionRange.start.line + 1, character: 0 } }), /^type: member-of\n/);
      assert.match(states.getText(relation.targetRange), /target: csto\n\s*negated: true/);
      const paragraph = at(44);
      const source = TextDocument.create(paragraph.targetUri, 'yaml', 0, fixtureText(paragraph.targetUri) ?? '');
      assert.match(source.getText(paragraph.targetSelectionRange), /^\{ id: p1, /);
    });

    it('goes to an entity of a workspace KB file', async () => {
      const local = 'entities:\n  - id: local-militia\n    kind: group\n    name: Local Militia\n    summary: A group of the analyst.\n';
      const withLocal = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/local.yaml]\n', [`${WORKSPACE}/kb/local.yaml`]: local });
      const { doc, cursor } = brief('@[Local Mil$0itia]');
      const links = new DefinitionProvider().provideDefinition(service().parse(doc), withLocal.project, cursor);
      assert.deepEqual(links.map((l) => [l.targetUri, l.targetRange.start.line, l.targetRange.end.character]), [[`file://${WORKSPACE}/kb/local.yaml`, 1, '  - id: local-militia'.length]]);
    });
  });

  describe('find references', () => {
    const OTHER_BRIEFS = {
      'b.brief': '# About @[Vladimir Putin]\n```\n@Putin in code\n```\nclaim: @vladimir-putin leads @Russia\n',
      'c.brief': '@Georgia, @Tajikstan and @[Georgia (U.S. state)]\r\n`@Putin` \\@Putin @tajikstan\r\n',
      'd.brief': 'Cited [^mini-2021:p1-p3], [^mini-2021:p1], [^other-2020:p2] and [^mini-2021].\n`[^mini-2021:p2]`\n',
    };
    const cases: { name: string; active: string; declaration?: boolean; expect: string[] }[] = [
      { name: 'alias, name and id forms in every brief; none from code', active: '@Pu$0tin met @[Xi Jinping].', expect: ['a.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin'] },
      { name: 'with the declaration first', active: '@Pu$0tin', declaration: true, expect: ['others.yaml@11', 'a.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin'] },
      { name: 'an unknown name: the same name however written', active: 'Then @Tajik$0stan.', declaration: true, expect: ['a.brief:@Tajikstan', 'c.brief:@Tajikstan', 'c.brief:@tajikstan'] },
      { name: 'an ambiguous name: that name only', active: '@$0Georgia', expect: ['a.brief:@Georgia', 'c.brief:@Georgia'] },
      { name: 'a unique name of an entity that shares another', active: '@georgia-$0us', expect: ['a.brief:@georgia-us', 'c.brief:@[Georgia (U.S. state)]'] },
      { name: 'UTF-16 columns', active: '𝒳😀 Über @[Vladimir Pu$0tin] and @Putin', expect: ['a.brief:@[Vladimir Putin]', 'a.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin'] },
      { name: 'not on a reference: nothing', active: 'Pu$0tin @Putin', expect: [] },
      // Where two touch, the one that starts at the cursor (as for hover and definition).
      { name: 'a reference that starts where another ends: the second', active: '@[Xi Jinping]$0@Putin', expect: ['a.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin'] },
      { name: 'a citation that starts where a reference ends: the citations of its passage', active: '@Putin$0[^mini-2021:p2]', expect: ['a.brief:[^mini-2021:p2]', 'd.brief:[^mini-2021:p1-p3]'] },
      // Citations: those that cite the passage under the cursor, in every brief.
      { name: 'a paragraph: its citations and the ranges that hold it', active: 'See [^mini-2021:p$02] and [^mini-2021:p3] and [^mini-2021]', expect: ['a.brief:[^mini-2021:p2]', 'd.brief:[^mini-2021:p1-p3]'] },
      { name: 'a range: the citations of any of its paragraphs', active: 'See [^mini-2021:p$01-p2]', expect: ['a.brief:[^mini-2021:p1-p2]', 'd.brief:[^mini-2021:p1-p3]', 'd.brief:[^mini-2021:p1]'] },
      { name: 'the whole source: every citation of it', active: 'See [^mini$0-2021]', expect: ['a.brief:[^mini-2021]', 'd.brief:[^mini-2021:p1-p3]', 'd.brief:[^mini-2021:p1]', 'd.brief:[^mini-2021]'] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const f = folder(state, { ...OTHER_BRIEFS, 'a.brief': c.active });
        const a = f.active();
        assert.deepEqual(f.show(new ReferencesProvider().provideReferences(a.uri, a.syntax, f.scope, a.cursor, c.declaration ?? false)), c.expect);
      });
    }

    it('reads the active brief from its fresh syntax, not from a stale index entry', () => {
      const f = folder(state, { 'b.brief': '@Putin' });
      f.index.update(uri('a.brief'), 'old text with @Putin and @Putin');
      const { doc, cursor } = brief('@Russia @Pu$0tin');
      const found = new ReferencesProvider().provideReferences(uri('a.brief'), parseBrief(doc.getText()), f.scope, cursor, false);
      assert.deepEqual(found.map((l) => [l.uri.slice(-7), l.range.start.character]), [['a.brief', 8], ['b.brief', 0]]);
    });

    const yamlCases: { name: string; at: Position; expect: string[] }[] = [
      { name: 'from the `- id:` line', at: { line: 11, character: 9 }, expect: ['others.yaml@11', 'a.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin'] },
      { name: 'from elsewhere in the entry', at: { line: 20, character: 0 }, expect: ['others.yaml@11', 'a.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin'] },
      { name: 'from the last entity of the file', at: { line: 39, character: 2 }, expect: ['others.yaml@35', 'c.brief:@[Georgia (U.S. state)]'] },
      { name: 'from above the first entity: nothing', at: { line: 0, character: 3 }, expect: [] },
    ];
    for (const c of yamlCases) {
      it(`in a KB file, ${c.name}`, () => {
        const f = folder(state, { ...OTHER_BRIEFS, 'a.brief': '@Putin' });
        assert.deepEqual(f.show(new KbReferencesProvider().provideKbReferences(OTHERS, [f.scope], c.at, true)), c.expect);
      });
    }

    it('in a KB file, across the briefs of several folders, the declaration once', () => {
      const one = folder(state, { 'a.brief': '@CSTO' });
      const two = folder(state, { 'b.brief': '@[Collective Security Treaty Organization] @csto' });
      const found = new KbReferencesProvider().provideKbReferences(OTHERS, [one.scope, two.scope], { line: 1, character: 8 }, true);
      assert.deepEqual([...one.show(found.slice(0, 2)), ...two.show(found.slice(2))], ['others.yaml@1', 'a.brief:@CSTO', 'b.brief:@[Collective Security Treaty Organization]', 'b.brief:@csto']);
      assert.equal(entityAt(kb(), STATES, { line: 200, character: 0 })?.id, 'georgia');
      assert.equal(entityAt(kb(), 'file:///elsewhere.yaml', { line: 1, character: 0 }), undefined);
    });
  });

  describe('document highlight', () => {
    const cases: { name: string; text: string; expect: string[] }[] = [
      { name: 'every form of the same entity', text: '@Putin and @[Vladimir Putin] and @vladimir-p$0utin, not @Russia\n```\n@Putin\n```\n`@Putin`', expect: ['@Putin', '@[Vladimir Putin]', '@vladimir-putin'] },
      { name: 'an unknown name: its spellings', text: '@Nob$0ody and @nobody and @Nobodi', expect: ['@Nobody', '@nobody'] },
      { name: 'not on a reference', text: 'x$0 @Putin', expect: [] },
      { name: 'a reference that starts where another ends: the second', text: '@[Xi Jinping]$0@Putin and @[Vladimir Putin]', expect: ['@Putin', '@[Vladimir Putin]'] },
      { name: 'a citation that starts where a reference ends: the citations of its passage', text: '@Putin$0[^mini-2021:p2] and @[Vladimir Putin] [^mini-2021:p1-p2] [^mini-2021:p3]', expect: ['[^mini-2021:p2]', '[^mini-2021:p1-p2]'] },
      { name: 'a whole source: its citations, not another source', text: '[^mini-2021$0] [^mini-2021:p3] [^other-2020]', expect: ['[^mini-2021]', '[^mini-2021:p3]'] },
      { name: 'just after a reference at the end of the line', text: '@[Vladimir Putin] and @Putin$0', expect: ['@[Vladimir Putin]', '@Putin'] },
      { name: 'CRLF and astral characters', text: '😀 @Putin\r\n𝒳 @[Vladimir Putin]$0\r\n', expect: ['@Putin', '@[Vladimir Putin]'] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { doc, cursor } = brief(c.text);
        const highlights = new DocumentHighlightProvider().provideDocumentHighlights(service().parse(doc), state.project, cursor);
        assert.deepEqual(highlights.map((h) => covered(doc, h.range)), c.expect);
      });
    }
  });

  describe('document symbols', () => {
    /** The outline as indented lines: `name [first line-last line]`. */
    const outline = (symbols: readonly DocumentSymbol[], depth = 0): string[] =>
      symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.name} [${s.range.start.line}-${s.range.end.line}]`, ...outline(s.children ?? [], depth + 1)]);
    const TEXT = [
      '---', 'title: T', '---', //                                   0-2
      'claim: @Russia member-of @SCO', //                            3
      '# One', 'claim: @Tajikistan member-of @CSTO', //                4-5
      '## One.A', '- claim: @Uzbekistan not member-of @[CSTO]', //     6-7
      '### Deep', '', //                                             8-9
      '## One.B', //                                                 10
      '# Two', '```', '# not a heading', 'claim: @A leads @B', '```', // 11-15
      '> claim: @China borders @Tajikistan', //                     16
    ].join('\n');
    const EXPECTED = [
      '@Russia member-of @SCO [3-3]',
      'One [4-11]',
      '  @Tajikistan member-of @CSTO [5-5]',
      '  One.A [6-10]',
      '    @Uzbekistan not member-of @[CSTO] [7-7]',
      '    Deep [8-10]',
      '  One.B [10-11]',
      'Two [11-16]',
      '  @China borders @Tajikistan [16-16]',
    ];
    it('nests headings by level and claims under their heading', () => {
      assert.deepEqual(outline(new DocumentSymbolProvider().provideDocumentSymbols(parseBrief(TEXT), TEXT)), EXPECTED);
    });
    it('the same with CRLF line ends, and a section range that ends at the document end', () => {
      const crlf = TEXT.replace(/\n/g, '\r\n');
      const symbols = new DocumentSymbolProvider().provideDocumentSymbols(parseBrief(crlf), crlf);
      assert.deepEqual(outline(symbols), EXPECTED);
      assert.deepEqual(symbols[2].range.end, { line: 16, character: '> claim: @China borders @Tajikistan'.length });
      assert.equal(symbols[2].children?.[0].selectionRange.start.character, 2);
    });
    it("drops a heading's closing run of #, as Markdown does, but not a # that ends a word", () => {
      const text = '###### Six ######\n# C#\n## Risks ##   \n# ###\n';
      assert.deepEqual(outline(new DocumentSymbolProvider().provideDocumentSymbols(parseBrief(text), text)), ['Six [0-1]', 'C# [1-3]', '  Risks [2-3]', '(untitled heading) [3-4]']);
    });
    it('gives an empty heading a name (editors reject empty names)', () => {
      assert.deepEqual(outline(new DocumentSymbolProvider().provideDocumentSymbols(parseBrief('# \ntext'), '# \ntext')), ['(untitled heading) [0-1]']);
    });
  });

  describe('workspace symbols', () => {
    const files = { 'a.brief': '# About Putin\n## Timeline', 'b.brief': '# Central Asian security\n```\n# Putin in code\n```' };
    const cases: { query: string; expect: string[] }[] = [
      // Fuzzy: the letters in order also match an alias (Re-pu-blic of Ta-jik-istan).
      { query: 'putin', expect: ['Vladimir Putin', 'About Putin', 'Tajikistan'] },
      { query: 'CSTO', expect: ['Collective Security Treaty Organization'] },
      { query: 'tmln', expect: ['Timeline'] },
      { query: 'zürich', expect: ['ETH Zürich'] },
      { query: 'zzzz', expect: [] },
      // Written as a reference, as analysts type entities: the name it holds.
      { query: '@csto', expect: ['Collective Security Treaty Organization'] },
      { query: '@[Xi Jinping]', expect: ['Xi Jinping'] },
      { query: '@[Xi Jinp', expect: ['Xi Jinping'] },
      { query: '@[tmln]', expect: ['Timeline'] },
    ];
    for (const c of cases) {
      it(`'${c.query}'`, () => {
        const f = folder(state, files);
        assert.deepEqual(new WorkspaceSymbolProvider().provideWorkspaceSymbols(c.query, [f.scope]).map((s) => s.name), c.expect);
      });
    }
    it('lists each bundled entity once across folders, with its KB location, and headings with their brief', () => {
      const one = folder(state, files);
      const two = folder(state, { 'c.brief': '# Putin again' });
      const found = new WorkspaceSymbolProvider().provideWorkspaceSymbols('putin', [one.scope, two.scope]);
      assert.deepEqual(found.map((s) => [s.name, s.containerName, s.location.uri.slice(-11), s.location.range.start.line]), [
        ['Vladimir Putin', 'person · @vladimir-putin', 'others.yaml', 11],
        ['Putin again', 'c.brief', '/ws/c.brief', 0],
        ['About Putin', 'a.brief', '/ws/a.brief', 0],
        ['Tajikistan', 'state · @tajikistan', 'states.yaml', 1],
      ]);
      assert.equal(new WorkspaceSymbolProvider().provideWorkspaceSymbols('', [one.scope]).length, kb().entities.size + 3);
    });
  });

  describe('folding ranges', () => {
    const cases: { name: string; text: string; expect: [number, number][] }[] = [
      {
        name: 'front matter, sections by level (trailing blank lines left open), fences',
        text: '---\ntitle: T\n---\n# One\ntext\n## One.A\ntext\n\n## One.B\n```\n# not a heading\n```\n\n# Two\nlast',
        expect: [[0, 2], [3, 11], [5, 6], [8, 11], [9, 11], [13, 14]],
      },
      { name: 'an unclosed fence runs to the end; an unterminated front matter is body', text: '---\ntitle: x\n~~~\ncode\n', expect: [[2, 4]] },
      { name: 'a heading without a body folds nothing', text: '# A\n# B\n\n', expect: [] },
      { name: 'CRLF', text: '# A\r\nx\r\n```\r\ny\r\n```\r\n', expect: [[0, 4], [2, 4]] },
      {
        name: '%% region … %% endregion, nested; a marker after text, an unmatched end, an unended start fold nothing',
        text: '%% region Sources\na\n  %% #region inner\nb\n%% endregion\nc\n%%endregion\nd %% region not alone\ne\n%% endregion stray\n%% region never ended\nf',
        expect: [[0, 6], [2, 4]],
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const ranges = new FoldingProvider().provideFoldingRanges(parseBrief(c.text), c.text);
        assert.deepEqual(ranges.map((r) => [r.startLine, r.endLine]), c.expect);
      });
    }
  });

  describe('document links', () => {
    const SOURCE = `file://${MINI_DATA}/sources/mini-2021.yaml`;
    const cases: { name: string; text: string; expect: [string, string][] }[] = [
      { name: 'a paragraph', text: 'As said [^mini-2021:p2].', expect: [['mini-2021', `${SOURCE}#L2`], ['p2', `${SOURCE}#L9`]] },
      { name: 'both ends of a span', text: '[^mini-2021:p1-p3]', expect: [['mini-2021', `${SOURCE}#L2`], ['p1', `${SOURCE}#L8`], ['p3', `${SOURCE}#L10`]] },
      { name: 'the whole source', text: 'x [^mini-2021]', expect: [['mini-2021', `${SOURCE}#L2`]] },
      { name: 'a paragraph the source lacks: only the source', text: '[^mini-2021:p2-p9] [^mini-2021:7]', expect: [['mini-2021', `${SOURCE}#L2`], ['p2', `${SOURCE}#L9`], ['mini-2021', `${SOURCE}#L2`]] },
      { name: 'an unknown source, code: nothing', text: '[^nowhere:p1] `[^mini-2021:p1]`\n```\n[^mini-2021:p1]\n```', expect: [] },
      { name: 'UTF-16 columns, CRLF', text: '\r\n😀 [^mini-2021:p3]', expect: [['mini-2021', `${SOURCE}#L2`], ['p3', `${SOURCE}#L10`]] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const { doc } = brief(c.text);
        const links = new DocumentLinkProvider().provideDocumentLinks(service().parse(doc), state.project);
        assert.deepEqual(links.map((l) => [covered(doc, l.range), l.target]), c.expect);
      });
    }
    it('targets the line of the paragraph in the source file', () => {
      const { doc } = brief('[^mini-2021:p2]');
      const [, p2] = new DocumentLinkProvider().provideDocumentLinks(service().parse(doc), state.project);
      const line = Number(/#L(\d+)$/.exec(p2.target ?? '')?.[1]) - 1;
      assert.match((fixtureText(SOURCE) ?? '').split('\n')[line], /^ {2}- \{ id: p2, /);
    });
  });

  describe('code lens on KB files', () => {
    it('counts mentions and briefs for each entity of the file, and opens the references', () => {
      const f = folder(state, {
        'a.brief': '@Putin and @[Vladimir Putin] in @CSTO\n```\n@Putin\n```',
        'b.brief': '@vladimir-putin',
        'c.brief': '@Georgia @georgia-us',
      });
      const lenses = new CodeLensProvider().provideCodeLenses(OTHERS, [f.scope]);
      assert.deepEqual(lenses.map((l) => `${l.range.start.line} ${l.command?.title}`), [
        '1 1 mention in 1 brief',
        '6 0 mentions in 0 briefs',
        '11 3 mentions in 2 briefs',
        '22 0 mentions in 0 briefs',
        '27 0 mentions in 0 briefs',
        '31 0 mentions in 0 briefs',
        '35 1 mention in 1 brief',
      ]);
      const putin = lenses[2].command;
      assert.equal(putin?.command, 'editor.action.showReferences');
      const [target, position, locations] = putin?.arguments ?? [];
      assert.equal(target, OTHERS);
      assert.deepEqual(position, { line: 11, character: 0 });
      assert.deepEqual(f.show(locations), ['a.brief:@Putin', 'a.brief:@[Vladimir Putin]', 'b.brief:@vladimir-putin']);
    });

    it('adds up the briefs of several folders, and gives nothing for a file that defines no entity', async () => {
      const one = folder(state, { 'a.brief': '@Tajikistan' });
      const two = folder(await loadProject(miniWorkspace(), { bundledDataDir: MINI_DATA, folder: WORKSPACE, trusted: false }), { 'b.brief': '@[Republic of Tajikistan]' });
      const [tajikistan] = new CodeLensProvider().provideCodeLenses(STATES, [one.scope, two.scope]);
      assert.equal(tajikistan.command?.title, '2 mentions in 2 briefs');
      assert.deepEqual(new CodeLensProvider().provideCodeLenses(`file://${MINI_DATA}/sources/mini-2021.yaml`, [one.scope]), []);
    });
  });
});

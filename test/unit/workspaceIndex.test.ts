/**
 * The workspace index: briefs in and out, references found through the inverted index by every
 * spelling of an entity, only affected briefs reported after a KB change, and the cost of a
 * lookup on a workspace of 10,000 briefs.
 */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location } from 'vscode-languageserver-types';
import { entityKeys, resolvingKeys, WorkspaceIndex } from '../../server/src/core/workspaceIndex';
import type { KnowledgeBase } from '../../server/src/core/kb/knowledgeBase';
import type { Entity } from '../../server/src/core/kb/model';
import { parseBrief } from '../../server/src/core/parser';
import { Resolver } from '../../server/src/core/resolver';
import { miniProject } from '../helpers/fixtures';

const uri = (name: string) => `file:///mem/ws/${name}`;

/** An index of named briefs, and a way to print its answers as `file:covered text`. */
function indexOf(files: Record<string, string>): { index: WorkspaceIndex; show: (locations: Location[]) => string[] } {
  const index = new WorkspaceIndex();
  for (const [name, text] of Object.entries(files)) index.update(uri(name), text);
  const show = (locations: Location[]) =>
    locations.map((l) => {
      const name = l.uri.slice(uri('').length);
      return `${name}:${TextDocument.create(l.uri, 'brief', 0, files[name]).getText(l.range)}`;
    });
  return { index, show };
}

describe('workspace index', () => {
  let kb: KnowledgeBase;
  let entity: (id: string) => Entity;
  before(async () => {
    kb = (await miniProject()).project.resolver.kb;
    entity = (id) => {
      const e = kb.entities.get(id);
      assert.ok(e, id);
      return e;
    };
  });

  it('finds every spelling, id and alias of an entity across briefs, in order', () => {
    const { index, show } = indexOf({
      'a.brief': '@Putin met @[Xi Jinping].\n@vladimir-putin again, @[Vladimir Putin] too',
      'b.brief': '# About @[VLADIMIR  putin]\nclaim: @Putin leads @Russia',
      'c.brief': 'Nothing about him: @Russia.',
    });
    assert.deepEqual(show(index.referencesTo(entity('vladimir-putin'), kb)), [
      'a.brief:@Putin',
      'a.brief:@vladimir-putin',
      'a.brief:@[Vladimir Putin]',
      'b.brief:@[VLADIMIR  putin]',
      'b.brief:@Putin',
    ]);
    assert.deepEqual(index.briefsMentioning(entityKeys(entity('russia'))), [uri('b.brief'), uri('c.brief')]);
  });

  it('does not count references in fenced or inline code, or escaped ones', () => {
    const { index, show } = indexOf({ 'a.brief': '```\n@Putin\n```\n`@Putin` \\@Putin\n~~~\n@Putin' });
    assert.deepEqual(show(index.referencesTo(entity('vladimir-putin'), kb)), []);
  });

  it('leaves out a name the entity shares with another (it resolves to neither)', () => {
    const { index, show } = indexOf({ 'a.brief': '@Georgia, @georgia-us and @[Georgia (U.S. state)]' });
    assert.deepEqual(resolvingKeys(entity('georgia-us'), kb).sort(), ['georgia-(us-state)', 'georgia-us']);
    assert.deepEqual(show(index.referencesTo(entity('georgia-us'), kb)), ['a.brief:@georgia-us', 'a.brief:@[Georgia (U.S. state)]']);
    assert.deepEqual(show(index.referencesTo(entity('georgia'), kb)), []);
    assert.deepEqual(show(index.referencesToName('GEORGIA')), ['a.brief:@Georgia']);
  });

  it('replaces a brief on update and forgets it on remove', () => {
    const { index } = indexOf({ 'a.brief': '@Putin', 'b.brief': '@Putin' });
    const keys = entityKeys(entity('vladimir-putin'));
    assert.equal(index.update(uri('a.brief'), '@Russia', 2), true);
    assert.deepEqual(index.briefsMentioning(keys), [uri('b.brief')]);
    assert.deepEqual(index.briefsMentioning(entityKeys(entity('russia'))), [uri('a.brief')]);
    assert.equal(index.remove(uri('b.brief')), true);
    assert.equal(index.remove(uri('b.brief')), false);
    assert.deepEqual(index.briefsMentioning(keys), []);
    assert.deepEqual(index.uris(), [uri('a.brief')]);
    assert.equal(index.has(uri('b.brief')), false);
    assert.equal(index.get(uri('a.brief'))?.version, 2);
  });

  it('answers from the latest briefs after lookups were kept, and leaves out the asking brief', () => {
    const files: Record<string, string> = { 'a.brief': '@Putin', 'b.brief': '@Putin and @[Vladimir Putin]', 'c.brief': '@Russia' };
    const { index, show } = indexOf(files);
    const putin = entity('vladimir-putin');
    assert.deepEqual(show(index.referencesTo(putin, kb)), ['a.brief:@Putin', 'b.brief:@Putin', 'b.brief:@[Vladimir Putin]']);
    assert.deepEqual(show(index.referencesToKeys(['putin'], uri('a.brief'))), ['b.brief:@Putin']);
    files['c.brief'] = 'Now @Putin, then @Russia';
    index.update(uri('c.brief'), files['c.brief']);
    index.remove(uri('a.brief'));
    assert.deepEqual(show(index.referencesTo(putin, kb)), ['b.brief:@Putin', 'b.brief:@[Vladimir Putin]', 'c.brief:@Putin']);
    assert.deepEqual(show(index.referencesToKeys(['putin'])), ['b.brief:@Putin', 'c.brief:@Putin']);
    assert.deepEqual(index.briefsMentioning(['putin']), [uri('b.brief'), uri('c.brief')]);
  });

  it('does not re-index the same text, whatever its version, and parses the indexed text on demand', () => {
    const index = new WorkspaceIndex();
    assert.equal(index.update(uri('a.brief'), '# T\n@Putin', 1), true);
    assert.equal(index.update(uri('a.brief'), '# T\n@Putin', 7), false);
    assert.equal(index.get(uri('a.brief'))?.version, 7);
    assert.deepEqual(index.syntaxOf(uri('a.brief')), parseBrief('# T\n@Putin'));
    assert.equal(index.update(uri('a.brief'), '# T\n@Putim', 8), true);
    assert.deepEqual(index.syntaxOf(uri('a.brief')), parseBrief('# T\n@Putim'));
    assert.equal(index.syntaxOf(uri('b.brief')), undefined);
  });

  it('lists the briefs under a folder, as briefs come and go, and none under a folder that only shares a prefix', () => {
    const index = new WorkspaceIndex();
    for (const name of ['dir/a.brief', 'dir/sub/b.brief', 'dir2/c.brief', 'top.brief']) index.update(uri(name), '@Putin\n');
    const under = (folder: string) => index.urisUnder(uri(folder)).map((u) => u.slice(uri('').length)).sort();
    assert.deepEqual(under('dir'), ['dir/a.brief', 'dir/sub/b.brief']);
    assert.deepEqual(under('dir/'), ['dir/a.brief', 'dir/sub/b.brief']);
    assert.deepEqual(under('dir/sub'), ['dir/sub/b.brief']);
    assert.deepEqual(under('di'), []);
    assert.deepEqual(under('top.brief'), []);
    assert.deepEqual(under(''), ['dir/a.brief', 'dir/sub/b.brief', 'dir2/c.brief', 'top.brief']);
    index.update(uri('dir/sub/b.brief'), '@China\n'); // a new text: still one brief there
    index.remove(uri('dir/a.brief'));
    assert.deepEqual(under('dir'), ['dir/sub/b.brief']);
    index.remove(uri('dir/sub/b.brief'));
    assert.deepEqual(under('dir'), []);
    assert.deepEqual(under('dir/sub'), []);
  });

  it('lists headings of every brief', () => {
    const { index } = indexOf({ 'a.brief': '# One\n## Two', 'b.brief': '```\n# not a heading\n```\n### Three' });
    assert.deepEqual([...index.headings()].map((h) => `${h.uri.slice(-7)} ${h.heading.level} ${h.heading.text}`), ['a.brief 1 One', 'a.brief 2 Two', 'b.brief 3 Three']);
  });

  it('reports UTF-16 ranges and handles CRLF', () => {
    const { index } = indexOf({ 'a.brief': '𝒳😀 x\r\n\r\nÜber @[Vladimir Putin] and @Putin' });
    assert.deepEqual(
      index.referencesTo(entity('vladimir-putin'), kb).map((l) => l.range),
      [
        { start: { line: 2, character: 5 }, end: { line: 2, character: 22 } },
        { start: { line: 2, character: 27 }, end: { line: 2, character: 33 } },
      ],
    );
  });

  it('agrees with resolving every reference one by one, for every entity', () => {
    // Every id, name and alias of the KB, as written and shouted, across 20 briefs.
    const spellings = [...kb.entities.values()].flatMap((e) => [e.id, e.name, ...e.aliases]).flatMap((s) => [s, s.toUpperCase()]);
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`b${i}.brief`] = spellings.filter((_, j) => j % 20 === i || j % 7 === i).map((s) => `@[${s}]`).join(' and ');
    const { index } = indexOf(files);
    const resolver = new Resolver(kb);
    for (const e of kb.entities.values()) {
      const oneByOne = Object.entries(files).flatMap(([name, text]) =>
        parseBrief(text)
          .references.filter((r) => { const x = resolver.resolve(r.name); return x.status === 'resolved' && x.entity.id === e.id; })
          .map((r) => ({ uri: uri(name), range: r.range })),
      );
      const byUri = (a: Location, b: Location) => a.uri.localeCompare(b.uri) || a.range.start.character - b.range.start.character;
      assert.deepEqual(index.referencesTo(e, kb).sort(byUri), oneByOne.sort(byUri), e.id);
    }
  });

  it('answers a lookup on 10,000 briefs through the inverted index, not by scanning them', function () {
    this.timeout(60000);
    const index = new WorkspaceIndex();
    for (let i = 0; i < 10000; i++) {
      const about = i % 100 === 0 ? '@Putin' : `@[Someone ${i}]`;
      index.update(uri(`b${i}.brief`), `# Brief ${i}\n${about} met @Russia and @[Xi Jinping].\nclaim: @Tajikistan member-of @CSTO\n`);
    }
    const putin = entity('vladimir-putin');
    const start = process.hrtime.bigint();
    let found = 0;
    for (let n = 0; n < 100; n++) found = index.referencesTo(putin, kb).length;
    const perLookupMs = Number(process.hrtime.bigint() - start) / 1e6 / 100;
    assert.equal(found, 100);
    // 100 matches among 10,000 briefs: a scan would take tens of ms; the postings take well under one.
    assert.ok(perLookupMs < 5, `a lookup took ${perLookupMs.toFixed(2)} ms`);
  });
});

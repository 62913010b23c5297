/**
 * Navigation in and into KB YAML files as the analyst sees them: the entries of a KB file's text
 * (kbEntries.ts) and the positions features take from them (kbYaml.ts) when the text differs from
 * the one the KB was loaded from (unsaved edits, a file broken on disk); `target:` values as
 * references to the entity they name. On the small test KB with a workspace KB file, in memory.
 */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location, Position } from 'vscode-languageserver-types';
import type { ProjectState } from '../../server/src/core/project';
import { WorkspaceIndex, type FolderScope } from '../../server/src/core/workspaceIndex';
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { prng } from '../helpers/prng';
import { entriesOfText, writtenEntries, WrittenEntriesCache, type ReadItems } from '../../server/src/core/features/kbEntries';
import { entitiesIn, entityAt, entityPlace, KB_AS_LOADED, targetsIn, type KbFilesAsSeen } from '../../server/src/core/features/kbYaml';
import { CodeLensProvider } from '../../server/src/core/features/codeLens';
import { DefinitionProvider } from '../../server/src/core/features/definition';
import { KbReferencesProvider, ReferencesProvider } from '../../server/src/core/features/references';
import { KbTargetProvider } from '../../server/src/core/features/kbTargets';
import { WorkspaceSymbolProvider } from '../../server/src/core/features/symbols';
import { brief, MINI_DATA, miniProject, miniWorkspace, service, WORKSPACE } from '../helpers/fixtures';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

const DESK = `file://${WORKSPACE}/kb/desk.yaml`;
const OTHERS = `file://${MINI_DATA}/kb/others.yaml`;
const DESK_TEXT = `entities:
  - id: night-watch
    kind: group
    name: Night Watch
    aliases: [NW]
    summary: A militia of the borderlands.
    relations:
      - type: opposes
        target: vladimir-putin
        negated: false
        evidence:
          - { source: mini-2021, paragraph: p2, quote: "Russian President Vladimir Putin" }
  - id: border-cell
    kind: organization
    name: Border Cell
    summary: A fusion cell.
    relations:
      - { type: cooperates-with, target: "night-watch", negated: false, evidence: [ { source: mini-2021, paragraph: p2, quote: "Russian President" } ] }
`;
/** The analyst's text: a comment header added above, not saved. */
const EDITED = '# notes\n'.repeat(12) + DESK_TEXT;

/** The line of the first line of `text` that `pattern` matches. */
const lineOf = (text: string, pattern: RegExp) => text.split('\n').findIndex((l) => pattern.test(l));
/** Where `needle` starts in `text`, plus `plus` characters. */
function at(text: string, needle: string, plus = 0): Position {
  const doc = TextDocument.create('file:///x', 'yaml', 0, text);
  return doc.positionAt(text.indexOf(needle) + plus);
}
/** `file:line` for each location. */
const show = (locations: readonly Location[]) => locations.map((l) => `${l.uri.slice(l.uri.lastIndexOf('/') + 1)}:${l.range.start.line}`);

describe('navigation in KB files as the analyst sees them', () => {
  let state: ProjectState;
  let scope: FolderScope;
  /** The desk file as the editor has it (EDITED), the KB as loaded from DESK_TEXT; the target fields of DESK_TEXT's text. */
  let seen: KbFilesAsSeen;
  before(async () => {
    state = await miniProject({ [`${WORKSPACE}/.briefrc.yaml`]: 'kb: [kb/desk.yaml]\n', [`${WORKSPACE}/kb/desk.yaml`]: DESK_TEXT });
    const index = new WorkspaceIndex();
    index.update(`file://${WORKSPACE}/a.brief`, 'The @NW and @[Night Watch].\n');
    scope = { project: state.project, index };
    const edited = writtenEntries(EDITED);
    seen = { edited: new Map([[DESK, edited]]), targetsNaming: (id) => targetsIn(DESK, edited, id) };
  });
  const kb = () => state.project.resolver.kb;

  describe('the entries of a text', () => {
    it('places each id as the loader does, on the fixture files and a workspace file', () => {
      const files = miniWorkspace().files;
      for (const [uri, text] of [[OTHERS, files.get(`${MINI_DATA}/kb/others.yaml`) ?? ''], [DESK, DESK_TEXT]]) {
        const written = writtenEntries(text);
        const loaded = [...kb().entities.values()].filter((e) => e.location.uri === uri);
        assert.ok(loaded.length > 1);
        assert.deepEqual(
          written.map((e) => [e.id, e.idRange]),
          loaded.map((e) => [e.id, e.location.range]),
        );
      }
    });

    it('reads relations as the loader does, and where their targets are (plain and quoted, block and flow)', () => {
      const [watch, cell] = writtenEntries(DESK_TEXT);
      const loaded = kb().entities.get('border-cell')?.relations[0];
      assert.deepEqual(cell.relations.map((r) => [r.type, r.target, r.range]), [['cooperates-with', 'night-watch', loaded?.location.range]]);
      const doc = TextDocument.create(DESK, 'yaml', 0, DESK_TEXT);
      assert.deepEqual([...watch.relations, ...cell.relations].map((r) => doc.getText(r.targetRange)), ['vladimir-putin', '"night-watch"']);
    });

    it('a target written as a block scalar is its id, not its header and line break (a rename keeps the file valid)', () => {
      for (const header of ['>-', '|', '>']) {
        const text = `entities:\n  - id: valley-guard\n    relations:\n      - type: cooperates-with\n        target: ${header}\n          night-watch\n        evidence: []\n`;
        const [guard] = writtenEntries(text);
        const doc = TextDocument.create(DESK, 'yaml', 0, text);
        const range = guard.relations[0].targetRange;
        assert.equal(doc.getText(range), 'night-watch', header);
        const renamed = TextDocument.applyEdits(doc, [{ range, newText: 'night-guard' }]);
        assert.equal(renamed, text.replace('night-watch', 'night-guard'), header);
      }
    });

    it('reads what it can of a broken text: the entries before and after a bad line', () => {
      const broken = DESK_TEXT.replace('    kind: organization\n', '    kind: [organization\n') + '  - id: [unclosed\n';
      assert.deepEqual(writtenEntries(broken).map((e) => [e.id, e.idRange.start.line]), [['night-watch', 1], ['border-cell', 12]]);
      assert.deepEqual(writtenEntries('not: [yaml\n'), []);
      assert.deepEqual(writtenEntries(''), []);
    });

    it('an entry key that lost its indent (at column 0) does not end the list: the entries after it are still found', () => {
      for (const line of ['    kind: group\n', '    aliases: [NW]\n', '      - type: opposes\n', '        negated: false\n']) {
        const broken = DESK_TEXT.replace(line, line.trimStart().replace(/^- /, ''));
        assert.deepEqual(writtenEntries(broken).map((e) => [e.id, e.idRange.start.line]).at(-1), ['border-cell', 12], JSON.stringify(line));
      }
      // A key that no entry has is the file's next top-level key: the list ends before it.
      assert.deepEqual(writtenEntries(DESK_TEXT.replace('  - id: border-cell', 'other:\n  - id: border-cell')).map((e) => e.id), ['night-watch']);
    });

    it('reads the entries around one being typed: an item with no id yet, a relation with no target yet', () => {
      const ids = (text: string) => writtenEntries(text).map((e) => [e.id, e.idRange.start.line, e.relations.map((r) => r.target)]);
      const whole = ids(DESK_TEXT);
      for (const typing of ['  - \n', '  -\n', '  - kind: group\n    name: Day Watch\n']) assert.deepEqual(ids(DESK_TEXT + typing), whole, JSON.stringify(typing));
      // A relation typed up to its type: that relation is left out, the entry and its others stay.
      const relation = DESK_TEXT + '  - id: day-watch\n    kind: group\n    name: Day Watch\n    summary: S.\n    relations:\n      - type: opposes\n';
      assert.deepEqual(ids(relation).at(-1)?.slice(0, 1), ['day-watch']);
      assert.deepEqual(ids(relation).at(-1)?.[2], []);
    });

    it('reads a text once while it stays the same', () => {
      const cache = new WrittenEntriesCache();
      const first = cache.entriesOf(DESK, EDITED);
      assert.equal(cache.entriesOf(DESK, EDITED), first);
      assert.notEqual(cache.entriesOf(DESK, DESK_TEXT), first);
    });

    it('reading item by item finds what reading the whole text finds: the bundled KB, with each kind of line end', () => {
      const dir = path.join(REPO_ROOT, 'data', 'kb');
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        const text = fs.readFileSync(path.join(dir, file), 'utf8');
        for (const ends of ['\n', '\r\n', '\r']) {
          const written = text.replace(/\n/g, ends);
          assert.ok(writtenEntries(written).length > 1, file);
          assert.deepEqual(writtenEntries(written), entriesOfText(written), `${file} ${JSON.stringify(ends)}`);
        }
      }
    });

    it('an edit reads again only the item it touched; the others keep their entries, moved to their new lines', () => {
      const last: ReadItems = { texts: [], entries: [] };
      writtenEntries(DESK_TEXT, last);
      const [watch, cell] = last.entries;
      const edited = '# notes\n' + DESK_TEXT.replace('summary: A fusion cell.', 'summary: A fusion cell of the border guard.');
      const entries = writtenEntries(edited, last);
      assert.deepEqual(entries, entriesOfText(edited));
      assert.deepEqual(entries.map((e) => [e.id, e.idRange.start.line]), [['night-watch', 2], ['border-cell', 13]]);
      assert.equal(last.entries[0], watch, 'the item before the edit is not read again');
      assert.notEqual(last.entries[1], cell);
      // An item added above: the items after it are found as far from the end as before.
      const added = DESK_TEXT.replace('  - id: night-watch', '  - id: day-watch\n    kind: group\n  - id: night-watch');
      writtenEntries(DESK_TEXT, last);
      const again = last.entries[1];
      assert.deepEqual(writtenEntries(added, last).map((e) => [e.id, e.idRange.start.line]), [['day-watch', 1], ['night-watch', 3], ['border-cell', 14]]);
      assert.equal(last.entries[2], again);
      assert.equal(last.texts.length, 3);
    });

    for (const seed of [1, 2, 3]) {
      it(`under random edits, the entries kept between versions are those a fresh reading finds, and a valid text's are the whole text's (seed ${seed})`, () => {
        const random = prng(seed);
        const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
        // Entries move, are copied or removed in `base`, which stays valid; each version may also
        // hold a keystroke of its own (a character typed or deleted), as the analyst's next one replaces it.
        let base = ['events', 'organizations'].map((f) => fs.readFileSync(path.join(REPO_ROOT, 'data', 'kb', `${f}.yaml`), 'utf8')).join('').replace(/\n(#.*\n)*entities:\n/g, '\n');
        const cache = new WrittenEntriesCache();
        let valid = 0;
        for (let step = 0; step < 150; step++) {
          const items = [...base.matchAll(/^ {2}- id:/gm)].map((m) => m.index);
          const edit = random();
          if (edit < 0.3 && items.length > 2) {
            const k = Math.floor(random() * (items.length - 1));
            const entry = base.slice(items[k], items[k + 1]);
            const rest = base.slice(0, items[k]) + base.slice(items[k + 1]);
            const restItems = [...rest.matchAll(/^ {2}- id:/gm)].map((m) => m.index);
            base = edit < 0.1 ? rest : edit < 0.2 ? (([to]) => rest.slice(0, to) + entry + rest.slice(to))([pick(restItems)]) : (([to]) => base.slice(0, to) + entry + base.slice(to))([pick(items)]);
          }
          const at = Math.floor(random() * (base.length + 1));
          const keystroke = random();
          const text =
            keystroke < 0.3 ? base.slice(0, at) + pick([' ', 'a', ':', '-', '"', '\n', '\n  - id: x\n', '#', '\r\n']) + base.slice(at)
            : keystroke < 0.5 ? base.slice(0, at) + base.slice(at + 1 + Math.floor(random() * 20))
            : base;
          const kept = cache.entriesOf(DESK, text);
          assert.deepEqual(kept, writtenEntries(text), `step ${step}: entries kept from the versions before differ from a fresh reading`);
          if (parseDocument(text, { uniqueKeys: false }).errors.length === 0) {
            valid++;
            assert.deepEqual(kept, entriesOfText(text), `step ${step}: a valid text read item by item differs from the whole text read as one`);
          }
        }
        assert.ok(valid > 20, `only ${valid} of the edited versions were valid YAML`);
      });
    }

    it('an item broken mid-edit costs only that item: the ones after it are found on their lines', () => {
      const broken = DESK_TEXT.replace('    name: Night Watch\n', '    name: "Night Watch\n') + '  - id: last-post\n    kind: place\n';
      assert.deepEqual(writtenEntries(broken).map((e) => [e.id, e.idRange.start.line]), [['night-watch', 1], ['border-cell', 12], ['last-post', 18]]);
    });

    it('the list ends at the next top-level key; texts laid out otherwise are read whole', () => {
      const withSources = `${DESK_TEXT}sources:\n  - id: not-an-entity\n`;
      assert.deepEqual(writtenEntries(withSources).map((e) => e.id), ['night-watch', 'border-cell']);
      for (const text of [`${DESK_TEXT}entities:\n  - id: second-list\n`, `---\n${DESK_TEXT}`, 'entities: [{ id: flow-entry }]\n', `entities:\n- id: zero-indent\n  kind: place\n- id: next\n`]) {
        assert.deepEqual(writtenEntries(text), entriesOfText(text), text.slice(0, 40));
      }
      assert.deepEqual(writtenEntries('entities:\n- id: zero-indent\n  kind: place\n- id: next\n').map((e) => e.id), ['zero-indent', 'next']);
    });
  });

  describe('positions in an edited KB file', () => {
    it('code lenses sit on the `- id:` lines of the editor text, each counting its own entity', () => {
      const lenses = new CodeLensProvider().provideCodeLenses(DESK, [scope], seen);
      assert.deepEqual(
        lenses.map((l) => `${l.range.start.line} ${l.command?.title}`),
        [`${lineOf(EDITED, /- id: night-watch/)} 2 mentions in 1 brief`, `${lineOf(EDITED, /- id: border-cell/)} 0 mentions in 0 briefs`],
      );
      // As loaded, the same lenses are on the saved text's lines.
      assert.deepEqual(new CodeLensProvider().provideCodeLenses(DESK, [scope]).map((l) => l.range.start.line), [1, 12]);
    });

    it('an entity the editor text no longer holds gets no lens and no place; a new entry names nothing', () => {
      const text = DESK_TEXT.replace('  - id: night-watch', '  - id: night-guard');
      const edited: KbFilesAsSeen = { edited: new Map([[DESK, writtenEntries(text)]]), targetsNaming: () => [] };
      assert.deepEqual(entitiesIn(kb(), DESK, edited).map((p) => p.entity.id), ['border-cell']);
      assert.equal(entityPlace(kb().entities.get('night-watch') ?? assert.fail(), edited), undefined);
      assert.equal(entityAt(kb(), DESK, { line: 3, character: 0 }, edited), undefined, 'the night-guard entry is not in the KB');
      assert.equal(entityAt(kb(), DESK, { line: 3, character: 0 })?.id, 'night-watch', 'as loaded');
    });

    it('find references from an entry of the editor text answers for that entry', () => {
      const line = lineOf(EDITED, /- id: night-watch/);
      const found = new KbReferencesProvider().provideKbReferences(DESK, [scope], { line, character: 9 }, true, seen, writtenEntries(EDITED));
      assert.deepEqual(show(found), [`desk.yaml:${line}`, 'a.brief:0', 'a.brief:0', `desk.yaml:${lineOf(EDITED, /target: "night-watch"/)}`]);
      assert.deepEqual(new KbReferencesProvider().provideKbReferences(DESK, [scope], { line: 5, character: 0 }, true, seen), [], 'a comment line of the header');
    });

    it('go to definition from a brief lands on the entry of the editor text; a claim on its relation there', () => {
      const { doc, cursor } = brief('The @N$0W.\nclaim: @[Night Watch] opposes @Putin');
      const syntax = service().parse(doc);
      const [link] = new DefinitionProvider().provideDefinition(syntax, state.project, cursor, seen);
      assert.deepEqual([link.targetUri, link.targetRange.start.line], [DESK, lineOf(EDITED, /- id: night-watch/)]);
      const [relation] = new DefinitionProvider().provideDefinition(syntax, state.project, { line: 1, character: 24 }, seen);
      assert.equal(relation.targetSelectionRange.start.line, lineOf(EDITED, /type: opposes/));
    });

    it('workspace symbols point into the editor text', () => {
      const [symbol] = new WorkspaceSymbolProvider().provideWorkspaceSymbols('night watch', [scope], seen);
      assert.deepEqual([symbol.name, symbol.location.range.start.line], ['Night Watch', lineOf(EDITED, /- id: night-watch/)]);
    });
  });

  describe('`target:` values', () => {
    const entries = () => writtenEntries(DESK_TEXT);
    const onTarget = (needle: string) => at(DESK_TEXT, needle, 'target: '.length + 2);

    it('go to definition and hover answer for the entity the target names, not the entry around it', () => {
      const provider = new KbTargetProvider();
      const [link] = provider.provideDefinition(entries(), [state.project], onTarget('target: vladimir-putin'), KB_AS_LOADED);
      assert.deepEqual([link.targetUri, link.targetRange.start.line], [OTHERS, kb().entities.get('vladimir-putin')?.location.range.start.line]);
      assert.equal(TextDocument.create(DESK, 'yaml', 0, DESK_TEXT).getText(link.originSelectionRange), 'vladimir-putin');
      const hover = provider.provideHover(entries(), [state.project], onTarget('target: "night-watch"'));
      assert.match(JSON.stringify(hover?.contents), /Night Watch/);
      assert.deepEqual(provider.provideDefinition(entries(), [state.project], at(DESK_TEXT, 'type: opposes', 8), KB_AS_LOADED), [], 'not on a target');
      assert.equal(provider.provideHover(entries(), [state.project], at(DESK_TEXT, 'name: Night', 8)), null);
    });

    it('find references from a target: the named entity, with the targets that name it', () => {
      const asSeen: KbFilesAsSeen = { edited: new Map(), targetsNaming: (id) => targetsIn(DESK, entries(), id) };
      const found = new KbReferencesProvider().provideKbReferences(DESK, [scope], onTarget('target: "night-watch"'), true, asSeen, entries());
      assert.deepEqual(show(found), ['desk.yaml:1', 'a.brief:0', 'a.brief:0', 'desk.yaml:17']);
    });

    it('find references from a brief lists the targets that name the entity (those a rename edits)', () => {
      const { doc, cursor } = brief('@N$0W');
      const asSeen: KbFilesAsSeen = { edited: new Map(), targetsNaming: (id) => targetsIn(DESK, entries(), id) };
      const found = new ReferencesProvider().provideReferences(`file://${WORKSPACE}/test.brief`, service().parse(doc), scope, cursor, true, asSeen);
      assert.deepEqual(show(found), ['desk.yaml:1', 'test.brief:0', 'a.brief:0', 'a.brief:0', 'desk.yaml:17']);
    });
  });
});

/**
 * Which entities a KB reload changed (workspaceIndex.ts `changedKeys`), the names whose briefs the
 * server re-checks: compared field by field, and, between two KBs joined from cached readings,
 * only in the files that changed (roster.ts `entitiesApart`), with the same answer as comparing all.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadKnowledgeBase, type KbInputs } from '../../server/src/core/kb/knowledgeBase';
import { entitiesApart } from '../../server/src/core/kb/roster';
import { changedKeys } from '../../server/src/core/workspaceIndex';
import { DiskReadingCache } from '../../server/src/node/kbCache';

const entity = (id: string, name: string, summary = 'S.', aliases: string[] = []) => `  - id: ${id}\n    kind: group\n    name: ${name}\n    aliases: [${aliases.join(', ')}]\n    summary: ${summary}\n`;
const A = `entities:\n${entity('a1', 'Amber Cell')}${entity('a2', 'Azure Cell')}`;
const B = `entities:\n${entity('b1', 'Basalt Cell')}${entity('b2', 'Birch Cell')}${entity('b3', 'Bronze Cell')}`;

const inputs = (a: string, b: string): KbInputs => ({
  entityFiles: [
    { uri: 'file:///ws/kb/a.yaml', text: a, origin: 'workspace' },
    { uri: 'file:///ws/kb/b.yaml', text: b, origin: 'workspace' },
  ],
  sourceFiles: [],
});
const sorted = (keys: Set<string>) => [...keys].sort();

describe('what a KB reload changed', () => {
  const made: string[] = [];
  afterEach(() => made.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('between KBs joined from cached readings, compares only the changed file, with the answer of comparing every entity', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-kb-change-'));
    made.push(dir);
    const cache = new DiskReadingCache([], dir);
    // The second load of the same files replays the first one's verdict: a KB joined from readings.
    const warm = (kb: KbInputs) => {
      loadKnowledgeBase(kb, undefined, cache);
      return loadKnowledgeBase(kb, undefined, cache).kb;
    };
    const before = warm(inputs(A, B));
    // A comment moves every entity of b.yaml a line down; Birch is renamed, Bronze gone, Cobalt new.
    const after = warm(inputs(A, `# edited\nentities:\n${entity('b1', 'Basalt Cell')}${entity('b2', 'Birch Group')}${entity('b4', 'Cobalt Cell')}`));

    const apart = entitiesApart(before.entities, after.entities);
    assert.ok(apart, 'both KBs are joined from readings');
    assert.deepEqual(apart.before.map((e) => e.id), ['b1', 'b2', 'b3'], 'a.yaml is the same reading in both: left out');
    assert.deepEqual(apart.after.map((e) => e.id), ['b1', 'b2', 'b4']);

    const keys = changedKeys(before.entities, after.entities);
    // Plain maps of the same entities take the path that compares every entity.
    assert.deepEqual(sorted(keys), sorted(changedKeys(new Map(before.entities), new Map(after.entities))));
    // Basalt only moved a line down: no brief that names it needs checking again.
    assert.deepEqual(sorted(keys), ['b2', 'b3', 'b4', 'birch-cell', 'birch-group', 'bronze-cell', 'cobalt-cell']);
  });

  it('counts an entity read again from the same text as unchanged, and a change of any field as a change', () => {
    // No cache: every load makes new entity objects, compared by what they hold.
    const load = (b: string) => new Map(loadKnowledgeBase(inputs(A, b)).kb.entities);
    const base = load(B);
    assert.deepEqual(sorted(changedKeys(base, load(B))), []);
    const edited = `entities:\n${entity('b1', 'Basalt Cell', 'Another summary.')}${entity('b2', 'Birch Cell', 'S.', ['Birch'])}${entity('b3', 'Bronze Cell')}`;
    assert.deepEqual(sorted(changedKeys(base, load(edited))), ['b1', 'b2', 'basalt-cell', 'birch', 'birch-cell']);
    // One line more above them moves every entity of the file, and no check of a brief reads where an entity is written.
    assert.deepEqual(sorted(changedKeys(base, load(`# moved\n${B}`))), []);
    // Nor does a relation's or a fact's place, or their evidence's.
    const withRelation = (top: string) => `${top}entities:\n${entity('b1', 'Basalt Cell')}    relations:\n      - type: allied-with\n        target: b2\n        evidence:\n          - { source: src, paragraph: p1, quote: "q" }\n${entity('b2', 'Birch Cell')}`;
    const source = { uri: 'file:///ws/sources/src.yaml', text: 'id: src\ntitle: T\nauthor: A\npublisher: P\nyear: 2021\nparagraphs:\n  - { id: p1, section: S, text: "q and more" }\n', origin: 'workspace' as const };
    const withSource = (b: string) => new Map(loadKnowledgeBase({ ...inputs(A, b), sourceFiles: [source] }).kb.entities);
    const [unmoved, moved] = [withSource(withRelation('')), withSource(withRelation('# moved\n# twice\n'))];
    assert.equal(moved.get('b1')?.relations[0].evidence[0].location?.range.start.line, (unmoved.get('b1')?.relations[0].evidence[0].location?.range.start.line ?? NaN) + 2);
    assert.deepEqual(sorted(changedKeys(unmoved, moved)), []);
    // Their order does: an ambiguous reference names its candidates in the KB's order. Swapped, Basalt and Birch count as changed.
    const swapped = `entities:\n${entity('b2', 'Birch Cell')}${entity('b1', 'Basalt Cell')}${entity('b3', 'Bronze Cell')}`;
    assert.deepEqual(sorted(changedKeys(base, load(swapped))), ['b1', 'b2', 'basalt-cell', 'birch-cell']);
  });
});

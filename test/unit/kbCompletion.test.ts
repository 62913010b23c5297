/** Completion of field values in KB YAML files (core/features/kbCompletion.ts), on the small test KB. */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem } from 'vscode-languageserver-types';
import { ENTITY_KINDS, PREDICATES } from '../../server/src/core/kinds';
import type { ProjectState } from '../../server/src/core/project';
import { miniProject, service } from '../helpers/fixtures';

/** The items at `$0` in a KB file's text, and the text each one's edit makes. */
function complete(state: ProjectState, textWithCursor: string): { labels: string[]; incomplete: boolean; applied: (label: string) => string; items: CompletionItem[] } {
  const at = textWithCursor.indexOf('$0');
  const text = textWithCursor.replace('$0', '');
  const doc = TextDocument.create('file:///mem/ws/kb/desk.yaml', 'yaml', 1, text);
  const list = service().kbComplete(doc, doc.positionAt(at), [state.project]);
  const applied = (label: string) => {
    const item = list.items.find((i) => i.label === label);
    assert.ok(item?.textEdit && 'range' in item.textEdit, `no edit for ${label}`);
    return TextDocument.applyEdits(doc, [item.textEdit]);
  };
  return { labels: list.items.map((i) => i.label), incomplete: list.isIncomplete, applied, items: list.items };
}

const ENTRY = 'entities:\n  - id: night-watch\n';

describe('completion in KB files', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });

  it('kind: the entity kinds, replacing the word under the cursor whole', () => {
    const c = complete(state, `${ENTRY}    kind: gr$0oup\n`);
    assert.deepEqual(c.labels, [...ENTITY_KINDS]);
    assert.equal(c.applied('organization'), `${ENTRY}    kind: organization\n`);
    // Right after the `:`, which opens the list: with the space YAML needs.
    assert.equal(complete(state, `${ENTRY}    kind:$0\n`).applied('group'), `${ENTRY}    kind: group\n`);
    assert.equal(complete(state, `${ENTRY}    relations:\n      - { type: opposes, negated:$0 }\n`).applied('true'), `${ENTRY}    relations:\n      - { type: opposes, negated: true }\n`);
  });

  it('type: the predicates, each with what it says and the kinds it joins', () => {
    const c = complete(state, `${ENTRY}    relations:\n      - type: mem$0\n`);
    assert.deepEqual(c.labels, Object.keys(PREDICATES));
    const member = c.items.find((i) => i.label === 'member-of');
    assert.deepEqual(member?.labelDetails, { description: 'is a member of' });
    assert.equal(member?.detail, 'state | organization → organization');
    assert.equal(c.applied('member-of'), `${ENTRY}    relations:\n      - type: member-of\n`);
  });

  it('target: entity ids, found by id, name or alias, and the entity named beside each', () => {
    const c = complete(state, `${ENTRY}    relations:\n      - type: opposes\n        target: puti$0\n`);
    assert.equal(c.labels[0], 'vladimir-putin');
    assert.equal(c.items[0].detail, 'Vladimir Putin');
    // The name beside the id in the list; and the list is asked for again at each keystroke: a
    // client filtering it by its ids would drop what the name found (`Collec` → csto).
    assert.deepEqual(c.items[0].labelDetails, { detail: ' (Vladimir Putin)', description: 'person' });
    assert.equal(c.incomplete, true);
    assert.equal(complete(state, `${ENTRY}    relations:\n      - type: opposes\n        target: Collec$0\n`).labels[0], 'csto');
    assert.equal(c.applied('vladimir-putin'), `${ENTRY}    relations:\n      - type: opposes\n        target: vladimir-putin\n`);
    // In a flow mapping, and quoted.
    assert.equal(complete(state, `${ENTRY}    relations: [ { type: borders, target: "tajik$0" } ]\n`).labels[0], 'tajikistan');
  });

  it('source: the source ids; paragraph: the passages of the source the evidence item names', () => {
    assert.deepEqual(complete(state, `${ENTRY}        evidence:\n          - source: $0\n`).labels, ['mini-2021']);
    const flow = complete(state, `${ENTRY}        evidence:\n          - { source: mini-2021, paragraph: p$0 }\n`);
    assert.deepEqual(flow.labels, ['p1', 'p2', 'p3']);
    assert.equal(flow.applied('p2'), `${ENTRY}        evidence:\n          - { source: mini-2021, paragraph: p2 }\n`);
    // Block style: the item's `source:` on a line above, at the keys' indentation.
    assert.deepEqual(complete(state, `${ENTRY}        evidence:\n          - source: mini-2021\n            paragraph: $0\n`).labels, ['p1', 'p2', 'p3']);
    // Another item's source is not this item's.
    assert.deepEqual(complete(state, `${ENTRY}        evidence:\n          - source: mini-2021\n            quote: x\n          - paragraph: $0\n`).labels, []);
    assert.deepEqual(complete(state, `${ENTRY}        evidence:\n          - { source: nowhere, paragraph: $0 }\n`).labels, []);
    // In a flow list of items: the source of the mapping that holds the cursor, before or after it.
    assert.deepEqual(complete(state, `${ENTRY}        evidence: [ { source: nowhere, paragraph: p2 }, { source: mini-2021, paragraph: p$0 } ]\n`).labels, ['p1', 'p2', 'p3']);
    assert.deepEqual(complete(state, `${ENTRY}        evidence: [ { paragraph: p$0, source: mini-2021 } ]\n`).labels, ['p1', 'p2', 'p3']);
    assert.deepEqual(complete(state, `${ENTRY}        evidence: [ { source: mini-2021, paragraph: p1 }, { source: nowhere, paragraph: p$0 } ]\n`).labels, []);
  });

  it('nothing for other fields, keys, or text that only mentions a field', () => {
    for (const text of [`${ENTRY}    name: Ta$0`, `${ENTRY}    ki$0`, `${ENTRY}    summary: Its kind: gr$0`, `${ENTRY}    summary: A well-kind: gr$0`, `${ENTRY}    summary: "Tajik troops, kind: gr$0"`, `${ENTRY}    # kind: $0`]) {
      assert.deepEqual(complete(state, text).labels, [], JSON.stringify(text));
    }
  });
});

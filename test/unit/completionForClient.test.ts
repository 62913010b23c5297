/**
 * The completion list as the server sends it (server/src/node/completionForClient.ts): for each
 * kind of client, the items must do what the core's items do — the same text in the same place,
 * the same documentation, shown or on request — with less sent. On the core's own lists over the
 * test KB (test/fixtures/mini-data).
 */
import { strict as assert } from 'assert';
import { CompletionItemKind, MarkupKind, TextEdit, type ClientCapabilities, type CompletionItem, type CompletionList, type Range } from 'vscode-languageserver';
import { brief, miniProject, service } from '../helpers/fixtures';
import type { ProjectState } from '../../server/src/core/project';
import { CompletionShaper } from '../../server/src/node/completionForClient';
import { completionKindFor } from '../../server/src/node/kindsForClient';

/** What vscode-languageclient 11 says of completion. */
const VSCODE: ClientCapabilities = {
  textDocument: {
    completion: {
      completionItemKind: { valueSet: Array.from({ length: 25 }, (_, n) => (n + 1) as CompletionItemKind) },
      completionItem: {
        documentationFormat: [MarkupKind.Markdown, MarkupKind.PlainText],
        resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
        labelDetailsSupport: true,
      },
      completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
    },
  },
};
const BARE: ClientCapabilities = { textDocument: { completion: { completionItem: {} } } };
const PLAIN_RESOLVING: ClientCapabilities = {
  textDocument: { completion: { completionItem: { documentationFormat: [MarkupKind.PlainText], resolveSupport: { properties: ['documentation'] } } } },
};

/** The edit a client makes when it accepts `item` of `list`, as LSP 3.17 says. */
function editOf(list: CompletionList, item: CompletionItem): TextEdit | undefined {
  if (item.textEdit) return TextEdit.is(item.textEdit) ? item.textEdit : { range: item.textEdit.replace, newText: item.textEdit.newText };
  const range = list.itemDefaults?.editRange as Range | undefined;
  return range ? { range, newText: item.textEditText ?? item.label } : undefined;
}

/** As it arrives at the client: JSON leaves out what is undefined. */
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('completion lists as sent to the client', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });
  const complete = (textWithCursor: string): CompletionList => {
    const { doc, cursor } = brief(textWithCursor);
    return service().complete(doc, state.project, cursor);
  };
  const TYPING = ['Talks with @T$0', 'Talks with @[Xi$0', 'Talks with @Taj$0ikistan said', 'A quote [^mini-2021:p$0]', '%% brief-disable-next-line $0', '---\nsta$0\n---\n'];

  for (const text of TYPING) {
    it(`keeps every item's edit, label and order for each client: ${JSON.stringify(text)}`, () => {
      const core = complete(text);
      assert.ok(core.items.length > 0, 'the core offers items here');
      for (const caps of [VSCODE, BARE, PLAIN_RESOLVING]) {
        const sent = overTheWire(new CompletionShaper(() => caps).shape(core));
        assert.equal(sent.isIncomplete, core.isIncomplete);
        assert.deepEqual(sent.items.map((i) => i.label), core.items.map((i) => i.label));
        // The kinds a client knows (kindsForClient.ts): all of them for VS Code, the first 18 for the others.
        const kinds = caps.textDocument?.completion?.completionItemKind?.valueSet;
        assert.deepEqual(sent.items.map((i) => [i.sortText, i.filterText, i.kind, i.detail]), core.items.map((i) => [i.sortText, i.filterText, completionKindFor(i.kind, kinds), i.detail]));
        sent.items.forEach((item, n) => assert.deepEqual(editOf(sent, item), editOf(core, core.items[n]), `the edit of ${item.label}`));
      }
    });
  }

  it("sends kinds the client knows: a later kind stands in as one of the first 18 for a client that lists none", () => {
    const kindsOf = (caps: ClientCapabilities, text: string) => new CompletionShaper(() => caps).shape(complete(text)).items.map((i) => [i.label, i.kind]);
    // An organization is a Struct (22), a rule an EnumMember (20): VS Code shows them so.
    assert.deepEqual(kindsOf(VSCODE, 'Talks with @CST$0').find(([label]) => label === 'CSTO'), ['CSTO', CompletionItemKind.Struct]);
    assert.deepEqual(kindsOf(BARE, 'Talks with @CST$0').find(([label]) => label === 'CSTO'), ['CSTO', CompletionItemKind.Class]);
    assert.ok(kindsOf(VSCODE, '%% brief-disable-next-line $0').every(([, kind]) => kind === CompletionItemKind.EnumMember));
    assert.ok(kindsOf(BARE, '%% brief-disable-next-line $0').every(([, kind]) => kind === CompletionItemKind.Enum));
    // A client that lists kinds without a later one's stand-in gets the item without a kind.
    const onlyText: ClientCapabilities = { textDocument: { completion: { completionItemKind: { valueSet: [CompletionItemKind.Text] } } } };
    assert.ok(kindsOf(onlyText, '%% brief-disable-next-line $0').every(([, kind]) => kind === undefined));
  });

  it('sends a list default range only to a client that takes it, and only for a range two items share', () => {
    const core = complete('Talks with @T$0');
    const vscode = new CompletionShaper(() => VSCODE).shape(core);
    assert.ok(vscode.itemDefaults?.editRange, 'a default range for VS Code');
    assert.ok(vscode.items.some((i) => i.textEdit === undefined));
    assert.equal(new CompletionShaper(() => BARE).shape(core).itemDefaults, undefined);
    const one = { ...core, items: core.items.slice(0, 1) };
    assert.equal(new CompletionShaper(() => VSCODE).shape(one).itemDefaults, undefined, 'one item: its own edit');
  });

  it('leaves documentation to completionItem/resolve for a client that resolves it, and gives the same text there', () => {
    const core = complete('Talks with @T$0');
    const shaper = new CompletionShaper(() => VSCODE);
    const sent = overTheWire(shaper.shape(core));
    assert.ok(sent.items.every((i) => i.documentation === undefined), 'no documentation in the list');
    sent.items.forEach((item, n) => assert.deepEqual(shaper.resolve(item).documentation, core.items[n].documentation, `documentation of ${item.label}`));
    // Label details only for a client that shows them.
    assert.deepEqual(sent.items.map((i) => i.labelDetails), core.items.map((i) => i.labelDetails));
    assert.ok(overTheWire(new CompletionShaper(() => BARE).shape(core)).items.every((i) => i.labelDetails === undefined));
  });

  it('gives documentation in the list to a client that does not resolve it, in plain text where asked', () => {
    const core = complete('Talks with @T$0');
    const documented = core.items.filter((i) => i.documentation !== undefined).length;
    assert.ok(documented > 0);
    const bare = overTheWire(new CompletionShaper(() => BARE).shape(core));
    assert.deepEqual(bare.items.map((i) => i.documentation), core.items.map((i) => i.documentation));
    assert.ok(bare.items.every((i) => i.data === undefined), 'nothing to resolve');
    const plain = new CompletionShaper(() => ({ textDocument: { completion: { completionItem: { documentationFormat: [MarkupKind.PlainText] } } } })).shape(core);
    for (const item of plain.items.filter((i) => i.documentation !== undefined)) {
      assert.equal(typeof item.documentation === 'object' && item.documentation.kind, MarkupKind.PlainText);
    }
    const resolving = new CompletionShaper(() => PLAIN_RESOLVING);
    const resolved = resolving.shape(core).items.map((i) => resolving.resolve(overTheWire(i)).documentation);
    assert.equal(resolved.filter((d) => d !== undefined).length, documented);
    for (const d of resolved) if (d !== undefined) assert.equal(typeof d === 'object' && d.kind, MarkupKind.PlainText);
  });

  it('resolves items of the last sixteen lists; an older, foreign, relabelled or malformed item comes back as it was', () => {
    const shaper = new CompletionShaper(() => VSCODE);
    const typed = ['@T$0', '@Ta$0', '@U$0', '@R$0', '@C$0', '@X$0', '@Ru$0', '@Uz$0', '@S$0', '@E$0', '@J$0', '@G$0', '@V$0', '@Ch$0', '@Co$0', '@Ze$0', '@Ts$0'];
    const lists = typed.map((t) => overTheWire(shaper.shape(complete(t)))).filter((l) => l.items.length > 0);
    assert.equal(lists.length, 17, 'every list has items');
    const first = lists[0].items[0];
    assert.deepEqual(shaper.resolve(first), first, 'the first of seventeen lists is forgotten');
    for (const list of lists.slice(1)) assert.ok(shaper.resolve(list.items[0]).documentation !== undefined);
    const last = lists[16].items[0];
    const data = last.data as number[];
    // The same list number and place under another label.
    const relabelled = { label: `not ${last.label}`, data };
    for (const item of [{ label: 'x' }, { label: 'x', data: 'other' }, { label: 'x', data: [data[0], 1] }, { label: 'x', data: [data[0], '1', 0] }, { label: 'x', data: [data[0], data[1], 999] }, relabelled]) {
      assert.deepEqual(shaper.resolve(item), item);
    }
    // A server started since, which has sent the same lists under the same numbers, does not take
    // the old server's items for its own (its KB may say something else of that label).
    const restarted = new CompletionShaper(() => VSCODE);
    for (const t of typed) restarted.shape(complete(t));
    assert.deepEqual(restarted.resolve(last), last);
  });

  it('keeps an item’s own edit where the list has items without one, or items of their own data', () => {
    const core = complete('Talks with @T$0');
    const [a, b, c] = core.items;
    const mixed: CompletionList = {
      isIncomplete: true,
      items: [a, b, { label: 'inserted', insertText: 'inserted-text', documentation: 'doc' }, { ...c, data: { own: 1 } }],
    };
    const shaper = new CompletionShaper(() => VSCODE);
    const sent = overTheWire(shaper.shape(mixed));
    assert.equal(sent.itemDefaults, undefined, 'no default range: the inserted item would take it');
    assert.deepEqual(sent.items[2], { label: 'inserted', insertText: 'inserted-text', data: sent.items[2].data });
    assert.deepEqual(shaper.resolve(sent.items[2]).documentation, 'doc');
    assert.deepEqual(sent.items[3].data, { own: 1 }, 'its own data, untouched');
    assert.deepEqual(sent.items[3].documentation, c.documentation, 'so its documentation comes in the list');
    // An item with insertText and an edit over the list's range: the edit's text is said, not left to insertText.
    const both: CompletionList = { isIncomplete: true, items: [a, { ...b, insertText: 'other' }] };
    const sentBoth = overTheWire(new CompletionShaper(() => VSCODE).shape(both));
    assert.ok(sentBoth.itemDefaults?.editRange);
    assert.equal(sentBoth.items[1].textEditText, (b.textEdit as TextEdit).newText);
  });

  it('takes the range most items replace as the list’s, and survives a client that declares resolveSupport without properties', () => {
    const core = complete('Talks with @$0Xi Jinping said');
    const ranges = core.items.map((i) => JSON.stringify((i.textEdit as TextEdit).range));
    const counts = new Map<string, number>();
    for (const r of ranges) counts.set(r, (counts.get(r) ?? 0) + 1);
    const [common, times] = [...counts].sort((x, y) => y[1] - x[1])[0];
    assert.ok(times >= 2 && counts.size >= 2, `ranges differ here: ${JSON.stringify([...counts])}`);
    assert.equal(JSON.stringify(new CompletionShaper(() => VSCODE).shape(core).itemDefaults?.editRange), common);
    const odd = { textDocument: { completion: { completionItem: { resolveSupport: {} } } } } as unknown as ClientCapabilities;
    const sent = overTheWire(new CompletionShaper(() => odd).shape(core));
    assert.deepEqual(sent.items.map((i) => i.documentation), core.items.map((i) => i.documentation));
  });
});

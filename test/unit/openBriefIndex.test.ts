/** The open briefs' way into the workspace index (server/src/node/openBriefIndex.ts). */
import { strict as assert } from 'assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OpenBriefIndex } from '../../server/src/node/openBriefIndex';
import type { Folder } from '../../server/src/node/folders';
import { WorkspaceIndex } from '../../server/src/core/workspaceIndex';
import { service } from '../helpers/fixtures';

describe('open briefs in the workspace index', () => {
  it('takes in an open brief and says how long it was, so that the server can collect after a large one', async () => {
    const index = new WorkspaceIndex();
    const open = new Map<string, TextDocument>();
    const indexed: number[] = [];
    const briefs = new OpenBriefIndex({
      openDocument: (uri) => open.get(uri),
      folderOf: async () => ({ index }) as unknown as Folder,
      parse: (document) => service().parse(document),
      inBackground: () => undefined, // the test calls sync itself, not the timer
      indexed: (length) => indexed.push(length),
    });
    const doc = TextDocument.create('file:///ws/a.brief', 'brief', 1, '@Tajikistan and @CSTO.\n');
    const closed = TextDocument.create('file:///ws/b.brief', 'brief', 1, '@Russia\n');
    open.set(doc.uri, doc);
    briefs.textChanged(doc);
    briefs.textChanged(closed); // closed before the index took it in: not indexed, not counted
    await briefs.sync();
    assert.deepEqual(indexed, [doc.getText().length]);
    assert.ok(index.has(doc.uri));
    assert.ok(!index.has(closed.uri));
    // Nothing changed since: a second sync indexes nothing.
    await briefs.sync();
    assert.deepEqual(indexed, [doc.getText().length]);
  });
});

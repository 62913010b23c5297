/** File URIs in one spelling: the one VS Code uses (vscode-uri), whatever spelling comes in. */
import * as assert from 'assert';
import { fileURLToPath, pathToFileURL } from 'url';
import { URI } from 'vscode-uri';
import { canonicalizeParams, canonicalUri, fileUri } from '../../server/src/node/uris';
import { prng } from '../helpers/prng';

/** Characters file names hold that URI spellings disagree on, and some that they do not. */
const CHARACTERS = [...'aZ09-._~ @+:,;=&$!\'()*#?%[]{}^`|"<>\\é日', '\u{1F600}', '\u0301'];

function randomPath(random: () => number): string {
  const segments: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let s = 0; s < count; s++) {
    let name = '';
    const length = 1 + Math.floor(random() * 8);
    for (let i = 0; i < length; i++) name += CHARACTERS[Math.floor(random() * CHARACTERS.length)];
    // A path on disk never holds `.` or `..` segments (and Node's spelling resolves them away).
    segments.push(name === '.' || name === '..' ? `${name}x` : name);
  }
  // `/c:…` is a Windows drive to VS Code, whose letter it writes in lower case: tested on its own below.
  if (/^[a-zA-Z]:/.test(segments[0])) segments[0] = `x${segments[0]}`;
  return `/${segments.join('/')}`;
}

describe('file URIs in one spelling (node/uris.ts)', () => {
  it('spells a path as VS Code does, on 2,000 random paths', () => {
    const random = prng(20261206);
    for (let i = 0; i < 2000; i++) {
      const file = randomPath(random);
      assert.equal(fileUri(file), URI.file(file).toString(), JSON.stringify(file));
    }
  });

  it("gives Node's spelling and VS Code's of the same path the same URI, and keeps the path", () => {
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      const file = randomPath(random);
      const vscode = URI.file(file).toString();
      assert.equal(canonicalUri(pathToFileURL(file).toString()), vscode, JSON.stringify(file));
      assert.equal(canonicalUri(vscode), vscode);
      assert.equal(fileURLToPath(canonicalUri(vscode)), file);
    }
    assert.equal(canonicalUri('file:///notes/team@work/russia+china.brief'), 'file:///notes/team%40work/russia%2Bchina.brief');
    assert.equal(canonicalUri('file:///notes/team@work/'), 'file:///notes/team%40work', 'a folder, with or without its final slash');
    assert.equal(canonicalUri('file:///'), 'file:///');
  });

  it('spells a Windows drive as VS Code does, and a backslash as this platform reads it', () => {
    assert.equal(fileUri('/C:/Briefs/a b.brief'), 'file:///c%3A/Briefs/a%20b.brief');
    assert.equal(fileUri('C:\\Briefs\\a b.brief'), URI.file('C:\\Briefs\\a b.brief').toString());
    if (process.platform !== 'win32') assert.equal(fileUri('/notes/odd\\name.brief'), 'file:///notes/odd%5Cname.brief');
  });

  it('leaves URIs of other schemes, and file URIs it cannot read, as they came', () => {
    for (const uri of ['untitled:Untitled-1', 'vscode-notebook-cell:/x.ipynb#W0sZmlsZQ%3D%3D', 'file://server/share/a.brief', 'file:///bad%']) {
      assert.equal(canonicalUri(uri), uri);
    }
  });

  it('rewrites the URIs of a message, wherever LSP puts them, and nothing else', () => {
    const text = '@Putin in team@work, see file:///notes/team@work';
    const params = {
      textDocument: { uri: 'file:///notes/team@work/a.brief', text, version: 1 },
      workspaceFolders: [{ uri: 'file:///notes/team@work', name: 'team@work' }],
      rootUri: 'file:///notes/team@work',
      changes: [{ uri: 'file:///notes/team@work/b.brief', type: 2 }],
      files: [{ oldUri: 'file:///notes/a+b.brief', newUri: 'file:///notes/a+c.brief' }],
      event: { added: [{ uri: 'file:///x/y@z', name: 'y@z' }], removed: [] },
    };
    canonicalizeParams(params);
    assert.deepEqual(params, {
      textDocument: { uri: 'file:///notes/team%40work/a.brief', text, version: 1 },
      workspaceFolders: [{ uri: 'file:///notes/team%40work', name: 'team@work' }],
      rootUri: 'file:///notes/team%40work',
      changes: [{ uri: 'file:///notes/team%40work/b.brief', type: 2 }],
      files: [{ oldUri: 'file:///notes/a%2Bb.brief', newUri: 'file:///notes/a%2Bc.brief' }],
      event: { added: [{ uri: 'file:///x/y%40z', name: 'y@z' }], removed: [] },
    });
    canonicalizeParams(undefined);
    canonicalizeParams(['file:///a@b']);
  });
});

/**
 * What the VSIX ships, as `vsce` lists it from .vscodeignore: the three bundles, the KB with its
 * precompiled readings (without them the installed extension parses the bundled YAML at every
 * first start), the grammar, and nothing of the sources, tests or node_modules. Runs after
 * `npm run build`, which writes dist/.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { listFiles, PackageManager } from '@vscode/vsce';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

describe('the packaged extension', () => {
  it('ships the bundles, the KB and every precompiled KB reading, what the README links to, and no sources', async () => {
    const shipped = new Set(await listFiles({ cwd: REPO_ROOT, packageManager: PackageManager.None }));
    for (const file of ['dist/client.js', 'dist/server.js', 'dist/brief-lint.js', 'syntaxes/brief.tmLanguage.json', 'language-configuration.json']) {
      assert.ok(shipped.has(file), `${file} is not in the VSIX`);
    }
    const readings = fs.readdirSync(path.join(REPO_ROOT, 'dist', 'kb-cache'));
    assert.ok(readings.length > 0, 'the build wrote no KB readings to dist/kb-cache');
    for (const reading of readings) assert.ok(shipped.has(`dist/kb-cache/${reading}`), `dist/kb-cache/${reading} is not in the VSIX`);
    for (const dir of ['data/kb', 'data/sources']) {
      for (const file of fs.readdirSync(path.join(REPO_ROOT, dir))) if (file.endsWith('.yaml')) assert.ok(shipped.has(`${dir}/${file}`), `${dir}/${file} is not in the VSIX`);
    }
    // The README is the extension's page in VS Code: the files it links to are shipped with it.
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\(((?!https?:|#)[^)#\s]+)/g)) assert.ok(shipped.has(target), `README.md links to ${target}, which is not in the VSIX`);
    const stray = [...shipped].filter((f) => /^(node_modules|server|client|test|out|bench)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map'));
    assert.deepEqual(stray, []);
  });
});

describe('the extension manifest and language configuration', () => {
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));

  it('activates for a workspace that holds briefs or a config, not only when a brief is opened', () => {
    // KB and config diagnostics, code lenses on KB files and the workspace's diagnostics at start
    // all need the server before any brief is open.
    assert.deepEqual(read('package.json').activationEvents, ['onLanguage:brief', 'workspaceContains:**/*.brief', 'workspaceContains:**/.briefrc.yaml']);
  });

  it('edits briefs as prose, as VS Code edits Markdown: lines wrap, no list of the document\'s words pops up as you type, and Enter ends the line', () => {
    const defaults = read('package.json').contributes.configurationDefaults['[brief]'];
    assert.equal(defaults['editor.wordWrap'], 'on');
    assert.equal(defaults['editor.wordBasedSuggestions'], 'off');
    assert.equal(defaults['editor.acceptSuggestionOnEnter'], 'off');
  });

  it("takes a reference whole as a word, without the sentence's '.' or '-' and with combining marks", () => {
    const { pattern, flags } = read('language-configuration.json').wordPattern;
    const words = (text: string) => text.match(new RegExp(pattern, `${flags}g`));
    assert.deepEqual(words('backed by @Russia. Then @Joint-Western-2021- x'), ['backed', 'by', '@Russia', 'Then', '@Joint-Western-2021', 'x']);
    assert.deepEqual(words('see @ETH-Zu\u0308rich and @[Xi Jinping], Zu\u0308rich'), ['see', '@ETH-Zu\u0308rich', 'and', '@[Xi Jinping]', 'Zu\u0308rich']);
  });
});

/**
 * What the VSIX ships, as `vsce` lists it from .vscodeignore: the three bundles, the KB with its
 * precompiled readings (without them the installed extension parses the bundled YAML at every
 * first start), the grammar, and nothing of the sources, tests or node_modules. Runs after
 * `npm run build`, which writes dist/.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listFiles, PackageManager } from '@vscode/vsce';
import { REPO_ROOT } from '../helpers/memoryWorkspace';

describe('the packaged extension', () => {
  it('ships the bundles, the KB and every precompiled KB reading, the files its page names, and no sources', async () => {
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
    // The files the extension's page names as being in the extension's folder are shipped.
    const page = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'extension-page.md'), 'utf8');
    const named = [...page.matchAll(/\b((?:docs|dist)\/[\w./-]+\.(?:md|js))\b/g)].map((m) => m[1]);
    assert.ok(named.length >= 3, `the page names ${named.join(', ')}`);
    for (const file of named) assert.ok(shipped.has(file), `the extension's page names ${file}, which is not in the VSIX`);
    const stray = [...shipped].filter((f) => /^(node_modules|server|client|test|out|bench)\//.test(f) || f.endsWith('.ts') || f.endsWith('.map'));
    assert.deepEqual(stray, []);
  });
});

describe("the extension's page in VS Code (vsce --readme-path)", () => {
  it('is docs/extension-page.md, with no relative link and no image the Extensions view would show broken', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(manifest.scripts.package, /vsce package .*--readme-path docs\/extension-page\.md/);
    const page = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'extension-page.md'), 'utf8');
    // The view drops relative links, and the `src` of any image not on https: (data: URLs too).
    assert.deepEqual([...page.matchAll(/!\[[^\]]*\]\(((?!https:)[^)\s]+)\)/g)].map((m) => m[1]), []);
    assert.deepEqual([...page.matchAll(/(?<!!)\[[^\]]*\]\(((?!https:|#)[^)\s]+)\)/g)].map((m) => m[1]), []);
    assert.doesNotMatch(page, /<img|<a /i);
  });

  it('says nothing the settings of package.json contradict: each setting it lists, with its default', () => {
    const page = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'extension-page.md'), 'utf8');
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } };
    const settings = manifest.contributes.configuration.properties;
    const rows = [...page.matchAll(/^\| `(brief\.[^`]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows.map(([name]) => name).sort(), Object.keys(settings).sort());
    for (const [name, shown] of rows) assert.equal(shown, String(settings[name].default), name);
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

/** npm in the repo, without the `npm_config_*` an enclosing `npm test` exports to its scripts. */
function npm(args: string[], cwd = REPO_ROOT) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], { cwd, env, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('the npm package, as `npm pack` makes it and `npm install -g` installs it', function () {
  // Runs after `npm run build` (npm test), so the scripts (prepack builds dist/ again) are skipped.
  this.timeout(120000);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const temp: string[] = [];
  after(() => temp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const tempDir = (name: string) => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `brief-${name}-`)));
    temp.push(dir);
    return dir;
  };

  it('builds dist/ before it is packed, so that a package made from a fresh clone has its commands', () => {
    // dist/ is git-ignored: without this, `npm pack` in a clean checkout ships no bin at all.
    assert.match(pkg.scripts.prepack ?? '', /npm run build/);
  });

  it('ships the two commands, the bundled KB with its precompiled readings and the source, and no sources, tests, maps or scratch files', () => {
    const [{ files }] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as [{ files: { path: string }[] }];
    const shipped = new Set(files.map((f) => f.path));
    for (const bin of Object.values(pkg.bin as Record<string, string>)) assert.ok(shipped.has(path.posix.normalize(bin)), `${bin} (a bin) is not in the package`);
    for (const reading of fs.readdirSync(path.join(REPO_ROOT, 'dist', 'kb-cache'))) assert.ok(shipped.has(`dist/kb-cache/${reading}`), `dist/kb-cache/${reading} is not in the package`);
    for (const dir of ['data/kb', 'data/sources']) {
      for (const file of fs.readdirSync(path.join(REPO_ROOT, dir))) if (file.endsWith('.yaml')) assert.ok(shipped.has(`${dir}/${file}`), `${dir}/${file} is not in the package`);
    }
    const stray = [...shipped].filter((f) => /^(node_modules|server|client|test|out|bench|scripts|examples|\.ci)\//.test(f) || /\.(ts|map|vsix|tgz)$/.test(f) || f === 'dist/compile-kb.js');
    assert.deepEqual(stray, []);
  });

  it('needs no dependency at run time: the commands are self-contained bundles', () => {
    // Anything under `dependencies` would be fetched by every `npm install -g` and never loaded.
    assert.deepEqual(pkg.dependencies ?? {}, {});
  });

  it('installs with `npm install -g` from the tarball, and its commands run from another folder on the bundled KB', () => {
    const packed = tempDir('pack');
    const prefix = tempDir('prefix');
    const work = tempDir('work');
    npm(['pack', '--ignore-scripts', '--pack-destination', packed]);
    const [tarball] = fs.readdirSync(packed);
    npm(['install', '-g', '--offline', '--ignore-scripts', '--prefix', prefix, path.join(packed, tarball)], work);
    const bin = (name: string) => path.join(prefix, 'bin', name);
    const run = (name: string, args: string[]) => spawnSync(bin(name), args, { cwd: work, encoding: 'utf8', env: { ...process.env, BRIEF_CACHE_DIR: '', BRIEF_DATA_DIR: undefined } });
    assert.equal(run('brief-lint', ['--version']).stdout, `brief-lint ${pkg.version}\n`);
    assert.equal(run('brief-language-server', ['--version']).stdout, `brief-language-server ${pkg.version}\n`);
    fs.writeFileSync(path.join(work, 'a.brief'), '---\ntitle: T\n---\n@CSTO and @Nobody [^carlson-2021:p7].\n');
    const lint = run('brief-lint', ['--format', 'json', 'a.brief']);
    assert.equal(lint.status, 1, lint.stderr);
    const codes = (JSON.parse(lint.stdout) as { code: string; message: string }[]).map((d) => `${d.code} ${d.message}`);
    assert.deepEqual(codes, ["unknown-reference Unknown entity '@Nobody'."]);
  });
});

describe('the version', () => {
  const version: string = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
  const run = (file: string, args: string[]) => spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', file), ...args], { encoding: 'utf8', env: { ...process.env, BRIEF_CACHE_DIR: '' } });

  it("is package.json's in `brief-lint --version`, `brief-language-server --version` and SARIF's tool version", () => {
    assert.equal(run('brief-lint.js', ['--version']).stdout, `brief-lint ${version}\n`);
    assert.equal(run('server.js', ['--version']).stdout, `brief-language-server ${version}\n`);
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'brief-version-')));
    try {
      fs.writeFileSync(path.join(dir, 'a.brief'), '---\ntitle: T\n---\n@CSTO\n');
      const sarif = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'brief-lint.js'), '--format', 'sarif', 'a.brief'], { cwd: dir, encoding: 'utf8', env: { ...process.env, BRIEF_CACHE_DIR: '' } });
      assert.equal(JSON.parse(sarif.stdout).runs[0].tool.driver.version, version);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is written in package.json alone: no source repeats it, so a release cannot leave one behind', () => {
    const literal = new RegExp(`['"\`]${version.replace(/\./g, '\\.')}['"\`]|\\b\\w+ ${version.replace(/\./g, '\\.')}\\b`);
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const repeating = ['server/src', 'client/src'].flatMap((d) => sources(path.join(REPO_ROOT, d))).filter((f) => literal.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(repeating.map((f) => path.relative(REPO_ROOT, f)), []);
  });
});

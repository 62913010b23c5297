// Bundles the extension client, the language server and the CLI into dist/ with esbuild, so the
// VSIX ships three self-contained files and no node_modules tree, and activation loads one file.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  minify: true,
};

// The CLI's source map is written by hand (below), possibly before esbuild has made dist/.
mkdirSync('dist', { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  buildCli(),
  build({ ...common, entryPoints: ['server/src/node/compileKb.ts'], outfile: 'dist/compile-kb.js' }),
]);

/**
 * brief-lint: the CLI bundle, inlined as a string into a small launcher (server/src/cli/launcher.ts)
 * that runs it through V8's code cache. Still one file, dist/brief-lint.js; the bundle's source
 * map is dist/brief-lint.bundle.js.map (the launcher names the compiled code brief-lint.bundle.js).
 */
async function buildCli() {
  const bundle = await build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/brief-lint.bundle.js', write: false });
  const code = bundle.outputFiles.find((f) => f.path.endsWith('.js')).text;
  for (const f of bundle.outputFiles) if (f.path.endsWith('.map')) writeFileSync(f.path, f.contents);
  const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
  await build({
    ...common,
    entryPoints: ['server/src/cli/launcher.ts'],
    outfile: 'dist/brief-lint.js',
    banner: { js: '#!/usr/bin/env node' },
    define: { BRIEF_LINT_BUNDLE: JSON.stringify(code), BRIEF_LINT_BUILD_ID: JSON.stringify(id) },
  });
}

// Ship the bundled KB already read: the server and brief-lint then skip its YAML parse at start.
rmSync('dist/kb-cache', { recursive: true, force: true });
const compiled = spawnSync(process.execPath, ['dist/compile-kb.js', 'data', 'dist/kb-cache'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
if (watch) console.log('watch mode is not supported; re-run the build');

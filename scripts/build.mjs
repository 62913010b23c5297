// Bundles the extension client, the language server and the CLI into dist/ with esbuild, so the
// VSIX ships three self-contained files and no node_modules tree, and activation loads one file.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

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

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/brief-lint.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/node/compileKb.ts'], outfile: 'dist/compile-kb.js' }),
]);

// Ship the bundled KB already read: the server and brief-lint then skip its YAML parse at start.
rmSync('dist/kb-cache', { recursive: true, force: true });
const compiled = spawnSync(process.execPath, ['dist/compile-kb.js', 'data', 'dist/kb-cache'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
if (watch) console.log('watch mode is not supported; re-run the build');

// Bundles the extension client, the language server and the CLI into dist/ with esbuild, so the
// VSIX ships three self-contained files and no node_modules tree, and activation loads one file.
import { build } from 'esbuild';

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
]);
if (watch) console.log('watch mode is not supported; re-run the build');

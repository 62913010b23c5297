#!/usr/bin/env node
// Desktop VS Code suite: starts a downloaded VS Code (through @vscode/test-electron) with this
// repository as the extension under development and runs the mocha suite in test/vscode/suite
// inside it. Meant for a developer's desktop with internet; on machines without it (as in CI here)
// VS Code cannot be downloaded, and this says so and exits 3 instead of pretending to pass.
// The offline real-editor tier is test/e2e (code-server + Chromium).
//
// Needs: `npm run build` (dist/client.js, dist/server.js) and `npm run compile` (the suite, in
// out/test/vscode/suite). On Linux without a display, run it under `xvfb-run -a`.
// Environment: BRIEF_VSCODE_VERSION (default "stable"), BRIEF_VSCODE_EXECUTABLE (use an installed
// VS Code instead of downloading one), BRIEF_VSCODE_CACHE (default <repo>/.cache/vscode-test).
//
// Exit codes: 0 all tests passed; 1 a test failed or VS Code crashed; 2 not built;
// 3 cannot run here (VS Code could not be downloaded).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITE = path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js');
const WORKSPACE = path.join(REPO, 'test', 'e2e', 'workspace');
const CACHE = process.env.BRIEF_VSCODE_CACHE || path.join(REPO, '.cache', 'vscode-test');
const EXIT_CANNOT_RUN = 3;

for (const [file, how] of [[path.join(REPO, 'dist', 'client.js'), 'npm run build'], [SUITE, 'npm run compile']]) {
  if (!fs.existsSync(file)) {
    console.error(`test:vscode: ${path.relative(REPO, file)} is missing; run \`${how}\` first`);
    process.exit(2);
  }
}

/** Plain progress lines (the default reporter draws a spinner that leaves fragments in logs). */
const lineReporter = {
  lastPercent: -1,
  report(r) {
    if (r.stage === 'downloading') {
      const percent = r.totalBytes ? Math.floor((100 * r.bytesSoFar) / r.totalBytes / 10) * 10 : 0;
      if (percent !== this.lastPercent) console.log(`test:vscode: downloading VS Code ${percent}%`);
      this.lastPercent = percent;
    } else if (r.stage === 'resolvedVersion') console.log(`test:vscode: VS Code ${r.version}`);
    else if (r.stage === 'foundMatchingInstall') console.log(`test:vscode: using ${r.downloadedPath}`);
    else if (r.stage === 'retrying') console.log(`test:vscode: retrying (${r.attempt}/${r.totalAttempts}): ${r.error?.message}`);
    else if (r.stage === 'newInstallComplete') console.log(`test:vscode: installed in ${r.downloadedPath}`);
  },
  error() { /* reported by the caller */ },
};

let vscodeExecutablePath = process.env.BRIEF_VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  const version = process.env.BRIEF_VSCODE_VERSION || 'stable';
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: CACHE, timeout: 30000, reporter: lineReporter });
  } catch (err) {
    const reason = String(err?.message || err).split('\n')[0];
    console.log(`cannot run here: VS Code could not be downloaded — ${reason}`);
    console.log('test:vscode did not run any test (exit 3). The offline real-editor tier is `npm run test:e2e`.');
    process.exit(EXIT_CANNOT_RUN);
  }
}

try {
  const code = await runTests({
    vscodeExecutablePath,
    cachePath: CACHE,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: SUITE,
    // Open the same sample workspace as the real-editor tier; no other extensions.
    launchArgs: [WORKSPACE, '--disable-extensions'],
  });
  process.exit(code);
} catch (err) {
  console.error(`test:vscode failed: ${err?.message || err}`);
  process.exit(1);
}

// The main job on the bundled KB: lint the example briefs with brief-lint and build the VSIX.
// examples/mistakes.brief is wrong on purpose, so brief-lint exits 1 on it; this script checks
// that the clean examples have no error and the faulty one has, and says so.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (args) => spawnSync(process.execPath, ['dist/brief-lint.js', ...args], { stdio: 'inherit' }).status;

console.log('== brief-lint examples/ (the bundled KB + examples/.briefrc.yaml)');
const all = run(['examples']);
console.log(`brief-lint exited with ${all} (1 is expected: examples/mistakes.brief holds mistakes of 13 of the 15 rules)\n`);

console.log('== brief-lint on the clean examples only');
const clean = run(['examples/clean.brief', 'examples/long.brief']);
console.log(`brief-lint exited with ${clean}\n`);

console.log('== npm run package');
const pack = spawnSync('npm', ['run', '--silent', 'package'], { stdio: 'inherit', shell: false }).status;
const vsix = existsSync('brief.vsix') ? `brief.vsix (${Math.round(statSync('brief.vsix').size / 1024)} KiB)` : 'no brief.vsix';
console.log(`\n${vsix} — install it with: code --install-extension brief.vsix`);

const ok = all === 1 && clean === 0 && pack === 0;
console.log(ok ? '\nmain job: OK' : '\nmain job: FAILED (see above)');
process.exit(ok ? 0 : 1);

// Entry point that VS Code's extension host calls (--extensionTestsPath): runs the mocha suite
// in this folder inside the running editor and rejects if any test fails.
import * as path from 'path';

type MochaClass = typeof import('mocha');

/**
 * mocha 12's package entry is an ES module; its CommonJS build is loaded directly so that this
 * works in extension hosts whose Node cannot require() an ES module.
 */
function loadMocha(): MochaClass {
  const loaded: MochaClass = require('mocha/lib/mocha.cjs');
  return loaded;
}

/** Runs every test of the desktop suite; the promise rejects when one fails. */
export function run(): Promise<void> {
  const Mocha = loadMocha();
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60000, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'brief.test.js'));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`\n${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}

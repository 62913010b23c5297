/**
 * What the extension adds to its language server's environment (client/src/serverEnvironment.ts):
 * glibc malloc's huge pages on Linux, the analyst's own tunables kept, their choice respected.
 * That the server process really runs with it, in a real editor, is a check of the e2e tier.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { HUGE_PAGES_TUNABLE, serverEnvironment } from '../../client/src/serverEnvironment';

describe('the language server environment the extension sets', () => {
  it('on Linux asks malloc for huge pages when nothing else is tuned', () => {
    assert.deepEqual(serverEnvironment({}, 'linux'), { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    assert.deepEqual(serverEnvironment({ GLIBC_TUNABLES: '' }, 'linux'), { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
  });

  it("keeps the analyst's other tunables, in their order, and adds its own last", () => {
    assert.deepEqual(serverEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072' }, 'linux'), {
      GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072:glibc.malloc.hugetlb=1',
    });
  });

  it("leaves an analyst's own choice of huge pages alone, whatever it is", () => {
    for (const tunables of ['glibc.malloc.hugetlb=0', 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2', `${HUGE_PAGES_TUNABLE}=1`]) {
      assert.deepEqual(serverEnvironment({ GLIBC_TUNABLES: tunables }, 'linux'), {}, tunables);
    }
    // A tunable whose name only contains ours is another tunable.
    assert.deepEqual(serverEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.hugetlbx=0' }, 'linux'), { GLIBC_TUNABLES: 'glibc.malloc.hugetlbx=0:glibc.malloc.hugetlb=1' });
  });

  it('adds nothing off Linux', () => {
    for (const platform of ['darwin', 'win32', 'freebsd']) assert.deepEqual(serverEnvironment({}, platform), {}, platform);
  });

  // The setting is only worth its place if the C library in use takes it: on this machine's glibc,
  // a Node process started with it reports it among its tunables, and starts and exits cleanly.
  const glibc = process.platform === 'linux' && (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
  (glibc ? it : it.skip)(`a Node process started with it runs, and glibc (${glibc || 'absent'}) reads the tunable`, function () {
    const [major, minor] = String(glibc).split('.').map(Number);
    if (major < 2 || (major === 2 && minor < 35)) this.skip(); // the tunable is newer: older glibc ignores it
    const env = { ...process.env, GLIBC_TUNABLES: undefined, ...serverEnvironment({}, 'linux') };
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write("ran")'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'ran');
    // The dynamic loader Node runs under prints the tunables it has read (`--list-tunables`, glibc 2.33+).
    const loader = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').map((l) => l.split(/\s+/)[5] ?? '').find((f) => /\/ld-linux[^/]*\.so/.test(f));
    assert.ok(loader, 'the dynamic loader is among the mapped files');
    const listed = spawnSync(loader, ['--list-tunables'], { env, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^glibc\.malloc\.hugetlb: (0x)?1 /m, 'glibc reads the tunable as 1');
  });
});

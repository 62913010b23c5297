/**
 * The collector runs V8's real collections after checks of large briefs (server/src/node/collector.ts).
 * Each case runs in a fresh node process, so that the heap it measures holds only what the case
 * made, and reads V8's own heap statistics to see what a collection did.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';

const COLLECTOR = path.join(__dirname, '..', '..', 'server', 'src', 'node', 'collector.js');

/** Runs `body` in a fresh node (with `collector`, `v8` and `used(space)` in scope) and returns what it prints as JSON. */
function inFreshNode(body: string, flags: string[] = []): unknown {
  const script = [
    `const collector = require(${JSON.stringify(COLLECTOR)});`,
    `const v8 = require('v8');`,
    `const used = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name).space_used_size;`,
    `(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });`,
  ].join('\n');
  return JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }));
}

const MiB = 1024 * 1024;

/** `promoteDead(n)`: n megabyte strings moved to the old generation while they live, then dropped (needs --expose-gc). */
const PROMOTE_DEAD = `const promoteDead = (n) => {
  let texts = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i).repeat(${MiB}));
  for (const t of texts) t.charCodeAt(0);
  gc({ type: 'minor' });
  texts = undefined;
};`;

/** A default collector `c` whose collections after checks are noted in `kinds`, and `tick()`, which waits for a scheduled one. */
const WATCHED_COLLECTOR = `const c = collector.createCollector();
const kinds = [];
const collectNow = c.collectNow.bind(c);
c.collectNow = (growth) => { const kind = collectNow(growth); kinds.push(kind); return kind; };
const tick = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));`;

describe('collector', () => {
  it('is made without a command-line flag, and leaves no global gc behind', () => {
    const seen = inFreshNode(`
      const c = collector.createCollector();
      console.log(JSON.stringify({ made: c instanceof collector.Collector, globalGc: typeof globalThis.gc }));
    `);
    assert.deepEqual(seen, { made: true, globalGc: 'undefined' });
  });

  it('a young collection frees the dead copies of a text that are still in the young generation', () => {
    const seen = inFreshNode(`
      const c = collector.createCollector();
      // A dead megabyte string, as a keystroke in a megabyte brief leaves the text before it.
      { const s = 'a'.repeat(${MiB}); s.charCodeAt(0); }
      const before = used('new_large_object_space');
      const kind = c.collectNow();
      console.log(JSON.stringify({ kind, before, after: used('new_large_object_space') }));
    `) as { kind: string; before: number; after: number };
    assert.equal(seen.kind, 'young');
    assert.ok(seen.before >= MiB, `the string was a young large object (${seen.before} bytes in that space)`);
    assert.equal(seen.after, 0);
  });

  it('a full collection comes once the old generation has grown past the limit, and frees it', () => {
    // With --expose-gc the collector takes the global gc, and the case can move strings to the
    // old generation (a young collection while they live) without asking the collector.
    const seen = inFreshNode(`
      const c = collector.createCollector({ fullAfterGrowth: 8 * ${MiB}, fullHeapLimit: 1024 * ${MiB} });
      let texts = Array.from({ length: 10 }, (_, i) => String.fromCharCode(97 + i).repeat(${MiB}));
      for (const t of texts) t.charCodeAt(0); // flat: each one large object
      gc({ type: 'minor' });
      texts = undefined;
      const before = collector.oldGenerationBytes();
      const first = c.collectNow();
      const after = collector.oldGenerationBytes();
      const second = c.collectNow();
      console.log(JSON.stringify({ first, second, freed: before - after }));
    `, ['--expose-gc']) as { first: string; second: string; freed: number };
    assert.equal(seen.first, 'full');
    assert.ok(seen.freed >= 9 * MiB, `the dead strings were freed (${seen.freed} bytes)`);
    assert.equal(seen.second, 'young', 'no growth since the full collection');
  });

  it('after checks that followed edits, a full collection comes once five dead megabyte texts have reached the old generation, not three', () => {
    // What an analyst's edits of a megabyte brief leave: each check moves the live text to the
    // old generation, and the next keystroke leaves it dead there.
    const seen = inFreshNode(`
      ${PROMOTE_DEAD}
      ${WATCHED_COLLECTOR}
      promoteDead(3);
      c.afterCheck(collector.LARGE_BRIEF, true);
      await tick();
      promoteDead(2);
      c.afterCheck(collector.LARGE_BRIEF, true);
      await tick();
      console.log(JSON.stringify(kinds));
    `, ['--expose-gc']);
    assert.deepEqual(seen, ['young', 'full']);
  });

  it('after an open, or an open and an edit checked together, the same five get a young collection', () => {
    const seen = inFreshNode(`
      ${PROMOTE_DEAD}
      ${WATCHED_COLLECTOR}
      promoteDead(5);
      c.afterCheck(collector.LARGE_BRIEF, false);
      await tick();
      c.afterCheck(collector.LARGE_BRIEF, true);
      c.afterCheck(collector.LARGE_BRIEF, false);
      await tick();
      console.log(JSON.stringify(kinds));
    `, ['--expose-gc']);
    assert.deepEqual(seen, ['young', 'young']);
  });

  it('an old generation above the heap limit gets only young collections', () => {
    // The same steps as the case above, with a limit below what any heap holds.
    const seen = inFreshNode(`
      const c = collector.createCollector({ fullAfterGrowth: 8 * ${MiB}, fullHeapLimit: ${MiB} });
      let texts = Array.from({ length: 10 }, (_, i) => String.fromCharCode(97 + i).repeat(${MiB}));
      for (const t of texts) t.charCodeAt(0);
      gc({ type: 'minor' });
      texts = undefined;
      console.log(JSON.stringify({ kind: c.collectNow() }));
    `, ['--expose-gc']);
    assert.deepEqual(seen, { kind: 'young' });
  });

  it('collects after checks of large briefs only, once for checks published together', () => {
    const seen = inFreshNode(`
      ${WATCHED_COLLECTOR}
      c.afterCheck(collector.LARGE_BRIEF - 1);
      await tick();
      const afterSmall = kinds.length;
      c.afterCheck(collector.LARGE_BRIEF);
      c.afterCheck(2 * collector.LARGE_BRIEF);
      await tick();
      console.log(JSON.stringify({ afterSmall, afterLarge: kinds.length }));
    `);
    assert.deepEqual(seen, { afterSmall: 0, afterLarge: 1 });
  });

  it('collects after an answer only once the young generation holds more than its limit', () => {
    // A young generation of 16 MiB from the start: V8 itself does not collect during the case.
    const seen = inFreshNode(`
      const c = collector.createCollector({ youngAfterAnswer: 4 * ${MiB} });
      c.collectNow();
      const tick = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
      // Garbage, as answering a request leaves it.
      const litter = (mib) => { for (let i = 0; i < mib * 128; i++) new Array(1000).fill(i); };
      litter(2);
      const below = collector.youngGenerationBytes();
      c.afterAnswer();
      await tick();
      const afterBelow = collector.youngGenerationBytes();
      litter(3);
      const above = collector.youngGenerationBytes();
      c.afterAnswer();
      await tick();
      console.log(JSON.stringify({ below, afterBelow, above, afterAbove: collector.youngGenerationBytes() }));
    `, ['--min-semi-space-size=16', '--max-semi-space-size=16']) as { below: number; afterBelow: number; above: number; afterAbove: number };
    assert.ok(seen.below >= 2 * MiB && seen.below < 4 * MiB, `the case left ${seen.below} bytes below the limit`);
    assert.ok(seen.afterBelow >= seen.below, 'below the limit: no collection');
    assert.ok(seen.above >= 4 * MiB, `the case left ${seen.above} bytes above the limit`);
    assert.ok(seen.afterAbove < MiB, `above the limit: collected (${seen.afterAbove} bytes left)`);
  });

  it('after an answer, collects only once the answer is written', () => {
    const seen = inFreshNode(`
      let markWritten;
      const written = new Promise((resolve) => (markWritten = resolve));
      const c = collector.createCollector({ youngAfterAnswer: 4 * ${MiB} }, () => written);
      c.collectNow();
      const tick = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
      const litter = (mib) => { for (let i = 0; i < mib * 128; i++) new Array(1000).fill(i); };
      litter(5);
      c.afterAnswer();
      await tick();
      const whileWriting = collector.youngGenerationBytes();
      markWritten();
      await tick();
      console.log(JSON.stringify({ whileWriting, afterWritten: collector.youngGenerationBytes() }));
    `, ['--min-semi-space-size=16', '--max-semi-space-size=16']) as { whileWriting: number; afterWritten: number };
    assert.ok(seen.whileWriting >= 4 * MiB, `not collected while the answer is written (${seen.whileWriting} bytes)`);
    assert.ok(seen.afterWritten < MiB, `collected once it is (${seen.afterWritten} bytes left)`);
  });
});

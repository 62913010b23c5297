/**
 * `objectList` exists so that the lists a parse and a check fill have one array representation
 * from the start (see server/src/core/objectList.ts). These tests hold the helper to being an
 * ordinary empty array, and hold V8, in a child process that can ask it, to the representation
 * the helper, the parser's lists and the resolver's suggestion lists rely on.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { objectList } from '../../server/src/core/objectList';

const OUT = path.join(__dirname, '..', '..');

/** Runs `body` in `node --allow-natives-syntax` (V8's `%` functions) and returns what it prints. */
function askV8(body: string): string {
  const script = `const out = ${JSON.stringify(OUT)};\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(1); });`;
  return execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' }).trim();
}

describe('objectList', () => {
  it('is an empty array, each call a new one, that keeps what is pushed in order', () => {
    const a = objectList<{ n: number }>();
    const b = objectList<{ n: number }>();
    assert.ok(Array.isArray(a));
    assert.equal(a.length, 0);
    assert.notEqual(a, b);
    a.push({ n: 1 }, { n: 2 });
    assert.deepEqual(a, [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(b, []);
  });

  it('starts as a list of objects, where a literal [] starts as a list of small integers', () => {
    const seen = askV8(`
      const { objectList } = require(out + '/server/src/core/objectList');
      console.log(JSON.stringify({ helper: %HasObjectElements(objectList()), literal: %HasObjectElements([]), literalSmi: %HasSmiElements([]) }));
    `);
    assert.deepEqual(JSON.parse(seen), { helper: true, literal: false, literalSmi: true });
  });

  it("gives a parse's lists, empty or not, and empty suggestion lists that representation", () => {
    const seen = askV8(`
      const { parseBrief } = require(out + '/server/src/core/parser');
      const { miniProject } = require(out + '/test/helpers/fixtures');
      const empty = parseBrief('No references here.');
      const full = parseBrief('See @Tajikistan [^carlson-2021:p1] and \`code\`. %% a note\\nclaim: @Uzbekistan member-of @CSTO');
      const lists = (s) => [s.headings, s.references, s.citations, s.claims, s.comments, s.directives, s.inlineCode, s.problems].map((l) => %HasObjectElements(l));
      const { project } = await miniProject();
      const none = project.resolver.suggest('qqqqqqqqqqqqqqqqqqqqqqqq');
      const some = project.resolver.suggest('Tajikstan');
      console.log(JSON.stringify({ empty: lists(empty), full: lists(full), none: [none.length, %HasObjectElements(none)], some: some.length > 0 && %HasObjectElements(some) }));
    `);
    const all = Array(8).fill(true);
    assert.deepEqual(JSON.parse(seen), { empty: all, full: all, none: [0, true], some: true });
  });
});

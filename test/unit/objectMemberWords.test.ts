/**
 * Words a brief can hold that name members every JavaScript object inherits (`constructor`,
 * `toString`, `__proto__`, …). Written as a claim's predicate they once reached a table lookup
 * that found the inherited member, and validation threw. Each feature must treat them as the
 * unknown words they are.
 */
import { strict as assert } from 'assert';
import { brief, covered, miniProject, service } from '../helpers/fixtures';
import type { ProjectState } from '../../server/src/core/project';
import { predicateSignature } from '../../server/src/core/kinds';

const MEMBERS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', '__defineGetter__'];
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 1e6, character: 0 } };

describe('words that name inherited object members', () => {
  let state: ProjectState;
  before(async () => {
    state = await miniProject();
  });

  it('are no predicates', () => {
    for (const word of MEMBERS) assert.equal(predicateSignature(word), undefined, word);
    assert.equal(predicateSignature('member-of')?.phrase, 'is a member of');
  });

  for (const word of MEMBERS) {
    it(`'${word}' as a claim's predicate is unknown-predicate to every feature`, () => {
      // Both references resolve: the verdict code is reached only then.
      const { doc } = brief(`claim: @Tajikistan ${word} @CSTO\n- claim: @Uzbekistan not ${word} @CSTO`);
      const ls = service();
      const project = state.project;
      const found = ls.validate(doc, project).map((d) => [d.code, covered(doc, d.range)]);
      assert.deepEqual(found, [
        ['unknown-predicate', word],
        ['unknown-predicate', word],
      ]);
      const onPredicate = { line: 0, character: 'claim: @Tajikistan '.length + 1 };
      assert.doesNotThrow(() => ls.hover(doc, project, onPredicate));
      assert.deepEqual(ls.definition(doc, project, onPredicate), []);
      assert.deepEqual(ls.inlayHints(doc, project, WHOLE), []);
      assert.ok(ls.semanticTokens(doc, project).data.length > 0);
      const context = { diagnostics: ls.validate(doc, project), only: undefined };
      assert.doesNotThrow(() => ls.codeActions(doc, state, context));
      assert.doesNotThrow(() => ls.complete(doc, project, { line: 0, character: doc.getText().indexOf('@CSTO') + 2 }));
    });

    it(`'${word}' as a front matter key is unknown, with no hover and no values to complete`, () => {
      const { doc } = brief(`---\ntitle: T\n${word}: x\n---\n`);
      const ls = service();
      const found = ls.validate(doc, state.project).map((d) => [d.code, covered(doc, d.range)]);
      assert.deepEqual(found, [['front-matter-unknown-key', word]]);
      assert.equal(ls.hover(doc, state.project, { line: 2, character: 1 }), null);
      const values = ls.complete(doc, state.project, { line: 2, character: word.length + 2 }).items;
      assert.deepEqual(values, []);
    });
  }
});

/**
 * `.gitignore` as workspace indexing reads it (server/src/core/ignore.ts), as data: each case is a
 * `.gitignore` text and paths relative to the folder (files; a path with `/` lies in folders),
 * each with whether git ignores it. Every expectation was checked against git 2.39
 * (`git ls-files --others --exclude-standard` in a repository holding exactly those files).
 */
import { strict as assert } from 'assert';
import { parseGitignore } from '../../server/src/core/ignore';
import { prng } from '../helpers/prng';

interface IgnoreCase {
  readonly name: string;
  readonly gitignore: string;
  /** Path relative to the folder → ignored. */
  readonly paths: Readonly<Record<string, boolean>>;
}

const CASES: readonly IgnoreCase[] = [
  {
    name: 'comments and blank lines are no patterns',
    gitignore: '# a comment\n\n   \n#*.brief\n*.tmp\n',
    paths: { 'a.tmp': true, 'x/y/a.tmp': true, 'a.brief': false, '# a comment': false },
  },
  {
    name: '* within a name, at any depth, dot files included',
    gitignore: '*.brief\n',
    paths: { 'a.brief': true, 'deep/er/b.brief': true, '.hidden.brief': true, 'a.brief.txt': false, brief: false },
  },
  {
    name: '* never crosses a /',
    gitignore: 'notes/*.brief\n',
    paths: { 'notes/a.brief': true, 'notes/sub/a.brief': false, 'x/notes/a.brief': false },
  },
  {
    name: '? is exactly one character, never a /',
    gitignore: 'draft-?.brief\n',
    paths: { 'draft-1.brief': true, 'sub/draft-a.brief': true, 'draft-12.brief': false, 'draft-.brief': false, 'draft-/.brief': false },
  },
  {
    name: 'a leading **/ matches in any folder',
    gitignore: '**/tmp/*.brief\n',
    paths: { 'tmp/a.brief': true, 'x/y/tmp/a.brief': true, 'x/tmp/y/a.brief': false },
  },
  {
    name: 'a trailing /** matches everything inside',
    gitignore: 'archive/**\n',
    paths: { 'archive/a.brief': true, 'archive/2020/b.brief': true, 'archive.brief': false, 'x/archive/a.brief': false },
  },
  {
    name: 'an inner /**/ matches zero or more folders',
    gitignore: 'a/**/b.brief\n',
    paths: { 'a/b.brief': true, 'a/x/b.brief': true, 'a/x/y/b.brief': true, 'z/a/b.brief': false, 'a/b.briefs': false },
  },
  {
    name: 'a leading / anchors to the folder',
    gitignore: '/drafts\n',
    paths: { 'drafts/a.brief': true, 'sub/drafts/a.brief': false, 'sub/drafts': false },
  },
  {
    name: 'a leading / matches a file too',
    gitignore: '/drafts\n',
    paths: { drafts: true, 'x/drafts': false },
  },
  {
    name: 'an inner / anchors too',
    gitignore: 'docs/old\n',
    paths: { 'docs/old/a.brief': true, 'x/docs/old/a.brief': false, 'docs/older/a.brief': false },
  },
  {
    name: 'a name without / matches files and folders at any depth',
    gitignore: 'scratch\n',
    paths: { scratch: true, 'a/scratch/b.brief': true, 'scratchpad.brief': false },
  },
  {
    name: 'a trailing / matches folders only, at any depth',
    gitignore: 'build/\n',
    paths: { 'build/a.brief': true, 'x/build/a.brief': true, 'y/build': false },
  },
  {
    name: 'a leading and a trailing /: an anchored folder',
    gitignore: '/out/\n',
    paths: { 'out/a.brief': true, 'x/out/a.brief': false },
  },
  {
    name: 'a trailing / never matches a file',
    gitignore: '/out/\nbuild/\n',
    paths: { out: false, 'x/build': false, 'build.brief': false },
  },
  {
    name: 'a folder that matches ignores everything below it',
    gitignore: 'drafts/*\n',
    paths: { 'drafts/a.brief': true, 'drafts/old/b.brief': true },
  },
  {
    name: '! re-includes',
    gitignore: '*.brief\n!keep.brief\n',
    paths: { 'a.brief': true, 'keep.brief': false, 'sub/keep.brief': false, 'sub/a.brief': true },
  },
  {
    name: '! cannot re-include a file below an ignored folder',
    gitignore: 'drafts/\n!drafts/keep.brief\n',
    paths: { 'drafts/keep.brief': true, 'drafts/a.brief': true },
  },
  {
    name: "! re-includes a folder's files when the folder itself is not ignored",
    gitignore: '*.brief\n!notes/*.brief\n',
    paths: { 'notes/a.brief': false, 'a.brief': true, 'other/a.brief': true, 'notes/sub/a.brief': true },
  },
  {
    name: 'the last matching rule wins',
    gitignore: '!keep.brief\n*.brief\n',
    paths: { 'keep.brief': true, 'a.brief': true },
  },
  {
    name: 'the last matching rule wins, over three rules',
    gitignore: '*.brief\n!*.brief\n/top.brief\n',
    paths: { 'top.brief': true, 'sub/top.brief': false, 'a.brief': false },
  },
  {
    name: 'CRLF line ends',
    gitignore: '# comment\r\n*.tmp\r\n/drafts/\r\n!keep.tmp\r\n',
    paths: { 'a.tmp': true, 'keep.tmp': false, 'drafts/a.brief': true, 'x/drafts/a.brief': false },
  },
  {
    name: 'trailing spaces are dropped',
    gitignore: '*.tmp   \n',
    paths: { 'a.tmp': true },
  },
  {
    name: 'an empty file ignores nothing',
    gitignore: '',
    paths: { 'a.brief': false, 'node/a.brief': false },
  },
];

describe('parseGitignore', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const ignored = parseGitignore(c.gitignore);
      const actual = Object.fromEntries(Object.keys(c.paths).map((p) => [p, ignored(p)]));
      assert.deepEqual(actual, c.paths, `.gitignore:\n${c.gitignore}`);
    });
  }
});

/**
 * Git's behaviour beyond what ignore.ts says it covers: an escaped leading `#` or `!`, bracket
 * expressions, and `**` inside a name (git reads it as a plain `*`, which never crosses a `/`).
 */
const BEYOND: readonly IgnoreCase[] = [
  {
    name: 'an escaped # or ! is a literal first character',
    gitignore: '\\#notes.brief\n\\!important.brief\n',
    paths: { '#notes.brief': true, '!important.brief': true, 'notes.brief': false, 'important.brief': false },
  },
  {
    name: 'bracket expressions',
    gitignore: 'draft-[0-9].brief\n[!a]x.brief\n',
    paths: { 'draft-1.brief': true, 'draft-a.brief': false, 'bx.brief': true, 'ax.brief': false },
  },
  {
    name: '** inside a name is a plain * and never crosses a /',
    gitignore: 'draft**.brief\n',
    paths: { 'draft-x.brief': true, 'draftdir/x.brief': false },
  },
];

describe('parseGitignore, as git reads what ignore.ts does not claim to cover', () => {
  for (const c of BEYOND) {
    it(c.name, () => {
      const ignored = parseGitignore(c.gitignore);
      const actual = Object.fromEntries(Object.keys(c.paths).map((p) => [p, ignored(p)]));
      assert.deepEqual(actual, c.paths, `.gitignore:\n${c.gitignore}`);
    });
  }
});

describe('parseGitignore, the fast way against the rule-by-rule way', () => {
  // Without `!` lines, the matcher tests all rules at once and remembers folders; a `!` line that
  // matches nothing changes no answer but makes it go rule by rule. Both must agree.
  const PATTERNS = ['*.tmp', 'drafts/', '/build', 'a/**/b', '**/cache/', 'x?.brief', 'notes/*.brief', '[ab]*/', 'deep/**', 'n1*'];
  const NAMES = ['a', 'b', 'drafts', 'build', 'cache', 'notes', 'deep', 'x1.brief', 'n1.brief', 'n2.tmp', 'z.brief'];
  it('gives the same answers on 300 random .gitignore files and 40 paths each', () => {
    const random = prng(99);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
    for (let round = 0; round < 300; round++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(PATTERNS));
      const fast = parseGitignore(lines.join('\n'));
      const ruleByRule = parseGitignore([...lines, '!never-matches-anything-zz'].join('\n'));
      for (let p = 0; p < 40; p++) {
        const path = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(NAMES)).join('/');
        assert.equal(fast(path), ruleByRule(path), `${JSON.stringify(lines)} on ${path}`);
      }
    }
  });
});

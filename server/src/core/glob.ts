/**
 * Globs of `kb:` entries, command-line arguments and `.gitignore` lines: `*`, `?`, `[…]`/`[!…]`
 * within a path segment, `**` across segments.
 *
 * Both come from files anyone may hand Brief (a repository's `.gitignore`, its `.briefrc.yaml`),
 * so a glob must never throw nor take long: a class that is no class (`[z-a]`) is matched as
 * text, and a glob of more than two unbounded repeats (`*` in one segment, `**` anywhere) is
 * matched by a table over pattern and path positions (time their product) rather than by a
 * regular expression, whose backtracking takes the path's length to the power of their number
 * (`*a*a*a*a*b` against 200 `a`s: minutes).
 */

/** What a glob is used for: does a path match it? */
export interface PathTest {
  test(path: string): boolean;
}

type Token =
  | { readonly kind: 'text'; readonly char: string }
  | { readonly kind: 'one' }
  | { readonly kind: 'class'; readonly set: RegExp }
  | { readonly kind: 'star' }
  | { readonly kind: 'anything' }
  | { readonly kind: 'folders' };

/** `glob` as a test of whole paths: a regular expression when that is safe, else a table matcher. */
export function globToRegExp(glob: string): PathTest {
  const tokens = tokensOf(glob);
  return safeForRegExp(tokens) ? new RegExp(`^${sourceOf(tokens)}$`) : new TableMatcher(tokens);
}

/** Paths under `literal` (a path taken as written) that match `glob` after it. */
export function globAfter(literal: string, glob: string | undefined): PathTest {
  const escaped = literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (glob === undefined) return new RegExp(`^${escaped}$`);
  const prefix = literal === '/' ? '/' : `${literal}/`;
  const rest = globToRegExp(glob);
  if (rest instanceof RegExp) return new RegExp(`^${literal === '/' ? '' : escaped}/${rest.source.slice(1, -1)}$`);
  return { test: (path) => path.startsWith(prefix) && rest.test(path.slice(prefix.length)) };
}

/** `glob` matched by the table alone, whatever its `*`: what `globToRegExp` falls back to (and its tests compare). */
export function globByTable(glob: string): PathTest {
  return new TableMatcher(tokensOf(glob));
}

function tokensOf(glob: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const folders = glob[i + 2] === '/';
      tokens.push({ kind: folders ? 'folders' : 'anything' });
      i += folders ? 2 : 1;
    } else if (c === '*') tokens.push({ kind: 'star' });
    else if (c === '?') tokens.push({ kind: 'one' });
    else if (c === '[' && glob.indexOf(']', i + 2) > 0) {
      const close = glob.indexOf(']', i + 2);
      const set = classOf(glob.slice(i + 1, close));
      if (set) {
        tokens.push({ kind: 'class', set });
        i = close;
      } else tokens.push({ kind: 'text', char: c });
    } else tokens.push({ kind: 'text', char: c });
  }
  return tokens;
}

/** `[a-z]`, `[!a-z]` as a one-character expression; undefined when it is no valid class (`[z-a]`). */
function classOf(written: string): RegExp | undefined {
  const negate = written.startsWith('!') || written.startsWith('^');
  const body = (negate ? written.slice(1) : written).replace(/[\\\]^]/g, '\\$&');
  try {
    return new RegExp(`^[${negate ? '^/' : ''}${body}]$`);
  } catch {
    return undefined;
  }
}

/**
 * Whether a regular expression matches `tokens` without runaway backtracking: its unbounded
 * repeats, the `*` of one segment (which cannot cross a `/`) and every `**` (which can), are at
 * most two, so that a path of n characters costs at most n² steps.
 */
function safeForRegExp(tokens: readonly Token[]): boolean {
  let crossing = 0;
  let stars = 0;
  let mostStars = 0;
  for (const t of tokens) {
    if (t.kind === 'anything' || t.kind === 'folders') crossing++;
    if (t.kind === 'star') mostStars = Math.max(mostStars, ++stars);
    if (t.kind === 'folders' || (t.kind === 'text' && t.char === '/')) stars = 0;
  }
  return crossing + mostStars <= 2;
}

function sourceOf(tokens: readonly Token[]): string {
  let re = '';
  for (const t of tokens) {
    if (t.kind === 'folders') re += '(?:.*/)?';
    else if (t.kind === 'anything') re += '.*';
    else if (t.kind === 'star') re += '[^/]*';
    else if (t.kind === 'one') re += '[^/]';
    else if (t.kind === 'class') re += t.set.source.slice(1, -1);
    else re += t.char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

/** Matches by a table of (token, position) answers: each is worked out once. */
class TableMatcher implements PathTest {
  constructor(private readonly tokens: readonly Token[]) {}

  test(path: string): boolean {
    const width = path.length + 1;
    // 0: not worked out yet, 1: matches, 2: does not.
    const known = new Uint8Array((this.tokens.length + 1) * width);
    const at = (ti: number, si: number): boolean => {
      if (ti === this.tokens.length) return si === path.length;
      const slot = ti * width + si;
      if (known[slot] !== 0) return known[slot] === 1;
      const t = this.tokens[ti];
      const here = path[si];
      let result: boolean;
      if (t.kind === 'text') result = here === t.char && at(ti + 1, si + 1);
      else if (t.kind === 'one') result = here !== undefined && here !== '/' && at(ti + 1, si + 1);
      else if (t.kind === 'class') result = here !== undefined && here !== '/' && t.set.test(here) && at(ti + 1, si + 1);
      else if (t.kind === 'star') result = at(ti + 1, si) || (here !== undefined && here !== '/' && at(ti, si + 1));
      else if (t.kind === 'anything') result = at(ti + 1, si) || (here !== undefined && at(ti, si + 1));
      // `**/`: nothing, or anything that ends with a `/`.
      else {
        result = at(ti + 1, si);
        for (let k = si; !result && k < path.length; k++) if (path[k] === '/') result = at(ti + 1, k + 1);
      }
      known[slot] = result ? 1 : 2;
      return result;
    };
    return at(0, 0);
  }
}

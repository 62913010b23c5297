/**
 * A `.gitignore` reader for workspace indexing: briefs a repository ignores are not indexed.
 * It covers what briefs repositories use — comments, `*`, `**`, `?`, `[…]`, a leading or inner
 * `/` (anchored), a trailing `/` (folders only), `!` re-inclusion (last match winning) and the
 * escapes `\#`, `\!`.
 */
import { globToRegExp, type PathTest } from './glob';

/** Decides whether a path relative to the folder (with `/`) is ignored. */
export type IgnoreMatcher = (relativePath: string) => boolean;

export function parseGitignore(text: string): IgnoreMatcher {
  const rules: { negate: boolean; folderOnly: boolean; pattern: PathTest }[] = [];
  for (const raw of text.split(/\r?\n|\r/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    // `\#` and `\!` stand for a name that really starts with # or !.
    if (line.startsWith('\\#') || line.startsWith('\\!')) line = line.slice(1);
    // `**` means "any folders" only as a whole segment; inside a name it is a plain `*`.
    line = line.replace(/\*\*+/g, (run, at: number, all: string) => {
      const before = at === 0 || all[at - 1] === '/';
      const after = at + run.length === all.length || all[at + run.length] === '/';
      return before && after ? '**' : '*';
    });
    const folderOnly = line.endsWith('/');
    if (folderOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    const glob = anchored ? `/${line}` : `/**/${line}`;
    rules.push({ negate, folderOnly, pattern: globToRegExp(glob) });
  }
  // Without `!`, the last applicable rule is any applicable rule: one expression tests them all
  // (a `.gitignore` of hundreds of lines, asked about each of ten thousand briefs).
  const oneOf = (list: typeof rules) => (list.length === 0 ? /(?!)/ : new RegExp(list.map((r) => `(?:${(r.pattern as RegExp).source})`).join('|')));
  // A glob matched without a regular expression (glob.ts: many `*` in a segment) is tested on its own.
  const oneByOne = rules.some((r) => r.negate || !(r.pattern instanceof RegExp));
  const forFiles = oneByOne ? undefined : oneOf(rules.filter((r) => !r.folderOnly));
  const forFolders = oneByOne ? undefined : oneOf(rules);
  const matches = (prefix: string, isFolder: boolean): boolean => {
    if (forFiles && forFolders) return (isFolder ? forFolders : forFiles).test(prefix);
    let ignored = false;
    for (const rule of rules) {
      if (rule.folderOnly && !isFolder) continue;
      if (rule.pattern.test(prefix)) ignored = !rule.negate;
    }
    return ignored;
  };
  // The briefs of one folder share the answers for the folders above them.
  const folders = new Map<string, boolean>();
  const folderIgnored = (prefix: string): boolean => {
    let ignored = folders.get(prefix);
    if (ignored === undefined) {
      if (folders.size >= 10_000) folders.clear();
      folders.set(prefix, (ignored = matches(prefix, true)));
    }
    return ignored;
  };
  return (relativePath) => {
    // A path is ignored when it, or one of the folders above it, matches the last applicable rule.
    const parts = relativePath.split('/');
    let prefix = '';
    for (let depth = 1; depth <= parts.length; depth++) {
      prefix += `/${parts[depth - 1]}`;
      if (depth < parts.length ? folderIgnored(prefix) : matches(prefix, false)) return true;
    }
    return false;
  };
}

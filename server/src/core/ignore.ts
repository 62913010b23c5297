/**
 * A `.gitignore` reader for workspace indexing: briefs a repository ignores are not indexed.
 * It covers what briefs repositories use — comments, `*`, `**`, `?`, `[…]`, a leading or inner
 * `/` (anchored), a trailing `/` (folders only), `!` re-inclusion (last match winning) and the
 * escapes `\#`, `\!`.
 */
import { globToRegExp } from './project';

/** Decides whether a path relative to the folder (with `/`) is ignored. */
export type IgnoreMatcher = (relativePath: string) => boolean;

export function parseGitignore(text: string): IgnoreMatcher {
  const rules: { negate: boolean; folderOnly: boolean; pattern: RegExp }[] = [];
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
  return (relativePath) => {
    // A path is ignored when it, or one of the folders above it, matches the last applicable rule.
    const parts = relativePath.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const prefix = `/${parts.slice(0, depth).join('/')}`;
      const isFolder = depth < parts.length;
      let ignored = false;
      for (const rule of rules) {
        if (rule.folderOnly && !isFolder) continue;
        if (rule.pattern.test(prefix)) ignored = !rule.negate;
      }
      if (ignored) return true;
    }
    return false;
  };
}

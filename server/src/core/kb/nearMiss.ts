/**
 * Did-you-mean for the words of a KB file: a misspelled key (`sumary:`), kind (`grup`),
 * predicate (`member of`), id (`Day Watch`), source or paragraph (`P7`). Each is looked for only
 * once something is wrong, so a clean file never comes here.
 */
import { boundedEditDistance } from './nameDistance';
import { romanizeCyrillic } from '../romanize';
import { normalizeName } from '../normalize';

/** A word as it might have been meant: lower case, runs of spaces and `_` as one `-`. */
function folded(word: string): string {
  return word.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

/**
 * The one option `written` is a slip of, if any: the same word in another case or with spaces
 * for hyphens (`Kind`, `member of`), a typo (one edit in a short word, two in a longer one:
 * `grup`, `evidance`, `qoute`), or the first letters of an option (`para` for paragraph).
 * Undefined when nothing is that close, or when two options are equally close.
 */
export function nearMiss(written: string, options: readonly string[]): string | undefined {
  const word = folded(written);
  if (word === '') return undefined;
  for (const option of options) if (folded(option) === word) return option;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tied = false;
  for (const option of options) {
    const limit = Math.min(word.length, option.length) <= 4 ? 1 : 2;
    const d = boundedEditDistance(word, option, limit);
    if (d > limit) continue;
    if (d < bestDistance) [best, bestDistance, tied] = [option, d, false];
    else if (d === bestDistance) tied = true;
  }
  if (best !== undefined) return tied ? undefined : best;
  const longer = word.length >= 3 ? options.filter((o) => o.startsWith(word)) : [];
  return longer.length === 1 ? longer[0] : undefined;
}

/**
 * The id a name makes, `[a-z0-9]+(-[a-z0-9]+)*`, or '' when it makes none: its normal form
 * (spec §3.3), Cyrillic in Latin letters, anything else between letters and digits as one `-`.
 * The Add-to-KB stub's id, and the did-you-mean of an id written as a name.
 */
export function idFromName(name: string): string {
  return normalizeName(romanizeCyrillic(name)).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** An id written as a name (`Day Watch`, `Night_Watch`): the id it would be, when that is one. */
export function asId(written: string): string | undefined {
  const id = idFromName(written);
  return id !== '' && id !== written ? id : undefined;
}

/**
 * A passage id written another way (`7`, `P7`, `p07`, `C1`) as the source numbers them
 * (`p7`, `c1`), when the source has that passage.
 */
export function asPassageId(written: string, has: (id: string) => boolean): string | undefined {
  const m = /^\s*([pPcC]?)\s*0*([1-9]\d*)\s*$/.exec(written);
  if (!m) return undefined;
  const id = `${(m[1] || 'p').toLowerCase()}${m[2]}`;
  return id !== written && has(id) ? id : undefined;
}

/** ` Did you mean 'x'?` when there is a near miss, else ''. */
export function didYouMean(near: string | undefined): string {
  return near === undefined ? '' : ` Did you mean '${near}'?`;
}

/**
 * A value as a message shows it: on one line (a line break or tab as a space) and, when long,
 * shortened to its first `max` characters and an ellipsis. A message is one line in the editor
 * and in the CLI, and a 350 KB quote must not make a 350 KB message.
 */
export function shown(value: string, max = 80): string {
  const line = value.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ');
  return line.length > max ? `${line.slice(0, max).trimEnd()}…` : line;
}

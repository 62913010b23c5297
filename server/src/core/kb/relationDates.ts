/**
 * A relation's `since` and `until` (spec §4.1): each a date the source gives, to the year, the
 * month or the day. The format is checked by the loader's pattern; this checks what a pattern
 * cannot: a day the calendar has, and an `until` that does not come before its `since`.
 */
import { isCalendarDate } from '../frontMatter';
import type { Field } from './yamlFile';

export const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_HINT = 'use YYYY, YYYY-MM or YYYY-MM-DD';

/** One date of a relation; undefined, and reported, when it is not one the calendar has. */
export function readDate(field: Field): string | undefined {
  const date = field.string({ optional: true, pattern: PARTIAL_DATE, patternHint: DATE_HINT });
  // `2021-02-30`, `2021-04-31`: the pattern lets any day up to 31 through. Said as the front
  // matter of a brief says it of its `date`.
  if (date !== undefined && date.length === 10 && !isCalendarDate(date)) {
    field.problem(`'${date}' is not valid: give a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD.`);
    return undefined;
  }
  return date;
}

/**
 * Reports an `until` before its `since`. Dates of different precision are compared to the
 * coarser one: `since: 2021-06` with `until: 2021` is one year, not a reversal.
 */
export function checkDateOrder(since: string | undefined, until: string | undefined, untilField: Field): boolean {
  if (since === undefined || until === undefined) return true;
  const length = Math.min(since.length, until.length);
  if (until.slice(0, length) >= since.slice(0, length)) return true;
  untilField.problem(`'${until}' is before since '${since}'.`);
  return false;
}

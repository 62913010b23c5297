/**
 * A relation's `since` and `until` (spec §4.1): each a date the source gives, to the year, the
 * month or the day. The format is checked by the loader's pattern; this checks what a pattern
 * cannot: a day the calendar has, and an `until` that does not come before its `since`.
 */
import { isCalendarDate } from '../frontMatter';
import type { Field } from './yamlFile';

/** The form of a date: a year, a month or a day; whether the calendar has it is checked apart. */
const DATE_FORM = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const DATE_HINT = 'use YYYY, YYYY-MM or YYYY-MM-DD';

/** One date of a relation; undefined, and reported, when it is not one the calendar has. */
export function readDate(field: Field): string | undefined {
  const date = field.string({ optional: true, pattern: DATE_FORM, patternHint: DATE_HINT });
  // `2021-00`, `2021-13`, `2021-02-30`: written in the form, but no month or day of the calendar.
  // Said as the front matter of a brief says it of its `date`.
  const month = date !== undefined && date.length >= 7 ? Number(date.slice(5, 7)) : 1;
  if (date !== undefined && (month < 1 || month > 12 || (date.length === 10 && !isCalendarDate(date)))) {
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

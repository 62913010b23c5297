/**
 * The message for a KB quote that is not verbatim in the paragraph it cites (kb-quote-mismatch),
 * with the reason when it is one of the usual slips. Worked out only for a quote that failed.
 */
import type { Evidence, Paragraph, Source } from './model';
import { shown } from './nearMiss';

/** Curly quotation marks and apostrophes as typed ones. */
const plainMarks = (text: string) => text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"');
/** Every run of white space (line breaks, tabs, double spaces) as one space. */
const oneSpace = (text: string) => text.replace(/\s+/g, ' ').trim();

export function quoteMismatchMessage(ev: Evidence, source: Source, passage: Paragraph): string {
  return `The quote is not verbatim in ${ev.source} ¶${ev.paragraph}: "${shown(ev.quote)}".${why(ev.quote, source, passage)}`;
}

function why(quote: string, source: Source, passage: Paragraph): string {
  const text = passage.text;
  // Verbatim, but in another passage: the paragraph number is the slip.
  for (const other of source.passages.values()) {
    if (other !== passage && other.text.includes(quote)) return ` This text is in ¶${other.id}: cite that paragraph.`;
  }
  // The usual slip: typed quotes where the article prints curly ones, or the other way round.
  if (plainMarks(text).includes(plainMarks(quote))) return ' Only its apostrophes or quotation marks differ: copy them from the source as it prints them (’ “ ” or \' ").';
  if (text.toLowerCase().includes(quote.toLowerCase())) return ' It differs only in upper and lower case: copy it as the source prints it.';
  if (oneSpace(text).includes(oneSpace(quote))) return ' It differs only in white space (line breaks, tabs or double spaces): copy it as the source prints it.';
  if (/…|\.\.\./.test(quote)) return ' It holds an ellipsis, which never matches the source: split it into two evidence items, one for each part.';
  return '';
}

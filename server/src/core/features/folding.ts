/**
 * Folding ranges: the (terminated) front matter, each section (a heading down to the line before the next
 * heading of the same or a higher level), each fenced code block, and each region an analyst
 * marks with `%% region` … `%% endregion` comment lines (what language-configuration.json
 * declares too: with a folding provider, VS Code folds by the server's ranges alone).
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { BriefSyntax } from '../syntax';
import { splitLines } from '../text';

/** The text of a `%% region` or `%% endregion` comment (a `#` before the word is allowed, as in other languages). */
const REGION_MARKER = /^\s*#?(end)?region\b/;

export class FoldingProvider {
  /** `text` is the document's text, to leave the blank lines that end a section unfolded. */
  provideFoldingRanges(syntax: BriefSyntax, text: string): FoldingRange[] {
    const lines = splitLines(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).texts;
    const blank = (l: number) => l < lines.length && lines[l].trim() === '';
    const out: FoldingRange[] = [];
    const fm = syntax.frontMatter;
    // Unterminated front matter is no block: its lines are read as body (spec §3.1).
    if (fm?.terminated) out.push({ startLine: fm.range.start.line, endLine: fm.range.end.line });

    // Open sections on a stack: a heading closes every open section of its level or deeper.
    const open: { level: number; line: number }[] = [];
    const close = (before: number) => {
      const section = open.pop();
      if (!section) return;
      let end = before - 1;
      while (end > section.line && blank(end)) end--;
      out.push({ startLine: section.line, endLine: end });
    };
    for (const h of syntax.headings) {
      while (open.length > 0 && open[open.length - 1].level >= h.level) close(h.range.start.line);
      open.push({ level: h.level, line: h.range.start.line });
    }
    while (open.length > 0) close(syntax.lineCount);

    // A block folds onto its opening fence, closing fence included; an unclosed one runs to the end.
    for (const block of syntax.codeBlocks) out.push({ startLine: block.start.line, endLine: block.end.line });

    // Regions nest; an `endregion` without a start, or a start never ended, folds nothing.
    const regions: number[] = [];
    for (const comment of syntax.comments) {
      const line = comment.range.start.line;
      if (lines[line].slice(0, comment.range.start.character).trim() !== '') continue; // only a comment on a line of its own
      const marker = REGION_MARKER.exec(comment.text);
      if (!marker) continue;
      if (!marker[1]) regions.push(line);
      else if (regions.length > 0) out.push({ startLine: regions.pop() as number, endLine: line, kind: FoldingRangeKind.Region });
    }
    return out.filter((r) => r.endLine > r.startLine).sort((a, b) => a.startLine - b.startLine);
  }
}

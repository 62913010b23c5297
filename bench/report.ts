/**
 * The results table, the goals with their verdicts, and the Markdown written into
 * docs/performance.md (between markers, so the hand-written parts of that file survive a run).
 */
import * as fs from 'fs';
import { summarize, ms, mib, type Summary } from './stats';

export type Statistic = 'median' | 'p95';

/** A figure: repeated samples, or a single value; `text` replaces it ("not implemented yet"). */
export interface Cell {
  readonly samples?: readonly number[];
  readonly text?: string;
}

export interface Row {
  readonly section: string;
  readonly metric: string;
  readonly unit: 'ms' | 'bytes';
  /** Which statistic of the samples the row shows and compares. */
  readonly stat: Statistic;
  readonly brief: Cell;
  readonly peer?: Cell;
  readonly minimal?: Cell;
  readonly floor?: Cell;
  readonly note?: string;
}

export function value(cell: Cell | undefined, stat: Statistic): number {
  if (!cell?.samples || cell.samples.length === 0) return NaN;
  const s = summarize(cell.samples);
  return stat === 'p95' ? s.p95 : s.median;
}

function format(cell: Cell | undefined, row: Row): string {
  if (!cell) return '—';
  if (cell.text) return cell.text;
  if (!cell.samples || cell.samples.length === 0) return '—';
  const s: Summary = summarize(cell.samples);
  const show = row.unit === 'bytes' ? mib : ms;
  const main = show(row.stat === 'p95' ? s.p95 : s.median);
  if (s.n === 1) return main;
  // Spread: the inter-quartile range, and the run count.
  return `${main} ±${show(s.iqr / 2)} (n=${s.n})`;
}

function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  const r = a / b;
  return r >= 10 ? `${r.toFixed(0)}×` : r >= 0.1 ? `${r.toFixed(2)}×` : `${r.toFixed(3)}×`;
}

/** The figures as a Markdown table, grouped by section. */
export function resultsTable(rows: readonly Row[]): string {
  const out: string[] = [];
  let section = '';
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      out.push('', `**${section}**`, '', '| figure | Brief | Markdown peer | minimal server | floor | Brief/peer | Brief/minimal | Brief/floor |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    }
    const b = value(row.brief, row.stat);
    const cells = [
      `${row.metric}${row.stat === 'p95' ? ' (p95)' : ''}${row.note ? ` ¹` : ''}`,
      format(row.brief, row),
      format(row.peer, row),
      format(row.minimal, row),
      format(row.floor, row),
      ratio(b, value(row.peer, row.stat)),
      ratio(b, value(row.minimal, row.stat)),
      ratio(b, value(row.floor, row.stat)),
    ];
    out.push(`| ${cells.join(' | ')} |`);
  }
  const notes = rows.filter((r) => r.note);
  if (notes.length > 0) {
    out.push('', '¹ Notes:', '');
    for (const r of notes) out.push(`- *${r.section} — ${r.metric}*: ${r.note}`);
  }
  return out.join('\n');
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  /** Measured over target (≤ 1 meets the goal); NaN when it could not be measured. */
  readonly factor: number;
}

export function goal(goalText: string, measured: number, target: number, describeMeasured: string): Goal {
  return { goal: goalText, measured: describeMeasured, factor: measured / target };
}

export function verdict(g: Goal): string {
  if (!Number.isFinite(g.factor)) return 'not measured';
  if (g.factor < 0) return 'met (below zero: within the noise of the figures it is the difference of)';
  return g.factor <= 1 ? `met (${(g.factor * 100).toFixed(0)}% of the target)` : `**MISSED** by ${g.factor.toFixed(g.factor >= 10 ? 0 : 2)}×`;
}

export function goalsTable(goals: readonly Goal[]): string {
  return ['| goal | measured | verdict |', '| --- | --- | --- |', ...goals.map((g) => `| ${g.goal} | ${g.measured} | ${verdict(g)} |`)].join('\n');
}

const BEGIN = '<!-- bench:begin (written by `npm run bench`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** Replaces the bench's part of the file (or appends it), keeping everything outside the markers. */
export function writeReport(file: string, body: string, preamble: string): void {
  const block = `${BEGIN}\n${body.trim()}\n${END}`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `${preamble.trim()}\n\n`;
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

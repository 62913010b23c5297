/** Summary statistics of repeated timings: median, spread and percentiles. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p95: number;
  /** Inter-quartile range: the spread of the middle half of the runs. */
  readonly iqr: number;
}

/** The `q` quantile (0–1) of sorted values, by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    p95: quantile(sorted, 0.95),
    iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25),
  };
}

/** A duration in ms, with a precision that suits its size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  // A difference of two medians can come out below zero: the magnitude picks the unit.
  if (value < 0) return `−${ms(-value)}`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  if (value >= 0.1) return `${value.toFixed(2)} ms`;
  return `${(value * 1000).toFixed(1)} µs`;
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(0)} MiB` : '—';
}

/** "median (min–max, n=N)". */
export function describe(s: Summary): string {
  return `${ms(s.median)} (${ms(s.min)}–${ms(s.max)}, n=${s.n})`;
}

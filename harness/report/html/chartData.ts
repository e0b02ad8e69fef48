// The numbers behind report.html's charts, computed in Node so the page only draws: CDFs and
// histograms per arm on a shared x axis, per-repetition statistics, and time series aligned on
// one x axis (uPlot wants every series on the same x values; missing points are null).
import type { Comparison } from '../../stats/types.js';

/** One uPlot chart as the page script draws it. `x` is shared by every series; each series'
 *  `data` has x.length entries (null = no point there). */
export interface ChartSpec {
  /** DOM id of the chart's container. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** line: connected points; step: filled steps (histograms); points: markers joined by lines. */
  kind: 'line' | 'step' | 'points';
  x: number[];
  series: { label: string; color: string; dash?: number[]; data: (number | null)[] }[];
}

/** Arm colours: A blue, B orange, further arms after them. */
export const ARM_COLORS = ['#1f77b4', '#e6550d', '#2ca02c', '#9467bd'];
/** Dash patterns telling repetitions of one arm apart: rep 1 solid, then dashed, dotted, ... */
const DASHES: (number[] | undefined)[] = [undefined, [8, 4], [2, 3], [10, 3, 2, 3]];

/** Colour of arm number i (0 = A). */
export function armColor(i: number): string {
  return ARM_COLORS[i % ARM_COLORS.length];
}

/** Dash pattern of repetition number rep (1-based); undefined = solid. */
export function repDash(rep: number): number[] | undefined {
  return DASHES[(rep - 1) % DASHES.length];
}

function sorted(xs: number[]): number[] {
  return xs.filter(Number.isFinite).sort((a, b) => a - b);
}

/** Linear-interpolated quantile of an ascending array, q in [0, 1]. */
function quantile(v: number[], q: number): number {
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

/** Count of entries <= x in an ascending array. */
function countLe(v: number[], x: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Empirical CDFs of several samples on one shared, sorted x grid (each sample's quantiles at
 *  `points` probabilities, merged). y = fraction of that sample <= x, in [0, 1]; an empty sample
 *  gives nulls. */
export function cdfOnGrid(samples: number[][], points = 200): { x: number[]; ys: (number | null)[][] } {
  const sortedSamples = samples.map(sorted);
  const grid = new Set<number>();
  for (const v of sortedSamples) {
    if (v.length === 0) continue;
    const k = Math.min(points, v.length);
    for (let i = 0; i < k; i++) grid.add(quantile(v, k === 1 ? 0 : i / (k - 1)));
  }
  const x = [...grid].sort((a, b) => a - b);
  const ys = sortedSamples.map((v) => x.map((g) => (v.length === 0 ? null : countLe(v, g) / v.length)));
  return { x, ys };
}

/** A bin count that suits the smallest non-empty sample: about its square root, within [8, 40]. */
export function binCount(samples: number[][]): number {
  const sizes = samples.map((s) => s.length).filter((n) => n > 0);
  const n = sizes.length === 0 ? 0 : Math.min(...sizes);
  return Math.max(8, Math.min(40, Math.ceil(Math.sqrt(n))));
}

/** Histograms of several samples on shared bins: `bins` equal bins (default binCount) from the pooled minimum to the
 *  pooled `clipQ` quantile (values above go into the last bin, so one outlier cannot squash the
 *  chart). x = bin left edges plus the right edge of the last bin; y = percent of that sample in
 *  the bin (the final point repeats the last bin so a step chart closes). */
export function histogramOnBins(samples: number[][], bins = binCount(samples), clipQ = 0.995): { x: number[]; ys: number[][]; clippedAbove: number } {
  const pooled = sorted(samples.flat());
  if (pooled.length === 0) return { x: [0, 1], ys: samples.map(() => [0, 0]), clippedAbove: NaN };
  const lo = pooled[0];
  let hi = quantile(pooled, clipQ);
  if (!(hi > lo)) hi = lo + Math.max(1, Math.abs(lo) * 0.01);
  const w = (hi - lo) / bins;
  const x = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  const ys = samples.map((s) => {
    const counts = new Array<number>(bins).fill(0);
    let n = 0;
    for (const v of s) {
      if (!Number.isFinite(v)) continue;
      counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
      n++;
    }
    const pct = counts.map((c) => (n === 0 ? 0 : (100 * c) / n));
    return [...pct, pct[bins - 1]];
  });
  return { x, ys, clippedAbove: hi };
}

/** Several (t, y) series on the union of their t values; a series has null where it has no t. */
export function alignSeries(series: { t: number[]; y: number[] }[]): { x: number[]; ys: (number | null)[][] } {
  const x = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const ys = series.map((s) => {
    const out = new Array<number | null>(x.length).fill(null);
    s.t.forEach((t, i) => {
      const y = s.y[i];
      out[index.get(t)!] = Number.isFinite(y) ? y : null;
    });
    return out;
  });
  return { x, ys };
}

/** Per-repetition statistics of one metric from the comparison: x = repetition 1..n, a series per
 *  arm and statistic (mean and p99 when present). Null where an arm has fewer repetitions. */
export function perRepetitionSeries(c: Comparison, metric: string): { x: number[]; series: { arm: 0 | 1; statistic: string; data: (number | null)[] }[] } {
  const rows = c.metrics.filter((m) => m.metric === metric && (m.statistic === 'mean' || m.statistic === 'p99'));
  const n = Math.max(0, ...rows.flatMap((m) => [m.perRepetition.a.length, m.perRepetition.b.length]));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const pad = (v: number[]) => x.map((_, i) => (i < v.length && Number.isFinite(v[i]) ? v[i] : null));
  const series = rows.flatMap((m) => [
    { arm: 0 as const, statistic: m.statistic, data: pad(m.perRepetition.a) },
    { arm: 1 as const, statistic: m.statistic, data: pad(m.perRepetition.b) },
  ]);
  return { x, series };
}

// Why this file exists: the terminal view of a Comparison: one compact, aligned table with every
// metric and statistic, the interval of B - A, the ratio, both p-values, the verdict, and the MDE
// beside every "no significant difference", followed by the caveats. Pure string, no colours.
import type { Comparison, MetricComparison } from './types.js';

/** Fixed-point with enough digits for the magnitude; "-" for NaN (no interval / no value). */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const ax = Math.abs(x);
  // Under 0.001, 3 decimals would print a nonzero bound as "-0.000", which reads as touching zero.
  if (ax > 0 && ax < 0.001) return x.toPrecision(2);
  const digits = ax >= 100 ? 1 : ax >= 1 ? 2 : ax === 0 ? 2 : 3;
  return x.toFixed(digits);
}

/** p-value: "<0.001" below 0.001, else 3 decimals; "-" for null or NaN. */
export function formatP(p: number | null): string {
  if (p === null || Number.isNaN(p)) return '-';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

function signed(x: number): string {
  const s = formatNumber(x);
  return x > 0 ? `+${s}` : s;
}

const VERDICT_TEXT = { faster: 'faster', slower: 'slower', no_significant_difference: 'no sig. diff' } as const;

/**
 * The MDE cell: absolute and % of A ("61.2 (1.1%)"); in the metric's unit alone when A is within
 * noise of zero ("0.0021 ms (A ~ 0)", see baselineNearZero in mde.ts); "n/a" without an interval.
 */
export function mdeCell(m: MetricComparison): string {
  if (Number.isNaN(m.mde)) return 'n/a';
  if (m.baselineNearZero) return `${formatNumber(m.mde)} ${m.unit} (A ~ 0)`;
  return `${formatNumber(m.mde)} (${Number.isFinite(m.mdePct) ? m.mdePct.toFixed(1) : '-'}%)`;
}

function row(m: MetricComparison, covered: boolean): string[] {
  const ci = Number.isNaN(m.diffCi[0]) ? '[no interval]' : `[${signed(m.diffCi[0])}, ${signed(m.diffCi[1])}]`;
  const ratio = Number.isFinite(m.ratio) ? m.ratio.toFixed(3) : '-';
  const mde = m.verdict === 'no_significant_difference' ? mdeCell(m) : '';
  return [`${m.metric} (${m.unit})`, m.statistic, formatNumber(m.a), formatNumber(m.b), `${signed(m.diff)} ${ci}`, ratio, formatP(m.pValue), formatP(m.mannWhitneyP), Number.isNaN(m.diffCi[0]) ? 'withheld' : VERDICT_TEXT[m.verdict] + (!covered && m.verdict !== 'no_significant_difference' ? '*' : ''), mde];
}

/**
 * The comparison as an aligned text table, e.g.
 *
 *   B "fused" vs A "baseline": 95% CI, hierarchical bootstrap, 2000 resamples, seed 1, repetitions A 4 / B 4
 *   metric      stat    A        B        B-A [95% CI]              B/A    p       MW p    verdict       MDE (80%)
 *   ttft (ms)   mean    5687.8   5654.0   -33.8 [-80.2, +12.6]      0.994  0.160   0.210   no sig. diff  61.2 (1.1%)
 *
 * then one "note:" line per entry of `notes`. Columns: A and B are each arm's pooled statistic; B-A
 * with its interval; B/A the ratio; p the bootstrap p-value; MW p Mann-Whitney's; MDE (absolute
 * and % of A, or in the unit alone when A is within noise of zero: mdeCell) only on no-difference
 * rows. "-" marks a value that does not exist (NaN, null).
 */
export function formatComparison(c: Comparison): string {
  const conf = `${Math.round(c.confidence * 1000) / 10}%`;
  const header = ['metric', 'stat', 'A', 'B', `B-A [${conf} CI]`, 'B/A', 'p', 'MW p', 'verdict', 'MDE (80%)'];
  const rows = [header, ...c.metrics.map((m) => row(m, c.runToRunCovered))];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const numeric = new Set([2, 3, 5, 6, 7]);
  const lines = rows.map((r) => r.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
  const title =
    `B "${c.arms.b}" vs A "${c.arms.a}": ${conf} CI, hierarchical bootstrap, ${c.resamples} resamples, seed ${c.seed}, ` +
    `repetitions A ${c.repetitions.a} / B ${c.repetitions.b}${c.runToRunCovered ? '' : ' (run-to-run variance not covered)'}`;
  const star = !c.runToRunCovered && c.metrics.some((m) => m.verdict !== 'no_significant_difference')
    ? ['* within this run only: with one repetition per arm the interval leaves out run-to-run variance, which alone makes A/A runs differ (see notes)']
    : [];
  return [title, ...lines, ...star, ...c.notes.map((n) => `note: ${n}`)].join('\n');
}

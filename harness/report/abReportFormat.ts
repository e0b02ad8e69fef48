// Words and numbers shared by report.md and report.html, so both say the same thing the same way:
// metric labels and order, statistic order, verdict sentences, number and interval formatting,
// and the notes list (caller's notes + the comparison's + the one-repetition caveat).
import type { Comparison, Interval, MetricComparison, Statistic, Verdict } from '../stats/types.js';
import type { AbReportData, ReportRepetition } from './abReportTypes.js';

/** The four latency metrics the report charts, in print order. */
export const LATENCY_METRICS = ['ttft', 'tpot', 'itl', 'e2el'] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** Statistic print order. */
export const STATISTICS: Statistic[] = ['mean', 'median', 'p90', 'p99'];

const LABELS: Record<string, string> = {
  ttft: 'TTFT',
  tpot: 'TPOT',
  itl: 'ITL',
  e2el: 'E2EL',
  request_throughput: 'Request throughput',
  output_throughput: 'Output token throughput',
  total_token_throughput: 'Total token throughput',
};

/** Display label of a metric stem: "ttft" -> "TTFT", unknown stems are shown as given. */
export function metricLabel(metric: string): string {
  return LABELS[metric] ?? metric;
}

/** Metric stems present in the comparison, latencies first (TTFT, TPOT, ITL, E2EL), then the rest
 *  in their order of first appearance. */
export function metricOrder(c: Comparison): string[] {
  const seen = [...new Set(c.metrics.map((m) => m.metric))];
  const rank = (m: string) => {
    const i = (LATENCY_METRICS as readonly string[]).indexOf(m);
    return i >= 0 ? i : LATENCY_METRICS.length + seen.indexOf(m);
  };
  return seen.sort((x, y) => rank(x) - rank(y));
}

/** The rows of one metric, sorted mean, median, p90, p99. */
export function rowsOf(c: Comparison, metric: string): MetricComparison[] {
  return c.metrics
    .filter((m) => m.metric === metric)
    .sort((x, y) => STATISTICS.indexOf(x.statistic) - STATISTICS.indexOf(y.statistic));
}

/** A number with `digits` decimals; "n/a" for NaN, "inf"/"-inf" for infinities; large magnitudes
 *  (>= 1e6) in exponent form. */
export function num(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Math.abs(x) >= 1e6) return x.toExponential(3);
  // A nonzero value that `digits` decimals would show as 0.00 or -0.00: two significant digits.
  if (x !== 0 && Math.abs(x) < 0.5 * 10 ** -digits) return x.toPrecision(2);
  return x.toFixed(digits);
}

/** A signed number: "+1.23" / "-1.23". */
export function signed(x: number, digits = 2): string {
  const s = num(x, digits);
  return x > 0 && Number.isFinite(x) ? `+${s}` : s;
}

/** "[low, high]" with `digits` decimals. */
export function interval(ci: Interval, digits = 2): string {
  return `[${num(ci[0], digits)}, ${num(ci[1], digits)}]`;
}

/** A p-value: "<0.001" below 0.001, else 3 decimals; "n/a" for null. */
export function pValue(p: number | null): string {
  if (p === null || Number.isNaN(p)) return 'n/a';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** The verdict in words, from B's side: "B faster", "B slower", "no significant difference". */
export function verdictText(v: Verdict, runToRunCovered = true): string {
  const t = v === 'faster' ? 'B faster' : v === 'slower' ? 'B slower' : 'no significant difference';
  // One repetition per arm: a difference within this run only (run-to-run variance not covered).
  return v !== 'no_significant_difference' && !runToRunCovered ? `${t} (this run only)` : t;
}

/** Minimum detectable effect, e.g. "±12.30 ms (2.1%)"; in the metric's unit alone when A is
 *  within noise of zero ("±0.0021 ms (A within noise of 0, no %)"; stats/mde.ts baselineNearZero),
 *  where a percentage of A would be absurd. */
export function mdeText(m: MetricComparison): string {
  if (m.baselineNearZero) return `±${num(m.mde)} ${m.unit} (A within noise of 0, no %)`;
  return `±${num(m.mde)} ${m.unit} (${num(m.mdePct, 1)}%)`;
}

/** `p=0.012`, or `p<0.001` (not `p=<0.001`) below what pValue prints. */
export function pEquals(p: number | null): string {
  const t = pValue(p);
  return t.startsWith('<') ? `p${t}` : `p=${t}`;
}

/** Paired per-request difference, e.g. "-3.10 [-4.00, -2.20] n=32 p=0.004"; "n/a" when absent. */
export function pairedText(m: MetricComparison): string {
  if (!m.paired) return 'n/a';
  const p = m.paired;
  return `${signed(p.meanDiff)} ${interval(p.ci)} n=${p.n} ${pEquals(p.pValue)}`;
}

/**
 * Which column decides the verdict, and why the paired column can disagree with it: the verdict is
 * the run-level comparison (hierarchical bootstrap of B-A and B/A over repetitions, then requests,
 * and its p); the paired column is the mean per-request difference over the repetitions both arms
 * ran, which leaves run-to-run variance out (and, with unequal repetitions, some runs).
 */
export function verdictBasisText(c: Comparison): string {
  const both = Math.min(c.repetitions.a, c.repetitions.b);
  const unequal = c.repetitions.a !== c.repetitions.b
    ? ` Here the arms ran different numbers of repetitions (A ${c.repetitions.a}, B ${c.repetitions.b}): the paired column uses the ${both} both ran, the other columns all of them.`
    : '';
  return 'The verdict comes from the run-level comparison: the B-A and B/A intervals (hierarchical bootstrap: repetitions resampled, then requests within each) and their p. ' +
    'The paired diff column is the mean of per-request differences B-A (same workload slot in both arms) over the repetitions both arms ran, for the mean only; ' +
    'it treats requests as independent and leaves run-to-run variance out, so it can be significant where the verdict is no significant difference.' + unequal;
}

/** The caveat printed when an arm has a single repetition. */
export function oneRepNote(c: Comparison): string {
  const n = Math.min(c.repetitions.a, c.repetitions.b);
  return `${n} repetition per arm: run-to-run variance not covered`;
}

/** All notes to print, without duplicates: the caller's, the comparison's, and the one-repetition
 *  caveat when run-to-run variance is not covered and no note says so already. */
export function allNotes(d: AbReportData): string[] {
  // The accuracy verdict leads: it is the other half of the result, and sits low in the report.
  const acc = d.accuracy ? [`accuracy: ${d.accuracy.verdict}`] : [];
  const notes = [...new Set([...acc, ...d.notes, ...d.comparison.notes])];
  if (!d.comparison.runToRunCovered && !notes.some((n) => /run-to-run/i.test(n))) notes.push(oneRepNote(d.comparison));
  return notes;
}

/** Repetitions sorted by run order. */
export function inRunOrder(reps: ReportRepetition[]): ReportRepetition[] {
  return [...reps].sort((x, y) => x.order - y.order);
}

/** Failure tallies summed per arm: arm -> kind -> count, kinds in first-seen order. */
export function failuresByArm(d: AbReportData): { kinds: string[]; byArm: Map<string, Map<string, number>> } {
  const kinds: string[] = [];
  const byArm = new Map<string, Map<string, number>>(d.arms.map((a) => [a, new Map()]));
  for (const r of inRunOrder(d.repetitions)) {
    const arm = byArm.get(r.arm) ?? new Map<string, number>();
    byArm.set(r.arm, arm);
    for (const [kind, n] of Object.entries(r.failures)) {
      if (!kinds.includes(kind)) kinds.push(kind);
      arm.set(kind, (arm.get(kind) ?? 0) + n);
    }
  }
  return { kinds, byArm };
}

/**
 * The banner's last sentence: after an interrupt the run cut short is kept but not compared (its
 * early-finishing requests would bias the verdicts); a run cut by its own limit (run timeout) is
 * compared with the requests it finished. `reason` as in the manifest's partial_reason.
 */
export function partialScope(reason: string | undefined): string {
  if (failureOf(reason) !== undefined) return 'Only the runs that finished before the failure are compared.';
  return reason === undefined || /^interrupted\b/.test(reason)
    ? 'Only finished runs are compared; a run cut short is kept in its folder, not compared.'
    : 'Only finished requests are counted.';
}

const FAILED = 'the A/B failed: ';

/** The partial_reason of an A/B that failed (manifest status `failed`) with `error`, on one line. */
export function failedReason(error: string): string {
  return `${FAILED}${oneLine(error)}`;
}

/** The error of a reason made by failedReason, else undefined (an interrupt, a timeout, ...). */
export function failureOf(reason: string | undefined): string | undefined {
  return reason?.startsWith(FAILED) ? reason.slice(FAILED.length) : undefined;
}

/** A message on one line: its lines trimmed and joined by a space. */
export function oneLine(s: string): string {
  return s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(' ');
}

// Do the arms fail at different rates? A kernel change that makes 3% of requests time out is a
// regression no latency statistic shows (failed requests are excluded from latencies). Two-sided
// two-proportion z-test (pooled variance; Agresti, Categorical Data Analysis, 3rd ed., s. 1.4.3)
// on failed / sent per arm, all repetitions pooled; with few failures it is only a flag, so the
// note gives the counts too.
import { normalSf } from '../stats/normal.js';
import type { RunData } from './runData.js';

/** Failures and requests of one arm over all its runs, with the tally by kind. */
export interface ArmFailures {
  arm: string;
  failed: number;
  sent: number;
  byKind: Record<string, number>;
}

/** Sums an arm's runs. */
export function armFailures(runs: readonly RunData[], arm: string): ArmFailures {
  const out: ArmFailures = { arm, failed: 0, sent: 0, byKind: {} };
  for (const r of runs) {
    if (r.arm !== arm) continue;
    out.failed += r.failed;
    out.sent += r.failed + r.completed;
    for (const [k, n] of Object.entries(r.failures)) out.byKind[k] = (out.byKind[k] ?? 0) + n;
  }
  return out;
}

/** Two-sided p-value that both arms share one failure rate; 1 when neither failed. */
export function failureRatePValue(a: ArmFailures, b: ArmFailures): number {
  if (a.sent === 0 || b.sent === 0) return 1;
  const p = (a.failed + b.failed) / (a.sent + b.sent);
  if (p === 0 || p === 1) return 1;
  const se = Math.sqrt(p * (1 - p) * (1 / a.sent + 1 / b.sent));
  const z = Math.abs(a.failed / a.sent - b.failed / b.sent) / se;
  return Math.min(1, 2 * normalSf(z));
}

/** "http_500 x33, timeout x2" (most frequent first). */
export function formatTally(byKind: Record<string, number>): string {
  const e = Object.entries(byKind).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
  return e.length === 0 ? 'none' : e.map(([k, n]) => `${k} x${n}`).join(', ');
}

/** The note for the verdict when the failure rates differ at `alpha`, else null. */
export function failureRateNote(a: ArmFailures, b: ArmFailures, alpha: number): string | null {
  const p = failureRatePValue(a, b);
  if (p >= alpha) return null;
  const pct = (f: ArmFailures) => ((100 * f.failed) / f.sent).toFixed(1);
  return (
    `failure rates differ (p = ${p.toPrecision(2)}): ${a.arm} ${a.failed}/${a.sent} (${pct(a)}%: ${formatTally(a.byKind)}), ` +
    `${b.arm} ${b.failed}/${b.sent} (${pct(b)}%: ${formatTally(b.byKind)}); latencies cover successful requests only`
  );
}

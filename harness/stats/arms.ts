// Why this file exists: the whole A/B comparison as comparison.json holds it: every metric and
// statistic, the design (repetitions per arm), and the caveats a reader must see in words.
import { compareMetricStatistics, resolveOptions, type CompareOptions, type MetricSpec } from './compare.js';
import { StatsInputError } from './errors.js';
import type { ArmSample, Comparison, MetricComparison, Statistic } from './types.js';

/** One metric to compare: its spec, the statistics wanted, and both arms' samples. */
export interface MetricInput extends MetricSpec {
  statistics: Statistic[];
  a: ArmSample;
  b: ArmSample;
}

/**
 * Compares arm b against arm a on every metric and statistic. Fills `repetitions` (the most
 * repetitions any metric had per arm), `runToRunCovered` (false when an arm has one repetition)
 * and `notes` (one repetition; run-level metrics without an interval; metrics without pairs).
 * NaN (no interval, no p-value) is kept in memory; JSON.stringify writes it as null, so
 * comparison.json reads `"diffCi": [null, null]` where no interval exists.
 * Throws StatsInputError when there are no metrics, a metric is listed twice, or an input is bad.
 */
export function compareArms(input: { a: string; b: string; metrics: MetricInput[] }, opts: CompareOptions = {}): Comparison {
  const resolved = resolveOptions(opts);
  if (input.metrics.length === 0) throw new StatsInputError('metrics is empty: nothing to compare');
  const seen = new Set<string>();
  const metrics: MetricComparison[] = [];
  const notes: string[] = [];
  let repsA = 0;
  let repsB = 0;
  const noInterval: string[] = [];
  const unpaired: string[] = [];
  const thinTail: string[] = [];
  for (const m of input.metrics) {
    if (seen.has(m.metric)) throw new StatsInputError(`metrics: "${m.metric}" is listed twice`);
    seen.add(m.metric);
    repsA = Math.max(repsA, m.a.repetitions.length);
    repsB = Math.max(repsB, m.b.repetitions.length);
    const { rows, caveats } = compareMetricStatistics(m.a, m.b, m, resolved);
    metrics.push(...rows);
    if (caveats.noInterval) noInterval.push(m.metric);
    if (caveats.unpaired) unpaired.push(m.metric);
    if (caveats.thinTail) thinTail.push(m.metric);
  }
  const runToRunCovered = repsA >= 2 && repsB >= 2;
  if (!runToRunCovered) {
    const single = [repsA < 2 ? `"${input.a}"` : null, repsB < 2 ? `"${input.b}"` : null].filter((x) => x !== null);
    notes.push(
      `one repetition in arm ${single.join(' and arm ')}: intervals cover request-to-request noise only, ` +
        'not run-to-run (server instance) variance; run 2 or more repetitions per arm for an interval that does',
    );
  }
  if (noInterval.length > 0) {
    notes.push(`${noInterval.join(', ')}: one value per run and fewer than 2 repetitions per arm, so no interval; verdict withheld`);
  }
  if (thinTail.length > 0) {
    notes.push(`${thinTail.join(', ')}: p99 from fewer than 100 values per arm; its interval is unreliable (read p90 or the mean)`);
  }
  if (unpaired.length > 0) notes.push(`${unpaired.join(', ')}: no request keys matched between arms, so no paired difference`);
  return {
    arms: { a: input.a, b: input.b },
    alpha: resolved.alpha,
    confidence: 1 - resolved.alpha,
    resamples: resolved.resamples,
    seed: resolved.seed,
    repetitions: { a: repsA, b: repsB },
    runToRunCovered,
    metrics,
    notes,
  };
}

// Why this file exists: one metric of arm A against the same metric of arm B, every requested
// statistic at once: point values, hierarchical-bootstrap interval of B - A and B / A, p-value,
// Mann-Whitney second opinion, paired per-request difference, per-repetition values, MDE and the
// verdict. compareArms (arms.ts) runs it over all metrics and adds the notes.
import { bootstrapArm, statisticsOf } from './bootstrap.js';
import { Rng } from './draw.js';
import { StatsInputError } from './errors.js';
import { bootstrapPValue, NO_INTERVAL, percentileInterval, standardError } from './interval.js';
import { mannWhitneyU } from './mannWhitney.js';
import { baselineNearZero, minimumDetectableEffect } from './mde.js';
import { matchPairs, pairedComparison } from './paired.js';
import { flattenArm, repValues, type FlatArm } from './sample.js';
import { bootstrapBiasFactor, effectiveDf, widening, widenInPlace, widenRatioInPlace } from './smallSample.js';
import type { ArmSample, Interval, MetricComparison, Statistic, Verdict } from './types.js';

/** Options shared by every comparison. */
export interface CompareOptions {
  /** Two-sided significance level; the interval is at 1 - alpha. Default 0.05. */
  alpha?: number;
  /** Bootstrap resamples (and sign-flip permutations). Default 2000. */
  resamples?: number;
  /** Seed of the bootstrap streams (safe integer). Default 1. */
  seed?: number;
}

/** What one metric is, in the report's words. */
export interface MetricSpec {
  /** vLLM's metric stem: ttft, tpot, itl, e2el, request_throughput, ... */
  metric: string;
  unit: 'ms' | 'tok/s' | 'req/s';
  /** false for latencies (lower is faster), true for throughputs. */
  higherIsBetter: boolean;
}

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 1;

/** Resolved options. Throws StatsInputError naming the option and its value. */
export function resolveOptions(opts: CompareOptions): Required<CompareOptions> {
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!(alpha > 0 && alpha < 1)) throw new StatsInputError(`alpha must be between 0 and 1 (exclusive): got ${alpha}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new StatsInputError(`resamples must be a positive integer: got ${resamples}`);
  if (!Number.isSafeInteger(seed)) throw new StatsInputError(`seed must be a safe integer: got ${seed}`);
  return { alpha, resamples, seed };
}

/**
 * The verdict from the interval of B - A: significant when it excludes 0 (equivalently, up to
 * bootstrap granularity, p < alpha); then faster or slower according to higherIsBetter. A NaN
 * interval (no interval possible) is never significant.
 */
export function verdictOf(diffCi: Interval, higherIsBetter: boolean): Verdict {
  const [lo, hi] = diffCi;
  if (!(lo > 0) && !(hi < 0)) return 'no_significant_difference';
  const increased = lo > 0;
  return increased === higherIsBetter ? 'faster' : 'slower';
}

/** Why a metric's interval is missing or narrow; compareArms turns these into notes. */
export interface MetricCaveats {
  /** Run-level metric with fewer than 2 repetitions in an arm: no interval. */
  noInterval: boolean;
  /** Some arm has a single repetition: run-to-run variance not covered. */
  singleRepetition: boolean;
  /** No request keys matched: no paired difference. */
  unpaired: boolean;
  /** p99 asked with fewer than 100 values in an arm: its bootstrap interval is unreliable (an
   *  extreme order statistic; synthetic A/A with 32 values gave a false-positive rate of 0.13). */
  thinTail: boolean;
}

/**
 * Every statistic of one metric, B vs A, from shared bootstrap resamples (the draws do not depend
 * on which statistics are asked, so compareMetric for one statistic gives the same numbers as this
 * for several). Bootstrap streams are named after the metric, so adding or reordering metrics
 * never changes another metric's numbers.
 *
 * - a, b: the statistic of each arm's pooled values (numpy-linear percentiles).
 * - diffCi, ratioCi: percentile intervals of the bootstrap B - A and B / A, widened around their
 *   median by the small-sample factor t_{1-alpha/2,nu} / z_{1-alpha/2} (smallSample.ts); [NaN, NaN]
 *   for a run-level metric (one unit per repetition) with fewer than 2 repetitions in either arm.
 * - pValue: 2 * min(P*(d <= 0), P*(d >= 0)), floored at 1 / (R + 1); NaN without an interval.
 * - mde: (z_{1-alpha/2} + z_{0.8}) * SE(B - A), SE the standard deviation of the (widened)
 *   bootstrap B - A; mdePct = 100 * mde / |a|, NaN when a is within noise of zero
 *   (baselineNearZero in mde.ts: |a| within the half-width of A's own bootstrap percentile
 *   interval, or under 0.01 ms), where a percentage of a means nothing.
 * Throws StatsInputError for an empty arm, a non-finite value or a bad option.
 */
export function compareMetricStatistics(
  aSample: ArmSample,
  bSample: ArmSample,
  spec: MetricSpec & { statistics: readonly Statistic[] },
  opts: CompareOptions = {},
): { rows: MetricComparison[]; caveats: MetricCaveats } {
  const { alpha, resamples, seed } = resolveOptions(opts);
  if (spec.statistics.length === 0) throw new StatsInputError(`${spec.metric}: statistics is empty`);
  const a = flattenArm(aSample, spec.metric);
  const b = flattenArm(bSample, spec.metric);
  const stats = spec.statistics;
  const runLevel = a.runLevel && b.runLevel;
  const noInterval = runLevel && (a.reps < 2 || b.reps < 2);
  const caveats: MetricCaveats = {
    noInterval,
    singleRepetition: a.reps < 2 || b.reps < 2,
    unpaired: false,
    thinTail: !noInterval && stats.includes('p99') && Math.min(a.values.length, b.values.length) < 100,
  };

  const pointA = statisticsOf(a.values, stats);
  const pointB = statisticsOf(b.values, stats);
  const perRepA = perRepetition(a, stats);
  const perRepB = perRepetition(b, stats);

  // t-based widening for few repetitions (smallSample.ts); 1 with a single repetition per arm.
  const widen = noInterval ? 1 : widening(alpha, effectiveDf(a, b)) * bootstrapBiasFactor(a, b);
  let distA: Float64Array[] | null = null;
  let distB: Float64Array[] | null = null;
  if (!noInterval) {
    distA = bootstrapArm(a, stats, resamples, new Rng(seed, `bootstrap:${spec.metric}:a`));
    distB = bootstrapArm(b, stats, resamples, new Rng(seed, `bootstrap:${spec.metric}:b`));
  }

  const mw = runLevel && noInterval ? null : mannWhitneyU(a.values, b.values).pValue;
  const pairs = runLevel ? null : matchPairs(a, b);
  caveats.unpaired = !runLevel && pairs === null;
  const paired = pairs ? pairedComparison(pairs, alpha, resamples, seed, spec.metric) : null;

  const rows = stats.map((statistic, s): MetricComparison => {
    const va = pointA[s];
    const vb = pointB[s];
    let diffCi: Interval = NO_INTERVAL;
    let ratioCi: Interval = NO_INTERVAL;
    let pValue = NaN;
    let mde = NaN;
    let aCi: Interval = NO_INTERVAL;
    if (distA && distB) {
      const da = distA[s];
      const db = distB[s];
      const diff = new Float64Array(resamples);
      const ratio = new Float64Array(resamples);
      for (let i = 0; i < resamples; i++) {
        diff[i] = db[i] - da[i];
        ratio[i] = db[i] / da[i];
      }
      widenInPlace(diff, widen);
      widenRatioInPlace(ratio, widen);
      diffCi = percentileInterval(diff, alpha);
      ratioCi = percentileInterval(ratio, alpha);
      pValue = bootstrapPValue(diff);
      mde = minimumDetectableEffect(standardError(diff), alpha);
      aCi = percentileInterval(da, alpha);
    }
    const nearZero = baselineNearZero(va, aCi, spec.unit);
    return {
      metric: spec.metric,
      statistic,
      unit: spec.unit,
      higherIsBetter: spec.higherIsBetter,
      a: va,
      b: vb,
      diff: vb - va,
      diffCi,
      ratio: vb / va,
      ratioCi,
      pValue,
      mannWhitneyP: mw,
      paired,
      perRepetition: { a: perRepA[s], b: perRepB[s] },
      mde,
      mdePct: va !== 0 && !nearZero ? (100 * mde) / Math.abs(va) : NaN,
      baselineNearZero: nearZero,
      verdict: verdictOf(diffCi, spec.higherIsBetter),
      smallSampleWidening: widen,
    };
  });
  return { rows, caveats };
}

/** Per statistic, its value in each repetition (run order). */
function perRepetition(flat: FlatArm, stats: readonly Statistic[]): number[][] {
  const out = stats.map(() => [] as number[]);
  for (let r = 0; r < flat.reps; r++) {
    const v = statisticsOf(repValues(flat, r), stats);
    for (let s = 0; s < stats.length; s++) out[s].push(v[s]);
  }
  return out;
}

/**
 * B vs A for one metric and one statistic (see compareMetricStatistics for every field's
 * definition). Example: compareMetric(a, b, { metric: 'ttft', statistic: 'p99', unit: 'ms',
 * higherIsBetter: false }). Throws StatsInputError for an empty arm, a non-finite value or a bad
 * option.
 */
export function compareMetric(
  a: ArmSample,
  b: ArmSample,
  opts: MetricSpec & CompareOptions & { statistic: Statistic },
): MetricComparison {
  const { statistic, ...rest } = opts;
  return compareMetricStatistics(a, b, { ...rest, statistics: [statistic] }, rest).rows[0];
}

// Why this file exists: the hierarchical (cluster) bootstrap, the core of abserve's A/B interval.
// Requests inside one run share batches and queues, and runs differ from each other (server
// instance, clocks, cache state), so resampling requests alone gives an interval that is too narrow.
// Each resample draws the arm's repetitions with replacement, then the units (requests) of every
// drawn repetition with replacement, pools the drawn units' values and computes the statistic.
// Source: Davison & Hinkley, "Bootstrap Methods and their Application" (1997), section 3.8
// (two-stage resampling, "Strategy 1"); Saravanan et al., "Application of the hierarchical bootstrap
// to multi-level data in neuroscience" (2020).
import { drawIndex, type Rng } from './draw.js';
import { percentilesInPlace, statisticPercent } from './quantile.js';
import type { FlatArm } from './sample.js';
import type { Statistic } from './types.js';

/** Which statistics one pass computes; owns its small scratch arrays (no allocation per call). */
export class StatPlan {
  readonly percents: number[];
  private readonly pct: Float64Array;
  /** Results of the last evaluate(), in the order of `stats`. */
  readonly out: Float64Array;

  constructor(readonly stats: readonly Statistic[]) {
    this.percents = stats.map(statisticPercent).filter((p): p is number => p !== null);
    this.pct = new Float64Array(Math.max(1, this.percents.length));
    this.out = new Float64Array(stats.length);
  }

  /** True when some statistic needs the values themselves (not only sum and count). */
  get needsValues(): boolean {
    return this.percents.length > 0;
  }

  /** Evaluates on buf[0..n) (reordering it); `mean` is the pooled mean sum / count. */
  evaluate(buf: Float64Array, n: number, sum: number, count: number): Float64Array {
    if (this.percents.length > 0) percentilesInPlace(buf, n, this.percents, this.pct);
    let pi = 0;
    for (let s = 0; s < this.stats.length; s++) this.out[s] = this.stats[s] === 'mean' ? sum / count : this.pct[pi++];
    return this.out;
  }
}

/**
 * Statistics of values (copied, so the input is untouched), numpy-linear percentiles and a
 * left-to-right mean. values must be non-empty.
 */
export function statisticsOf(values: ArrayLike<number>, stats: readonly Statistic[]): number[] {
  const buf = Float64Array.from(values);
  let sum = 0;
  for (let i = 0; i < buf.length; i++) sum += buf[i];
  return Array.from(new StatPlan(stats).evaluate(buf, buf.length, sum, buf.length));
}

/**
 * Hierarchical bootstrap distribution of each statistic for one arm: returns one Float64Array of
 * length `resamples` per entry of `stats`. With a single repetition only units are resampled;
 * with one unit per repetition (run-level metrics) only repetitions are. Draws come from `rng`
 * only, in a fixed order that does not depend on `stats`, so every statistic of one metric sees
 * the same resamples.
 */
export function bootstrapArm(flat: FlatArm, stats: readonly Statistic[], resamples: number, rng: Rng): Float64Array[] {
  const plan = new StatPlan(stats);
  const dists = stats.map(() => new Float64Array(resamples));
  const buf = plan.needsValues ? new Float64Array(flat.reps * flat.maxRepValues) : new Float64Array(0);
  const { values, unitStart, repStart, unitSum, unitCount, reps } = flat;
  const copy = plan.needsValues;
  for (let b = 0; b < resamples; b++) {
    let len = 0;
    let sum = 0;
    let count = 0;
    for (let k = 0; k < reps; k++) {
      const r = reps === 1 ? 0 : drawIndex(rng, reps);
      const u0 = repStart[r];
      const nu = repStart[r + 1] - u0;
      for (let j = 0; j < nu; j++) {
        const u = nu === 1 ? u0 : u0 + drawIndex(rng, nu);
        sum += unitSum[u];
        count += unitCount[u];
        if (copy) {
          const end = unitStart[u + 1];
          for (let i = unitStart[u]; i < end; i++) buf[len++] = values[i];
        }
      }
    }
    const out = plan.evaluate(buf, len, sum, count);
    for (let s = 0; s < dists.length; s++) dists[s][b] = out[s];
  }
  return dists;
}

// Why this file exists: the hierarchical (cluster) bootstrap, the core of abserve's A/B interval.
// Requests inside one run share batches and queues, and runs differ from each other (server
// instance, clocks, cache state), so resampling requests alone gives an interval that is too narrow.
// Each resample draws the arm's repetitions with replacement, then the units (requests) of every
// drawn repetition with replacement, pools the drawn units' values and computes the statistic.
// The pooled percentile is taken by counting, not by copying and selecting (see bootstrapArm).
// Source: Davison & Hinkley, "Bootstrap Methods and their Application" (1997), section 3.8
// (two-stage resampling, "Strategy 1"); Saravanan et al., "Application of the hierarchical bootstrap
// to multi-level data in neuroscience" (2020).
import { drawIndex, type Rng } from './draw.js';
import { lerp, percentilesInPlace, statisticPercent, virtualIndex } from './quantile.js';
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
 *
 * How it stays fast: a resample is a multiset of units, so instead of copying values and
 * selecting, each resample only counts how often each unit was drawn (one Int32Array, reused).
 * The arm's values are sorted once with their unit's index; the order statistics a percentile
 * needs are then found by walking that order from the largest value down, adding each value's
 * unit count, until the lowest needed rank (the median's) is reached: about half the values per
 * resample, no allocation. The result equals numpy's linear percentile of the pooled resample.
 */
export function bootstrapArm(flat: FlatArm, stats: readonly Statistic[], resamples: number, rng: Rng): Float64Array[] {
  const plan = new StatPlan(stats);
  const dists = stats.map(() => new Float64Array(resamples));
  const { repStart, unitSum, unitCount, reps } = flat;
  const nUnits = unitCount.length;
  const weight = new Int32Array(nUnits);
  const order = plan.needsValues ? sortedWithUnits(flat) : null;
  const percents = plan.percents;
  const m = percents.length;
  // per percentile: its lower rank k, fraction gamma, and the two order statistics
  const ranks = new Float64Array(2 * m);
  const found = new Float64Array(2 * m);
  const rankOrder = new Int32Array(2 * m);
  const pct = new Float64Array(m);
  const statIsMean = stats.map((s) => s === 'mean');
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    let count = 0;
    if (order) weight.fill(0);
    for (let k = 0; k < reps; k++) {
      const r = reps === 1 ? 0 : drawIndex(rng, reps);
      const u0 = repStart[r];
      const nu = repStart[r + 1] - u0;
      for (let j = 0; j < nu; j++) {
        const u = nu === 1 ? u0 : u0 + drawIndex(rng, nu);
        sum += unitSum[u];
        count += unitCount[u];
        weight[u]++;
      }
    }
    if (order) {
      // ranks (0-based positions in the pooled, sorted resample) each percentile needs
      for (let s = 0; s < m; s++) {
        const v = virtualIndex(count, percents[s]);
        const lo = v >= count - 1 ? count - 1 : v < 0 ? 0 : Math.floor(v);
        ranks[2 * s] = lo;
        ranks[2 * s + 1] = Math.min(lo + 1, count - 1);
      }
      for (let i = 0; i < 2 * m; i++) rankOrder[i] = i;
      // descending by rank (insertion sort on at most 8 entries)
      for (let i = 1; i < 2 * m; i++) {
        const t = rankOrder[i];
        let j = i - 1;
        while (j >= 0 && ranks[rankOrder[j]] < ranks[t]) {
          rankOrder[j + 1] = rankOrder[j];
          j--;
        }
        rankOrder[j + 1] = t;
      }
      let next = 0;
      let above = 0; // values of the resample strictly above the current position
      for (let i = order.values.length - 1; i >= 0 && next < 2 * m; i--) {
        const w = weight[order.unit[i]];
        if (w === 0) continue;
        const lowestRankHere = count - above - w;
        while (next < 2 * m && ranks[rankOrder[next]] >= lowestRankHere) {
          found[rankOrder[next]] = order.values[i];
          next++;
        }
        above += w;
      }
      for (let s = 0; s < m; s++) {
        const v = virtualIndex(count, percents[s]);
        pct[s] = v >= count - 1 ? found[2 * s] : v < 0 ? found[2 * s] : lerp(found[2 * s], found[2 * s + 1], v - Math.floor(v));
      }
    }
    let pi = 0;
    for (let s = 0; s < dists.length; s++) dists[s][b] = statIsMean[s] ? sum / count : pct[pi++];
  }
  return dists;
}

/** The arm's values ascending, each with the index of the unit it belongs to. */
function sortedWithUnits(flat: FlatArm): { values: Float64Array; unit: Int32Array } {
  const n = flat.values.length;
  const unitOf = new Int32Array(n);
  for (let u = 0; u < flat.unitCount.length; u++) unitOf.fill(u, flat.unitStart[u], flat.unitStart[u + 1]);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const vals = flat.values;
  idx.sort((x, y) => vals[x] - vals[y]);
  const values = new Float64Array(n);
  const unit = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = vals[idx[i]];
    unit[i] = unitOf[idx[i]];
  }
  return { values, unit };
}

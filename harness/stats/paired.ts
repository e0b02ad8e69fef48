// Why this file exists: both arms send identical prompts on an identical schedule, so request i of
// A and request i of B differ mainly by the change under test. Differencing them removes the
// request-to-request spread (prompt length, position in the schedule) and gains power.
import { drawIndex, Rng } from './draw.js';
import { bootstrapPValue, NO_INTERVAL, percentileInterval } from './interval.js';
import { componentsOfGroups, satterthwaiteDf, widening, widenInPlace } from './smallSample.js';
import type { FlatArm } from './sample.js';
import type { Interval } from './types.js';

/** Matched differences b_i - a_i, grouped by repetition index (one group per paired repetition). */
export interface PairedDiffs {
  /** Differences of unit means (ms or the metric's unit); one group per repetition present in both arms. */
  groups: Float64Array[];
  n: number;
}

/**
 * Matches units of repetition r of A with units of repetition r of B that carry the same key (the
 * request's workload index). A unit's value is the mean of its values (a request's mean ITL, its
 * TTFT). Repetitions without keys, and keys present on one side only, are skipped; a key repeated
 * inside a repetition is matched once (its first unit). Returns null when nothing pairs.
 */
export function matchPairs(a: FlatArm, b: FlatArm): PairedDiffs | null {
  const groups: Float64Array[] = [];
  let n = 0;
  const reps = Math.min(a.reps, b.reps);
  for (let r = 0; r < reps; r++) {
    const byKey = new Map<number, number>();
    for (let u = a.repStart[r]; u < a.repStart[r + 1]; u++) {
      const k = a.unitKey[u];
      if (!Number.isNaN(k) && !byKey.has(k)) byKey.set(k, a.unitSum[u] / a.unitCount[u]);
    }
    if (byKey.size === 0) continue;
    const diffs: number[] = [];
    const seen = new Set<number>();
    for (let u = b.repStart[r]; u < b.repStart[r + 1]; u++) {
      const k = b.unitKey[u];
      const av = byKey.get(k);
      if (av === undefined || seen.has(k)) continue;
      seen.add(k);
      diffs.push(b.unitSum[u] / b.unitCount[u] - av);
    }
    if (diffs.length > 0) {
      groups.push(Float64Array.from(diffs));
      n += diffs.length;
    }
  }
  return n === 0 ? null : { groups, n };
}

/** Paired result as MetricComparison.paired carries it. */
export interface PairedResult {
  n: number;
  meanDiff: number;
  ci: Interval;
  pValue: number;
  signFlipP: number;
}

/**
 * Mean of the matched differences (B - A, metric units) with two p-values:
 * - ci and pValue: hierarchical bootstrap (paired repetitions with replacement, then pairs inside
 *   each drawn repetition), widened for few repetitions like the unpaired interval
 *   (smallSample.ts); pValue = 2 * min(P*(d <= 0), P*(d >= 0)), floored at 1 / (R + 1). This one
 *   covers run-to-run variance and is the paired result to quote.
 * - signFlipP: Fisher's sign-flip randomisation test: each of `resamples` permutations flips every
 *   difference's sign with probability 1/2; p = (1 + #{|mean*| >= |mean|}) / (resamples + 1). It
 *   treats pairs as independent, so it is exact for one run but too eager when runs differ (a
 *   run's offset moves all its pairs together): in our synthetic A/A tests with a 10% run-to-run
 *   spread it rejected about 45% of the time at alpha = 0.05, while pValue stayed near 0.05.
 * Sources: Fisher, "The Design of Experiments" (1935), section 21; Good, "Permutation Tests"
 * (2nd ed., 2000). With fewer than 2 pairs the interval is [NaN, NaN] and both p-values are 1.
 */
export function pairedComparison(p: PairedDiffs, alpha: number, resamples: number, seed: number, stream: string): PairedResult {
  let total = 0;
  for (const g of p.groups) for (let i = 0; i < g.length; i++) total += g[i];
  const meanDiff = total / p.n;
  if (p.n < 2) return { n: p.n, meanDiff, ci: NO_INTERVAL, pValue: 1, signFlipP: 1 };
  const rng = new Rng(seed, `paired:${stream}`);
  const dist = new Float64Array(resamples);
  const G = p.groups.length;
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    let c = 0;
    for (let k = 0; k < G; k++) {
      const g = p.groups[G === 1 ? 0 : drawIndex(rng, G)];
      for (let j = 0; j < g.length; j++) s += g[drawIndex(rng, g.length)];
      c += g.length;
    }
    dist[b] = s / c;
  }
  widenInPlace(dist, widening(alpha, satterthwaiteDf([componentsOfGroups(p.groups)])));
  const ci = percentileInterval(dist, alpha);
  const pValue = bootstrapPValue(dist);
  // sign-flip permutation test, on its own stream
  const flip = new Rng(seed, `signflip:${stream}`);
  const obs = Math.abs(meanDiff);
  const tol = 1e-12 * Math.max(1, obs);
  let extreme = 0;
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (const g of p.groups) {
      for (let i = 0; i < g.length; i += 32) {
        const bits = flip.nextU32();
        const end = Math.min(g.length, i + 32);
        for (let j = i; j < end; j++) s += (bits >>> (j - i)) & 1 ? g[j] : -g[j];
      }
    }
    if (Math.abs(s / p.n) >= obs - tol) extreme++;
  }
  return { n: p.n, meanDiff, ci, pValue, signFlipP: (1 + extreme) / (resamples + 1) };
}

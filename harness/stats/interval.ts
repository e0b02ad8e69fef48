// Why this file exists: turns a bootstrap distribution of B - A into what the user reads: the
// percentile interval, the two-sided p-value for "no difference", and the standard error the MDE
// is built on. Source: Efron & Tibshirani, "An Introduction to the Bootstrap" (1993), ch. 13
// (percentile interval) and ch. 16 (bootstrap tests).
import { percentileSorted } from './quantile.js';
import type { Interval } from './types.js';

/** [NaN, NaN]: "no interval" (JSON.stringify writes it as [null, null]). */
export const NO_INTERVAL: Interval = [NaN, NaN];

/**
 * Percentile interval at 1 - alpha: the alpha/2 and 1 - alpha/2 numpy-linear quantiles of the
 * distribution. [NaN, NaN] when the distribution is empty or holds a non-finite value.
 */
export function percentileInterval(dist: Float64Array, alpha: number): Interval {
  if (dist.length === 0) return [NaN, NaN];
  for (let i = 0; i < dist.length; i++) if (!Number.isFinite(dist[i])) return [NaN, NaN];
  const sorted = Float64Array.from(dist).sort();
  return [percentileSorted(sorted, (100 * alpha) / 2), percentileSorted(sorted, 100 * (1 - alpha / 2))];
}

/**
 * Two-sided bootstrap p-value for "the difference is 0": 2 * min(P*(d <= 0), P*(d >= 0)) over the
 * R resampled differences, floored at 1 / (R + 1) (a finite bootstrap cannot show less) and capped
 * at 1. A distribution that is identically 0 gives 1. NaN for an empty distribution.
 */
export function bootstrapPValue(dist: Float64Array): number {
  const r = dist.length;
  if (r === 0) return NaN;
  let le = 0;
  let ge = 0;
  for (let i = 0; i < r; i++) {
    if (dist[i] <= 0) le++;
    if (dist[i] >= 0) ge++;
  }
  const p = (2 * Math.min(le, ge)) / r;
  return Math.min(1, Math.max(p, 1 / (r + 1)));
}

/** Sample standard deviation (n - 1) of the distribution: the bootstrap standard error. */
export function standardError(dist: Float64Array): number {
  const n = dist.length;
  if (n < 2) return NaN;
  let m = 0;
  for (let i = 0; i < n; i++) m += dist[i];
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (dist[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

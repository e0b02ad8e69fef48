// Why this file exists: a "no significant difference" is only meaningful next to the smallest
// effect the design could have detected. abserve prints that minimum detectable effect (MDE).
import { normalQuantile } from './normal.js';

/**
 * Minimum detectable effect of a two-sided test at level alpha with the given power, from the
 * standard error of the difference: MDE = (z_{1-alpha/2} + z_{power}) * SE. With alpha = 0.05 and
 * 80% power the multiplier is 1.960 + 0.842 = 2.802. Same unit as SE (ms, tok/s, req/s).
 * Source: the normal-approximation power formula, e.g. van Belle, "Statistical Rules of Thumb"
 * (2nd ed., 2008), section 2.3; Bloom, "Minimum Detectable Effects" (Evaluation Review, 1995).
 * NaN when SE is NaN. Throws RangeError for alpha or power outside (0, 1).
 */
export function minimumDetectableEffect(se: number, alpha: number, power = 0.8): number {
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * se;
}

/** Below this many ms a latency baseline counts as zero: 10 µs, finer than the client resolves
 *  (it stamps chunks from the event loop, whose dispatch alone takes tens of µs). */
export const ZERO_FLOOR_MS = 0.01;

/**
 * Whether the baseline A is within noise of zero, so that an MDE (or any effect) as a percentage of
 * A means nothing (0.002 ms of MDE against a 0.001 ms mean reads as 200%). True when |A| is no
 * larger than the half-width of A's own bootstrap percentile interval `aCi` (A cannot be told
 * from 0), or, for a metric in ms, when |A| < ZERO_FLOOR_MS. A NaN interval (none computed) only
 * leaves the floor. Reports then print the MDE in the metric's unit (ms) instead of as a percentage.
 */
export function baselineNearZero(a: number, aCi: readonly [number, number], unit: string): boolean {
  const half = (aCi[1] - aCi[0]) / 2;
  if (Math.abs(a) <= half) return true;
  return unit === 'ms' && Math.abs(a) < ZERO_FLOOR_MS;
}

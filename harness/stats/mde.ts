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

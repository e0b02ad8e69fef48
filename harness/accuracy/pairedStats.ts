// Interval and power for a difference of paired proportions (same questions, arms A and B): the
// numbers beside McNemar's p-value in `abserve eval compare`. Pure functions of the 2x2 counts.
import { normalQuantile } from '../stats/normal.js';

export { normalQuantile };


/** Interval for p_B - p_A from n pairs of which `b` are right in A only and `c` right in B only:
 *  the Agresti-Min adjusted Wald interval (add 1/2 to each of the four cells, then Wald), from
 *  Agresti, A. & Min, Y. (2005) "Simple improved confidence intervals for comparing matched
 *  proportions", Statistics in Medicine 24:729-740. Bounds clipped to [-1, 1]; fractions, not points. */
export function pairedDiffCi(b: number, c: number, n: number, alpha = 0.05): [number, number] {
  const z = normalQuantile(1 - alpha / 2);
  const nn = n + 2;
  const bb = b + 0.5;
  const cc = c + 0.5;
  const diff = (cc - bb) / nn;
  const se = Math.sqrt(Math.max(0, bb + cc - (cc - bb) ** 2 / nn)) / nn;
  return [Math.max(-1, diff - z * se), Math.min(1, diff + z * se)];
}

/** Smallest |p_B - p_A| a McNemar test on n pairs detects with the given power, when a share
 *  `discordance` of the pairs disagree: solves Connor's approximation
 *  n = (z_{1-alpha/2} sqrt(psi) + z_power sqrt(psi - delta^2))^2 / delta^2
 *  (Connor, R. J. (1987) "Sample size for testing differences in proportions for the paired-sample
 *  design", Biometrics 43:207-211) for delta, and never reports less than the exact test's floor:
 *  the fewest discordant pairs, all one way, that reach significance (6 at alpha 0.05), over n.
 *  Fraction (0.024 = 2.4 points). */
export function pairedMde(n: number, discordance: number, alpha = 0.05, power = 0.8): number {
  if (n <= 0) return 1;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const floor = Math.min(1, Math.ceil(Math.log2(2 / alpha)) / n);
  const psi = Math.min(1, Math.max(0, discordance));
  const f = (d: number) => n * d * d - (za * Math.sqrt(psi) + zb * Math.sqrt(Math.max(0, psi - d * d))) ** 2;
  if (psi === 0 || f(psi) < 0) return Math.max(floor, psi);
  let lo = 0;
  let hi = psi;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return Math.max(floor, hi);
}

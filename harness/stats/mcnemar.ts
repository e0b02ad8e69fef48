// McNemar's test for paired binary outcomes (question right in arm A, right in arm B): only the
// discordant pairs carry information. Exact binomial test when they are few, chi-square with
// continuity correction otherwise.
// Sources: McNemar, Q. (1947) "Note on the sampling error of the difference between correlated
// proportions or percentages", Psychometrika 12:153-157; Edwards (1948) for the continuity
// correction; Agresti, A. (2013) Categorical Data Analysis, 3rd ed., section 11.1 (the exact
// conditional binomial form and its use when b + c is small).
import { erfc } from './normal.js';

/** Discordant counts: `b` = pairs right in A only, `c` = pairs right in B only. */
export interface McNemarInput {
  b: number;
  c: number;
}

export interface McNemarResult {
  b: number;
  c: number;
  /** 'exact': two-sided binomial test of b against Bin(b + c, 1/2); 'chi2cc': (|b - c| - 1)^2 / (b + c)
   *  against chi-square with 1 degree of freedom. 'none': no discordant pairs (p = 1). */
  method: 'exact' | 'chi2cc' | 'none';
  /** The chi-square statistic (null for the exact test). */
  statistic: number | null;
  /** Two-sided p-value in [0, 1]. */
  pValue: number;
}

/** Below this many discordant pairs the exact test is used (the chi-square approximation is poor
 *  for small b + c; Agresti 2013 and most texts put the line at 20-25). */
export const EXACT_BELOW = 25;

/** McNemar's test on discordant counts.
 *  @param exactBelow use the exact binomial test when b + c < exactBelow (default 25); pass
 *  Infinity to always use it.
 *  @throws RangeError when b or c is not a non-negative integer. */
export function mcnemar({ b, c }: McNemarInput, exactBelow = EXACT_BELOW): McNemarResult {
  for (const [k, v] of [['b', b], ['c', c]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`mcnemar: ${k} must be a non-negative integer: got ${v}`);
  }
  const n = b + c;
  if (n === 0) return { b, c, method: 'none', statistic: null, pValue: 1 };
  if (n < exactBelow) return { b, c, method: 'exact', statistic: null, pValue: exactBinomialTwoSided(Math.min(b, c), n) };
  const stat = Math.max(0, Math.abs(b - c) - 1) ** 2 / n;
  return { b, c, method: 'chi2cc', statistic: stat, pValue: chiSquare1Sf(stat) };
}

/** Two-sided exact p of k (<= n/2) successes in n fair coin flips: min(1, 2 P(X <= k)). */
export function exactBinomialTwoSided(k: number, n: number): number {
  let cdf = 0;
  for (let i = 0; i <= k; i++) cdf += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, 2 * cdf);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const LOG_FACT: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACT.length; i <= n; i++) LOG_FACT[i] = LOG_FACT[i - 1] + Math.log(i);
  return LOG_FACT[n];
}

/** Upper tail of chi-square with 1 df: P(X > x) = erfc(sqrt(x / 2)). */
export function chiSquare1Sf(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

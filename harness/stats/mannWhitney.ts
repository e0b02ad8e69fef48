// Why this file exists: a rank test as a second opinion beside the bootstrap. It asks a different
// question (is a value from B stochastically smaller/larger than one from A?) and does not care
// about outliers, so a disagreement with the bootstrap is worth a look. It treats every pooled
// value as independent, so with correlated requests it is too eager; it is an opinion, not the
// verdict.

import { normalSf } from './normal.js';

/** U statistic of A, the tie-corrected normal p-value and the z it came from. */
export interface MannWhitneyResult {
  /** U of the first sample: the number of (a, b) pairs with a > b, ties counting 1/2. */
  u: number;
  z: number;
  /** Two-sided p-value, in [0, 1]; 1 when every value is tied. */
  pValue: number;
}

/**
 * Mann-Whitney U test, two-sided, normal approximation with tie correction and continuity
 * correction, as scipy.stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True):
 * U1 = R1 - n1(n1+1)/2 (R1 the rank sum of a, mid-ranks for ties), mu = n1 n2 / 2,
 * sigma^2 = n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), z = (max(U1, U2) - mu - 0.5) / sigma,
 * p = min(1, 2 * P(Z >= z)). Source: Mann & Whitney (1947); the tie term from Lehmann,
 * "Nonparametrics" (1975). O(n log n); inputs are not modified.
 * Throws RangeError when either sample is empty.
 */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError(`Mann-Whitney needs two non-empty samples: got ${n1} and ${n2} values`);
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  // Walk both sorted samples as one merged sequence, group by value, give each group its mid-rank.
  let i = 0;
  let j = 0;
  let rank = 0; // ranks used so far
  let r1 = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && sa[i] <= sb[j]) ? sa[i] : sb[j];
    let ca = 0;
    let cb = 0;
    while (i < n1 && sa[i] === v) {
      i++;
      ca++;
    }
    while (j < n2 && sb[j] === v) {
      j++;
      cb++;
    }
    const t = ca + cb;
    const mid = rank + (t + 1) / 2;
    r1 += ca * mid;
    tieTerm += t * t * t - t;
    rank += t;
  }
  const n = n1 + n2;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - (n > 1 ? tieTerm / (n * (n - 1)) : 0));
  if (!(variance > 0)) return { u: u1, z: 0, pValue: 1 };
  const z = (Math.max(u1, u2) - mu - 0.5) / Math.sqrt(variance);
  return { u: u1, z, pValue: Math.min(1, 2 * normalSf(z)) };
}

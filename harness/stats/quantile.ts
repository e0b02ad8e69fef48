// Why this file exists: the bootstrap evaluates median/p90/p99 thousands of times on scratch buffers.
// Sorting each resample is wasteful; quickselect finds just the order statistics numpy's 'linear'
// percentile needs, in place, with no allocation. The rule is numpy's default np.percentile
// (virtual index (n-1)*q, then _lerp from the nearer end), the same as metrics/numpyStats.ts, so
// a pooled p99 here equals the p99 vLLM would print for the same values (checked in the tests).
import type { Statistic } from './types.js';

/** Percentile in percent (0..100) for a Statistic, or null for the mean. */
export function statisticPercent(s: Statistic): number | null {
  switch (s) {
    case 'mean':
      return null;
    case 'median':
      return 50;
    case 'p90':
      return 90;
    case 'p99':
      return 99;
  }
}

/** numpy's virtual index for 'linear' on n values at percent p (same arithmetic order as numpy). */
export function virtualIndex(n: number, p: number): number {
  const q = p / 100;
  return n * q + (1 + q * (1 - 1 - 1)) - 1;
}

/** numpy's _lerp between neighbours a <= b at fraction gamma. */
export function lerp(a: number, b: number, gamma: number): number {
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** np.percentile(sorted, p) ('linear'); `sorted` ascending, non-empty, p in percent. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const v = virtualIndex(n, p);
  if (v >= n - 1) return sorted[n - 1];
  if (v < 0) return sorted[0];
  const prev = Math.floor(v);
  return lerp(sorted[prev], sorted[prev + 1], v - prev);
}

/**
 * Rearranges buf[lo..hi] (inclusive) so that buf[k] is the value a sort would put there, every
 * element before it is <= and every element after it is >=. Iterative Hoare quickselect with a
 * median-of-three pivot; expected O(hi - lo).
 */
export function selectInPlace(buf: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three into buf[mid]
    if (buf[mid] < buf[lo]) swap(buf, mid, lo);
    if (buf[hi] < buf[lo]) swap(buf, hi, lo);
    if (buf[hi] < buf[mid]) swap(buf, hi, mid);
    const pivot = buf[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        swap(buf, i, j);
        i++;
        j--;
      }
    }
    // now [lo..j] <= pivot <= [i..hi], and j < i
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(buf: Float64Array, i: number, j: number): void {
  const t = buf[i];
  buf[i] = buf[j];
  buf[j] = t;
}

/**
 * numpy-linear percentiles of buf[0..n) without sorting: `percents` (0..100) in any order, results
 * written to `out` in the same order. Reorders buf[0..n); allocates nothing after the first call.
 * n must be >= 1.
 */
export function percentilesInPlace(buf: Float64Array, n: number, percents: readonly number[], out: Float64Array): void {
  const m = percents.length;
  const order = scratchOrder(m);
  for (let s = 0; s < m; s++) order[s] = s;
  // largest percent first (insertion sort: at most a handful of entries)
  for (let s = 1; s < m; s++) {
    const t = order[s];
    let j = s - 1;
    while (j >= 0 && percents[order[j]] < percents[t]) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = t;
  }
  // `fixed`: the smallest index selected so far; buf[fixed] holds its sorted value and buf[0..fixed)
  // holds exactly the `fixed` smallest values, so a smaller index is selected inside that prefix.
  let fixed = n;
  const place = (j: number): number => {
    // an index >= fixed was placed earlier (walk is descending) and keeps its sorted value
    if (j < fixed) {
      selectInPlace(buf, 0, fixed - 1, j);
      fixed = j;
    }
    return buf[j];
  };
  for (let oi = 0; oi < m; oi++) {
    const s = order[oi];
    const v = virtualIndex(n, percents[s]);
    if (v >= n - 1) out[s] = place(n - 1);
    else if (v < 0) out[s] = place(0);
    else {
      const k = Math.floor(v);
      // k + 1 >= fixed only when k + 1 was placed by an earlier, larger percentile: its value stands.
      const b = place(k + 1);
      const a = place(k);
      out[s] = lerp(a, b, v - k);
    }
  }
}

let orderBuf = new Int32Array(8);
function scratchOrder(m: number): Int32Array {
  if (orderBuf.length < m) orderBuf = new Int32Array(m);
  return orderBuf;
}

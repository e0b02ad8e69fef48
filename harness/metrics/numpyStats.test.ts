// numpy's results for these inputs, worked out by hand from numpy's definitions.
import { describe, expect, it } from 'vitest';
import { npMean, npMedianSorted, npPercentileSorted, npStd, pairwiseSum, summarize } from './numpyStats.js';

describe('np.percentile (linear)', () => {
  const a = [1, 2, 3, 4];
  it('interpolates at (n - 1) * p / 100', () => {
    expect(npPercentileSorted(a, 25)).toBe(1.75); // index 0.75
    expect(npPercentileSorted(a, 50)).toBe(2.5); // index 1.5
    expect(npPercentileSorted(a, 99)).toBeCloseTo(3.97, 12); // index 2.97
    expect(npPercentileSorted(a, 0)).toBe(1);
    expect(npPercentileSorted(a, 100)).toBe(4);
    expect(npPercentileSorted([10, 20], 90)).toBe(19); // index 0.9
    expect(npPercentileSorted([7], 99)).toBe(7);
  });
  it('matches numpy bit for bit where lerp direction matters', () => {
    // numpy: virtual 2.97, gamma >= 0.5 -> 4 - 1 * (1 - 0.97...) = 3.9699999999999998
    expect(npPercentileSorted(a, 99)).toBe(3.9699999999999998);
  });
});

describe('np.median / np.mean / np.std', () => {
  it('median averages the two middle values of an even count', () => {
    expect(npMedianSorted([1, 2, 3, 4])).toBe(2.5);
    expect(npMedianSorted([1, 2, 3])).toBe(2);
  });
  it('std is the population std (ddof = 0)', () => {
    // mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, / 4 = 1.25
    expect(npStd([1, 2, 3, 4])).toBe(Math.sqrt(1.25));
  });
  it('sums pairwise like numpy, not left to right', () => {
    // 8 values: ((1e16 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) = 1e16 + 2 + 4 (1e16 + 1 rounds to
    // 1e16, ties to even); adding left to right loses every 1.
    const a = [1e16, 1, 1, 1, 1, 1, 1, 1];
    expect(pairwiseSum(a)).toBe(1e16 + 6);
    expect(a.reduce((s, v) => s + v, 0)).toBe(1e16);
    expect(npMean(a)).toBe((1e16 + 6) / 8);
  });
});

describe('summarize', () => {
  it('gives zeros for no values, as vLLM does with `[] or 0`', () => {
    expect(summarize([], [99])).toEqual({
      count: 0,
      mean: 0,
      median: 0,
      std: 0,
      min: 0,
      max: 0,
      percentiles: [{ p: 99, value: 0 }],
    });
  });
  it('sorts before taking order statistics', () => {
    const s = summarize([4, 1, 3, 2], [25, 50]);
    expect(s.median).toBe(2.5);
    expect(s.percentiles).toEqual([
      { p: 25, value: 1.75 },
      { p: 50, value: 2.5 },
    ]);
    expect([s.min, s.max]).toEqual([1, 4]);
  });
});

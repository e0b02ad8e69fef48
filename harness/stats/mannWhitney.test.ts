// Mann-Whitney U against hand-computed examples (also what scipy.stats.mannwhitneyu gives with
// method='asymptotic').
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from './mannWhitney.js';

describe('mannWhitneyU', () => {
  it('a small example with one tie, by hand', () => {
    // pooled sorted: 1a 2a 3a 3b 4a 5b 6b -> ranks 1 2 3.5 3.5 5 6 7; R1 = 11.5, U1 = 11.5 - 10 = 1.5
    // mu = 6; tie term 2^3 - 2 = 6; var = 12/12 * (8 - 6/42) = 7.857143; z = (10.5 - 6 - 0.5)/2.80306
    const r = mannWhitneyU([1, 2, 3, 4], [3, 5, 6]);
    expect(r.u).toBe(1.5);
    expect(r.z).toBeCloseTo(4 / Math.sqrt(8 - 6 / 42), 10);
    expect(r.pValue).toBeCloseTo(0.15357640, 6); // scipy: 0.15357639654998376
  });
  it('is symmetric in its p-value, 1 for identical samples, and small for separated ones', () => {
    const a = [1.5, 2.5, 2.5, 7, 9, 11];
    const b = [3, 4, 5, 6, 8, 10, 12, 13];
    expect(mannWhitneyU(a, b).pValue).toBeCloseTo(0.27196302, 6); // scipy
    expect(mannWhitneyU(b, a).pValue).toBeCloseTo(mannWhitneyU(a, b).pValue, 12);
    expect(mannWhitneyU([5, 5, 5], [5, 5]).pValue).toBe(1);
    const lo = Array.from({ length: 30 }, (_, i) => i);
    const hi = lo.map((x) => x + 100);
    expect(mannWhitneyU(lo, hi).pValue).toBeLessThan(1e-9);
  });
  it('rejects an empty sample', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/non-empty/);
  });
});

// The MDE of a baseline within noise of zero: as a percentage of A it was absurd (a 0.001 ms mean
// gave an MDE in the hundreds of thousands of %); it is then given in the metric's unit only.
import { describe, expect, it } from 'vitest';
import { compareMetric } from './compare.js';
import { Rng } from './draw.js';
import { formatComparison } from './format.js';
import { baselineNearZero, ZERO_FLOOR_MS } from './mde.js';
import type { ArmSample, Comparison } from './types.js';

const spec = { metric: 'itl', unit: 'ms' as const, higherIsBetter: false, statistic: 'mean' as const, resamples: 300, seed: 1 };

/** An arm of 3 repetitions x 50 requests, each value mean + sd * uniform(-1, 1). */
function arm(name: string, mean: number, sd: number, seed: number): ArmSample {
  const r = new Rng(seed, name);
  return { arm: name, repetitions: Array.from({ length: 3 }, () => ({ units: Array.from({ length: 50 }, () => [mean + sd * (2 * r.uniform() - 1)]) })) };
}

describe('baselineNearZero', () => {
  it('is true within A\'s own interval half-width or under the floor in ms, false otherwise', () => {
    expect(baselineNearZero(0.5, [-0.2, 1.2], 'ms')).toBe(true); // half-width 0.7 >= 0.5
    expect(baselineNearZero(0.5, [0.4, 0.6], 'ms')).toBe(false);
    expect(baselineNearZero(ZERO_FLOOR_MS / 2, [NaN, NaN], 'ms')).toBe(true);
    expect(baselineNearZero(ZERO_FLOOR_MS / 2, [NaN, NaN], 'tok/s')).toBe(false);
  });
});

describe('MDE of a tiny baseline', () => {
  it('a 0.001 ms baseline: no percentage, the MDE in ms, in the text table too', () => {
    const m = compareMetric(arm('A', 0.001, 0.0005, 1), arm('B', 0.001, 0.05, 2), spec);
    expect(m.verdict).toBe('no_significant_difference');
    expect(m.baselineNearZero).toBe(true);
    expect(Number.isNaN(m.mdePct)).toBe(true);
    expect(m.mde).toBeGreaterThan(0);
    const c: Comparison = {
      arms: { a: 'A', b: 'B' }, alpha: 0.05, confidence: 0.95, resamples: 300, seed: 1,
      repetitions: { a: 3, b: 3 }, runToRunCovered: true, metrics: [m], notes: [],
    };
    const row = formatComparison(c).split('\n')[2]!;
    expect(row).toMatch(/no sig\. diff\s+\d\.\d+ ms \(A ~ 0\)$/);
    expect(row).not.toContain('%');
  });

  it('a baseline well away from zero keeps its percentage', () => {
    const m = compareMetric(arm('A', 20, 2, 3), arm('B', 20, 2, 4), spec);
    expect(m.baselineNearZero).toBe(false);
    expect(m.mdePct).toBeCloseTo((100 * m.mde) / Math.abs(m.a), 9);
  });
});

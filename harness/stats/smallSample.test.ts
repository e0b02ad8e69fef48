import { describe, expect, it } from 'vitest';
import { widenInPlace, widenRatioInPlace } from './smallSample.js';

describe('widening a bootstrap distribution', () => {
  it('scales differences around their median', () => {
    const d = Float64Array.from([-2, 0, 1, 2, 4]);
    widenInPlace(d, 2);
    expect([...d]).toEqual([-5, -1, 1, 3, 7]);
  });

  it('widens ratios on the log scale: they stay positive and keep their median', () => {
    const r = Float64Array.from([0.2, 0.5, 1, 2, 5]);
    widenRatioInPlace(r, 3);
    expect(r[2]).toBeCloseTo(1, 12);
    expect(Math.min(...r)).toBeGreaterThan(0); // linearly it would be 1 + 3 x (0.2 - 1) = -1.4
    expect(r[0]).toBeCloseTo(0.2 ** 3, 12);
    expect(r[4]).toBeCloseTo(5 ** 3, 9);
  });
});

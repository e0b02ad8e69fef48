// Reference values from scipy.stats (norm.ppf, norm.sf, t.ppf) and tables.
import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect } from './mde.js';
import { normalCdf, normalQuantile, normalSf } from './normal.js';
import { studentTQuantile } from './studentT.js';

describe('normal and t distributions', () => {
  it('normal quantile and tails match scipy', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621234, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(normalSf(1.42701)).toBeCloseTo(0.0767882, 6);
    expect(normalCdf(-1.959963985)).toBeCloseTo(0.025, 7);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
  it('t quantile matches scipy for integer and fractional df', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.70620474, 5);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.182446305, 6);
    expect(studentTQuantile(0.975, 2.5)).toBeCloseTo(3.574654842, 6);
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });
  it('MDE multiplier is z_{0.975} + z_{0.8} = 2.8016 per unit of SE at alpha 0.05', () => {
    expect(minimumDetectableEffect(1, 0.05)).toBeCloseTo(2.801585, 5);
    expect(minimumDetectableEffect(2, 0.05)).toBeCloseTo(5.60317, 4);
    expect(minimumDetectableEffect(1, 0.01)).toBeGreaterThan(minimumDetectableEffect(1, 0.05));
  });
});

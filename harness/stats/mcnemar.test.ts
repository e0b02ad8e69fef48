// McNemar against textbook numbers and hand-computed exact tails.
import { describe, expect, it } from 'vitest';
import { chiSquare1Sf, exactBinomialTwoSided, mcnemar } from './mcnemar.js';
import { erfc } from './normal.js';

describe('mcnemar', () => {
  it("Agresti's presidential approval table (CDA 3rd ed., Table 11.1): b=150, c=86", () => {
    // Without correction z^2 = 64^2/236 = 17.36 (the book's value); with Edwards' correction 63^2/236.
    const r = mcnemar({ b: 150, c: 86 });
    expect(r.method).toBe('chi2cc');
    expect(r.statistic).toBeCloseTo(3969 / 236, 10);
    expect(r.statistic).toBeCloseTo(16.818, 3);
    expect(r.pValue).toBeCloseTo(4.115e-5, 7);
  });
  it("Wikipedia's example (b=121, c=59): corrected statistic 20.67", () => {
    const r = mcnemar({ b: 121, c: 59 });
    expect(r.statistic).toBeCloseTo(61 ** 2 / 180, 10);
    expect(r.pValue).toBeLessThan(1e-5);
    expect(r.pValue).toBeGreaterThan(1e-6);
  });
  it('uses the exact binomial test for few discordant pairs', () => {
    // b=1, c=8: 2 * (C(9,0) + C(9,1)) / 2^9 = 20/512.
    const r = mcnemar({ b: 1, c: 8 });
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(20 / 512, 12);
    expect(mcnemar({ b: 8, c: 1 }).pValue).toBeCloseTo(20 / 512, 12);
    // 0 vs 6: 2/64 = 0.03125 < 0.05; 0 vs 5: 2/32 = 0.0625, not significant.
    expect(mcnemar({ b: 0, c: 6 }).pValue).toBeCloseTo(0.03125, 12);
    expect(mcnemar({ b: 0, c: 5 }).pValue).toBeCloseTo(0.0625, 12);
    expect(mcnemar({ b: 5, c: 5 }).pValue).toBe(1);
  });
  it('is p = 1 with no discordant pairs and refuses bad counts', () => {
    expect(mcnemar({ b: 0, c: 0 })).toEqual({ b: 0, c: 0, method: 'none', statistic: null, pValue: 1 });
    expect(() => mcnemar({ b: -1, c: 2 })).toThrow(/b must be a non-negative integer: got -1/);
    expect(() => mcnemar({ b: 1, c: 2.5 })).toThrow(/c must be/);
  });
  it('exact and chi-square agree roughly where both are reasonable, and exactBelow switches', () => {
    const exact = mcnemar({ b: 20, c: 40 }, Infinity);
    const approx = mcnemar({ b: 20, c: 40 });
    expect(exact.method).toBe('exact');
    expect(approx.method).toBe('chi2cc');
    expect(Math.abs(Math.log(exact.pValue / approx.pValue))).toBeLessThan(0.1);
  });
});

describe('helpers', () => {
  it('erfc and the chi-square(1) tail match known values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(chiSquare1Sf(3.841458820694124)).toBeCloseTo(0.05, 6);
    expect(chiSquare1Sf(0)).toBe(1);
  });
  it('exact binomial sums the lower tail', () => {
    expect(exactBinomialTwoSided(0, 1)).toBe(1);
    expect(exactBinomialTwoSided(2, 10)).toBeCloseTo((2 * (1 + 10 + 45)) / 1024, 12);
  });
});

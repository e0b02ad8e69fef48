// The bootstrap's percentiles must be numpy's: checked against metrics/numpyStats (the project's
// bit-exact numpy port) on random data with ties, and the counting walk against copy-and-sort.
import { describe, expect, it } from 'vitest';
import { npMedianSorted, npPercentileSorted } from '../metrics/numpyStats.js';
import { bootstrapArm, statisticsOf } from './bootstrap.js';
import { drawIndex, Rng } from './draw.js';
import { percentilesInPlace, percentileSorted } from './quantile.js';
import { flattenArm } from './sample.js';
import type { ArmSample } from './types.js';

function randomValues(rng: Rng, n: number): Float64Array {
  // rounded to 1 decimal so ties are common
  return Float64Array.from({ length: n }, () => Math.round(rng.exponential(10) * 10) / 10);
}

describe('numpy-linear percentiles', () => {
  it('quickselect and the sorted rule equal numpy (metrics/numpyStats) for n = 1..300 with ties', () => {
    const rng = new Rng(11, 'quantile');
    const percents = [99, 50, 90, 0, 100, 12.5];
    const out = new Float64Array(percents.length);
    for (let n = 1; n <= 300; n += n < 20 ? 1 : 17) {
      const v = randomValues(rng, n);
      const sorted = Float64Array.from(v).sort();
      const buf = Float64Array.from(v);
      percentilesInPlace(buf, n, percents, out);
      percents.forEach((p, i) => {
        expect(out[i]).toBe(npPercentileSorted(sorted, p));
        expect(percentileSorted(sorted, p)).toBe(npPercentileSorted(sorted, p));
      });
      expect(statisticsOf(v, ['median'])[0]).toBe(npMedianSorted(sorted));
      // selection only permutes
      expect(Float64Array.from(buf).sort()).toEqual(sorted);
    }
  });
});

describe('bootstrapArm counting walk', () => {
  it('equals copying the drawn units and sorting, draw for draw', () => {
    const rng = new Rng(5, 'walk');
    const arm: ArmSample = {
      arm: 'A',
      repetitions: [3, 7, 1].map((nu) => ({
        units: Array.from({ length: nu }, () => Array.from(randomValues(rng, 1 + drawIndex(rng, 4)))),
      })),
    };
    const flat = flattenArm(arm, 'itl');
    const stats = ['mean', 'median', 'p90', 'p99'] as const;
    const R = 200;
    const got = bootstrapArm(flat, stats, R, new Rng(9, 's'));
    // reference: the same draws, values copied and sorted
    const ref = new Rng(9, 's');
    for (let b = 0; b < R; b++) {
      const pooled: number[] = [];
      for (let k = 0; k < arm.repetitions.length; k++) {
        const rep = arm.repetitions[drawIndex(ref, arm.repetitions.length)];
        for (let j = 0; j < rep.units.length; j++) pooled.push(...rep.units[rep.units.length === 1 ? 0 : drawIndex(ref, rep.units.length)]);
      }
      const sorted = Float64Array.from(pooled).sort();
      expect(got[1][b]).toBe(npMedianSorted(sorted));
      expect(got[2][b]).toBe(npPercentileSorted(sorted, 90));
      expect(got[3][b]).toBe(npPercentileSorted(sorted, 99));
      expect(got[0][b]).toBeCloseTo(pooled.reduce((s, x) => s + x, 0) / pooled.length, 9);
    }
  });
});

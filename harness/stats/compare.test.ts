// The A/B statistics on synthetic samples with known truth: false-positive rate of A/A draws,
// detection and coverage of a planted shift, the paired test's power, MDE scaling, and the edges.
import { describe, expect, it } from 'vitest';
import { compareArms } from './arms.js';
import { compareMetric, compareMetricStatistics } from './compare.js';
import { Rng } from './draw.js';
import { StatsInputError } from './errors.js';
import { requestEffects, syntheticArm } from './synthetic.js';
import type { ArmSample } from './types.js';

const ttft = { metric: 'ttft', unit: 'ms' as const, higherIsBetter: false };

describe('A/A false-positive rate', () => {
  it('200 synthetic A/A draws (4 repetitions x 32 requests, 10% run-to-run spread) reject near alpha', () => {
    // Per-run offset sd 10% of the mean (reported run-to-run TTFT spread on one vLLM branch) plus
    // 20% per-request noise: run-to-run variance dominates, the hard case for a bootstrap over few runs.
    const draws = 200;
    const alpha = 0.05;
    const rejects = { mean: 0, median: 0 };
    for (let d = 0; d < draws; d++) {
      const rng = new Rng(1000 + d, 'aa');
      const a = syntheticArm(rng, { arm: 'A', repetitions: 4, requests: 32, runSd: 0.1, noiseSd: 0.2 });
      const b = syntheticArm(rng, { arm: 'B', repetitions: 4, requests: 32, runSd: 0.1, noiseSd: 0.2 });
      const { rows } = compareMetricStatistics(a, b, { ...ttft, statistics: ['mean', 'median'] }, { alpha, resamples: 200, seed: d });
      if (rows[0].verdict !== 'no_significant_difference') rejects.mean++;
      if (rows[1].verdict !== 'no_significant_difference') rejects.median++;
    }
    const tolerance = 3 * Math.sqrt((alpha * (1 - alpha)) / draws); // 3 binomial sigma = 0.046
    for (const r of Object.values(rejects)) expect(Math.abs(r / draws - alpha)).toBeLessThanOrEqual(tolerance);
  });
});

describe('planted shift', () => {
  it('a +5% shift is called slower in 12 of 12 seeds, with the true shift inside the interval', () => {
    let covered = 0;
    for (let seed = 0; seed < 12; seed++) {
      const rng = new Rng(seed, 'shift');
      const shape = { repetitions: 6, requests: 150, runSd: 0.01, noiseSd: 0.2 };
      const a = syntheticArm(rng, { arm: 'A', ...shape });
      const b = syntheticArm(rng, { arm: 'B', ...shape, shift: 0.05 });
      const m = compareMetric(a, b, { ...ttft, statistic: 'mean', resamples: 300, seed });
      expect(m.verdict).toBe('slower');
      expect(m.pValue).toBeLessThan(0.05);
      // truth: mean 100 ms -> 105 ms, ratio 1.05
      if (m.diffCi[0] <= 5 && 5 <= m.diffCi[1] && m.ratioCi[0] <= 1.05 && 1.05 <= m.ratioCi[1]) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(10);
  });
  it('a faster throughput is "faster" when higher is better', () => {
    const rng = new Rng(3, 'tput');
    const run = (v: number) => ({ units: [[v]] });
    const a: ArmSample = { arm: 'A', repetitions: [100, 101, 99, 100.5, 99.5].map((v) => run(v + rng.normal() * 0.1)) };
    const b: ArmSample = { arm: 'B', repetitions: [110, 111, 109, 110.5, 109.5].map(run) };
    const m = compareMetric(a, b, { metric: 'output_throughput', unit: 'tok/s', higherIsBetter: true, statistic: 'mean' });
    expect(m.verdict).toBe('faster');
    expect(m.paired).toBeNull();
    expect(m.perRepetition.b).toEqual([110, 111, 109, 110.5, 109.5]);
  });
});

describe('paired per-request difference', () => {
  it('gains power when requests carry a shared per-request effect', () => {
    const rng = new Rng(21, 'paired');
    const effects = requestEffects(rng, 64, 0.3); // same prompt -> same effect in both arms
    const shape = { repetitions: 1, requests: 64, runSd: 0, noiseSd: 0.05, requestEffects: effects };
    const a = syntheticArm(rng, { arm: 'A', ...shape });
    const b = syntheticArm(rng, { arm: 'B', ...shape, shift: 0.03 });
    const m = compareMetric(a, b, { ...ttft, statistic: 'mean', seed: 4 });
    expect(m.verdict).toBe('no_significant_difference'); // unpaired: drowned by the request spread
    expect(m.paired).not.toBeNull();
    const p = m.paired!;
    expect(p.n).toBe(64);
    expect(p.pValue).toBeLessThan(0.05);
    expect(p.signFlipP).toBeLessThan(0.05);
    expect(p.ci[0]).toBeGreaterThan(0);
    expect(p.ci[1] - p.ci[0]).toBeLessThan((m.diffCi[1] - m.diffCi[0]) / 3);
  });
  it('pairs by repetition index and key, skipping keys on one side only', () => {
    const a: ArmSample = { arm: 'A', repetitions: [{ units: [[1], [2], [3]], keys: [0, 1, 2] }] };
    const b: ArmSample = { arm: 'B', repetitions: [{ units: [[13], [11], [50]], keys: [2, 0, 9] }] };
    const m = compareMetric(a, b, { ...ttft, statistic: 'mean' });
    expect(m.paired!.n).toBe(2);
    expect(m.paired!.meanDiff).toBe(10); // (13 - 3 + 11 - 1) / 2
  });
});

describe('minimum detectable effect', () => {
  it('shrinks about as 1/sqrt(repetitions)', () => {
    const mdeFor = (reps: number): number => {
      let sum = 0;
      for (let s = 0; s < 4; s++) {
        const rng = new Rng(s, `mde${reps}`);
        const shape = { repetitions: reps, requests: 32, runSd: 0.1, noiseSd: 0.2 };
        const a = syntheticArm(rng, { arm: 'A', ...shape });
        const b = syntheticArm(rng, { arm: 'B', ...shape });
        sum += compareMetric(a, b, { ...ttft, statistic: 'mean', resamples: 400, seed: s }).mde;
      }
      return sum / 4;
    };
    const ratio = mdeFor(8) / mdeFor(32);
    // 1/sqrt(n) predicts 2; the small-sample widening adds t_14 / t_62 ~ 1.07 at 8 repetitions
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.7);
  });
});

describe('edges', () => {
  it('one repetition per arm: requests resampled, run-to-run not covered, said in a note', () => {
    const rng = new Rng(8, 'one');
    const a = syntheticArm(rng, { arm: 'A', repetitions: 1, requests: 32 });
    const b = syntheticArm(rng, { arm: 'B', repetitions: 1, requests: 32 });
    const c = compareArms({ a: 'A', b: 'B', metrics: [{ ...ttft, statistics: ['mean', 'p99'], a, b }] }, { resamples: 300 });
    expect(c.runToRunCovered).toBe(false);
    expect(c.repetitions).toEqual({ a: 1, b: 1 });
    expect(c.notes.join(' ')).toMatch(/run-to-run/);
    expect(c.notes.join(' ')).toMatch(/ttft: p99 from fewer than 100 values per arm/);
    expect(Number.isFinite(c.metrics[0].diffCi[0])).toBe(true);
    expect(c.metrics[0].diffCi[0]).toBeLessThan(c.metrics[0].diffCi[1]);
  });
  it('a run-level metric with one repetition per arm has no interval, a withheld verdict and a note', () => {
    const a: ArmSample = { arm: 'A', repetitions: [{ units: [[1000]] }] };
    const b: ArmSample = { arm: 'B', repetitions: [{ units: [[2000]] }] };
    const c = compareArms({ a: 'A', b: 'B', metrics: [{ metric: 'request_throughput', unit: 'req/s', higherIsBetter: true, statistics: ['mean'], a, b }] });
    const m = c.metrics[0];
    expect(m.diff).toBe(1000);
    expect(m.ratio).toBe(2);
    expect(Number.isNaN(m.diffCi[0]) && Number.isNaN(m.ratioCi[1]) && Number.isNaN(m.pValue) && Number.isNaN(m.mde)).toBe(true);
    expect(m.mannWhitneyP).toBeNull();
    expect(m.verdict).toBe('no_significant_difference');
    expect(c.notes.join(' ')).toMatch(/request_throughput: one value per run .* no interval/);
    // NaN is written as null by JSON.stringify, never as the invalid token NaN
    const json = JSON.stringify(c);
    expect(json).not.toMatch(/NaN|Infinity/);
    const back = JSON.parse(json);
    expect(back.metrics[0].diffCi).toEqual([null, null]);
    expect(back.metrics[0].pValue).toBeNull();
  });
  it('zero variance: identical constants give p = 1 and MDE 0; different constants are significant', () => {
    const constant = (arm: string, v: number): ArmSample => ({ arm, repetitions: [0, 1, 2].map(() => ({ units: [[v], [v], [v]] })) });
    const same = compareMetric(constant('A', 10), constant('B', 10), { ...ttft, statistic: 'p99' });
    expect(same.diffCi).toEqual([0, 0]);
    expect(same.pValue).toBe(1);
    expect(same.mde).toBe(0);
    expect(same.verdict).toBe('no_significant_difference');
    const diff = compareMetric(constant('A', 10), constant('B', 11), { ...ttft, statistic: 'median' });
    expect(diff.diffCi).toEqual([1, 1]);
    expect(diff.verdict).toBe('slower');
  });
  it('bad input is one line naming the arm, field or option', () => {
    const ok: ArmSample = { arm: 'A', repetitions: [{ units: [[1], [2]] }] };
    const run = (b: ArmSample, opts = {}) => () => compareMetric(ok, b, { ...ttft, statistic: 'mean', ...opts });
    expect(run({ arm: 'B', repetitions: [] })).toThrow(new StatsInputError('ttft: arm "B": repetitions is empty (no runs to compare)'));
    expect(run({ arm: 'B', repetitions: [{ units: [] }] })).toThrow(/arm "B": repetitions\[0\]\.units is empty/);
    expect(run({ arm: 'B', repetitions: [{ units: [[1], [NaN]] }] })).toThrow(/repetitions\[0\]\.units\[1\]\[0\] is NaN/);
    expect(run({ arm: 'B', repetitions: [{ units: [[1]], keys: [1, 2] }] })).toThrow(/keys has 2 entries for 1 units/);
    expect(run(ok, { alpha: 1.5 })).toThrow(/alpha must be between 0 and 1.*1\.5/);
    expect(run(ok, { resamples: 0 })).toThrow(/resamples must be a positive integer: got 0/);
  });
  it('is seeded: same seed same numbers; compareMetric equals the compareArms row', () => {
    const rng = new Rng(2, 'det');
    const a = syntheticArm(rng, { arm: 'A', repetitions: 3, requests: 20, valuesPerUnit: 3 });
    const b = syntheticArm(rng, { arm: 'B', repetitions: 3, requests: 20, valuesPerUnit: 3 });
    const one = compareMetric(a, b, { ...ttft, metric: 'itl', statistic: 'p90', resamples: 300, seed: 5 });
    const c = compareArms({ a: 'A', b: 'B', metrics: [{ ...ttft, metric: 'itl', statistics: ['mean', 'p90'], a, b }] }, { resamples: 300, seed: 5 });
    expect(c.metrics[1]).toEqual(one);
    const other = compareMetric(a, b, { ...ttft, metric: 'itl', statistic: 'p90', resamples: 300, seed: 6 });
    expect(other.diffCi).not.toEqual(one.diffCi);
    expect(other.diff).toBe(one.diff);
  });
});

import { describe, expect, it } from 'vitest';
import { arrivalOffsetsMs, rateAt, type ArrivalOptions } from './arrivals.js';
import { Rng } from '../common/rng.js';
import { UserError } from '../common/errors.js';

const N = 20_000;

function gapsMs(offsets: number[]): number[] {
  return offsets.map((t, i) => t - (i === 0 ? 0 : offsets[i - 1]!));
}
function meanCv(xs: number[]): { mean: number; cv: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, cv: sd / mean };
}

describe('arrival schedule', () => {
  it.each([
    [1, 'Poisson'],
    [0.5, 'bursty gamma'],
    [4, 'smooth gamma'],
  ])('burstiness %s (%s): gap CV is 1/sqrt(shape), mean is 1/rate, last arrival n/rate', (shape) => {
    const rate = 8;
    const offsets = arrivalOffsetsMs(N, { requestRate: rate, burstiness: shape }, new Rng(7, 'arrivals'));
    const { mean, cv } = meanCv(gapsMs(offsets));
    expect(Math.abs(cv - 1 / Math.sqrt(shape)) / (1 / Math.sqrt(shape))).toBeLessThan(0.05);
    // vLLM rescales a fixed-rate schedule so it ends exactly at n / rate.
    expect(offsets[N - 1]).toBeCloseTo((N / rate) * 1000, 6);
    expect(mean).toBeCloseTo(1000 / rate, 6);
    expect(offsets.every((t, i) => i === 0 || t >= offsets[i - 1]!)).toBe(true);
  });

  it.each([1, 0.5, 4])('unnormalised draws (flat ramp, shape %s) have mean gap 1/rate and CV 1/sqrt(shape)', (shape) => {
    // A ramp from R to R is a constant rate without vLLM's rescaling, so this checks the raw draws.
    const offsets = arrivalOffsetsMs(
      N,
      { requestRate: Infinity, burstiness: shape, rampUp: { strategy: 'linear', startRps: 5, endRps: 5 } },
      new Rng(8, 'arrivals'),
    );
    const { mean, cv } = meanCv(gapsMs(offsets));
    expect(Math.abs(mean - 200) / 200).toBeLessThan(0.04);
    expect(Math.abs(cv - 1 / Math.sqrt(shape)) / (1 / Math.sqrt(shape))).toBeLessThan(0.05);
  });

  it('rate inf sends everything at 0; burstiness inf spaces requests evenly', () => {
    expect(arrivalOffsetsMs(5, { requestRate: Infinity, burstiness: 1 }, new Rng(1))).toEqual([0, 0, 0, 0, 0]);
    expect(arrivalOffsetsMs(4, { requestRate: 4, burstiness: Infinity }, new Rng(1))).toEqual([250, 500, 750, 1000]);
  });

  it('is reproducible for a seed and differs for another', () => {
    const o: ArrivalOptions = { requestRate: 10, burstiness: 0.7 };
    const a = arrivalOffsetsMs(1000, o, new Rng(11, 'arrivals'));
    expect(arrivalOffsetsMs(1000, o, new Rng(11, 'arrivals'))).toEqual(a);
    expect(arrivalOffsetsMs(1000, o, new Rng(12, 'arrivals'))).not.toEqual(a);
  });

  it('linear ramp-up: target rate rises evenly from start to end, and the observed rate follows it', () => {
    const o: ArrivalOptions = { requestRate: Infinity, burstiness: 1, rampUp: { strategy: 'linear', startRps: 2, endRps: 50 } };
    expect(rateAt(o, 0, 101)).toBe(2);
    expect(rateAt(o, 50, 101)).toBe(26);
    expect(rateAt(o, 100, 101)).toBe(50);
    checkObservedRates(o);
  });

  it('exponential ramp-up: target rate rises geometrically from start to end', () => {
    const o: ArrivalOptions = { requestRate: Infinity, burstiness: 1, rampUp: { strategy: 'exponential', startRps: 1, endRps: 100 } };
    expect(rateAt(o, 0, 101)).toBe(1);
    expect(rateAt(o, 50, 101)).toBeCloseTo(10, 10);
    expect(rateAt(o, 100, 101)).toBeCloseTo(100, 10);
    expect(rateAt(o, 0, 1)).toBe(1);
    checkObservedRates(o);
  });

  it('rejects bad values with the flag and value named', () => {
    const bad: [ArrivalOptions, RegExp][] = [
      [{ requestRate: 0, burstiness: 1 }, /--request-rate must be > 0 or inf: got 0/],
      [{ requestRate: NaN, burstiness: 1 }, /--request-rate .*got NaN/],
      [{ requestRate: 1, burstiness: 0 }, /--burstiness must be > 0 .*got 0/],
      [{ requestRate: 3, burstiness: 1, rampUp: { strategy: 'linear', startRps: 1, endRps: 2 } }, /--request-rate must not be set with --ramp-up-strategy.*got 3/],
      [{ requestRate: Infinity, burstiness: 1, rampUp: { strategy: 'linear', startRps: 0, endRps: 2 } }, /--ramp-up-start-rps must be > 0.*got 0/],
      [{ requestRate: Infinity, burstiness: 1, rampUp: { strategy: 'exponential', startRps: 5, endRps: 2 } }, /--ramp-up-start-rps must be <= --ramp-up-end-rps: got 5 > 2/],
      [{ requestRate: Infinity, burstiness: 1, rampUp: { strategy: 'step' as 'linear', startRps: 1, endRps: 2 } }, /--ramp-up-strategy must be linear or exponential: got step/],
    ];
    for (const [o, msg] of bad) {
      expect(() => arrivalOffsetsMs(3, o, new Rng(1))).toThrow(UserError);
      expect(() => arrivalOffsetsMs(3, o, new Rng(1))).toThrow(msg);
    }
  });
});

/** Over 10 equal slices of the requests, the observed rate must track the mean target rate. */
function checkObservedRates(o: ArrivalOptions): void {
  const n = 20_000;
  const offsets = arrivalOffsetsMs(n, o, new Rng(9, 'arrivals'));
  const slices = 10;
  const per = n / slices;
  const observed: number[] = [];
  for (let s = 0; s < slices; s++) {
    const first = s * per;
    const last = first + per - 1;
    const start = first === 0 ? 0 : offsets[first - 1]!;
    const observedRate = per / ((offsets[last]! - start) / 1000);
    // Harmonic mean of the target rates: the expected count over the expected duration.
    let expectedDuration = 0;
    for (let i = first; i <= last; i++) expectedDuration += 1 / rateAt(o, i, n);
    const expectedRate = per / expectedDuration;
    expect(Math.abs(observedRate - expectedRate) / expectedRate).toBeLessThan(0.08);
    observed.push(observedRate);
  }
  for (let s = 1; s < slices; s++) expect(observed[s]).toBeGreaterThan(observed[s - 1]!);
}

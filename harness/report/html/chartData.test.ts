import { describe, expect, it } from 'vitest';
import type { Comparison, MetricComparison } from '../../stats/types.js';
import { alignSeries, binCount, cdfOnGrid, histogramOnBins, perRepetitionSeries } from './chartData.js';

describe('cdfOnGrid', () => {
  it('evaluates each sample\'s ECDF on the merged, sorted grid', () => {
    const { x, ys } = cdfOnGrid([[1, 2, 3, 4], [3, 5]]);
    expect(x).toEqual([...x].sort((a, b) => a - b));
    expect(new Set(x).size).toBe(x.length);
    expect(x[0]).toBe(1);
    expect(x[x.length - 1]).toBe(5);
    // fraction <= x: at x=3, sample 1 has 3/4, sample 2 has 1/2
    const i3 = x.indexOf(3);
    expect(ys[0][i3]).toBe(0.75);
    expect(ys[1][i3]).toBe(0.5);
    expect(ys[0][x.length - 1]).toBe(1);
    expect(ys[1][x.length - 1]).toBe(1);
    expect(ys[1][0]).toBe(0);
  });
  it('keeps at most `points` grid values per sample and stays monotone', () => {
    const big = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_007);
    const { x, ys } = cdfOnGrid([big], 50);
    expect(x.length).toBeLessThanOrEqual(50);
    for (let i = 1; i < ys[0].length; i++) expect(ys[0][i]!).toBeGreaterThanOrEqual(ys[0][i - 1]!);
  });
  it('gives nulls for an empty sample and ignores non-finite values', () => {
    const { x, ys } = cdfOnGrid([[1, NaN, 2], []]);
    expect(x).toEqual([1, 2]);
    expect(ys[0]).toEqual([0.5, 1]);
    expect(ys[1]).toEqual([null, null]);
  });
});

describe('histogramOnBins', () => {
  it('shares bins between samples and sums to 100% per sample', () => {
    const { x, ys } = histogramOnBins([[0, 1, 2, 3], [2, 3, 3, 3]], 4, 1);
    expect(x).toEqual([0, 0.75, 1.5, 2.25, 3]);
    expect(ys[0].slice(0, 4)).toEqual([25, 25, 25, 25]);
    expect(ys[1].slice(0, 4)).toEqual([0, 0, 25, 75]);
    for (const y of ys) expect(y.slice(0, -1).reduce((a, b) => a + b, 0)).toBeCloseTo(100);
    expect(ys[0][4]).toBe(ys[0][3]); // closing point repeats the last bin
  });
  it('folds values above the clip quantile into the last bin', () => {
    const s = [...Array.from({ length: 999 }, (_, i) => i / 999), 1e6];
    const { x, ys, clippedAbove } = histogramOnBins([s], 10, 0.99);
    expect(clippedAbove).toBeLessThan(1);
    expect(x[x.length - 1]).toBe(clippedAbove);
    expect(ys[0].slice(0, -1).reduce((a, b) => a + b, 0)).toBeCloseTo(100);
  });
  it('survives a constant sample and an all-empty input', () => {
    const c = histogramOnBins([[5, 5, 5]], 4);
    expect(c.ys[0].slice(0, -1).reduce((a, b) => a + b, 0)).toBeCloseTo(100);
    expect(c.x[4]).toBeGreaterThan(5);
    expect(histogramOnBins([[], []]).ys).toEqual([[0, 0], [0, 0]]);
  });
  it('picks about sqrt(n) bins within [8, 40]', () => {
    expect(binCount([Array(64).fill(1), Array(100).fill(1)])).toBe(8);
    expect(binCount([Array(400).fill(1)])).toBe(20);
    expect(binCount([Array(100_000).fill(1)])).toBe(40);
    expect(binCount([[]])).toBe(8);
  });
});

describe('alignSeries', () => {
  it('puts series on the union of their x values with nulls for gaps', () => {
    const { x, ys } = alignSeries([{ t: [0, 1, 2], y: [10, 11, 12] }, { t: [1, 3], y: [5, NaN] }]);
    expect(x).toEqual([0, 1, 2, 3]);
    expect(ys).toEqual([[10, 11, 12, null], [null, 5, null, null]]);
  });
});

describe('perRepetitionSeries', () => {
  const row = (statistic: 'mean' | 'p99' | 'median', a: number[], b: number[]): MetricComparison =>
    ({ metric: 'ttft', statistic, perRepetition: { a, b } }) as MetricComparison;
  it('gives mean and p99 per arm, padded with null to the longer arm', () => {
    const c = { metrics: [row('mean', [1, 2, 3], [4, 5]), row('median', [0], [0]), row('p99', [7, 8, 9], [10, 11])] } as Comparison;
    const { x, series } = perRepetitionSeries(c, 'ttft');
    expect(x).toEqual([1, 2, 3]);
    expect(series.map((s) => `${s.arm}:${s.statistic}`)).toEqual(['0:mean', '1:mean', '0:p99', '1:p99']);
    expect(series[1].data).toEqual([4, 5, null]);
  });
});

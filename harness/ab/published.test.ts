import { describe, expect, it } from 'vitest';
import type { Comparison, MetricComparison } from '../stats/types.js';
import { claimBeside, PUBLISHED } from './published.js';

function comparison(ratio: number, ci: [number, number], mdePct: number): Comparison {
  const m = { metric: 'ttft', statistic: 'mean', ratio, ratioCi: ci, mdePct, verdict: 'no_significant_difference' } as MetricComparison;
  return { arms: { a: 'with-op', b: 'without-op' }, alpha: 0.05, confidence: 0.95, resamples: 2000, seed: 1, repetitions: { a: 3, b: 3 }, runToRunCovered: true, metrics: [m], notes: [] };
}

describe('the published claim beside this run', () => {
  it('gives the published ratio without interval and ours with one, and says when the claim is below the MDE', () => {
    const lines = claimBeside(PUBLISHED['4k-1k'], comparison(1.012, [0.95, 1.07], 9.4));
    expect(lines[0]).toContain('with-op 5654.02 ms, without-op 5687.80 ms: without-op / with-op = 1.0060 (0.6%), no interval possible');
    expect(lines[1]).toContain('without-op / with-op = 1.0120 [0.9500, 1.0700], no significant difference');
    expect(lines[1]).toContain('the published change is below what this design can resolve');
    // 8K/64: a 4.5% published change against a 3% MDE is resolvable, so no such remark.
    expect(claimBeside(PUBLISHED['8k-64'], comparison(1.04, [1.01, 1.07], 3))[1]).not.toContain('below what');
  });
});

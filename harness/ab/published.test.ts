import { describe, expect, it } from 'vitest';
import type { Comparison, MetricComparison } from '../stats/types.js';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../scenario/index.js';
import { claimBeside, PUBLISHED, publishedClaimKey } from './published.js';

function comparison(ratio: number, ci: [number, number], mdePct: number, mde = 1): Comparison {
  const m = { metric: 'ttft', statistic: 'mean', ratio, ratioCi: ci, mdePct, mde, verdict: 'no_significant_difference' } as MetricComparison;
  return { arms: { a: 'without-op', b: 'with-op' }, alpha: 0.05, confidence: 0.95, resamples: 2000, seed: 1, repetitions: { a: 3, b: 3 }, runToRunCovered: true, metrics: [m], notes: [] };
}

describe('the published claim beside this run', () => {
  it('gives the published ratio without interval and ours with one, and says when the claim is below the MDE', () => {
    const lines = claimBeside(PUBLISHED['4k-1k'], comparison(0.988, [0.95, 1.03], 9.4));
    // B / A with A the reference (without-op) and B the change (with-op), as `abserve predict` reports it.
    expect(lines[0]).toContain('without-op 5687.80 ms, with-op 5654.02 ms: with-op / without-op = 0.9941 (-0.6%), no interval possible');
    expect(lines[1]).toContain('with-op / without-op = 0.9880 [0.9500, 1.0300], no significant difference');
    expect(lines[1]).toContain('the published change is below what this design can resolve');
    // 8K/64: a 4.5% published change against a 3% MDE is resolvable, so no such remark.
    expect(claimBeside(PUBLISHED['8k-64'], comparison(0.96, [0.93, 0.99], 3))[0]).toContain('with-op / without-op = 0.9569 (-4.3%)');
    expect(claimBeside(PUBLISHED['8k-64'], comparison(0.96, [0.93, 0.99], 3))[1]).not.toContain('below what');
  });

  it('gives the MDE in ms, not "NaN%", when the baseline is within noise of zero', () => {
    const line = claimBeside(PUBLISHED['4k-1k'], comparison(1.5, [0.2, 4], NaN, 0.0021))[1];
    expect(line).toContain('smallest detectable change 0.0021 ms (A within noise of 0, no %)');
    expect(line).not.toContain('NaN');
  });

  it('recognizes the shipped R1 scenarios (reference arm first) and nothing with the arms the other way round', () => {
    const engine4k = loadScenario(fileURLToPath(new URL('../../scenarios/r1-4k-1k-engine.yaml', import.meta.url)));
    expect(publishedClaimKey(engine4k)).toBe('4k-1k');
    expect(publishedClaimKey(loadScenario(fileURLToPath(new URL('../../scenarios/r1-8k-64.yaml', import.meta.url))))).toBe('8k-64');
    expect(publishedClaimKey({ ...engine4k, arms: [...engine4k.arms].reverse() })).toBeUndefined();
    expect(publishedClaimKey({ ...engine4k, aa: true })).toBeUndefined();
  });
});

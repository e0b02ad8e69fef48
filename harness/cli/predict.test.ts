import { describe, expect, it } from 'vitest';
import { predictScenario } from '../engine/predict.js';
import { getProfile, type CostProfile } from '../engine/profiles.js';
import type { MicroResult } from '../micro/types.js';
import { DEFAULT_PUBLISHED, publishedTargets } from './calibrate.js';
import { formatPrediction, mergeTableFromMicro, publishedChanges } from './predict.js';

const profile = getProfile('r1-l20-pp3-tp8');
const sc8k = { name: '8k-64', numPrompts: 16, inputLen: 8192, outputLen: 64, concurrency: 16 };
const LATENCIES = ['meanTtftMs', 'medianTtftMs', 'p99TtftMs', 'meanTpotMs', 'medianItlMs', 'durationS'];

const impl = (name: string, steadyUs: number) => ({ name, bytes: 0, coldUs: steadyUs * 1.2, coldMinUs: null, steadyUs, error: null });
const micro = (cases: [number, number, number][]): MicroResult =>
  ({
    tool: 'mas_bench',
    device: 'gpu',
    deviceInfo: {},
    source: 'json',
    cases: cases.map(([T, base, opt]) => ({
      device: 'gpu', dtype: 'bfloat16', T, H: 16, D: 128, S: 2, bytes: 0,
      copy: { bytes: 0, coldUs: null, coldMinUs: null, steadyUs: null, error: null },
      impls: [impl('baseline', base), impl('optimized', opt)],
    })),
  }) as unknown as MicroResult;
const sel = { oldKernel: 'baseline', newKernel: 'optimized', heads: 16, headSize: 128, dtype: 'bfloat16' };

describe('abserve predict', () => {
  it('the kernel effect never exceeds the attribution bound, and the noisy range covers the effect', () => {
    const p = predictScenario(profile, sc8k, 12, 7);
    const bound = p.attribution.maxStepSavingPct;
    expect(p.attribution.savingPct).toBeGreaterThan(0);
    expect(p.attribution.savingPct).toBeLessThanOrEqual(bound);
    for (const m of p.metrics) {
      expect(LATENCIES).toContain(m.metric);
      expect(-m.effectPct, m.metric).toBeLessThanOrEqual(bound + 1e-9);
      expect(m.effectPct).toBeLessThanOrEqual(1e-9); // the faster kernel never slows the model
      expect(m.rangePct[0]).toBeLessThan(m.effectPct);
      expect(m.rangePct[1]).toBeGreaterThan(m.effectPct);
    }
  });

  it('equal kernel times predict no change at all', () => {
    const same: CostProfile = { ...profile, mergeTable: mergeTableFromMicro(micro([[512, 20, 20], [4096, 30, 30]]), 'm.json', sel, 61) };
    const p = predictScenario(same, sc8k, 2);
    expect(p.attribution.savingPct).toBe(0);
    for (const m of p.metrics) expect(m.effectPct).toBe(0);
  });

  it('reads abserve micro JSON into a timing table (steady us -> ms), naming the file when nothing matches', () => {
    const t = mergeTableFromMicro(micro([[4096, 80, 27], [512, 50, 16]]), 'm.json', sel, 61);
    expect(t.points).toEqual([
      { tokens: 512, fallbackMs: 0.05, cudaMs: 0.016 },
      { tokens: 4096, fallbackMs: 0.08, cudaMs: 0.027 },
    ]);
    expect(t.fallbackHostMs).toBe(0);
    expect(() => mergeTableFromMicro(micro([[512, 50, 16]]), 'm.json', { ...sel, heads: 32 }, 61)).toThrow(
      "--merge-timings m.json: no bfloat16 case with 32 heads x 128 timing both 'baseline' and 'optimized'",
    );
  });

  it('flags a published gain larger than the bound', () => {
    const targets = publishedTargets(DEFAULT_PUBLISHED);
    const pub = publishedChanges(targets, '8k-64')!;
    expect(pub.meanTtftMs).toBeCloseTo((14534.5 / 15188.7 - 1) * 100, 9);
    const p = predictScenario(profile, sc8k, 4);
    const text = formatPrediction(p, pub, 'published L20');
    expect(-pub.meanTtftMs! > p.attribution.maxStepSavingPct).toBe(true);
    expect(text).toContain('FLAG: published mean TTFT -4.31% is a larger gain than the kernel can explain');
    expect(text).not.toContain('FLAG: published mean TPOT'); // a slower published TPOT is no claimed gain
    // The columns are explained, with the noise assumption and what "inside" means.
    expect(formatPrediction(p, pub, 'published L20', 0.05)).toMatch(
      /columns: .*sigma 0\.05 per server instance, an assumption.*yes = run-to-run noise alone explains the published change \(not a confirmation\)/,
    );
  });
});

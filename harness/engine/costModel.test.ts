import { describe, expect, it } from 'vitest';
import { stepCost } from './costModel.js';
import { getProfile, type CostProfile } from './profiles.js';

const p: CostProfile = {
  ...getProfile('tiny'),
  fixedMs: 10,
  perPrefillTokenMs: 0.5,
  perDecodeSeqMs: 2,
  perContextTokenMs: 0.01,
  mergeCudaPerTokenMs: 0.1,
  mergeFallbackPerTokenMs: 0.3,
};

// 100 prefill tokens (60 of them in a chunk with cached context), 4 decodes, 1000 context tokens.
const s = { prefillTokens: 100, decodeSeqs: 4, contextTokens: 1000, mergeTokens: 60, mergeChunks: 1, mergeChunkTokens: [60], prefillAttnPairs: 0, maxContextLen: 500 };

describe('stepCost', () => {
  it('adds fixed + prefill + decode + context + CUDA merge', () => {
    // 10 + 100*0.5 + 4*2 + 1000*0.01 + 60*0.1 = 10 + 50 + 8 + 10 + 6 = 84
    const c = stepCost(p, s, { merge: 'cuda', timeScale: 1 });
    expect(c.totalMs).toBeCloseTo(84, 10);
    expect(c.mergeMs).toBeCloseTo(6, 10);
  });

  it('charges the fallback merge cost when the CUDA op is disabled', () => {
    // 78 + 60*0.3 = 96
    const c = stepCost(p, s, { merge: 'fallback', timeScale: 1 });
    expect(c.totalMs).toBeCloseTo(96, 10);
    expect(c.mergeMs).toBeCloseTo(18, 10);
  });

  it('scales every term by timeScale', () => {
    const c = stepCost(p, s, { merge: 'fallback', timeScale: 0.5 });
    expect(c.totalMs).toBeCloseTo(48, 10);
    expect(c.mergeMs).toBeCloseTo(9, 10);
  });

  it('a fixed step time ignores the batch and the merge op', () => {
    expect(stepCost(p, s, { merge: 'fallback', timeScale: 0.5, fixedStepMs: 7 })).toEqual({ totalMs: 7, mergeMs: 0 });
  });

  it('a step without cached-context chunks pays no merge cost', () => {
    const c = stepCost(p, { ...s, mergeTokens: 0, mergeChunks: 0, mergeChunkTokens: [] }, { merge: 'fallback', timeScale: 1 });
    expect(c.totalMs).toBeCloseTo(78, 10);
    expect(c.mergeMs).toBe(0);
  });
});

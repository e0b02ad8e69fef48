import { describe, expect, it } from 'vitest';
import { getProfile } from './profiles.js';
import { aggregateSim, simulateClosedLoop, summarizeSim } from './simulate.js';

describe('simulateClosedLoop', () => {
  it('charges exactly the hand-computed time for one chunked request, merge op on and off', () => {
    const tiny = getProfile('tiny');
    const limits = { maxNumSeqs: 4, maxNumBatchedTokens: 32 };
    const run = (merge: 'cuda' | 'fallback') =>
      simulateClosedLoop(tiny, limits, { merge, timeScale: 1 }, [{ promptTokens: 100, outputTokens: 3 }], 1);
    // Steps: chunks 32, 32, 32, 4 (the last yields token 0), then 2 decodes at context 101, 102.
    // Chunk context = end position: 32, 64, 96, 100. Merge tokens: 32 + 32 + 4 = 68.
    const base =
      6 * tiny.fixedMs + 100 * tiny.perPrefillTokenMs + 2 * tiny.perDecodeSeqMs + (32 + 64 + 96 + 100 + 101 + 102) * tiny.perContextTokenMs;
    const on = run('cuda');
    const off = run('fallback');
    expect(on.stats.steps).toBe(6);
    expect(on.stats.mergeTokens).toBe(68);
    expect(on.stats.mergeSteps).toBe(3);
    expect(on.stats.simulatedMs).toBeCloseTo(base + 68 * tiny.mergeCudaPerTokenMs, 9);
    expect(off.stats.simulatedMs).toBeCloseTo(base + 68 * tiny.mergeFallbackPerTokenMs, 9);
    expect(off.stats.simulatedMs - on.stats.simulatedMs).toBeCloseTo(68 * (tiny.mergeFallbackPerTokenMs - tiny.mergeCudaPerTokenMs), 9);
    // The first token comes at the end of step 4; TTFT in virtual time is the sum of those steps.
    expect(on.records[0].tokenTimes).toHaveLength(3);
  });

  it('r1-l20-approx roughly reproduces the published 4k-in/1k-out run at concurrency 16', () => {
    const p = getProfile('r1-l20-approx');
    const reqs = Array.from({ length: 32 }, () => ({ promptTokens: 4096, outputTokens: 1024 }));
    const s = summarizeSim(simulateClosedLoop(p, p, { merge: 'cuda', timeScale: 1 }, reqs, 16));
    // Published (with op): mean TPOT 95.30 ms, median ITL 89.62 ms, P99 TTFT 11.86 s, 206.65 s.
    expect(s.meanTpotMs).toBeGreaterThan(90);
    expect(s.meanTpotMs).toBeLessThan(100);
    expect(s.medianItlMs).toBeGreaterThan(85);
    expect(s.medianItlMs).toBeLessThan(95);
    expect(s.p99TtftMs).toBeGreaterThan(10_000);
    expect(s.p99TtftMs).toBeLessThan(14_000);
    expect(s.durationS).toBeGreaterThan(190);
    expect(s.durationS).toBeLessThan(225);
  });
});

describe('simulated records through metrics/', () => {
  it('are RequestRecords whose TTFT/TPOT/E2EL come out of metrics.aggregate as the design defines them', () => {
    const tiny = getProfile('tiny');
    const reqs = [100, 40, 300].map((p, i) => ({ promptTokens: p, outputTokens: 3 + i }));
    const r = simulateClosedLoop(tiny, { maxNumSeqs: 2, maxNumBatchedTokens: 64 }, { merge: 'cuda', timeScale: 1 }, reqs, 2);
    const b = aggregateSim(r);
    expect(b.completed).toBe(3);
    expect(b.totalOutputTokens).toBe(3 + 4 + 5);
    const ttfts = r.records.map((x) => x.tokenTimes[0] - x.sentAt);
    expect(b.ttft.mean).toBeCloseTo(ttfts.reduce((a, c) => a + c, 0) / 3, 9);
    // TPOT = (E2EL - TTFT) / (out - 1) per request.
    const tpots = r.records.map((x) => (x.endAt! - x.tokenTimes[0]) / (x.tokenTimes.length - 1));
    expect(b.tpot.mean).toBeCloseTo(tpots.reduce((a, c) => a + c, 0) / 3, 9);
    expect(b.durationS).toBeCloseTo(r.durationMs / 1000, 12);
    // The third request waits for a free slot: sent when the first one finished.
    expect(r.records[2].sentAt).toBe(Math.min(r.records[0].endAt!, r.records[1].endAt!));
  });
});

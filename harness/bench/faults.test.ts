// abserve against its own engine with injected faults (issue 10): every kind is counted exactly,
// as the fault plan (a pure function of seed and request id) says it must be.
import { describe, expect, it } from 'vitest';
import { startEngine } from '../engine/index.js';
import { expectedFaults, resolveFaults, type FaultOptions } from '../engine/faults.js';
import { builtinTokenizer } from '../workload/index.js';
import { runBenchmark } from './runBenchmark.js';

describe('bench against a faulty engine (issue 10)', () => {
  it('counts each injected fault by its kind, exactly', async () => {
    const faults: FaultOptions = {
      seed: 3,
      shares: { http_500: 0.08, http_503: 0.08, http_429: 0.08, slow_headers: 0.08, reset: 0.08, stall: 0.08, malformed: 0.08, truncate: 0.08, oversized: 0.08 },
      stallMs: 20_000,
      slowHeadersMs: 30,
      oversizedBytes: 100_000,
      retryAfterS: 2,
    };
    const engine = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 2, noise: false, faults });
    try {
      const n = 150;
      const run = await runBenchmark({
        client: {
          baseUrl: engine.url, endpoint: '/v1/completions', model: 'abserve-engine', extraBody: { ignore_eos: true },
          requestTimeoutMs: 20_000, stallTimeoutMs: 2_500, sseLimits: { maxLineBytes: 65_536, maxEventBytes: 65_536 },
        },
        workload: { numPrompts: n, inputLen: 8, outputLen: 6, tokenIds: true, seed: 1 },
        tokenizer: builtinTokenizer(),
        aggregate: {},
        maxConcurrency: 50,
      });
      const want = expectedFaults(resolveFaults(faults), Array.from({ length: n }, (_, i) => `abserve-${i}`));
      const count = (kind: string, status?: number) =>
        run.result.failureTally.find((e) => e.kind === kind && e.status === status)?.count ?? 0;
      expect({
        http_500: count('http_5xx', 500),
        http_503: count('http_5xx', 503),
        http_429: count('http_429', 429),
        reset: count('reset'),
        stall: count('stall'),
        malformed: count('malformed_sse'),
        truncate: count('truncated'),
        oversized: count('oversized'),
      }).toEqual({
        http_500: want.http_500, http_503: want.http_503, http_429: want.http_429, reset: want.reset,
        stall: want.stall, malformed: want.malformed, truncate: want.truncate, oversized: want.oversized,
      });
      const failed = n - run.result.completed;
      expect(failed).toBe(Object.values(want).reduce((a, b) => a + b, 0) - want.slow_headers);
      expect(run.result.failureTally.find((e) => e.kind === 'http_429')?.retryAfterS).toEqual({ min: 2, max: 2 });
      for (const k of Object.keys(want) as (keyof typeof want)[]) expect(want[k], k).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { startEngine } from '../engine/index.js';
import { builtinTokenizer } from '../workload/index.js';
import { gatedProxy } from './gatedProxy.testkit.js';
import { cutReason, poolConnections, runBenchmark, type BenchmarkConfig } from './runBenchmark.js';

function config(url: string, over: Partial<BenchmarkConfig> = {}): BenchmarkConfig {
  return {
    client: { baseUrl: url, endpoint: '/v1/completions', model: 'abserve-engine', extraBody: { ignore_eos: true }, requestTimeoutMs: 20_000, stallTimeoutMs: 5_000 },
    workload: { numPrompts: 30, inputLen: 8, outputLen: 10, tokenIds: true, requestRate: 20, seed: 3 },
    tokenizer: builtinTokenizer(),
    aggregate: {},
    ...over,
  };
}

describe('runBenchmark', () => {
  it('sizes the connection pool so it never caps concurrency below --max-concurrency (vLLM: unlimited without it)', () => {
    const c = config('http://127.0.0.1:1');
    expect(poolConnections({ ...c, maxConcurrency: 2000 }, 5000)).toBe(2000);
    expect(poolConnections(c, 1500)).toBe(1500);
    expect(poolConnections({ ...c, client: { ...c.client, maxConnections: 7 } }, 1500)).toBe(7);
  });

  it('runs the whole path, keeps warmups out of the result, and reports records and progress as they finish', async () => {
    const engine = await startEngine({ port: 0, profile: 'tiny' });
    try {
      const seen: { index: number; warmup: boolean }[] = [];
      const done: number[] = [];
      const run = await runBenchmark(config(engine.url, {
        workload: { numPrompts: 8, inputLen: 8, outputLen: 5, tokenIds: true, warmupRequests: 2 },
        onRecord: (r) => seen.push({ index: r.index, warmup: r.warmup }),
        onProgress: (p) => done.push(p.done),
      }));
      expect(seen.filter((s) => s.warmup)).toHaveLength(2);
      expect(seen.filter((s) => !s.warmup).map((s) => s.index).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      // warmups finish before any measured request starts
      expect(seen.slice(0, 2).every((s) => s.warmup)).toBe(true);
      expect(done).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(run.result.completed).toBe(8);
      expect(run.result.totalOutputTokens).toBe(40);
      expect(run.records.filter((r) => r.warmup)).toHaveLength(2);
      expect(run.result.info.partial).toBe(false);
      // The request body's ignore_eos is kept with the run (vLLM's JSON has no field for it).
      expect(run.result.info.ignoreEos).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('stops and marks the run partial when the server goes away mid-run', async () => {
    const engine = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 10 });
    setTimeout(() => void engine.close(), 400);
    const run = await runBenchmark(config(engine.url));
    expect(run.result.info.partial).toBe(true);
    expect(run.result.info.partialReason).toMatch(/ECONNREFUSED/);
    expect(run.result.completed).toBeGreaterThan(0);
    expect(run.result.completed).toBeLessThan(30);
    // The same facts as data, for `abserve ab` (it had parsed them out of partialReason).
    const finished = run.result.completed + run.result.failed;
    expect(run.cut).toEqual({
      cause: 'server stopped accepting connections (3 requests in a row: ECONNREFUSED)', interrupted: false, finished, of: 30, cancelled: 30 - finished,
    });
    // Failed requests are not "completed": the finished ones are split (the refusals among them).
    expect(run.result.info.partialReason).toBe(
      `${run.cut!.cause}; ${finished} of 30 requests finished (${run.result.completed} succeeded, ${run.result.failed} failed), ${30 - finished} cancelled`,
    );
  });

  it('a server that never accepted a connection "refused every connection", not "stopped accepting"', async () => {
    // Nothing listens at port 9 (discard); no ready check, as `--model m --ready-check-timeout-sec 0`.
    const run = await runBenchmark(config('http://127.0.0.1:9', { workload: { numPrompts: 4, inputLen: 16, outputLen: 4, tokenIds: true, seed: 3 }, maxConcurrency: 1 }));
    expect(run.result.completed).toBe(0);
    expect(run.cut).toEqual({ cause: 'server refused every connection (3 requests in a row: ECONNREFUSED)', interrupted: false, finished: 3, of: 4, cancelled: 1 });
    expect(run.result.info.partialReason).toBe(`${run.cut!.cause}; 3 of 4 requests finished (0 succeeded, 3 failed), 1 cancelled`);
  });

  it('cutReason: "completed" only when every finished request succeeded', () => {
    const cut = { cause: 'interrupted', interrupted: true, finished: 3, of: 4, cancelled: 1 };
    expect(cutReason(cut, 3)).toBe('interrupted; 3 of 4 requests completed, 1 cancelled');
    expect(cutReason(cut, 1)).toBe('interrupted; 3 of 4 requests finished (1 succeeded, 2 failed), 1 cancelled');
    expect(cutReason({ ...cut, finished: 0, cancelled: 4 }, 0)).toBe('interrupted; 0 of 4 requests completed, 4 cancelled');
  });

  it('an interrupt: the cut says interrupted, with its counts; a complete run has no cut', async () => {
    const engine = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 10 });
    try {
      const ac = new AbortController();
      const run = await runBenchmark(config(engine.url, { signal: ac.signal, onProgress: (p) => p.done === 2 && ac.abort() }));
      expect(run.cut).toMatchObject({ cause: 'interrupted', interrupted: true, of: 30 });
      expect(run.cut!.finished).toBe(run.result.completed + run.result.failed);
      expect(run.cut!.finished + run.cut!.cancelled).toBe(30);
      const whole = await runBenchmark(config(engine.url, { workload: { numPrompts: 2, inputLen: 8, outputLen: 2, tokenIds: true } }));
      expect(whole.cut).toBeUndefined();
    } finally {
      await engine.close();
    }
  });

  it('--run-timeout counts from the start of the load: a slow initial test request does not use it up', async () => {
    const engine = await startEngine({ port: 0, profile: 'tiny' });
    // The test request (the first POST) takes 1.5 s, longer than the whole 1 s run timeout.
    const proxy = await gatedProxy(engine.url, (n) => (n === 0 ? 1500 : 'pass'));
    try {
      const started: number[] = [];
      const run = await runBenchmark(config(proxy.url, {
        workload: { numPrompts: 4, inputLen: 8, outputLen: 3, tokenIds: true },
        readyCheckTimeoutMs: 30_000,
        runTimeoutMs: 1000,
        onLoadStart: () => started.push(proxy.posts()),
      }));
      expect(run.result.info.partialReason).toBeUndefined();
      expect(run.result.completed).toBe(4);
      expect(started).toEqual([1]); // once, after the test request and before the load's first send
    } finally {
      await proxy.close();
      await engine.close();
    }
  });
});

// `abserve bench` flags as a one-arm scenario: bench's defaults, one vocabulary, errors naming flags.
import { describe, expect, it } from 'vitest';
import { WORKLOAD_DEFAULTS } from '../workload/index.js';
import { armServerConfigs, requestBody, scenarioFromBench, ScenarioError, toWorkloadOptions } from './index.js';

function errorLines(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as Error).message.split('\n');
  }
  throw new Error('expected a ScenarioError');
}

describe('scenarioFromBench', () => {
  it("with only a URL, takes bench's defaults", () => {
    const s = scenarioFromBench({ baseUrl: 'http://127.0.0.1:8000' });
    expect(s).toMatchObject({ name: 'bench', file: 'abserve bench', target: { kind: 'url', url: 'http://127.0.0.1:8000' }, repetitions: 1, aa: false });
    expect(s.arms.map((a) => a.name)).toEqual(['bench']);
    const w = toWorkloadOptions(s);
    for (const [k, v] of Object.entries(WORKLOAD_DEFAULTS)) {
      if (k !== 'shuffle') expect(w[k as keyof typeof w], k).toEqual(v);
    }
    expect(s.workload).toMatchObject({ requestTimeoutMs: 600_000, stallTimeoutMs: 60_000, percentileMetrics: ['ttft', 'tpot', 'itl'], metricPercentiles: [99] });
  });

  it('maps every flag', () => {
    const s = scenarioFromBench({
      baseUrl: 'http://h:1/',
      model: 'r1',
      endpoint: '/v1/completions',
      numPrompts: 32,
      numWarmups: 2,
      randomInputLen: 4096,
      randomOutputLen: 1024,
      randomTokenIds: true,
      randomIdRange: '10,100',
      requestRate: '4',
      burstiness: 0.5,
      maxConcurrency: 16,
      ignoreEos: true,
      minTokens: 3,
      temperature: 0.2,
      extraBody: '{"top_k": 5}',
      percentileMetrics: 'ttft,e2el',
      metricPercentiles: '50,99',
      goodput: ['ttft:500', 'e2el:9000'],
      seed: 11,
      requestTimeout: 30,
      stallTimeout: 5,
      runTimeout: 100,
      label: 'with-op',
    });
    expect(s.model).toBe('r1');
    expect(s.target).toEqual({ kind: 'url', url: 'http://h:1' });
    expect(s.workload).toMatchObject({
      numPrompts: 32,
      randomIdRange: [10, 100],
      requestRate: 4,
      burstiness: 0.5,
      maxConcurrency: 16,
      percentileMetrics: ['ttft', 'e2el'],
      metricPercentiles: [50, 99],
      requestTimeoutMs: 30_000,
      stallTimeoutMs: 5000,
      runTimeoutMs: 100_000,
    });
    expect(s.warmupRequests).toBe(2);
    expect(s.seed).toBe(11);
    expect(s.slo).toEqual({ ttft: 500, e2el: 9000 });
    expect(requestBody(s, 'with-op')).toEqual({ temperature: 0.2, ignore_eos: true, min_tokens: 3, top_k: 5 });
    expect(armServerConfigs(s)).toEqual([{ name: 'with-op', env: {}, serverArgs: [] }]);
  });

  it('names flags, not fields, for every problem at once', () => {
    const lines = errorLines(() =>
      scenarioFromBench({
        baseUrl: 'localhost:8000',
        numPrompts: -3,
        requestRate: 'fast',
        requestTimeout: 0,
        extraBody: '{bad',
        goodput: ['ttft=5'],
        percentileMetrics: 'ttft,nope',
        datasetName: 'sharegpt',
        label: '../x',
      }),
    );
    expect(lines).toContain('abserve bench: --base-url: expected an http(s) URL, got "localhost:8000"');
    expect(lines).toContain('abserve bench: --num-prompts: expected a positive integer <= 1000000, got -3');
    expect(lines).toContain('abserve bench: --request-rate: expected "inf" or requests/s in (0, 1000000], got "fast"');
    expect(lines).toContain('abserve bench: --request-timeout: expected seconds in (0, 86400] (1 day), got 0');
    expect(lines).toContain('abserve bench: --percentile-metrics: expected ttft, tpot, itl or e2el, got "nope"');
    expect(lines).toContain('abserve bench: --dataset-path: required with dataset_name sharegpt');
    expect(lines).toContain('abserve bench: --goodput: expected KEY:MS with KEY one of ttft, tpot, e2el, got "ttft=5"');
    expect(lines.some((l) => l.startsWith('abserve bench: --extra-body: expected a JSON object ('))).toBe(true);
    expect(lines.some((l) => l.startsWith('abserve bench: --label: expected a path-safe name'))).toBe(true);
    expect(lines).toHaveLength(9);
  });
});

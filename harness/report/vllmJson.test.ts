import { describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { decodeHistogram } from '../metrics/hdr.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { toVllmJson, vllmBackend, vllmDate } from './vllmJson.js';

describe('toVllmJson', () => {
  const records = [
    // sent 0; events 100, 130, 190; usage chunk 200; 3 tokens
    rec({ index: 0, sentAt: 0, tokenTimes: [100, 130, 190], endAt: 200, text: 'abc' }),
    rec({ index: 1, sentAt: 10, success: false, failure: { kind: 'http_429', message: 'HTTP 429: slow down', status: 429 }, httpStatus: 429 }),
  ];
  const info = runInfo({ label: 'merge-on', metadata: { arm: 'B', gpu: 'L20' }, maxConcurrency: 16 });
  const j = toVllmJson(aggregate(records, info, { percentileMetrics: ['ttft', 'itl', 'e2el'], metricPercentiles: [99, 99.9] }));

  it('uses vLLM field names, units and defaults', () => {
    expect(j.date).toBe('20250410-123456');
    expect(j.backend).toBe('openai');
    expect(j.label).toBe('merge-on');
    expect(j.model_id).toBe('deepseek-ai/DeepSeek-R1');
    expect(j.tokenizer_id).toBe('deepseek-ai/DeepSeek-R1');
    expect(j.request_rate).toBe('inf');
    expect(j.max_concurrency).toBe(16);
    expect(j.completed).toBe(1);
    expect(j.failed).toBe(1);
    expect(j.request_goodput).toBeNull();
    expect(j.input_lens).toEqual([100, 100]);
    expect(j.output_lens).toEqual([3, 0]);
    expect(j.ttfts).toEqual([0.1, 0]); // seconds; failed -> 0 as vLLM's default
    expect(j.itls).toEqual([[0.03, 0.06], []]); // seconds, per request
    expect(j.generated_texts).toEqual(['abc', '']);
    expect(j.errors).toEqual(['', 'HTTP 429: slow down']);
  });

  it('writes flat stats only for the selected metrics, with vLLM percentile keys', () => {
    expect(j.mean_ttft_ms).toBe(100);
    expect(j.p99_ttft_ms).toBe(100);
    expect(j.mean_itl_ms).toBe(45); // (30 + 60) / 2
    expect(j['p99.9_itl_ms']).toBeCloseTo(59.97, 9); // 30 + 0.999 * 30
    expect(j.mean_e2el_ms).toBe(200);
    expect(j).not.toHaveProperty('mean_tpot_ms');
  });

  it('spreads metadata to the top level like vLLM and keeps our additions under abserve', () => {
    expect(j.arm).toBe('B');
    expect(j.gpu).toBe('L20');
    const a = j.abserve as Record<string, any>;
    expect(a.metadata).toEqual({ arm: 'B', gpu: 'L20' });
    expect(a.partial).toBe(false);
    expect(a.stats.tpot.mean_ms).toBe(50); // (200 - 100) / 2, kept although not selected
    expect(decodeHistogram(a.histograms.itl).totalCount).toBe(2);
    expect(a.failures).toEqual([{ index: 1, kind: 'http_429', error: 'HTTP 429: slow down', httpStatus: 429 }]);
    // Issue 10: failures counted by kind and status.
    expect(a.failure_tally).toEqual([{ kind: 'http_429', status: 429, count: 1 }]);
  });

  it('names chat runs openai-chat and keeps finite rates as numbers', () => {
    const k = toVllmJson(aggregate([], runInfo({ endpoint: '/v1/chat/completions', requestRate: 4 })));
    expect(k.backend).toBe('openai-chat');
    expect(k.request_rate).toBe(4);
    expect(k.label).toBeNull();
  });
});

describe('vllmDate', () => {
  it('formats %Y%m%d-%H%M%S from the ISO date', () => {
    expect(vllmDate('2025-04-10T07:08:09+02:00')).toBe('20250410-070809');
  });
});

describe("vLLM's backend and a partial run's top-level flag", () => {
  it('writes backend and endpoint_type as vLLM: openai-chat for a chat run, the --backend given otherwise', () => {
    const chat = toVllmJson(aggregate([], runInfo({ endpoint: '/v1/chat/completions', backend: 'openai' })));
    expect([chat.backend, chat.endpoint_type]).toEqual(['openai-chat', 'openai-chat']);
    const v = toVllmJson(aggregate([], runInfo({ backend: 'vllm' })));
    expect([v.backend, v.endpoint_type]).toEqual(['vllm', 'vllm']);
    expect(vllmBackend({ endpoint: '/v1/completions' })).toBe('openai');
    expect(vllmBackend({ endpoint: '/v1/chat/completions' })).toBe('openai-chat');
  });

  it('marks a partial run at the top level; a complete run keeps exactly vLLM keys', () => {
    const done = toVllmJson(aggregate([], runInfo({})));
    expect(done).not.toHaveProperty('partial');
    expect(done).not.toHaveProperty('partial_reason');
    const cut = toVllmJson(aggregate([], runInfo({ partial: true, partialReason: 'interrupted; 3 of 10 requests completed' })));
    expect(cut.partial).toBe(true);
    expect(cut.partial_reason).toBe('interrupted; 3 of 10 requests completed');
    expect((cut.abserve as { partial: boolean }).partial).toBe(true);
  });
});

import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import type { BenchResult } from '../metrics/types.js';
import { pyFixed } from './pyFormat.js';
import { formatResultBlock } from './textBlock.js';
import { importedRecords, parseVllmJson, parseVllmResults, parseVllmText, type ImportedRun } from './vllmImport.js';
import { toVllmJson } from './vllmJson.js';

const PUBLISHED = fileURLToPath(new URL('../engine/published-r1-l20', import.meta.url));
const blocks = readdirSync(PUBLISHED).filter((f) => f.endsWith('.txt'));

// Where each printed label lands in an ImportedRun (independent of the importer's own table).
function valueOf(run: ImportedRun, label: string): number | undefined {
  const stat = /^(Mean|Median|P(\d+(?:\.\d+)?)) (TTFT|TPOT|ITL|E2EL) \(ms\)$/.exec(label);
  if (stat) {
    const s = run.metrics[stat[3].toLowerCase() as 'ttft']!;
    if (stat[1] === 'Mean') return s.mean;
    if (stat[1] === 'Median') return s.median;
    return s.percentiles.find((x) => x.p === Number(stat[2]))?.value;
  }
  const map: Record<string, number | undefined> = {
    'Successful requests': run.completed,
    'Failed requests': run.failed,
    'Maximum request concurrency': run.maxConcurrency,
    'Request rate configured (RPS)': run.requestRate,
    'Benchmark duration (s)': run.durationS,
    'Total input tokens': run.totalInputTokens,
    'Total generated tokens': run.totalOutputTokens,
    'Request throughput (req/s)': run.requestThroughput,
    'Request goodput (req/s)': run.requestGoodput,
    'Output token throughput (tok/s)': run.outputThroughput,
    'Total Token throughput (tok/s)': run.totalTokenThroughput,
    'Total token throughput (tok/s)': run.totalTokenThroughput,
    'Peak output token throughput (tok/s)': run.peakOutputTokensPerS,
    'Peak concurrent requests': run.peakConcurrentRequests,
  };
  return map[label];
}

/** Every `label: number` line of a block has exactly that number in the parsed run. */
function expectEveryLine(text: string, run: ImportedRun): number {
  let checked = 0;
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s+(\S+)\s*$/.exec(line.trim());
    if (!m) continue;
    expect(valueOf(run, m[1]), `${m[1]}`).toBe(Number(m[2]));
    checked++;
  }
  return checked;
}

describe('vLLM printed blocks', () => {
  it.each(blocks)('published %s parses to exactly the numbers it contains', (f) => {
    const text = readFileSync(join(PUBLISHED, f), 'utf8');
    const runs = parseVllmResults(text, f);
    expect(runs).toHaveLength(1);
    expect(runs[0].source).toBe('vllm-text');
    // 1 concurrency line before the block + 6 counts/throughputs + 3 x 3 metric lines.
    expect(expectEveryLine(text, runs[0])).toBe(17);
    expect(runs[0].failed).toBeUndefined(); // this layout has no Failed line
    expect(Object.keys(runs[0].extra)).toEqual([]);
  });

  it('maps the published headline numbers to the right fields', () => {
    const r = parseVllmText(readFileSync(join(PUBLISHED, '4k-1k.with-op.txt'), 'utf8'), 'x')[0];
    expect([r.maxConcurrency, r.completed, r.durationS, r.metrics.ttft?.mean, r.metrics.ttft?.median]).toEqual([16, 32, 206.65, 5654.02, 3958.66]);
    expect(r.metrics.itl?.percentiles).toEqual([{ p: 99, value: 96.89 }]);
  });

  const result = (): BenchResult => {
    const records = [
      rec({ index: 0, sentAt: 0, tokenTimes: [100, 130, 190, 260], endAt: 270 }),
      rec({ index: 1, sentAt: 5, tokenTimes: [300, 310, 333.3] }),
      rec({ index: 2, sentAt: 9, success: false, failure: { kind: 'http_5xx', message: 'HTTP 500: boom', status: 500 } }),
    ];
    return aggregate(records, runInfo({ maxConcurrency: 4, requestRate: 2.5, endedAt: 1234 }), {
      percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'],
      metricPercentiles: [50, 99, 99.9],
      goodput: { ttft: 200 },
    });
  };

  it.each(['vllm', 'legacy'] as const)('abserve-printed %s layout round-trips to the printed precision', (layout) => {
    const r = result();
    const text = `noise before\n${formatResultBlock(r, { layout, trimTrailingSpaces: layout === 'legacy' })}`;
    const [run] = parseVllmText(text, 'block.txt');
    const printed = (x: number): number => Number(pyFixed(x, 2));
    expect(run.durationS).toBe(printed(r.durationS));
    expect(run.completed).toBe(2);
    expect(run.failed).toBe(layout === 'vllm' ? 1 : undefined);
    expect(run.requestGoodput).toBe(printed(r.requestGoodput!));
    for (const m of ['ttft', 'tpot', 'itl', 'e2el'] as const) {
      expect(run.metrics[m]?.mean).toBe(printed(r[m].mean));
      expect(run.metrics[m]?.percentiles).toEqual(r[m].percentiles.map(({ p, value }) => ({ p, value: printed(value) })));
    }
    if (layout === 'vllm') expect(run.peakConcurrentRequests).toBe(printed(r.maxConcurrentRequests));
    // The additions block after vLLM's is not part of the run.
    expect(Object.keys(run.extra)).toEqual([]);
  });

  it('reads several blocks of one log and unknown lines (spec decode) into extra', () => {
    const one = readFileSync(join(PUBLISHED, '8k-64.with-op.txt'), 'utf8');
    const spec = one.replace(
      '==================================================\n',
      '---------------Speculative Decoding---------------\nAcceptance rate (%):                     71.20\n==================================================\n',
    );
    const runs = parseVllmText(`${one}\nINFO more log\n${spec}`, 'log.txt');
    expect(runs.map((r) => r.origin)).toEqual(['log.txt#1', 'log.txt#2']);
    expect(runs[1].extra).toEqual({ 'Acceptance rate (%)': 71.2 });
  });

  it('errors name the file, line and value', () => {
    expect(() => parseVllmText('============ Serving Benchmark Result ============\nSuccessful requests: lots\n', 'a.txt')).toThrow(
      "a.txt:2: want a number, got 'lots'",
    );
    expect(() => parseVllmText('hello\n', 'b.txt')).toThrow("b.txt: no vLLM 'Serving Benchmark Result' block found");
    expect(() => parseVllmText('=== Serving Benchmark Result ===\nSuccessful requests: 3\n', 'c.txt')).toThrow('c.txt:1: result block not closed');
    expect(() => parseVllmText('=== Serving Benchmark Result ===\nSuccessful requests: 3\n=====\n', 'd.txt')).toThrow("d.txt:1: no 'durationS'");
  });

  it('a JSON that is not a result says so, and a .json that does not parse is a JSON error', () => {
    expect(() => parseVllmResults('{"status":"complete","runs_finished":4}', 'r/manifest.json')).toThrow(
      /^r\/manifest\.json: not a benchmark result \(no completed, duration or token totals\); an abserve ab folder is read by abserve report <folder>$/,
    );
    expect(() => parseVllmResults('{"completed": 3}', 'cut.json')).toThrow("cut.json: field 'duration' missing");
    expect(() => parseVllmResults('not json at all\n', 'bad.json')).toThrow(/^bad\.json: not JSON \(/);
    expect(() => parseVllmResults('[1, 2', 'arr.txt')).toThrow(/^arr\.txt: not JSON \(/);
  });
});

// A made-up vLLM --save-result JSON in vllm/benchmarks/serve.py's field layout (seconds in lists).
const vllmJson = (detailed: boolean): Record<string, unknown> => ({
  date: '20250410-120000',
  endpoint_type: 'vllm',
  label: null,
  model_id: 'deepseek-ai/DeepSeek-R1',
  tokenizer_id: 'deepseek-ai/DeepSeek-R1',
  num_prompts: 3,
  request_rate: 'inf',
  burstiness: 1.0,
  max_concurrency: 2,
  duration: 3.5,
  completed: 2,
  failed: 1,
  total_input_tokens: 200,
  total_output_tokens: 7,
  request_throughput: 2 / 3.5,
  request_goodput: null,
  output_throughput: 2,
  total_token_throughput: 59.14,
  max_output_tokens_per_s: 5,
  max_concurrent_requests: 2,
  gpu: 'L20',
  ...(detailed
    ? {
        input_lens: [100, 100, 50],
        output_lens: [4, 3, 0],
        ttfts: [0.5, 0.25, 0],
        itls: [[0.1, 0.125, 0.1], [0.2, 0.25], []],
        latencies: [0.825, 0.7, 0],
        start_times: [10, 10.5, 11],
        generated_texts: ['a', 'b', ''],
        errors: ['', '', 'Bad Request'],
      }
    : {}),
  mean_ttft_ms: 375,
  median_ttft_ms: 375,
  std_ttft_ms: 125,
  p99_ttft_ms: 497.5,
  'p99.9_ttft_ms': 499.75,
  mean_itl_ms: 155,
  median_itl_ms: 125,
  std_itl_ms: 60,
  p99_itl_ms: 248,
});

describe('vLLM --save-result JSON', () => {
  it('without detailed lists: aggregates only, every number kept', () => {
    const r = parseVllmJson(JSON.stringify(vllmJson(false)), 'plain.json');
    expect(r.requests).toBeUndefined();
    expect(importedRecords(r)).toBeUndefined();
    expect([r.completed, r.failed, r.durationS, r.maxConcurrency, r.requestRate, r.peakOutputTokensPerS]).toEqual([2, 1, 3.5, 2, Infinity, 5]);
    expect(r.metrics.ttft).toEqual({ mean: 375, median: 375, std: 125, percentiles: [{ p: 99, value: 497.5 }, { p: 99.9, value: 499.75 }] });
    expect(r.metrics.tpot).toBeUndefined();
    // --metadata gpu=L20 sits at vLLM's top level: kept, unmapped.
    expect(r.extra).toEqual({ gpu: 'L20' });
  });

  it('with detailed lists: per-request values whose records give back the saved aggregates', () => {
    const r = parseVllmJson(JSON.stringify(vllmJson(true)), 'detailed.json');
    expect(r.requests).toHaveLength(3);
    expect(r.requests![1]).toEqual({ promptTokens: 100, outputTokens: 3, ttftMs: 250, itlsMs: [200, 250], e2elMs: 700, startMs: 500, error: '' });
    const b = aggregate(importedRecords(r)!, runInfo({ endedAt: 3500 }), { percentileMetrics: ['ttft', 'itl'], metricPercentiles: [99] });
    expect(b.completed).toBe(2);
    expect(b.failed).toBe(1);
    expect(b.totalOutputTokens).toBe(7);
    expect(b.ttft.mean).toBeCloseTo(375, 9);
    expect(b.ttft.std).toBeCloseTo(125, 9);
    expect(b.itl.mean).toBeCloseTo(155, 9);
    expect(b.itl.median).toBeCloseTo(125, 9);
    // The fixture's saved aggregates are what the lists give (as vLLM computes them).
    expect(b.itl.std).toBeCloseTo(r.metrics.itl!.std!, 9);
    expect(b.itl.percentiles[0].value).toBeCloseTo(r.metrics.itl!.percentiles[0].value, 9);
  });

  it('older benchmark_serving.py JSON: `request_goodput:` key, no latencies (E2EL = TTFT + gaps)', () => {
    const j = vllmJson(true);
    delete j.latencies;
    delete j.start_times;
    delete j.request_goodput;
    j['request_goodput:'] = 0.25;
    const r = parseVllmJson(JSON.stringify(j), 'old.json');
    expect(r.requestGoodput).toBe(0.25);
    expect(r.requests![0].e2elMs).toBeCloseTo(825, 9);
    expect(r.requests![0].startMs).toBeUndefined();
  });

  it("abserve's own saved JSON round-trips through the importer", () => {
    const records = [
      rec({ index: 0, sentAt: 0, tokenTimes: [100, 130, 190, 260], endAt: 270 }),
      rec({ index: 1, sentAt: 5, tokenTimes: [300, 310, 333.5], endAt: 333.5 }),
    ];
    const opts = { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] as const, metricPercentiles: [50, 99] };
    const b = aggregate(records, runInfo({ maxConcurrency: 2, endedAt: 400 }), { ...opts, percentileMetrics: [...opts.percentileMetrics] });
    const r = parseVllmResults(JSON.stringify(toVllmJson(b)), 'ours.json')[0];
    expect([r.completed, r.durationS, r.totalOutputTokens, r.outputThroughput]).toEqual([b.completed, b.durationS, b.totalOutputTokens, b.outputThroughput]);
    for (const m of opts.percentileMetrics) {
      expect(r.metrics[m]).toEqual({ mean: b[m].mean, median: b[m].median, std: b[m].std, percentiles: b[m].percentiles });
    }
    const again = aggregate(importedRecords(r)!, runInfo({ maxConcurrency: 2, endedAt: 400 }), { ...opts, percentileMetrics: [...opts.percentileMetrics] });
    for (const m of opts.percentileMetrics) expect(again[m].mean).toBeCloseTo(b[m].mean, 9);
    expect(again.itl.percentiles[1].value).toBeCloseTo(b.itl.percentiles[1].value, 9);
  });

  it('errors name the file and field', () => {
    expect(() => parseVllmJson('{"completed": 1}', 'x.json')).toThrow("x.json: field 'duration' missing");
    expect(() => parseVllmJson('{"completed": 1, "duration": "fast"}', 'x.json')).toThrow(`x.json: field 'duration': want a number, got "fast"`);
    expect(() => parseVllmJson('[1]', 'x.json')).toThrow('x.json: want a JSON object');
    const j = vllmJson(true);
    j.ttfts = [0.5];
    expect(() => parseVllmJson(JSON.stringify(j), 'y.json')).toThrow("y.json: field 'ttfts': 1 entries, but input_lens has 3");
  });
});

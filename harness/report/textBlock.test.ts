// The printed block. Expected texts come from outside this code: the published vLLM block
// (/work/shared/data/published-r1-l20/4k-1k.with-op.txt, pasted below) and the output of vLLM's own
// print statements run under Python 3 for the modern layout.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { runInfo } from '../metrics/testFixtures.js';
import type { BenchResult, RunInfo, Summary } from '../metrics/types.js';
import { formatResultBlock } from './textBlock.js';

function blank(info: Partial<RunInfo>, opts?: Parameters<typeof aggregate>[2]): BenchResult {
  return aggregate([], runInfo(info), opts);
}

function sum(mean: number, median: number, pcts: [number, number][]): Summary {
  return { count: 1, mean, median, std: 0, min: 0, max: 0, percentiles: pcts.map(([p, value]) => ({ p, value })) };
}

const PUBLISHED_4K_1K_WITH_OP = `Maximum request concurrency: 16
============ Serving Benchmark Result ============
Successful requests:                     32
Benchmark duration (s):                  206.65
Total input tokens:                      131072
Total generated tokens:                  32768
Request throughput (req/s):              0.15
Output token throughput (tok/s):         158.57
Total Token throughput (tok/s):          792.83
---------------Time to First Token----------------
Mean TTFT (ms):                          5654.02
Median TTFT (ms):                        3958.66
P99 TTFT (ms):                           11861.09
-----Time per Output Token (excl. 1st token)------
Mean TPOT (ms):                          95.30
Median TPOT (ms):                        95.98
P99 TPOT (ms):                           98.70
---------------Inter-token Latency----------------
Mean ITL (ms):                           95.30
Median ITL (ms):                         89.62
P99 ITL (ms):                            96.89
==================================================
`;

function published(): BenchResult {
  const r = blank({ maxConcurrency: 16, numPrompts: 32 });
  return {
    ...r,
    completed: 32,
    durationS: 206.6513,
    totalInputTokens: 131072,
    totalOutputTokens: 32768,
    requestThroughput: 0.154851,
    outputThroughput: 158.5674,
    totalTokenThroughput: 792.8334,
    ttft: sum(5654.0189, 3958.6612, [[99, 11861.0871]]),
    tpot: sum(95.3012, 95.9811, [[99, 98.6990]]),
    itl: sum(95.2988, 89.6166, [[99, 96.8931]]),
  };
}

describe('formatResultBlock, legacy layout', () => {
  it('reproduces the published R1/L20 block byte for byte', () => {
    const text = formatResultBlock(published(), { layout: 'legacy', trimTrailingSpaces: true, additions: false });
    expect(text).toBe(PUBLISHED_4K_1K_WITH_OP);
  });

  const file = fileURLToPath(new URL('../engine/published-r1-l20/4k-1k.with-op.txt', import.meta.url));
  it('matches the published data file itself', () => {
    const text = formatResultBlock(published(), { layout: 'legacy', trimTrailingSpaces: true, additions: false });
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

// vLLM's print statements (vllm/benchmarks/serve.py) run under Python 3 with these numbers.
const MODERN = [
  '============ Serving Benchmark Result ============',
  'Successful requests:                     3         ',
  'Failed requests:                         1         ',
  'Maximum request concurrency:             4         ',
  'Request rate configured (RPS):           2.00      ',
  'Benchmark duration (s):                  2.50      ',
  'Total input tokens:                      300       ',
  'Total generated tokens:                  12        ',
  'Request throughput (req/s):              1.20      ',
  'Request goodput (req/s):                 0.80      ',
  'Output token throughput (tok/s):         4.80      ',
  'Peak output token throughput (tok/s):    6.00      ',
  'Peak concurrent requests:                3.00      ',
  'Total token throughput (tok/s):          124.80    ',
  '---------------Time to First Token----------------',
  'Mean TTFT (ms):                          150.12    ',
  'Median TTFT (ms):                        140.00    ',
  'P50 TTFT (ms):                           140.00    ',
  'P99.9 TTFT (ms):                         199.80    ',
  '-----Time per Output Token (excl. 1st token)------',
  'Mean TPOT (ms):                          20.00     ',
  'Median TPOT (ms):                        20.00     ',
  'P50 TPOT (ms):                           20.00     ',
  'P99.9 TPOT (ms):                         20.50     ',
  '---------------Inter-token Latency----------------',
  'Mean ITL (ms):                           18.38     ',
  'Median ITL (ms):                         17.00     ',
  'P50 ITL (ms):                            17.00     ',
  'P99.9 ITL (ms):                          30.00     ',
  '----------------End-to-end Latency----------------',
  'Mean E2EL (ms):                          400.00    ',
  'Median E2EL (ms):                        390.00    ',
  'P50 E2EL (ms):                           390.00    ',
  'P99.9 E2EL (ms):                         512.35    ',
  '==================================================',
].join('\n') + '\n';

function modern(): BenchResult {
  const r = blank(
    { maxConcurrency: 4, requestRate: 2 },
    { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'], metricPercentiles: [50, 99.9], goodput: { ttft: 200 } },
  );
  return {
    ...r,
    completed: 3,
    failed: 1,
    durationS: 2.5,
    totalInputTokens: 300,
    totalOutputTokens: 12,
    requestThroughput: 1.2,
    requestGoodput: 0.8,
    outputThroughput: 4.8,
    maxOutputTokensPerS: 6,
    maxConcurrentRequests: 3,
    totalTokenThroughput: 124.8,
    // 150.125 is an exact binary tie: Python prints 150.12 (half even), JS toFixed 150.13.
    ttft: sum(150.125, 140, [[50, 140], [99.9, 199.8]]),
    tpot: sum(20, 20, [[50, 20], [99.9, 20.5]]),
    itl: sum(18.375, 17, [[50, 17], [99.9, 30.004999]]),
    e2el: sum(400, 390, [[50, 390], [99.9, 512.345]]),
  };
}

describe('formatResultBlock, vLLM layout', () => {
  it('equals what vLLM prints, trailing padding included', () => {
    expect(formatResultBlock(modern(), { additions: false })).toBe(MODERN);
  });

  it('omits concurrency, rate and goodput lines when not configured', () => {
    const text = formatResultBlock(blank({}), { additions: false });
    expect(text).not.toContain('Maximum request concurrency');
    expect(text).not.toContain('Request rate configured');
    expect(text).not.toContain('Request goodput');
    expect(text).toContain('Failed requests:                         0         \n');
    expect(text).toContain('Peak concurrent requests:                0.00      \n');
  });

  it('prints our additions only after the closing line of the vLLM block', () => {
    const r = { ...modern(), info: { ...modern().info, partial: true, partialReason: 'SIGINT' } };
    r.failures = [{ index: 7, kind: 'http_5xx', error: 'HTTP 500: engine dead', httpStatus: 500 }];
    const full = formatResultBlock(r);
    // A partial run is flagged before vLLM's block, whose lines stay vLLM's.
    const warning = 'WARNING: partial run (SIGINT): only requests that finished before the cut are counted\n';
    expect(full.startsWith(warning + MODERN)).toBe(true);
    expect(formatResultBlock(modern()).startsWith(MODERN)).toBe(true);
    const extra = full.slice(warning.length + MODERN.length);
    expect(extra).toContain('abserve additions');
    expect(extra).toContain('WARNING: partial run (SIGINT)');
    expect(extra).toContain('  request 7: HTTP 500: engine dead\n');
    expect(extra).toContain('Failed requests:                         1         \n  by kind: none\n');
    r.failureTally = [{ kind: 'http_5xx', status: 500, count: 33 }, { kind: 'http_429', status: 429, count: 33, retryAfterS: { min: 2, max: 2 } }];
    expect(formatResultBlock(r)).toContain('\n  by kind: http_500 x33, http_429 x33 (Retry-After 2s)\n');
    expect(extra).toContain('ITL per token');
    expect(extra).toContain('Median queue time (ms):');
  });

  it("explains vLLM's bucketed peak next to the exact one, outside vLLM's block", () => {
    const r = { ...modern(), maxConcurrentRequests: 13, peakConcurrencyExact: 4 };
    const full = formatResultBlock(r);
    expect(full).toContain('Peak concurrent requests:                13.00     \n'); // vLLM's line unchanged
    const extra = full.slice(full.indexOf('abserve additions'));
    expect(extra).toContain("\nPeak concurrent requests (exact):        4  (vLLM's figure above counts requests touching each 1 s bucket)\n");
  });
});

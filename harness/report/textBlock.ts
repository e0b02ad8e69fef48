// The printed result: vLLM's block line for line (so a run reads beside a vLLM one), then, in a
// separate block after it, what only abserve measures. Nothing of ours goes inside vLLM's block.
import type { BenchResult, PercentileMetric, Summary } from '../metrics/types.js';
import { centre, lineFloat, lineInt, pWord } from './pyFormat.js';
import { formatFailureTally } from '../metrics/failureTally.js';

export interface FormatOptions {
  /**
   * 'vllm' (default): `vllm bench serve` (vllm/benchmarks/serve.py) as of 2025-2026, with Failed
   * requests, configured rate and the peak lines.
   * 'legacy': benchmarks/benchmark_serving.py of early 2025 (the published R1/L20 blocks): no
   * Failed/rate/peak lines, "Total Token throughput" capitalised and placed after output
   * throughput, preceded by the "Maximum request concurrency: N" line vLLM printed before the run.
   */
  layout?: 'vllm' | 'legacy';
  /** Python pads `{:<10}` values with trailing spaces; published copies usually lost them. */
  trimTrailingSpaces?: boolean;
  /** Append the abserve additions block (default true). */
  additions?: boolean;
}

// vLLM's order and wording of the percentile sections.
const SECTIONS: { key: PercentileMetric; name: string; header: string }[] = [
  { key: 'ttft', name: 'TTFT', header: 'Time to First Token' },
  { key: 'tpot', name: 'TPOT', header: 'Time per Output Token (excl. 1st token)' },
  { key: 'itl', name: 'ITL', header: 'Inter-token Latency' },
  { key: 'e2el', name: 'E2EL', header: 'End-to-end Latency' },
];

function metricLines(name: string, header: string, s: Summary): string[] {
  return [
    centre(header, 50, '-'),
    lineFloat(`Mean ${name} (ms):`, s.mean),
    lineFloat(`Median ${name} (ms):`, s.median),
    ...s.percentiles.map(({ p, value }) => lineFloat(`P${pWord(p)} ${name} (ms):`, value)),
  ];
}

export function formatVllmBlock(r: BenchResult, layout: 'vllm' | 'legacy' = 'vllm'): string[] {
  const { info, options } = r;
  const legacy = layout === 'legacy';
  const lines: string[] = [];
  if (legacy) lines.push(`Maximum request concurrency: ${info.maxConcurrency ?? 'None'}`);
  lines.push(centre(' Serving Benchmark Result ', 50, '='));
  lines.push(lineInt('Successful requests:', r.completed));
  if (!legacy) {
    lines.push(lineInt('Failed requests:', r.failed));
    if (info.maxConcurrency !== undefined) lines.push(lineInt('Maximum request concurrency:', info.maxConcurrency));
    if (info.requestRate !== Infinity) lines.push(lineFloat('Request rate configured (RPS):', info.requestRate));
  }
  lines.push(lineFloat('Benchmark duration (s):', r.durationS));
  lines.push(lineInt('Total input tokens:', r.totalInputTokens));
  lines.push(lineInt('Total generated tokens:', r.totalOutputTokens));
  lines.push(lineFloat('Request throughput (req/s):', r.requestThroughput));
  if (r.requestGoodput !== null) lines.push(lineFloat('Request goodput (req/s):', r.requestGoodput));
  lines.push(lineFloat('Output token throughput (tok/s):', r.outputThroughput));
  if (legacy) {
    lines.push(lineFloat('Total Token throughput (tok/s):', r.totalTokenThroughput));
  } else {
    lines.push(lineFloat('Peak output token throughput (tok/s):', r.maxOutputTokensPerS));
    lines.push(lineFloat('Peak concurrent requests:', r.maxConcurrentRequests));
    lines.push(lineFloat('Total token throughput (tok/s):', r.totalTokenThroughput));
  }
  for (const sec of SECTIONS) {
    if (options.percentileMetrics.includes(sec.key)) lines.push(...metricLines(sec.name, sec.header, r[sec.key]));
  }
  lines.push('='.repeat(50));
  return lines;
}

const MAX_LISTED = 10;

export function formatAdditionsBlock(r: BenchResult): string[] {
  const lines: string[] = [centre(' abserve additions ', 50, '-')];
  if (r.info.partial) {
    lines.push(partialWarning(r));
  }
  lines.push(...metricLines('ITL per token', 'Inter-token Latency per token', r.itlPerToken));
  lines.push(...metricLines('queue time', 'Queue time (sent - scheduled)', r.queue));
  lines.push(...metricLines('TTFT from schedule', 'TTFT from scheduled send time', r.ttftFromSchedule));
  lines.push(...metricLines('E2EL from schedule', 'E2EL from scheduled send time', r.e2elFromSchedule));
  lines.push(centre('Counts', 50, '-'));
  // vLLM's "Peak concurrent requests" counts every request touching a 1 s bucket, so it can pass
  // --max-concurrency; the exact figure is the most requests in flight at one instant.
  lines.push(`${lineInt('Peak concurrent requests (exact):', r.peakConcurrencyExact).trimEnd()}  (vLLM's figure above counts requests touching each 1 s bucket)`);
  lines.push(lineInt('Output token count mismatches:', r.mismatches.output));
  lines.push(lineInt('Prompt token count mismatches:', r.mismatches.prompt));
  for (const m of r.mismatches.list.slice(0, MAX_LISTED)) {
    const who = m.kind === 'output' ? 'client counted' : 'workload built';
    lines.push(`  request ${m.index}: ${m.kind} tokens server ${m.server}, ${who} ${m.client}`);
  }
  if (r.mismatches.list.length > MAX_LISTED) lines.push(`  ... ${r.mismatches.list.length - MAX_LISTED} more in the JSON`);
  lines.push(lineInt('Failed requests:', r.failed));
  if (r.failed > 0) lines.push(`  by kind: ${formatFailureTally(r.failureTally ?? [])}`);
  for (const f of r.failures.slice(0, MAX_LISTED)) {
    // The client's error text already names the HTTP status when there was one.
    lines.push(`  request ${f.index}: ${f.error}`);
  }
  if (r.failures.length > MAX_LISTED) lines.push(`  ... ${r.failures.length - MAX_LISTED} more in the JSON`);
  if (r.requestGoodput !== null && r.goodCompleted !== null) {
    lines.push(lineInt('Good requests (all SLOs met):', `${r.goodCompleted} of ${r.completed}`));
  }
  lines.push('-'.repeat(50));
  return lines;
}

/** The line printed before vLLM's block (and again in ours) when the run was cut short. */
export function partialWarning(r: BenchResult): string {
  return `WARNING: partial run (${r.info.partialReason ?? 'interrupted'}): only requests that finished before the cut are counted`;
}

/** vLLM's block, then ours; newline-terminated. A partial run is flagged on the line before
 *  vLLM's block, so its totals never read as a whole run's. */
export function formatResultBlock(r: BenchResult, opts: FormatOptions = {}): string {
  let lines = formatVllmBlock(r, opts.layout ?? 'vllm');
  if (r.info.partial) lines = [partialWarning(r), ...lines];
  if (opts.additions ?? true) lines = [...lines, '', ...formatAdditionsBlock(r)];
  if (opts.trimTrailingSpaces) lines = lines.map((l) => l.trimEnd());
  return lines.join('\n') + '\n';
}

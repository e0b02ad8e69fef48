// The saved JSON: vLLM's field names, units and order (vllm/benchmarks/serve.py main_async +
// benchmark()), so tools that read vLLM results read ours; everything we add sits under `abserve`.
// Non-finite numbers stay numbers here (burstiness Infinity, a zero-duration throughput NaN): the
// writer serializes them as Python does (report/pyJson.ts), never as null.
import type { BenchResult, Summary } from '../metrics/types.js';
import { pWord } from './pyFormat.js';

/** vLLM writes `datetime.now().strftime("%Y%m%d-%H%M%S")`; we take those fields from the ISO date. */
export function vllmDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}-${m[4]}${m[5]}${m[6]}` : iso;
}

function summaryJson(s: Summary): Record<string, number | Record<string, number>> {
  return {
    count: s.count,
    mean_ms: s.mean,
    median_ms: s.median,
    std_ms: s.std,
    min_ms: s.min,
    max_ms: s.max,
    percentiles_ms: Object.fromEntries(s.percentiles.map(({ p, value }) => [`p${pWord(p)}`, value])),
  };
}

const sec = (ms: number | null): number => (ms === null ? 0 : ms / 1000);

/**
 * vLLM's `backend` (also written as `endpoint_type`, and the default file name's first word):
 * the run's backend, else the endpoint's: `openai-chat` for /v1/chat/completions, `openai`
 * otherwise. A chat run never says `openai` or `vllm` (vLLM's completions backends, which cannot
 * send chat requests): those become `openai-chat`.
 */
export function vllmBackend(info: { backend?: string; endpoint: string }): string {
  const chat = info.endpoint.includes('chat');
  if (chat && (info.backend === undefined || info.backend === 'openai' || info.backend === 'vllm')) return 'openai-chat';
  return info.backend ?? 'openai';
}

export function toVllmJson(r: BenchResult): Record<string, unknown> {
  const { info, options } = r;
  const backend = vllmBackend(info);
  const out: Record<string, unknown> = {
    date: vllmDate(info.date),
    endpoint_type: backend,
    backend,
    label: info.label ?? null,
    model_id: info.model,
    tokenizer_id: info.tokenizerId ?? info.model,
    num_prompts: info.numPrompts,
  };
  // vLLM spreads --metadata k=v into the top level, before the traffic fields.
  for (const [k, v] of Object.entries(info.metadata)) out[k] = v;
  Object.assign(out, {
    request_rate: info.requestRate === Infinity ? 'inf' : info.requestRate,
    burstiness: info.burstiness,
    max_concurrency: info.maxConcurrency ?? null,
  });
  if (info.rampUp !== undefined) {
    out.ramp_up_strategy = info.rampUp.strategy;
    out.ramp_up_start_rps = info.rampUp.startRps;
    out.ramp_up_end_rps = info.rampUp.endRps;
  }
  Object.assign(out, {
    duration: r.durationS,
    completed: r.completed,
    failed: r.failed,
    total_input_tokens: r.totalInputTokens,
    total_output_tokens: r.totalOutputTokens,
    request_throughput: r.requestThroughput,
    request_goodput: r.requestGoodput,
    output_throughput: r.outputThroughput,
    total_token_throughput: r.totalTokenThroughput,
    // Per-request lists in seconds over every measured request, failed ones included (vLLM's
    // RequestFuncOutput defaults: ttft 0, latency 0, error "").
    input_lens: r.requests.map((m) => m.promptTokens),
    output_lens: r.requests.map((m) => m.outputTokens),
    ttfts: r.requests.map((m) => sec(m.ttftMs)),
    itls: r.requests.map((m) => m.itlsMs.map((g) => g / 1000)),
    latencies: r.requests.map((m) => (m.success ? sec(m.e2elMs) : 0)),
    start_times: r.requests.map((m) => m.sentAt / 1000),
    queue_times: r.requests.map((m) => m.queueMs / 1000),
    generated_texts: r.requests.map((m) => m.text),
    errors: r.requests.map((m) => m.failure?.message ?? ''),
    max_output_tokens_per_s: r.maxOutputTokensPerS,
    max_concurrent_requests: r.maxConcurrentRequests,
  });
  if (info.rpsChangeEvents !== undefined && info.rpsChangeEvents.length > 0) out.rps_change_events = info.rpsChangeEvents;
  // A cut-short run says so at the top level too (readers of vLLM's keys ignore unknown ones);
  // a complete run's keys stay exactly vLLM's.
  if (info.partial) {
    out.partial = true;
    out.partial_reason = info.partialReason ?? 'interrupted';
  }
  // Only the selected metrics get vLLM's flat keys, as process_one_metric does.
  for (const key of ['ttft', 'tpot', 'itl', 'e2el'] as const) {
    if (!options.percentileMetrics.includes(key)) continue;
    const s = r[key];
    out[`mean_${key}_ms`] = s.mean;
    out[`median_${key}_ms`] = s.median;
    out[`std_${key}_ms`] = s.std;
    for (const { p, value } of s.percentiles) out[`p${pWord(p)}_${key}_ms`] = value;
  }
  out.abserve = {
    schema: 1,
    date_iso: info.date,
    endpoint: info.endpoint,
    base_url: info.baseUrl,
    partial: info.partial,
    partial_reason: info.partialReason ?? null,
    metadata: info.metadata,
    ...(info.ignoreEos !== undefined ? { ignore_eos: info.ignoreEos } : {}),
    options: {
      percentile_metrics: options.percentileMetrics,
      metric_percentiles: options.metricPercentiles,
      goodput_slo_ms: options.goodput ?? null,
    },
    good_completed: r.goodCompleted,
    peak_concurrency_exact: r.peakConcurrencyExact,
    tokens_per_second: r.tokensPerSecond,
    concurrency_per_second: r.concurrencyPerSecond,
    stats: {
      ttft: summaryJson(r.ttft),
      tpot: summaryJson(r.tpot),
      itl: summaryJson(r.itl),
      e2el: summaryJson(r.e2el),
      itl_per_token: summaryJson(r.itlPerToken),
      queue: summaryJson(r.queue),
      ttft_from_schedule: summaryJson(r.ttftFromSchedule),
      e2el_from_schedule: summaryJson(r.e2elFromSchedule),
    },
    histograms: {
      unit: 'us',
      significant_digits: 3,
      encoding: 'HdrHistogram V2 compressed, base64',
      ttft: r.histograms.ttft,
      tpot: r.histograms.tpot,
      itl: r.histograms.itl,
      itl_per_token: r.histograms.itlPerToken,
      e2el: r.histograms.e2el,
      queue: r.histograms.queue,
      ttft_from_schedule: r.histograms.ttftFromSchedule,
      e2el_from_schedule: r.histograms.e2elFromSchedule,
    },
    mismatches: {
      output: r.mismatches.output,
      prompt: r.mismatches.prompt,
      list: r.mismatches.list,
    },
    failures: r.failures,
    // Issue 10: failures by kind and status, e.g. [{kind: 'http_429', status: 429, count: 33,
    // retryAfterS: {min: 2, max: 2}}]; older saved results lack it.
    failure_tally: r.failureTally ?? [],
  };
  return out;
}

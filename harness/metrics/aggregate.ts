// Records of one run -> BenchResult, following vLLM's calculate_metrics (vllm/benchmarks/serve.py)
// for the numbers both tools print, plus our additions. Pure: no I/O, no clock.
import type { RequestRecord } from '../records/record.js';
import { encodeMs } from './hdr.js';
import { summarize } from './numpyStats.js';
import { deriveRequest } from './perRequest.js';
import { timeline } from './timeline.js';
import { tallyFailures } from './failureTally.js';
import type {
  AggregateOptions,
  BenchResult,
  Failure,
  GoodputSlo,
  HistogramName,
  RequestMetrics,
  ResolvedOptions,
  RunInfo,
  TokenMismatch,
} from './types.js';

export const DEFAULT_PERCENTILE_METRICS = ['ttft', 'tpot', 'itl'] as const;
export const DEFAULT_METRIC_PERCENTILES = [99];

export function resolveOptions(opts: AggregateOptions = {}): ResolvedOptions {
  const g = opts.goodput;
  // vLLM prints goodput only when the SLO dict is non-empty.
  const hasSlo = g !== undefined && (g.ttft !== undefined || g.tpot !== undefined || g.e2el !== undefined);
  return {
    percentileMetrics: opts.percentileMetrics ?? [...DEFAULT_PERCENTILE_METRICS],
    metricPercentiles: opts.metricPercentiles ?? [...DEFAULT_METRIC_PERCENTILES],
    ...(hasSlo ? { goodput: { ...g } } : {}),
  };
}

/**
 * vLLM's goodput: a successful request is good when every given SLO holds (metric <= SLO); a request
 * with one output token has TPOT 0 for this purpose.
 */
export function isGood(m: RequestMetrics, slo: GoodputSlo): boolean {
  if (slo.ttft !== undefined && !((m.ttftMs ?? 0) <= slo.ttft)) return false;
  if (slo.tpot !== undefined && !((m.tpotMs ?? 0) <= slo.tpot)) return false;
  if (slo.e2el !== undefined && !((m.e2elMs ?? 0) <= slo.e2el)) return false;
  return true;
}

function mismatchesOf(r: RequestRecord): TokenMismatch[] {
  const out: TokenMismatch[] = [];
  if (r.usageCompletionTokens !== undefined && r.usageCompletionTokens !== r.clientOutputTokens) {
    out.push({ index: r.index, kind: 'output', server: r.usageCompletionTokens, client: r.clientOutputTokens });
  }
  if (r.usagePromptTokens !== undefined && r.usagePromptTokens !== r.expectedPromptTokens) {
    out.push({ index: r.index, kind: 'prompt', server: r.usagePromptTokens, client: r.expectedPromptTokens });
  }
  return out;
}

const notNull = (v: number | null): v is number => v !== null;

export function aggregate(records: readonly RequestRecord[], info: RunInfo, opts?: AggregateOptions): BenchResult {
  const options = resolveOptions(opts);
  const pcts = options.metricPercentiles;
  const measured = records.filter((r) => !r.warmup).sort((a, b) => a.index - b.index);
  const okRecords = measured.filter((r) => r.success);
  const requests = measured.map(deriveRequest);
  const ok = requests.filter((m) => m.success);

  const durationS = (info.endedAt - info.startedAt) / 1000;
  const totalInputTokens = ok.reduce((s, m) => s + m.promptTokens, 0);
  const totalOutputTokens = ok.reduce((s, m) => s + m.outputTokens, 0);

  // vLLM pools the values of successful requests; a request without a token event has no TTFT.
  const ttfts = ok.map((m) => m.ttftMs).filter(notNull);
  const tpots = ok.map((m) => m.tpotMs).filter(notNull);
  const e2els = ok.map((m) => m.e2elMs).filter(notNull);
  const itls = ok.flatMap((m) => m.itlsMs);
  const itlsPerToken = ok.flatMap((m) => m.itlsPerTokenMs);
  const queues = ok.map((m) => m.queueMs);
  const ttftsSched = ok.map((m) => m.ttftFromScheduleMs).filter(notNull);
  const e2elsSched = ok.map((m) => m.e2elFromScheduleMs).filter(notNull);

  const slo = options.goodput;
  const goodCompleted = slo ? ok.filter((m) => isGood(m, slo)).length : null;

  const failures: Failure[] = requests
    .filter((m) => !m.success)
    .map((m) => ({
      index: m.index,
      kind: m.failure?.kind ?? 'other',
      error: m.failure?.message ?? 'unknown error',
      ...(m.httpStatus !== undefined ? { httpStatus: m.httpStatus } : {}),
    }));
  const list = measured.flatMap(mismatchesOf);

  const histograms: Record<HistogramName, string> = {
    ttft: encodeMs(ttfts),
    tpot: encodeMs(tpots),
    itl: encodeMs(itls),
    itlPerToken: encodeMs(itlsPerToken),
    e2el: encodeMs(e2els),
    queue: encodeMs(queues),
    ttftFromSchedule: encodeMs(ttftsSched),
    e2elFromSchedule: encodeMs(e2elsSched),
  };

  return {
    info,
    options,
    durationS,
    completed: ok.length,
    failed: failures.length,
    totalInputTokens,
    totalOutputTokens,
    requestThroughput: ok.length / durationS,
    requestGoodput: goodCompleted === null ? null : goodCompleted / durationS,
    goodCompleted,
    outputThroughput: totalOutputTokens / durationS,
    totalTokenThroughput: (totalInputTokens + totalOutputTokens) / durationS,
    ...timeline(okRecords),
    ttft: summarize(ttfts, pcts),
    tpot: summarize(tpots, pcts),
    itl: summarize(itls, pcts),
    e2el: summarize(e2els, pcts),
    itlPerToken: summarize(itlsPerToken, pcts),
    queue: summarize(queues, pcts),
    ttftFromSchedule: summarize(ttftsSched, pcts),
    e2elFromSchedule: summarize(e2elsSched, pcts),
    histograms,
    mismatches: {
      output: list.filter((m) => m.kind === 'output').length,
      prompt: list.filter((m) => m.kind === 'prompt').length,
      list,
    },
    failures,
    failureTally: tallyFailures(measured),
    requests,
  };
}

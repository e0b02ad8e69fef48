// Shapes produced by metrics.aggregate(): plain, JSON-serialisable data (histograms travel as
// compressed base64 strings), so a BenchResult can be saved, reloaded and compared without the
// records or any live object.

import type { Failure as RecordFailure, FailureKind } from '../records/record.js';
import type { FailureTallyEntry } from './failureTally.js';
export type PercentileMetric = 'ttft' | 'tpot' | 'itl' | 'e2el';

/** What the run was; everything here comes from the caller, nothing is derived. */
export interface RunInfo {
  model: string;
  endpoint: string;
  baseUrl: string;
  label?: string;
  /** Also written as vLLM's `backend` / `tokenizer_id` when given. */
  backend?: string;
  tokenizerId?: string;
  numPrompts: number;
  /** Requests per second; Infinity for `inf`. */
  requestRate: number;
  /** Gamma shape of the arrivals; Infinity for `inf` (evenly spaced), saved as vLLM does. */
  burstiness: number;
  maxConcurrency?: number;
  /** --ramp-up-strategy and its rates (req/s), saved as vLLM's ramp_up_* fields when set. */
  rampUp?: { strategy: 'linear' | 'exponential'; startRps: number; endRps: number };
  /** vLLM's rps_change_events: each integer rate the ramp reached, with the wall time (ISO 8601)
   *  it was reached at (first scheduled send at that rate). Only with rampUp. */
  rpsChangeEvents?: { rps: number; timestamp: string }[];
  /** Clock ms (harness/clock) of the first measured send. */
  startedAt: number;
  /** Clock ms of the last measured completion. Duration = endedAt - startedAt. */
  endedAt: number;
  /** ISO 8601 wall-clock date of the run. */
  date: string;
  metadata: Record<string, string>;
  /** The request body's ignore_eos, when it was set (saved as `abserve.ignore_eos`; vLLM's JSON
   *  has no such field, and compare warns when two runs differ in it). */
  ignoreEos?: boolean;
  /** True when the run was cut short (Ctrl-C, server crash, run timeout). */
  partial: boolean;
  partialReason?: string;
}

/** Service level objectives in ms, as `--goodput ttft:MS tpot:MS e2el:MS`. */
export interface GoodputSlo {
  ttft?: number;
  tpot?: number;
  e2el?: number;
}

export interface AggregateOptions {
  percentileMetrics?: PercentileMetric[];
  metricPercentiles?: number[];
  goodput?: GoodputSlo;
}

export interface ResolvedOptions {
  percentileMetrics: PercentileMetric[];
  metricPercentiles: number[];
  /** Undefined when no SLO was given (vLLM then prints no goodput line and saves null). */
  goodput?: GoodputSlo;
}

/** numpy-identical statistics over exact values, all in ms. Empty input gives zeros, as vLLM's `x or 0`. */
export interface Summary {
  count: number;
  mean: number;
  median: number;
  std: number;
  min: number;
  max: number;
  percentiles: { p: number; value: number }[];
}

/** Metrics of one request, derived from its RequestRecord alone. Times in ms; null = not defined. */
export interface RequestMetrics {
  index: number;
  success: boolean;
  failure?: RecordFailure;
  httpStatus?: number;
  /** Prompt length the workload intended (vLLM's prompt_len). */
  promptTokens: number;
  serverPromptTokens?: number;
  /** usage.completion_tokens ?? client count; 0 for failed requests (as vLLM's output_lens). */
  outputTokens: number;
  clientOutputTokens: number;
  serverOutputTokens?: number;
  /** Clock ms, copied so per-request data stands alone. */
  scheduledAt: number;
  sentAt: number;
  endAt: number | null;
  queueMs: number;
  ttftMs: number | null;
  /** (E2EL - TTFT) / (outputTokens - 1); null when outputTokens <= 1. */
  tpotMs: number | null;
  e2elMs: number | null;
  ttftFromScheduleMs: number | null;
  e2elFromScheduleMs: number | null;
  /** Gaps between successive token-bearing events (vLLM's per-request `itl`). */
  itlsMs: number[];
  /** Per-token gaps: a later event carrying k tokens contributes k gaps of gap/k. */
  itlsPerTokenMs: number[];
  text: string;
  reasoningText: string;
}

export type HistogramName =
  | 'ttft'
  | 'tpot'
  | 'itl'
  | 'itlPerToken'
  | 'e2el'
  | 'queue'
  | 'ttftFromSchedule'
  | 'e2elFromSchedule';

export interface TokenMismatch {
  index: number;
  kind: 'output' | 'prompt';
  /** What the server's usage said. */
  server: number;
  /** What the client counted (output) or the workload intended (prompt). */
  client: number;
}

/** One failed request as the result lists it: its kind (records/record.ts) and message. */
export interface Failure {
  index: number;
  kind: FailureKind;
  error: string;
  httpStatus?: number;
}

export interface BenchResult {
  info: RunInfo;
  options: ResolvedOptions;
  durationS: number;
  completed: number;
  failed: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  requestThroughput: number;
  /** Good requests per second; null without SLOs. */
  requestGoodput: number | null;
  goodCompleted: number | null;
  outputThroughput: number;
  totalTokenThroughput: number;
  /** Highest 1 s bucket of output tokens (tokens placed at their event times). */
  maxOutputTokensPerS: number;
  /** Highest 1 s bucket of requests in flight. */
  maxConcurrentRequests: number;
  /** Exact peak of requests in flight (sweep line over [sentAt, endAt)). */
  peakConcurrencyExact: number;
  /** The 1 s series behind the two peaks, from the first successful send. */
  tokensPerSecond: number[];
  concurrencyPerSecond: number[];
  /** Time-weighted mean requests in flight over each of those 1 s buckets (<= the concurrency cap). */
  inFlightPerSecond: number[];
  /** vLLM's four metrics. ITL is chunk-weighted (all event gaps pooled). */
  ttft: Summary;
  tpot: Summary;
  itl: Summary;
  e2el: Summary;
  /** Our additions. */
  itlPerToken: Summary;
  queue: Summary;
  ttftFromSchedule: Summary;
  e2elFromSchedule: Summary;
  /** HdrHistogram, microseconds, 3 significant digits, compressed base64. */
  histograms: Record<HistogramName, string>;
  mismatches: { output: number; prompt: number; list: TokenMismatch[] };
  failures: Failure[];
  /** Failed measured requests counted by kind and status (tallyFailures), largest first. */
  failureTally: FailureTallyEntry[];
  /** Measured (non-warmup) requests in index order. */
  requests: RequestMetrics[];
}

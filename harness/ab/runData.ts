// What one measured run leaves behind for the comparison and the report: per successful request
// the latencies (ms), the run-level throughputs, the client-side timeline, the server's /metrics
// series and the failure tally. Saved as run.json in the run's folder so `abserve report DIR`
// can rebuild every comparison without the raw records.
import { deriveRequest, failureLabel, tallyFailures } from '../metrics/index.js';
import type { BenchResult } from '../metrics/types.js';
import type { RequestRecord } from '../records/record.js';
import type { MetricsSeries } from '../target/index.js';
import type { RunCut } from '../bench/runBenchmark.js';

/** One successful request's metrics (ms), keyed by its workload index for pairing across arms. */
export interface RunRequest {
  index: number;
  ttft: number;
  /** null when the request had one output token (TPOT undefined, as vLLM). */
  tpot: number | null;
  e2el: number;
  /** vLLM's per-request ITL: gaps between token-bearing events. */
  itl: number[];
}

/** One arm x repetition, as saved in `run.json`. */
export interface RunData {
  arm: string;
  /** 1-based repetition within the arm. */
  rep: number;
  /** 0-based position in the run order. */
  order: number;
  partial: boolean;
  partialReason?: string;
  /** The cut-short run's cause and request counts as data (absent in run.json files written before
   *  it existed: those have only partialReason's text). */
  cut?: RunCut;
  /** Measured requests that succeeded / failed. */
  completed: number;
  failed: number;
  /** Failure kind -> count (measured requests). */
  failures: Record<string, number>;
  /** The first failed measured request's message (e.g. the server's error text), if any. */
  firstFailure?: string;
  /** Over the benchmark duration, vLLM's definitions (BenchResult). */
  requestThroughput: number;
  outputThroughput: number;
  totalTokenThroughput: number;
  durationS: number;
  requests: RunRequest[];
  /** Client side, 1 s buckets from the first send; `running` the time-weighted mean requests in flight. */
  timeline: { t_s: number[]; output_tok_s: number[]; running: number[] };
  /** The server's /metrics, scraped every second; absent when it has none. */
  server?: { t_s: number[]; running: number[]; waiting: number[] };
}

/** Failure label (kind, or http_<status>: metrics/failureTally.ts) -> count over failed measured
 *  records, most frequent first. */
export function failureCounts(records: readonly RequestRecord[]): Record<string, number> {
  return Object.fromEntries(tallyFailures(records).map((e) => [failureLabel(e), e.count]));
}

function firstFailureOf(records: readonly RequestRecord[]): string | undefined {
  return records.find((r) => !r.success && r.failure)?.failure?.message;
}

/** Builds RunData from a finished run's records and result. `records` may include warmups. */
export function toRunData(
  where: { arm: string; rep: number; order: number },
  result: BenchResult,
  records: readonly RequestRecord[],
  series: MetricsSeries | undefined,
  cut?: RunCut,
): RunData {
  const measured = records.filter((r) => !r.warmup);
  const ok = measured.filter((r) => r.success);
  const requests: RunRequest[] = [];
  for (const r of ok) {
    const m = deriveRequest(r);
    if (m.ttftMs === null || m.e2elMs === null) continue;
    requests.push({ index: r.index, ttft: m.ttftMs, tpot: m.tpotMs, e2el: m.e2elMs, itl: m.itlsMs });
  }
  requests.sort((a, b) => a.index - b.index);
  const data: RunData = {
    ...where,
    partial: result.info.partial,
    ...(result.info.partialReason ? { partialReason: result.info.partialReason } : {}),
    ...(cut ? { cut } : {}),
    completed: result.completed,
    failed: result.failed,
    failures: failureCounts(records),
    ...(firstFailureOf(measured) ? { firstFailure: firstFailureOf(measured) } : {}),
    requestThroughput: result.requestThroughput,
    outputThroughput: result.outputThroughput,
    totalTokenThroughput: result.totalTokenThroughput,
    durationS: result.durationS,
    requests,
    timeline: {
      t_s: result.tokensPerSecond.map((_, i) => i),
      output_tok_s: result.tokensPerSecond,
      running: result.inFlightPerSecond,
    },
  };
  if (series && series.supported && series.t_s.length > 0) {
    data.server = {
      // Whole seconds: scrapes of different runs land a few ms apart, and the report aligns the
      // repetitions' series on their timestamps.
      t_s: series.t_s.map((t) => Math.round(t)),
      running: series.running.map((v) => v ?? 0),
      waiting: series.waiting.map((v) => v ?? 0),
    };
  }
  return data;
}

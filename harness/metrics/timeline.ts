// Peak output tok/s and peak concurrency over 1 s buckets, as vLLM's calculate_metrics does:
// successful requests only, buckets counted from the earliest successful send. Unlike vLLM (one
// token per SSE event) each event's token count lands in the bucket of its arrival time, so
// multi-token chunks are not undercounted.
import type { RequestRecord } from '../records/record.js';

export interface Timeline {
  tokensPerSecond: number[];
  /** vLLM's count: requests whose [sentAt, end) touches each 1 s bucket (can exceed the cap). */
  concurrencyPerSecond: number[];
  /** Time-weighted mean of requests in flight over each 1 s bucket, the last one over the part
   *  before the last request ended (never above the concurrency cap). */
  inFlightPerSecond: number[];
  maxOutputTokensPerS: number;
  maxConcurrentRequests: number;
  /** Exact peak of overlapping [sentAt, endAt) intervals (what vLLM >= 0.11 reports). */
  peakConcurrencyExact: number;
}

const empty: Timeline = {
  tokensPerSecond: [],
  concurrencyPerSecond: [],
  inFlightPerSecond: [],
  maxOutputTokensPerS: 0,
  maxConcurrentRequests: 0,
  peakConcurrencyExact: 0,
};

function endOf(r: RequestRecord): number {
  return r.endAt ?? (r.tokenTimes.length > 0 ? r.tokenTimes[r.tokenTimes.length - 1] : r.sentAt);
}

// A loop, not Math.max(...a): a long run has more buckets than a call may take arguments.
function maxOf(a: number[]): number {
  let m = 0;
  for (const v of a) if (v > m) m = v;
  return m;
}

/** `ok` must hold successful, measured records only. */
export function timeline(ok: readonly RequestRecord[]): Timeline {
  if (ok.length === 0) return { ...empty, tokensPerSecond: [], concurrencyPerSecond: [], inFlightPerSecond: [] };
  let origin = Infinity;
  let last = -Infinity;
  for (const r of ok) {
    origin = Math.min(origin, r.sentAt);
    last = Math.max(last, endOf(r));
  }
  const n = Math.ceil((last - origin) / 1000) + 1;
  const tokens = new Array<number>(n).fill(0);
  const conc = new Array<number>(n).fill(0);
  const busyMs = new Array<number>(n).fill(0);
  const bucket = (t: number) => Math.floor((t - origin) / 1000);

  for (const r of ok) {
    for (let i = 0; i < r.tokenTimes.length; i++) {
      const b = bucket(r.tokenTimes[i]);
      if (b >= 0 && b < n) tokens[b] += r.tokenCounts[i] ?? 1;
    }
    // In flight during second b means the interval [sentAt, end) overlaps [b, b+1).
    const from = bucket(r.sentAt);
    const to = Math.max(from + 1, Math.ceil((endOf(r) - origin) / 1000));
    for (let b = Math.max(0, from); b < Math.min(n, to); b++) {
      conc[b] += 1;
      const lo = origin + b * 1000;
      busyMs[b] += Math.max(0, Math.min(endOf(r), lo + 1000) - Math.max(r.sentAt, lo));
    }
  }

  // Sweep line; an end at the same instant as a start is processed first (half-open intervals).
  const events: [number, number][] = [];
  for (const r of ok) events.push([r.sentAt, 1], [endOf(r), -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  for (const [, d] of events) {
    cur += d;
    if (cur > peak) peak = cur;
  }

  return {
    tokensPerSecond: tokens,
    concurrencyPerSecond: conc,
    // Over the part of each bucket the run covers (the last one ends with the last request).
    inFlightPerSecond: busyMs.map((ms, b) => {
      const span = Math.min(1000, last - (origin + b * 1000));
      return span > 0 ? ms / span : 0;
    }),
    maxOutputTokensPerS: maxOf(tokens),
    maxConcurrentRequests: maxOf(conc),
    peakConcurrencyExact: peak,
  };
}

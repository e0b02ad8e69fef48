// The load generator: sends the workload's requests on their absolute schedule through the
// client, capped at --max-concurrency, and collects one record per request. Nothing here looks
// inside a record beyond success and token counts (for progress); metrics come later.
import { now } from '../common/clock.js';
import type { RequestRecord } from '../records/record.js';
import type { RequestSpec } from '../records/spec.js';
import { Limiter } from './limiter.js';
import { waitUntil } from './waitUntil.js';

export interface LoadClient {
  send(spec: RequestSpec, scheduledAt: number, signal?: AbortSignal): Promise<RequestRecord>;
}

export interface LoadProgress {
  total: number;
  done: number;
  inFlight: number;
  failed: number;
  outputTokens: number;
  elapsedMs: number;
}

export interface LoadOptions {
  maxConcurrency?: number;
  /** Cancels the run: no new sends, requests in flight are aborted, completed ones are kept. */
  signal?: AbortSignal;
  /** Called after every measured request finishes (the same object, updated in place). */
  onProgress?: (p: LoadProgress) => void;
  /** Called with every record as it finishes, warmups included (`warmup: true`), in completion
   *  order; records cut off by the run's cancellation are not reported. For appended JSONL. */
  onRecord?: (r: RequestRecord) => void;
  /** Called once the warmup requests have all finished (only when there were any), before the
   *  first measured send. */
  onWarmupDone?: () => void;
  /** Gap between the end of warmup and the first scheduled send (ms). */
  startDelayMs?: number;
}

export interface LoadOutcome {
  /** Measured requests that finished (succeeded or failed), in index order. */
  records: RequestRecord[];
  warmupRecords: RequestRecord[];
  /** Clock time of the first measured send and of the last completion. */
  startedAt: number;
  endedAt: number;
  /** True when the run was cancelled before every request finished. */
  interrupted: boolean;
  /** Requests never sent or cut off in flight by the cancellation. */
  cancelled: number;
  /** CPU time (user + system, microseconds) this process spent during the measured phase. */
  cpuUs: number;
}

/**
 * A failed record that the run's cancellation cut off (failure kind `aborted`), as opposed to a
 * server failure that happened to end after the cancellation: that one (e.g. the refusal that
 * made the caller stop the run) is kept as a failure.
 */
function cutOffByAbort(rec: RequestRecord): boolean {
  return rec.failure === undefined || rec.failure.kind === 'aborted';
}

export async function runLoad(
  specs: readonly RequestSpec[],
  client: LoadClient,
  opts: LoadOptions = {},
): Promise<LoadOutcome> {
  const { signal } = opts;
  const limiter = new Limiter(opts.maxConcurrency ?? Number.POSITIVE_INFINITY);
  const onAbort = () => limiter.drain();
  signal?.addEventListener('abort', onAbort, { once: true });

  const warmups = specs.filter((s) => s.warmup);
  const measured = specs.filter((s) => !s.warmup);

  // Warmup: sent back to back under the same concurrency cap, all finished before measuring.
  const warmupRecords: RequestRecord[] = [];
  await Promise.all(
    warmups.map(async (spec) => {
      await limiter.acquire();
      try {
        if (!signal?.aborted) {
          const rec = await client.send(spec, now(), signal);
          warmupRecords.push(rec);
          opts.onRecord?.(rec);
        }
      } finally {
        limiter.release();
      }
    }),
  );
  if (warmups.length > 0) opts.onWarmupDone?.();

  const progress: LoadProgress = {
    total: measured.length,
    done: 0,
    inFlight: 0,
    failed: 0,
    outputTokens: 0,
    elapsedMs: 0,
  };
  const records: RequestRecord[] = [];
  let cancelled = 0;
  let endedAt = 0;
  const t0 = now() + (opts.startDelayMs ?? 5);
  const cpu0 = process.cpuUsage();

  const sendOne = async (spec: RequestSpec, scheduledAt: number): Promise<void> => {
    await limiter.acquire();
    try {
      if (signal?.aborted) {
        cancelled++;
        return;
      }
      progress.inFlight++;
      const rec = await client.send(spec, scheduledAt, signal);
      progress.inFlight--;
      endedAt = Math.max(endedAt, now());
      if (signal?.aborted && !rec.success && cutOffByAbort(rec)) {
        cancelled++; // cut off by the cancellation, not a server failure
        return;
      }
      records.push(rec);
      opts.onRecord?.(rec);
      progress.done++;
      if (!rec.success) progress.failed++;
      progress.outputTokens += rec.usageCompletionTokens ?? rec.clientOutputTokens;
      progress.elapsedMs = now() - t0;
      opts.onProgress?.(progress);
    } finally {
      limiter.release();
    }
  };

  const tasks: Promise<void>[] = [];
  for (const spec of measured) {
    const scheduledAt = t0 + spec.scheduledMs;
    await waitUntil(scheduledAt, signal);
    if (signal?.aborted) {
      cancelled += measured.length - tasks.length;
      break;
    }
    tasks.push(sendOne(spec, scheduledAt));
  }
  await Promise.all(tasks);
  const cpu = process.cpuUsage(cpu0);
  signal?.removeEventListener('abort', onAbort);

  records.sort((a, b) => a.index - b.index);
  const startedAt = records.reduce((m, r) => Math.min(m, r.sentAt), Number.POSITIVE_INFINITY);
  return {
    records,
    warmupRecords,
    startedAt: Number.isFinite(startedAt) ? startedAt : t0,
    endedAt: endedAt || now(),
    interrupted: Boolean(signal?.aborted) && cancelled > 0,
    cancelled,
    cpuUs: cpu.user + cpu.system,
  };
}

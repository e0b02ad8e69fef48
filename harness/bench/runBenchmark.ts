// One serving benchmark, end to end: workload -> load generator -> client -> metrics. The CLI's
// `bench`, the demo and (later) the A/B runner all go through here; printing and saving are the
// caller's, so this stays free of I/O beyond the requests themselves.
import { createClient, type ClientOptions } from '../client/client.js';
import type { Failure, RequestRecord } from '../records/record.js';
import { runLoad, type LoadProgress } from '../load/runLoad.js';
import { aggregate } from '../metrics/index.js';
import type { AggregateOptions, BenchResult } from '../metrics/types.js';
import { buildWorkload, rateAt, resolveWorkloadOptions, type RequestSpec, type Tokenizer, type WorkloadOptions } from '../workload/index.js';
import { now } from '../common/clock.js';
import { readyCheck } from './readyCheck.js';
import { compactRecord, type RecordSpool } from './recordSpool.js';

/**
 * Where a run is, as vLLM's serving benchmark announces it: `ready-check` before the initial test
 * request (also when it is then skipped), `ready-check-done` / `ready-check-skipped` after it,
 * `warmup` (with the number of warmup requests) and `warmup-done` around the warmups, `load` when
 * the measured run starts. Events only: printing them is the caller's.
 */
export type BenchPhase =
  | { kind: 'ready-check' }
  | { kind: 'ready-check-done' }
  | { kind: 'ready-check-skipped' }
  | { kind: 'warmup'; requests: number }
  | { kind: 'warmup-done' }
  | { kind: 'load' };

/** Connection refusals in a row after which the server is taken to be gone. */
const SERVER_GONE_AFTER = 3;

export interface BenchmarkConfig {
  client: ClientOptions;
  workload: WorkloadOptions;
  tokenizer: Tokenizer;
  aggregate: AggregateOptions;
  maxConcurrency?: number;
  label?: string;
  metadata?: Record<string, string>;
  /**
   * Limit on the load (ms), counted from when it starts (after the initial test request, warmups
   * included): when it passes the run stops and the result is marked partial.
   */
  runTimeoutMs?: number;
  /** External cancellation (Ctrl-C). */
  signal?: AbortSignal;
  /** Called once when the load starts: the initial test request (if any) is done, no request of
   *  the run has been sent yet. The CLI's Ctrl-C message depends on it. */
  onLoadStart?: () => void;
  /** Every phase as it starts (see BenchPhase), e.g. for a line a piped or CI log shows. */
  onPhase?: (phase: BenchPhase) => void;
  /** Progress after every finished measured request (the CLI draws its bar from this). */
  onProgress?: (p: LoadProgress) => void;
  /** Every record as it finishes (warmups flagged), e.g. to append it to a JSONL file. */
  onRecord?: (r: RequestRecord) => void;
  /**
   * vLLM's initial test request (--ready-check-timeout-sec, ms here): the first measured request
   * is sent once before the run (not counted) and a failure stops the run with a UserError naming
   * the server's message (bench/readyCheck.ts). Undefined or 0: no check.
   */
  readyCheckTimeoutMs?: number;
  /** When the ready-check budget began (Date.now() ms; default: when the check starts). The time
   *  the caller already spent waiting for the server (its /v1/models probe) counts against it. */
  readyCheckSince?: number;
  /** Wait between ready-check tries (ms, default 5000 as vLLM). */
  readyCheckIntervalMs?: number;
  /** Called when the ready check will try again (see ReadyCheckOptions.onRetry). */
  onReadyRetry?: (failure: Failure, secondsLeft: number) => void;
  /**
   * Append every finished record to this spool and keep only its timing in memory (text,
   * reasoning and tool calls are dropped from `records`; restoreTexts / spoolRecords read them
   * back). Bounded memory for long runs, and a file that survives a crash. The caller closes it.
   */
  spool?: RecordSpool;
}

/** Why and where a run was cut short, as data (the same facts as the result's partialReason text). */
export interface RunCut {
  /** What stopped it: "interrupted", "run timeout (60000 ms) reached", "server stopped accepting ...". */
  cause: string;
  /** True when the cause is the caller's signal (Ctrl-C, SIGTERM, the parent gone). */
  interrupted: boolean;
  /** Measured requests that finished (succeeded or failed), of `of` planned; `cancelled` never ran
   *  or were cut off in flight. */
  finished: number;
  of: number;
  cancelled: number;
}

export interface BenchmarkRun {
  result: BenchResult;
  /** Present when the run was cut short (result.info.partial). */
  cut?: RunCut;
  /** Measured records followed by warmup records (warmup: true), as saved in the JSONL. */
  records: RequestRecord[];
  /** CPU this process spent while the measured requests ran (us): the client's own cost. */
  clientCpuUs: number;
}

/**
 * Connections for the client's pool. The pool must never be the concurrency cap: vLLM's benchmark
 * opens as many connections as --max-concurrency (unlimited without it), and a smaller pool would
 * silently hold requests back (counted as queue time) below the cap the user asked for.
 */
export function poolConnections(cfg: BenchmarkConfig, numRequests: number): number {
  return Math.max(1, cfg.client.maxConnections ?? cfg.maxConcurrency ?? numRequests);
}

/** Thrown by runBenchmark when an interrupt came before any measured request was sent. */
export class InterruptedBeforeStart extends Error {
  override name = 'InterruptedBeforeStart';
}

/** The cause of a run stopped by SERVER_GONE_AFTER refusals in a row; `accepted`: the server had
 *  accepted a connection before (else it never did, and "stopped" would be wrong). */
export function serverGoneCause(accepted: boolean): string {
  const streak = `${SERVER_GONE_AFTER} requests in a row: ECONNREFUSED`;
  return accepted ? `server stopped accepting connections (${streak})` : `server refused every connection (${streak})`;
}

/**
 * A cut-short run's partialReason: "<cause>; N of M requests completed, C cancelled" when every
 * finished request succeeded, else "<cause>; N of M requests finished (S succeeded, F failed), C
 * cancelled" (failed requests are not "completed": "3 of 4 completed" with 0 successes misleads).
 */
export function cutReason(cut: RunCut, succeeded: number): string {
  return `${cut.cause}; ${cutCounts(cut, succeeded)}`;
}

/** The counts part of cutReason ("N of M requests completed, C cancelled", or with failures "N of M
 *  requests finished (S succeeded, F failed), C cancelled"); ab puts the cut run's place before it. */
export function cutCounts(cut: RunCut, succeeded: number): string {
  const failed = cut.finished - succeeded;
  const counts = failed === 0
    ? `${cut.finished} of ${cut.of} requests completed`
    : `${cut.finished} of ${cut.of} requests finished (${succeeded} succeeded, ${failed} failed)`;
  return `${counts}, ${cut.cancelled} cancelled`;
}

/**
 * One run: the initial test request (when asked), then the workload on its schedule, aggregated.
 * An interrupt or --run-timeout cuts the load short: the result is marked partial with
 * `partialReason` "<cause>; N of M requests completed, C cancelled" (cutReason). Throws
 * InterruptedBeforeStart when `signal` aborted during the test request, and the ready check's
 * UserError when the test request fails; server failures during the load are records, not errors.
 */
export async function runBenchmark(cfg: BenchmarkConfig): Promise<BenchmarkRun> {
  const specs = buildWorkload({ ...cfg.workload, endpoint: cfg.client.endpoint }, cfg.tokenizer);
  const measured = specs.filter((s) => !s.warmup).length;
  const client = createClient({ ...cfg.client, maxConnections: poolConnections(cfg, specs.length) });

  const stop = new AbortController();
  /** The cut's cause is the caller's signal (set with partialReason, first cause wins). */
  let interrupted = false;
  let partialReason: string | undefined;
  const onExternalAbort = () => {
    if (partialReason === undefined) interrupted = true;
    partialReason ??= 'interrupted';
    stop.abort();
  };
  cfg.signal?.addEventListener('abort', onExternalAbort, { once: true });
  if (cfg.signal?.aborted) onExternalAbort();
  let runTimer: NodeJS.Timeout | undefined;
  /** Starts the --run-timeout clock: at the load's start, so a slow test request does not eat it. */
  const startRunTimer = (): void => {
    if (cfg.runTimeoutMs === undefined) return;
    runTimer = setTimeout(() => {
      partialReason ??= `run timeout (${cfg.runTimeoutMs} ms) reached`;
      stop.abort();
    }, cfg.runTimeoutMs);
  };

  // A server that went away (crashed, killed) refuses every new connection: stop after a few
  // refusals in a row instead of burning through the rest of the schedule, and say so.
  // A server that never accepted a connection (nothing listening, wrong port) is not one that
  // "stopped": `accepted` is set by a passed test request or any request that got past connecting.
  let refusedInARow = 0;
  let accepted = false;
  const watched = {
    send: async (spec: RequestSpec, scheduledAt: number, signal?: AbortSignal): Promise<RequestRecord> => {
      const rec = await client.send(spec, scheduledAt, signal);
      if (rec.success || (rec.failure !== undefined && rec.failure.kind !== 'refused')) accepted = true;
      if (rec.success) refusedInARow = 0;
      else if (rec.failure?.kind === 'refused' && ++refusedInARow >= SERVER_GONE_AFTER) {
        partialReason ??= serverGoneCause(accepted);
        stop.abort();
      }
      return rec;
    },
  };

  const spool = cfg.spool;
  const date = new Date().toISOString();
  try {
    const first = specs.find((s) => !s.warmup);
    cfg.onPhase?.({ kind: 'ready-check' });
    if (cfg.readyCheckTimeoutMs !== undefined && cfg.readyCheckTimeoutMs > 0 && first !== undefined) {
      await readyCheck(client, { ...first, warmup: true }, {
        timeoutMs: cfg.readyCheckTimeoutMs,
        since: cfg.readyCheckSince,
        retryIntervalMs: cfg.readyCheckIntervalMs,
        signal: stop.signal,
        onRetry: cfg.onReadyRetry,
      });
      // Ctrl-C during the test request: no measured request was sent, so there is no run to save
      // (it had saved a block of zeros with a negative duration as a "partial" result).
      if (cfg.signal?.aborted) throw new InterruptedBeforeStart('interrupted during the initial test request');
      accepted = true;
      cfg.onPhase?.({ kind: 'ready-check-done' });
    } else cfg.onPhase?.({ kind: 'ready-check-skipped' });
    startRunTimer();
    cfg.onLoadStart?.();
    const warmups = specs.length - measured;
    if (warmups > 0) cfg.onPhase?.({ kind: 'warmup', requests: warmups });
    else cfg.onPhase?.({ kind: 'load' });
    const wallMinusClock = Date.now() - now();
    const out = await runLoad(specs, watched, {
      maxConcurrency: cfg.maxConcurrency,
      signal: stop.signal,
      onProgress: cfg.onProgress,
      onWarmupDone: () => {
        cfg.onPhase?.({ kind: 'warmup-done' });
        if (!stop.signal.aborted) cfg.onPhase?.({ kind: 'load' });
      },
      onRecord: spool
        ? (r) => {
            spool.append(r);
            cfg.onRecord?.(r);
            compactRecord(r);
          }
        : cfg.onRecord,
    });
    const rate = cfg.workload.requestRate ?? Number.POSITIVE_INFINITY;
    const cut: RunCut | undefined = out.interrupted
      ? { cause: partialReason ?? 'interrupted', interrupted: partialReason === undefined || interrupted, finished: out.records.length, of: measured, cancelled: out.cancelled }
      : undefined;
    const result = aggregate(
      out.records,
      {
        model: cfg.client.model,
        endpoint: cfg.client.endpoint,
        baseUrl: cfg.client.baseUrl,
        label: cfg.label,
        backend: 'openai',
        tokenizerId: cfg.tokenizer.name,
        numPrompts: measured,
        requestRate: rate,
        burstiness: cfg.workload.burstiness ?? 1,
        maxConcurrency: cfg.maxConcurrency,
        ...(cfg.workload.rampUp
          ? { rampUp: { ...cfg.workload.rampUp }, rpsChangeEvents: rpsChangeEvents(cfg.workload, out.records, wallMinusClock) }
          : {}),
        startedAt: out.startedAt,
        endedAt: out.endedAt,
        date,
        metadata: cfg.metadata ?? {},
        ...(typeof cfg.client.extraBody?.ignore_eos === 'boolean' ? { ignoreEos: cfg.client.extraBody.ignore_eos } : {}),
        partial: out.interrupted,
        partialReason: cut ? cutReason(cut, out.records.filter((r) => r.success).length) : undefined,
      },
      cfg.aggregate,
    );
    return { result, ...(cut ? { cut } : {}), records: [...out.records, ...out.warmupRecords], clientCpuUs: out.cpuUs };
  } finally {
    if (runTimer) clearTimeout(runTimer);
    cfg.signal?.removeEventListener('abort', onExternalAbort);
    await client.close();
  }
}

/**
 * vLLM's rps_change_events for a ramp-up run: every integer rate from the last one reached up to
 * the current request's rate, stamped with the wall time (ISO 8601) of that request's scheduled
 * send (vLLM stamps datetime.now() as it releases the request).
 */
export function rpsChangeEvents(w: WorkloadOptions, records: readonly RequestRecord[], wallMinusClock: number): { rps: number; timestamp: string }[] {
  const o = resolveWorkloadOptions(w);
  const events: { rps: number; timestamp: string }[] = [];
  let last = -1;
  for (const r of records) {
    const cur = Math.floor(rateAt(o, r.index, o.numPrompts));
    if (cur <= last) continue;
    const timestamp = new Date(wallMinusClock + r.scheduledAt).toISOString();
    for (let v = last + 1; v <= cur; v++) events.push({ rps: v, timestamp });
    last = cur;
  }
  return events;
}

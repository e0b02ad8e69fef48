// vLLM's initial test request (vllm/benchmarks/lib/ready_checker.py, --ready-check-timeout-sec):
// before the measured run, send the first request once and stop with the server's own message
// when it fails, instead of running every request into the same wall and printing a block of zeros.
// Failures are retried until the deadline (connection refused or reset, 5xx, 429, stalls, broken
// streams), as vLLM does while a server is still starting; a failure that retrying cannot fix
// (4xx such as a wrong model name or a prompt over the context length, an answer that is not an
// SSE stream) stops at once.
import { UserError } from '../common/errors.js';
import type { Failure, FailureKind, RequestRecord } from '../records/record.js';
import type { RequestSpec } from '../records/spec.js';
import { retryUntil } from '../common/retry.js';

/** Kinds that another try cannot fix (a wrong model, a prompt too long, not an SSE server); every
 *  other kind is retried while the deadline lasts, as vLLM retries every failure. */
const FINAL: ReadonlySet<FailureKind> = new Set(['http_4xx', 'not_sse']);
const TRANSIENT = { has: (k: FailureKind): boolean => !FINAL.has(k) };

export interface ReadyCheckOptions {
  /** Give up after this long (ms); vLLM's --ready-check-timeout-sec (default 600 s there). */
  timeoutMs: number;
  /** When that budget began (Date.now() ms; default: now). Time already spent before the first try
   *  (bench waiting for /v1/models) counts against it; the first try is sent even when none is left. */
  since?: number;
  /** Wait between tries (ms); vLLM waits 5 s. */
  retryIntervalMs?: number;
  /** Ctrl-C: stop trying (resolves with the last record, no error). */
  signal?: AbortSignal;
  /** Told before each wait: the failure just seen and the seconds left (for a one-line note). */
  onRetry?: (failure: Failure, secondsLeft: number) => void;
}

export interface Sender {
  send(spec: RequestSpec, scheduledAt: number, signal?: AbortSignal): Promise<RequestRecord>;
}

/**
 * Send `spec` until it succeeds, a non-transient failure comes back, or `timeoutMs` passes.
 * Resolves with the successful record (not part of the results); resolves undefined when `signal`
 * aborted first. Throws UserError: "initial test request failed after N tries: <kind>: <server's
 * message>" (one line).
 */
export async function readyCheck(client: Sender, spec: RequestSpec, o: ReadyCheckOptions): Promise<RequestRecord | undefined> {
  return retryUntil<RequestRecord, Failure>(
    async () => {
      const rec = await client.send(spec, performance.now(), o.signal);
      if (rec.success) return { ok: rec };
      const f = rec.failure ?? { kind: 'other' as const, message: 'unknown error' };
      return { fail: f, transient: TRANSIENT.has(f.kind) };
    },
    (f, tries, transient) => {
      const why = transient ? ` within --ready-check-timeout-sec ${o.timeoutMs / 1000}` : '';
      return new UserError(
        `initial test request failed${why} (${tries} ${tries === 1 ? 'try' : 'tries'}): ${f.kind}: ${f.message}` +
          ' (check --model, --base-url and the prompt/output lengths; --ready-check-timeout-sec 0 skips this check)',
      );
    },
    {
      deadline: (o.since ?? Date.now()) + o.timeoutMs,
      intervalMs: o.retryIntervalMs ?? 5_000,
      signal: o.signal,
      onRetry: (f, _tries, left) => o.onRetry?.(f, Math.ceil(left / 1000)),
    },
  );
}


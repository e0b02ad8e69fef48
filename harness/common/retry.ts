// One retry loop for "try until it works, a failure that waiting cannot cure, the deadline, or
// Ctrl-C": bench's ready check (bench/readyCheck.ts) and its wait for /v1/models
// (target/probe.ts waitForServedModels) both run on it.
import { sleep } from './sleep.js';

/** One try's outcome: the value, or the failure and whether trying again could cure it. */
export type Attempt<T, F> = { ok: T } | { fail: F; transient: boolean };

export interface RetryOptions<F> {
  /** Give up after this time (Date.now() ms); the first try is made even when it has passed. */
  deadline: number;
  /** Wait between tries (ms), cut short by the deadline and by `signal`. */
  intervalMs: number;
  /** Ctrl-C: no further try; the loop resolves undefined. */
  signal?: AbortSignal;
  /** Before each wait: the failure, the tries so far and the ms left before the deadline. */
  onRetry?: (fail: F, tries: number, msLeft: number) => void;
}

/**
 * Calls `attempt(triesSoFar)` until it returns `ok` (resolves with the value), `signal` aborts
 * (resolves undefined, also when the aborted try itself failed), or a try fails for good: a
 * non-transient failure, or a transient one at or past the deadline. Then it throws what
 * `giveUp(fail, tries, transient)` returns.
 */
export async function retryUntil<T, F>(
  attempt: (triesSoFar: number) => Promise<Attempt<T, F>>,
  giveUp: (fail: F, tries: number, transient: boolean) => Error,
  o: RetryOptions<F>,
): Promise<T | undefined> {
  let tries = 0;
  for (;;) {
    if (o.signal?.aborted) return undefined;
    const r = await attempt(tries);
    tries++;
    if ('ok' in r) return r.ok;
    if (o.signal?.aborted) return undefined;
    const left = o.deadline - Date.now();
    if (!r.transient || left <= 0) throw giveUp(r.fail, tries, r.transient);
    o.onRetry?.(r.fail, tries, left);
    await sleep(Math.min(o.intervalMs, left), o.signal);
    // No try starts at the deadline: it would get no time and fail as a timeout, and that, not the
    // server's own answer (a 503), would be the message given up with.
    if (!o.signal?.aborted && o.deadline - Date.now() <= 0) throw giveUp(r.fail, tries, r.transient);
  }
}

// Polls a freshly started server until it is ready to be measured: the health URL answers 200,
// then /v1/models answers 200. Every attempt has its own short timeout, so a server that accepts
// connections and never answers cannot stretch the wait past the deadline.
import { request } from 'undici';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from '../common/errors.js';

/** Options for waitReady. Times in ms. */
export interface WaitReadyOptions {
  /** URL that must answer 200 first, e.g. http://127.0.0.1:8000/health. */
  healthUrl: string;
  /** Server root; `${url}/v1/models` must answer 200 after the health URL does. */
  url: string;
  /** Overall limit from the call. */
  timeoutMs: number;
  /** Pause between attempts (default 1000). */
  intervalMs?: number;
  /** Aborting ends the wait at once with `{ ready: false, reason: 'aborted' }`. */
  signal?: AbortSignal;
  /** Asked between polls (at most every `checkEveryMs`, default 5000): a reason to give up now,
   *  e.g. 'container exited (code 1)', or undefined to keep waiting. Must not throw. */
  check?: () => Promise<string | undefined>;
  checkEveryMs?: number;
}

/** The outcome: ready, or the last reason it was not (e.g. 'GET .../health answered 503'). */
export type WaitReadyResult = { ready: true } | { ready: false; reason: string };

/** Wait until both URLs answer 200 or the deadline passes; never throws. */
export async function waitReady(o: WaitReadyOptions): Promise<WaitReadyResult> {
  const deadline = Date.now() + o.timeoutMs;
  const models = `${o.url.replace(/\/+$/, '')}/v1/models`;
  let reason = 'no attempt finished';
  let lastCheck = Date.now();
  for (;;) {
    if (o.signal?.aborted) return { ready: false, reason: 'aborted' };
    const left = deadline - Date.now();
    if (left <= 0) return { ready: false, reason };
    const hMs = Math.min(left, 5000);
    const health = await get(o.healthUrl, hMs, o.signal);
    if (health === 200) {
      const mMs = Math.max(1, Math.min(deadline - Date.now(), 5000));
      const m = await get(models, mMs, o.signal);
      if (m === 200) return { ready: true };
      reason = better(reason, typeof m === 'number' ? `GET ${models} answered ${m}` : `GET ${models}: ${m}`, m, mMs);
    } else {
      reason = better(reason, typeof health === 'number' ? `GET ${o.healthUrl} answered ${health}` : `GET ${o.healthUrl}: ${health}`, health, hMs);
    }
    if (o.check && Date.now() - lastCheck >= (o.checkEveryMs ?? 5000)) {
      lastCheck = Date.now();
      const fatal = await o.check();
      if (fatal) return { ready: false, reason: fatal };
    }
    const pause = Math.min(o.intervalMs ?? 1000, deadline - Date.now());
    if (pause > 0) await sleep(pause, undefined, { signal: o.signal }).catch(() => undefined);
  }
}

/**
 * The reason to keep after a try: the new one, unless the try was cut short by the deadline (its
 * bound under the usual 5 s) and timed out while an earlier try had a real answer: "answered 503"
 * says more than the last try's TimeoutError (seen on a loaded machine: a stand-in server's 503
 * came too late for the last, deadline-bounded try and hid the status from the error).
 */
function better(prev: string, next: string, result: number | string, boundMs: number): string {
  const cutByDeadline = typeof result === 'string' && /timeout/i.test(result) && boundMs < 5000;
  return cutByDeadline && prev !== 'no attempt finished' ? prev : next;
}

/** Status code, or the error code/message when there was no answer. */
async function get(url: string, timeoutMs: number, signal?: AbortSignal): Promise<number | string> {
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    const res = await request(url, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await res.body.dump();
    return res.statusCode;
  } catch (e) {
    return (e as { code?: unknown }).code !== undefined ? errorCode(e) : (e as Error).message;
  }
}

// Which failed requests are worth repeating, and how long to wait. The openai client's own retry
// (maxRetries) also repeats 408, 409 and anything a server marks `x-should-retry: true`; accuracy
// runs want exactly "429, 5xx, connection errors (timeouts included), never another 4xx", so the
// client is built with maxRetries 0 and this policy runs instead.
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { sleep } from '../common/sleep.js';


/** True for 429, any 5xx, and connection errors including timeouts; false for other 4xx, user aborts
 *  and anything that is not an API error. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof APIUserAbortError) return false;
  if (e instanceof APIConnectionError) return true;
  if (e instanceof APIError && typeof e.status === 'number') return e.status === 429 || e.status >= 500;
  return false;
}

/** Wait before retry number `attempt` (1-based), ms: the server's Retry-After (seconds, capped at
 *  60 s) when given, else exponential backoff `baseMs * 2^(attempt-1)` capped at 30 s, with up to
 *  25% random jitter so concurrent workers do not retry in lockstep. */
export function backoffMs(attempt: number, baseMs: number, retryAfter?: string | null): number {
  const after = retryAfter != null ? Number(retryAfter) : NaN;
  if (Number.isFinite(after) && after >= 0) return Math.min(after, 60) * 1000;
  const exp = Math.min(baseMs * 2 ** (attempt - 1), 30_000);
  return exp * (1 + 0.25 * Math.random());
}


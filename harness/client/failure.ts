// Typed reasons for failed requests. Records carry a Failure {kind, message}; reports tally by kind
// and list messages, so messages stay stable (no timestamps or ids inside).

import type { Failure, FailureKind } from '../records/record.js';
import { clip, errorText, tryParse } from './accumulate.js';

/** Our own abort reasons, so a transport error can be told apart from a deliberate stop. */
export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
  constructor(ms: number) {
    super(`timed out after ${ms} ms (request timeout)`);
  }
}
export class RunAborted extends Error {
  override name = 'RunAborted';
  constructor(reason: unknown) {
    const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
    super(why ? `aborted: ${why}` : 'aborted');
  }
}
/** Raised by us to stop reading after the stream itself reported an error. */
export class StreamFailed extends Error {
  override name = 'StreamFailed';
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Connection-level error codes (Node and undici) by the failure kind they mean. */
const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

/** The failure for a transport-level error from undici (or one of our abort reasons). */
export function transportError(err: unknown, stallTimeoutMs: number): Failure {
  if (err instanceof StreamFailed) return err.failure;
  if (err instanceof RequestTimeout) return { kind: 'timeout', message: err.message };
  if (err instanceof RunAborted) return { kind: 'aborted', message: err.message };
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null;
  const code = e && typeof e.code === 'string' ? e.code : undefined;
  switch (code) {
    case 'UND_ERR_BODY_TIMEOUT':
      return { kind: 'stall', message: `stalled: no bytes from the server for ${stallTimeoutMs} ms` };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { kind: 'stall', message: `stalled: no response headers within ${stallTimeoutMs} ms` };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { kind: 'refused', message: `connect timeout after ${stallTimeoutMs} ms` };
  }
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  // Socket errors carry the interesting part (ECONNRESET, "other side closed") in cause/code.
  const cause = e && e.cause as { code?: unknown; message?: unknown } | undefined;
  const causeMsg = cause && typeof cause.message === 'string' && cause.message !== msg ? ` (${cause.message})` : '';
  const message = code && !msg.includes(code) ? `${code}: ${msg}${causeMsg}` : `${msg}${causeMsg}`;
  const causeCode = cause && typeof cause.code === 'string' ? cause.code : undefined;
  const codes = [code, causeCode].filter((c): c is string => c !== undefined);
  let kind: FailureKind = 'other';
  if (codes.some((c) => REFUSED.has(c))) kind = 'refused';
  else if (codes.some((c) => RESET.has(c))) kind = 'reset';
  return { kind, message };
}

/** The failure kind of an HTTP status that is not a success. */
export function httpKind(status: number): FailureKind {
  if (status === 429) return 'http_429';
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'other';
}

/** The message for a non-200 response, from its (possibly JSON) body. */
export function httpError(status: number, statusText: string | undefined, body: string): string {
  const fromJson = errorText(tryParse(body));
  const detail = fromJson ?? (body.trim() === '' ? statusText ?? '' : clip(body.trim(), 300));
  return `HTTP ${status}${detail ? `: ${detail}` : ''}`;
}

/** Retry-After as seconds (delay-seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(h: unknown): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, Math.round((t - Date.now()) / 1000)) : undefined;
}

// Human-readable reasons for failed requests. Records carry these strings; the report lists them
// and groups identical ones, so they should be stable (no timestamps or ids inside).

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
}

/** The message for a transport-level error from undici (or one of our abort reasons). */
export function transportError(err: unknown, stallTimeoutMs: number): string {
  if (err instanceof RequestTimeout || err instanceof RunAborted || err instanceof StreamFailed) return err.message;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null;
  const code = e && typeof e.code === 'string' ? e.code : undefined;
  switch (code) {
    case 'UND_ERR_BODY_TIMEOUT':
      return `stalled: no bytes from the server for ${stallTimeoutMs} ms`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `stalled: no response headers within ${stallTimeoutMs} ms`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connect timeout after ${stallTimeoutMs} ms`;
  }
  const msg = e && typeof e.message === 'string' ? e.message : String(err);
  // Socket errors carry the interesting part (ECONNRESET, "other side closed") in cause/code.
  const cause = e && e.cause as { code?: unknown; message?: unknown } | undefined;
  const causeMsg = cause && typeof cause.message === 'string' && cause.message !== msg ? ` (${cause.message})` : '';
  return code && !msg.includes(code) ? `${code}: ${msg}${causeMsg}` : `${msg}${causeMsg}`;
}

/** The message for a non-200 response, from its (possibly JSON) body. */
export function httpError(status: number, statusText: string | undefined, body: string): string {
  const fromJson = errorText(tryParse(body));
  const detail = fromJson ?? (body.trim() === '' ? statusText ?? '' : clip(body.trim(), 300));
  return `HTTP ${status}${detail ? `: ${detail}` : ''}`;
}

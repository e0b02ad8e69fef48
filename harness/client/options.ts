// Client options, their validation at the edge, and the request body for each endpoint.

import { UserError } from '../common/errors.js';
import type { Endpoint, RequestSpec } from '../records/spec.js';
import type { StampMode } from './phaseClock.js';
import type { SseLimits } from './sse.js';

export interface ClientOptions {
  /** Server root, e.g. http://127.0.0.1:8000 (a trailing /v1 is tolerated and dropped). */
  baseUrl: string;
  endpoint: Endpoint;
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /**
   * Extra body fields merged over the defaults (ignore_eos, min_tokens, temperature, seed, ...).
   * `stream` is always true; `stream_options` given here is merged over ours.
   */
  extraBody?: Record<string, unknown>;
  /** Whole-request limit, from the send to the last byte. */
  requestTimeoutMs: number;
  /** Longest silence tolerated while waiting for headers or between body bytes (also connect). */
  stallTimeoutMs: number;
  /** Connection pool size: at most this many requests in flight on the wire (default 1024). */
  maxConnections?: number;
  /** Ask the embedded engine for its emit times (`abserve_debug: true` in the body). */
  debug?: boolean;
  /**
   * When raw chunks are parsed. 'batch' (default): once per event-loop turn, after all socket
   * reads of that turn were stamped (bounded memory, no parsing inside data handlers).
   * 'end': only when each response ends (least work during the run; keeps every chunk of an
   * in-flight response in memory). Timestamps are identical either way.
   */
  parse?: 'batch' | 'end';
  /**
   * Prefix of the `x-request-id` header every request carries (vLLM's client sends one too, from
   * `--request-id-prefix`): the id is prefix + index (warmups: prefix + 'warmup-' + index), kept in
   * the record so records can be matched with server logs. Default 'abserve-'.
   */
  requestIdPrefix?: string;
  /** How socket reads are stamped: 'read' (default) or 'phase' (see phaseClock.ts). */
  stamp?: StampMode;
  /**
   * Caps on one SSE line and one event's data (bytes); a response that passes one fails as
   * `oversized` instead of being buffered without limit. Default 16 MiB each (DEFAULT_SSE_LIMITS).
   */
  sseLimits?: SseLimits;
}

export interface Target {
  /** scheme://host:port, the key of the connection pool. */
  origin: string;
  /** Request path: any base path plus the endpoint. */
  path: string;
}

/** Validate baseUrl and endpoint (user input) into the pool origin and request path. */
export function resolveTarget(baseUrl: string, endpoint: string): Target {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UserError(`--base-url: "${baseUrl}" is not a valid URL (expected e.g. http://127.0.0.1:8000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`--base-url: "${baseUrl}" must start with http:// or https://`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UserError(`--base-url: "${baseUrl}" must not have a query string or fragment`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UserError(`--base-url: "${baseUrl}" must not embed credentials; pass the API key separately`);
  }
  if (endpoint !== '/v1/completions' && endpoint !== '/v1/chat/completions') {
    throw new UserError(`--endpoint: "${endpoint}" must be /v1/completions or /v1/chat/completions`);
  }
  // vLLM's benchmark concatenates base URL and endpoint; people often paste the OpenAI-style
  // base URL ending in /v1, which would give /v1/v1/... and a 404 per request.
  let base = url.pathname.replace(/\/+$/, '');
  if (base.endsWith('/v1')) base = base.slice(0, -3);
  return { origin: url.origin, path: base + endpoint };
}

export function checkTimeouts(o: ClientOptions): void {
  for (const k of ['requestTimeoutMs', 'stallTimeoutMs'] as const) {
    const v = o[k];
    // Node timers hold at most 2^31 - 1 ms; a longer one fires at once (every request would time out).
    if (!Number.isFinite(v) || v <= 0 || v > 2_147_483_647) {
      throw new RangeError(`ClientOptions.${k} must be in (0, 2147483647] ms, got ${v}`);
    }
  }
  for (const k of ['maxLineBytes', 'maxEventBytes'] as const) {
    const v = o.sseLimits?.[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) throw new RangeError(`ClientOptions.sseLimits.${k} must be a positive integer, got ${v}`);
  }
  if (o.maxConnections !== undefined && !(Number.isInteger(o.maxConnections) && o.maxConnections > 0)) {
    throw new RangeError(`ClientOptions.maxConnections must be a positive integer, got ${o.maxConnections}`);
  }
}

/** Fixed request headers for every request of a client (built once). */
export function requestHeaders(apiKey: string | undefined): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
  };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

/** The `x-request-id` of one request (see ClientOptions.requestIdPrefix). */
export function requestId(prefix: string | undefined, spec: RequestSpec): string {
  return `${prefix ?? 'abserve-'}${spec.warmup ? 'warmup-' : ''}${spec.index}`;
}

/** The JSON body for one request, serialized before the send time is stamped. */
export function requestBody(o: ClientOptions, spec: RequestSpec): Buffer {
  const extra = o.extraBody ?? {};
  const extraStreamOptions =
    extra.stream_options !== null && typeof extra.stream_options === 'object' ? extra.stream_options : {};
  const body: Record<string, unknown> = { model: o.model };
  if (o.endpoint === '/v1/chat/completions') {
    if (typeof spec.prompt !== 'string') {
      throw new TypeError(`request ${spec.index}: chat prompts must be strings, got a token-id array`);
    }
    body.messages = [{ role: 'user', content: spec.prompt }];
  } else {
    body.prompt = spec.prompt;
  }
  body.max_tokens = spec.maxTokens;
  Object.assign(body, extra);
  body.stream = true;
  body.stream_options = { include_usage: true, continuous_usage_stats: true, ...extraStreamOptions };
  if (o.debug) body.abserve_debug = true;
  return Buffer.from(JSON.stringify(body));
}

// Streaming OpenAI-compatible client: one undici connection pool per target, one RequestRecord per
// request. This is the only entry point the load generator needs.
//
//   const client = createClient({ baseUrl, endpoint, model, requestTimeoutMs, stallTimeoutMs });
//   const rec = await client.send(spec, scheduledAt, runSignal); // never rejects for server trouble
//   await client.close();
//
// - send() resolves with success=false (and `error`) for HTTP errors, SSE error events, malformed
//   JSON, streams without tokens, stalls, timeouts, refused/reset connections and run aborts.
//   It throws (synchronously) only for caller bugs: a token-id prompt on the chat endpoint.
// - sentAt is stamped right before undici writes the request head, so connection setup and waiting
//   for a free pooled connection count as queue time (sentAt - scheduledAt), not as TTFT.
// - Timeouts: requestTimeoutMs bounds the whole request (including time queued in the pool);
//   stallTimeoutMs bounds connecting, waiting for response headers, and every silence between body
//   bytes (keep-alive comments count as bytes). A dead or stalled server therefore never hangs a run.
// - Uses undici's low-level dispatch() handler API: response bytes reach us straight from the HTTP
//   parser with no stream/EventEmitter layer in between (see exchange.ts for the hot path).

import { Pool } from 'undici';
import type { RequestSpec } from '../records/spec.js';
import { Exchange, ParseBatcher } from './exchange.js';
import { checkTimeouts, requestBody, requestHeaders, requestId, resolveTarget, type ClientOptions } from './options.js';
import type { RequestRecord } from '../records/record.js';
import { stampFn } from './phaseClock.js';
import { DEFAULT_SSE_LIMITS } from './sse.js';

export type { ClientOptions } from './options.js';

export interface StreamingClient {
  /**
   * Send one request now and stream its response. `scheduledAt` is the absolute clock time (now())
   * the schedule wanted it sent; `signal` cancels it (e.g. the whole run on Ctrl-C).
   */
  send(spec: RequestSpec, scheduledAt: number, signal?: AbortSignal): Promise<RequestRecord>;
  /** Requests sent and not yet resolved. */
  readonly inFlight: number;
  /** Close the pool; requests still in flight are cut off and resolve as failed. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 1024;

export function createClient(opts: ClientOptions): StreamingClient {
  const target = resolveTarget(opts.baseUrl, opts.endpoint);
  checkTimeouts(opts);
  const headers = requestHeaders(opts.apiKey);
  const pool = new Pool(target.origin, {
    connections: opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    // One request per connection at a time: a pipelined stream would wait behind another's tokens.
    pipelining: 1,
    connectTimeout: opts.stallTimeoutMs,
    headersTimeout: opts.stallTimeoutMs,
    bodyTimeout: opts.stallTimeoutMs,
    // Bodies of streaming responses are unbounded in time, not in size; no limit needed.
  });
  const settings = {
    requestTimeoutMs: opts.requestTimeoutMs,
    stallTimeoutMs: opts.stallTimeoutMs,
    batcher: opts.parse === 'end' ? null : new ParseBatcher(),
    stamp: stampFn(opts.stamp),
    sseLimits: { ...DEFAULT_SSE_LIMITS, ...opts.sseLimits },
  };
  const live = new Set<Exchange>();
  let closed = false;
  // One abort listener per run signal, shared by every request in flight under it.
  const watched = new Map<AbortSignal, { xs: Set<Exchange>; onAbort: () => void }>();
  const watch = (signal: AbortSignal, x: Exchange): void => {
    let w = watched.get(signal);
    if (w === undefined) {
      const xs = new Set<Exchange>();
      const onAbort = (): void => {
        watched.delete(signal);
        for (const y of [...xs]) y.runAborted();
      };
      w = { xs, onAbort };
      watched.set(signal, w);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    w.xs.add(x);
  };
  const unwatch = (signal: AbortSignal, x: Exchange): void => {
    const w = watched.get(signal);
    if (w === undefined) return;
    w.xs.delete(x);
    if (w.xs.size === 0) {
      watched.delete(signal);
      signal.removeEventListener('abort', w.onAbort);
    }
  };

  return {
    get inFlight() {
      return live.size;
    },

    send(spec, scheduledAt, signal) {
      const body = requestBody(opts, spec); // serialize before the send stamp
      const id = requestId(opts.requestIdPrefix, spec);
      const x = new Exchange(spec, scheduledAt, settings, signal, id);
      if (x.isFinished || closed) {
        if (!x.isFinished) x.fail(new Error('client closed'));
        return x.done; // signal already aborted, or closed
      }
      live.add(x);
      if (signal !== undefined) watch(signal, x);
      try {
        pool.dispatch({ path: target.path, method: 'POST', headers: { ...headers, 'x-request-id': id }, body }, x);
      } catch (e) {
        x.fail(e);
      }
      const done = x.done.finally(() => {
        live.delete(x);
        if (signal !== undefined) unwatch(signal, x);
      });
      return opts.apiKey ? done.then((r) => redactRecord(r, opts.apiKey!)) : done;
    },

    async close() {
      closed = true;
      // destroy, not close: close() would wait for requests abandoned while queued in the pool
      // (already resolved as timed out / aborted) to reach a connection, up to a connect timeout.
      await pool.destroy();
    },
  };
}

/**
 * The API key never reaches results, logs or reports (issue 10): a server that echoes it back in
 * an error body or a streamed text gets it replaced by `***` in the record.
 */
export function redactRecord(r: RequestRecord, apiKey: string): RequestRecord {
  if (apiKey.length < 4) return r; // a 1-3 character "key" would mangle ordinary text
  const scrub = (s: string): string => (s.includes(apiKey) ? s.split(apiKey).join('***') : s);
  if (r.failure !== undefined) r.failure.message = scrub(r.failure.message);
  r.text = scrub(r.text);
  r.reasoningText = scrub(r.reasoningText);
  return r;
}

// The embedded engine's HTTP front: plain node:http, vLLM's OpenAI-compatible routes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from '../common/clock.js';
import { sleep } from '../common/sleep.js';
import { EngineLoop } from './loop.js';
import { EngineMetrics } from './metrics.js';
import { StepNoise } from './noise.js';
import { resolveOptions, type EngineOptions, type ResolvedOptions } from './options.js';
import { ApiError, parseRequest, type ApiKind } from './requests.js';
import { Session, type SessionContext } from './session.js';
import type { EngineStats } from './stepper.js';
import { faultFor, resolveFaults, type FaultOptions } from './faults.js';
import { FaultyResponse, httpFault } from './faultsResponse.js';
import { Answerer } from './answering.js';
import { Divergence } from './divergence.js';

export interface EngineHandle {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:PORT (the API is under /v1). */
  url: string;
  port: number;
  /** The options in force (profile, limits, merge implementation). */
  options: ResolvedOptions;
  /** The engine's own step accounting (simulated time, merge tokens, ...). */
  stats(): EngineStats;
  /** Stops the loop, ends open streams, closes the listener. */
  close(): Promise<void>;
}

// Bodies bigger than this are refused: a 32k-token prompt as an id array is well under 1 MB.
const MAX_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    // Issue 10: a body over the limit gets a 413 answer, not a reset: stop keeping its bytes
    // (the rest is read and dropped) and let the error handler answer.
    const tooBig = (): void => {
      parts.length = 0;
      req.removeAllListeners('data');
      req.resume();
      reject(new ApiError(413, `request body over ${MAX_BODY} bytes`, 'RequestEntityTooLarge'));
    };
    if (Number(req.headers['content-length']) > MAX_BODY) return tooBig();
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_BODY) return tooBig();
      parts.push(b);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** Server-only options (issue 10), kept apart from the engine's cost and scheduling options. */
export interface ServeOptions {
  /** Inject faults into a share of requests (engine/faults.ts). */
  faults?: FaultOptions;
  /** Like vLLM's --api-key: /v1 routes answer 401 without `Authorization: Bearer <key>`. */
  apiKey?: string;
}

export async function startEngine(opts: EngineOptions & ServeOptions = {}): Promise<EngineHandle> {
  const o = resolveOptions(opts);
  const faults = opts.faults !== undefined ? resolveFaults(opts.faults) : undefined;
  // The fault key of a request: its x-request-id (else its arrival number); a retry with the same
  // id (a ready check, a client that retries) is keyed `<id>#<n>` so it draws its fault anew.
  let arrivals = 0;
  const seenIds = new Map<string, number>();
  const faultKey = (id: unknown): string => {
    if (typeof id !== 'string') return `#${arrivals++}`;
    const n = seenIds.get(id) ?? 0;
    if (seenIds.size >= 100_000) seenIds.clear(); // bounded; only repeats beyond this window draw alike
    seenIds.set(id, n + 1);
    return n === 0 ? id : `${id}#${n}`;
  };
  const loop = new EngineLoop({
    profile: o.profile,
    limits: { maxNumSeqs: o.maxNumSeqs, maxNumBatchedTokens: o.maxNumBatchedTokens },
    cost: {
      merge: o.merge,
      timeScale: o.timeScale,
      fixedStepMs: o.fixedStepMs,
      stepScale: o.stepScale,
      noise: o.noise ? new StepNoise(o.profile.noise, o.noiseSeed) : undefined,
    },
    spinMs: o.spinMs,
  });
  const metrics = new EngineMetrics(o.model, { running: () => loop.numRunning, waiting: () => loop.numWaiting });
  const ctx: SessionContext = {
    loop,
    metrics,
    reasoningMode: o.reasoningTokens,
    open: new Set(),
    ...(opts.answering !== undefined ? { answerer: new Answerer(opts.answering) } : {}),
    ...(opts.diverge !== undefined ? { divergence: new Divergence(opts.diverge) } : {}),
  };
  const started = Math.floor(Date.now() / 1000);
  /** Aborted by close(): every wait of a request ends at once. */
  const closed = new AbortController();

  const models = JSON.stringify({
    object: 'list',
    data: [
      {
        id: o.model,
        object: 'model',
        created: started,
        owned_by: 'vllm',
        root: o.model,
        parent: null,
        max_model_len: o.maxModelLen,
        permission: [],
      },
    ],
  });

  async function completion(kind: ApiKind, req: IncomingMessage, res: ServerResponse, receivedAt: number): Promise<void> {
    const fault = faults ? faultFor(faults, faultKey(req.headers['x-request-id'])) : undefined;
    const body = await readBody(req);
    if (fault !== undefined && faults !== undefined && httpFault(res, fault, faults)) return;
    const parsed = parseRequest(kind, body, o.model, o.maxModelLen);
    if (fault?.kind === 'slow_headers') {
      // Cut short by close(): a pending timer would keep a stopped engine's process alive.
      await sleep(faults!.slowHeadersMs, closed.signal);
      if (res.destroyed || closed.signal.aborted) return;
    }
    const out = fault !== undefined && faults !== undefined ? (new FaultyResponse(res, fault, faults) as unknown as ServerResponse) : res;
    new Session(parsed, out, ctx, receivedAt).start();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = now();
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (opts.apiKey !== undefined && path.startsWith('/v1/') && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      req.resume();
      throw new ApiError(401, 'Unauthorized: missing or wrong API key (Authorization: Bearer ...)', 'AuthenticationError');
    }
    const post = (kind: ApiKind): Promise<void> => {
      if (method !== 'POST') throw new ApiError(405, `Method ${method} not allowed on ${path}`, 'MethodNotAllowed');
      return completion(kind, req, res, receivedAt);
    };
    switch (path) {
      case '/v1/completions':
        return post('completion');
      case '/v1/chat/completions':
        return post('chat');
      case '/v1/models':
        return sendJson(res, 200, models);
      case '/health':
        res.writeHead(200).end();
        return;
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(metrics.render());
        return;
      case '/abserve/stats':
        // Not a vLLM route: the engine's own accounting, for A/B sanity checks and debugging.
        return sendJson(res, 200, JSON.stringify({ options: { ...o, profile: o.profile.name }, stats: loop.stats() }));
      default:
        throw new ApiError(404, `Not Found: ${method} ${path}`, 'NotFoundError');
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const err = e instanceof ApiError ? e : new ApiError(500, `internal error: ${(e as Error).message}`, 'InternalServerError');
      if (err.status === 413) res.setHeader('connection', 'close');
      sendJson(res, err.status, err.body());
    });
  });
  // Many long-lived streams from one load generator; Node's defaults are fine otherwise.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    options: o,
    stats: () => loop.stats(),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        closed.abort();
        loop.stop();
        for (const s of [...ctx.open]) s.kill();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

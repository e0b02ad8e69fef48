// One request/response on the wire, as an undici dispatch handler.
//
// Timing hot path: undici calls onResponseData with a view into the socket's read buffer (not a
// copy, not wasm memory), straight from its HTTP parser. We stamp now() and keep the view; nothing
// else happens there (no decoding, no JSON, no timers re-armed). Parsing runs later, in a batch
// (see ParseBatcher) or at the end of the response, replaying each chunk with its arrival time.
//
// Every path ends in finish(), which is idempotent and resolves exactly one RequestRecord: server
// errors, stalls, timeouts and aborts are results, never exceptions.

import type { Dispatcher } from 'undici';
import { now } from '../common/clock.js';
import type { RequestSpec } from '../records/spec.js';
import { StreamAccumulator } from './accumulate.js';
import { httpError, httpKind, retryAfterSeconds, RequestTimeout, RunAborted, StreamFailed, transportError } from './failure.js';
import { SseParser, type SseLimits } from './sse.js';
import type { Failure, RequestRecord } from '../records/record.js';

type Controller = Dispatcher.DispatchController;

/** Cap on a non-stream (error) body we keep for its message. */
const MAX_ERROR_BODY = 64 * 1024;

/** Parses queued chunks of many exchanges once per event-loop turn, after that turn's I/O. */
export class ParseBatcher {
  private queue: Exchange[] = [];
  private spare: Exchange[] = [];
  private armed = false;

  enqueue(x: Exchange): void {
    this.queue.push(x);
    if (!this.armed) {
      this.armed = true;
      // setImmediate runs in the check phase, after every socket read of this poll phase has been
      // stamped: a turn's parsing never delays a stamp taken in the same turn.
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.armed = false;
    const q = this.queue;
    this.queue = this.spare; // swap instead of allocating a new array every turn
    for (let i = 0; i < q.length; i++) q[i]!.drain();
    q.length = 0;
    this.spare = q;
  };
}

export interface ExchangeSettings {
  requestTimeoutMs: number;
  stallTimeoutMs: number;
  /** Null: parse only at the end of the response. */
  batcher: ParseBatcher | null;
  /** Arrival stamp of a socket read (see phaseClock.ts). */
  stamp: () => number;
  /** Caps on one SSE line / event (ClientOptions.sseLimits). */
  sseLimits: SseLimits;
}

export class Exchange implements Dispatcher.DispatchHandler {
  readonly done: Promise<RequestRecord>;
  private resolve!: (r: RequestRecord) => void;

  /** Replaced by the stamp just before the request is written; kept if it never is. */
  private sentAt: number;
  private status = 0;
  private statusText: string | undefined;
  /** Response is an SSE stream (2xx, not JSON); otherwise the body is kept for its error text. */
  private streaming = false;
  private contentType = '';
  private retryAfterS: number | undefined;

  // Raw chunks waiting to be parsed, with their arrival times (parallel arrays: no per-chunk object).
  private chunks: Buffer[] = [];
  private times: number[] = [];
  private queued = false;
  private bodyBytes = 0;

  private ctrl: Controller | null = null;
  private abortReason: Error | null = null;
  private finished = false;
  private timer: NodeJS.Timeout | undefined;

  private readonly acc = new StreamAccumulator();
  private readonly parser: SseParser;

  constructor(
    private readonly spec: RequestSpec,
    private readonly scheduledAt: number,
    private readonly cfg: ExchangeSettings,
    private readonly signal: AbortSignal | undefined,
    private readonly requestId: string,
  ) {
    this.done = new Promise((r) => (this.resolve = r));
    this.parser = new SseParser(this.acc.onEvent, this.acc.onProblem, cfg.sseLimits);
    this.sentAt = now();
    if (signal?.aborted) {
      this.finish(new RunAborted(signal.reason));
      return;
    }
    // No listener on `signal` here: the client keeps one per signal for all its requests (a
    // listener per request trips MaxListenersExceededWarning at high concurrency) and calls
    // runAborted().
    this.timer = setTimeout(this.onTimeout, cfg.requestTimeoutMs);
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Fail without having dispatched (e.g. the client is closed or dispatch threw). */
  fail(err: unknown): void {
    this.finish(err);
  }

  // ---- undici handler ---------------------------------------------------------------------

  onRequestStart(controller: Controller): void {
    this.ctrl = controller;
    if (this.abortReason !== null || this.finished) {
      // Timed out or aborted while queued in the pool: never write it.
      controller.abort(this.abortReason ?? new RunAborted(undefined));
      return;
    }
    // undici calls this right before it writes the request head to the socket (retries of a
    // failed pipelined request call it again, which correctly moves the stamp).
    this.sentAt = now();
  }

  onResponseStart(_c: Controller, statusCode: number, headers: Record<string, unknown>, statusMessage?: string): void {
    if (statusCode < 200) return; // interim 1xx responses
    this.status = statusCode;
    this.statusText = statusMessage;
    const ct = headers['content-type'];
    this.contentType = typeof ct === 'string' ? ct : Array.isArray(ct) ? String(ct[0]) : '';
    this.streaming = statusCode >= 200 && statusCode < 300 && !this.contentType.includes('json');
    if (!this.streaming) this.retryAfterS = retryAfterSeconds(headers['retry-after']);
  }

  onResponseData(_c: Controller, chunk: Buffer): void {
    // HOT PATH: stamp and keep. Keep this function tiny.
    const t = this.cfg.stamp();
    if (this.streaming) {
      this.chunks.push(chunk);
      this.times.push(t);
      if (!this.queued && this.cfg.batcher !== null) {
        this.queued = true;
        this.cfg.batcher.enqueue(this);
      }
    } else if (this.bodyBytes < MAX_ERROR_BODY) {
      this.chunks.push(chunk);
      this.bodyBytes += chunk.length;
    }
  }

  onResponseEnd(): void {
    this.finish(undefined);
  }

  onResponseError(_c: Controller, err: Error): void {
    this.finish(err);
  }

  // ---- parsing ----------------------------------------------------------------------------

  /** Parse every chunk received so far (streaming responses only). */
  drain(): void {
    this.queued = false;
    const chunks = this.chunks;
    const n = chunks.length;
    if (n === 0 || !this.streaming) return;
    const times = this.times;
    for (let i = 0; i < n && this.acc.failure === undefined; i++) this.parser.push(chunks[i]!, times[i]!);
    chunks.length = 0;
    times.length = 0;
    // The stream reported an error (or garbage): stop reading it. The abort comes back through
    // onResponseError -> finish, where the stream's own message takes precedence.
    if (this.acc.failure !== undefined && !this.finished) this.abort(new StreamFailed(this.acc.failure));
  }

  // ---- ends -------------------------------------------------------------------------------

  private readonly onTimeout = (): void => {
    this.abort(new RequestTimeout(this.cfg.requestTimeoutMs));
  };

  /** The run signal fired (called by the client's one listener on that signal). */
  runAborted(): void {
    this.abort(new RunAborted(this.signal?.reason));
  }

  private abort(reason: Error): void {
    if (this.finished) return;
    this.abortReason = reason;
    if (this.ctrl !== null) this.ctrl.abort(reason); // reenters via onResponseError -> finish
    if (!this.finished) this.finish(reason); // not yet on the wire, or undici stayed silent
  }

  private finish(err: unknown): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);

    let failure: Failure | undefined;
    if (this.status !== 0 && !this.streaming) {
      failure = this.nonStreamError();
    } else {
      this.drain();
      if (err === undefined && this.acc.failure === undefined && this.status !== 0) {
        this.acc.atEof = true;
        this.parser.end();
      }
      if (this.acc.failure !== undefined) failure = this.acc.failure;
      // After [DONE] the answer is complete; a reset or timeout while the body closes costs nothing.
      else if (err !== undefined && !this.acc.done) failure = transportError(err, this.cfg.stallTimeoutMs);
      else if (this.acc.tokenTimes.length === 0) {
        failure = { kind: 'truncated', message: `stream ended without any generated token${this.acc.done ? ' ([DONE] received)' : ''}` };
      } else if (!this.acc.complete) {
        // A clean close after some tokens but before a finish_reason or [DONE]: the numbers would
        // be those of a shorter answer than the server meant to give.
        failure = { kind: 'truncated', message: 'stream ended without a finish_reason or [DONE]' };
      }
    }
    this.chunks.length = 0;
    this.times.length = 0;
    this.resolve(this.record(failure));
  }

  /** A non-2xx response, or a 2xx one that is JSON rather than an event stream. */
  private nonStreamError(): Failure {
    const body = Buffer.concat(this.chunks).toString('utf8');
    const message = httpError(this.status, this.statusText, body);
    if (this.status >= 200 && this.status < 300) {
      return { kind: 'not_sse', message: `expected an SSE stream, got ${this.contentType || 'no content-type'} (${message})`, status: this.status };
    }
    const f: Failure = { kind: httpKind(this.status), message, status: this.status };
    if (this.retryAfterS !== undefined) f.retryAfterS = this.retryAfterS;
    return f;
  }

  private record(failure: Failure | undefined): RequestRecord {
    const a = this.acc;
    const success = failure === undefined;
    const r: RequestRecord = {
      index: this.spec.index,
      requestId: this.requestId,
      warmup: this.spec.warmup,
      scheduledAt: this.scheduledAt,
      sentAt: this.sentAt,
      tokenTimes: a.tokenTimes,
      tokenCounts: a.tokenCounts,
      clientOutputTokens: a.clientOutputTokens,
      expectedPromptTokens: this.spec.promptTokens,
      text: a.text,
      reasoningText: a.reasoningText,
      success,
    };
    if (success) r.endAt = a.endAt;
    if (a.usageCompletionTokens !== undefined) r.usageCompletionTokens = a.usageCompletionTokens;
    if (a.usagePromptTokens !== undefined) r.usagePromptTokens = a.usagePromptTokens;
    if (failure !== undefined) r.failure = failure;
    if (this.status !== 0) r.httpStatus = this.status;
    if (a.toolCalls.length > 0) r.toolCalls = a.toolCalls;
    if (a.engineEmitTimes !== undefined) r.engineEmitTimes = a.engineEmitTimes;
    if (a.engineReceivedAt !== undefined) r.engineReceivedAt = a.engineReceivedAt;
    if (a.engineTimeOrigin !== undefined) r.engineTimeOrigin = a.engineTimeOrigin;
    return r;
  }
}

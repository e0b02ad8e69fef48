// One request's life in the engine: submitted to the loop, fed one token per step, written to its
// HTTP response as SSE chunks (or one JSON body), and aborted if the client goes away.
import type { ServerResponse } from 'node:http';
import { now } from '../common/clock.js';
import { ChunkBuilder, debugField, type FinishReason, type Usage } from './chunks.js';
import { hashTokens, outputLength, TextGenerator } from './generator.js';
import type { EngineLoop, TokenSink } from './loop.js';
import type { EngineMetrics } from './metrics.js';
import { reasoningCount } from './options.js';
import type { ParsedRequest } from './requests.js';
import type { Answerer, PlannedToken } from './answering.js';
import { requestKey, type Divergence, type TokenRewrite } from './divergence.js';

export interface SessionContext {
  loop: EngineLoop;
  metrics: EngineMetrics;
  reasoningMode: number;
  /** Answering mode: recognised chat questions get a planned answer instead of pseudo-text. */
  answerer?: Answerer;
  /** Planted divergence: some requests' text differs from a token index on. */
  divergence?: Divergence;
  /** Open sessions, so close() can end them. */
  open: Set<Session>;
}

export class Session implements TokenSink {
  private readonly chunks: ChunkBuilder;
  private readonly gen: TextGenerator;
  private readonly outputTokens: number;
  private readonly reasoningTokens: number;
  /** Answering mode: the answer's tokens, and whether it is cut short of them (finish "length"). */
  private readonly planned: PlannedToken[] | undefined;
  private readonly cutShort: boolean = false;
  /** Divergence of this request's text, when it is one of the diverging ones. */
  private readonly rewrite: TokenRewrite | undefined;
  /** Emit times, kept only for abserve_debug requests. */
  private readonly emitTimes: number[] = [];
  private emitted = 0;
  private id = 0;
  private done = false;
  private lastEmit = 0;
  // Non-streaming responses collect the text here.
  private content = '';
  private reasoning = '';

  constructor(
    private readonly req: ParsedRequest,
    private readonly res: ServerResponse,
    private readonly ctx: SessionContext,
    private readonly receivedAt: number,
  ) {
    this.chunks = new ChunkBuilder(req.kind, req.model);
    const seed = req.seed !== undefined ? req.seed >>> 0 : hashTokens(req.promptIds);
    this.gen = new TextGenerator(seed);
    this.rewrite = ctx.divergence?.forRequest(requestKey(hashTokens(req.promptIds), req.seed));
    const entry = ctx.answerer && req.promptText !== undefined ? ctx.answerer.find(req.promptText) : undefined;
    if (ctx.answerer && entry) {
      const plan = ctx.answerer.plan(entry);
      this.planned = plan.tokens;
      this.outputTokens = plan.runaway ? req.maxTokens : Math.min(plan.tokens.length, req.maxTokens);
      this.cutShort = plan.runaway || this.outputTokens < plan.tokens.length;
      this.reasoningTokens = Math.min(plan.reasoningTokens, this.outputTokens);
      return;
    }
    this.planned = undefined;
    this.outputTokens = outputLength(req, seed);
    this.reasoningTokens = req.kind === 'chat' ? reasoningCount(ctx.reasoningMode, this.outputTokens) : 0;
  }

  start(): void {
    if (this.req.stream) {
      // Headers go out at once, as vLLM's StreamingResponse does; tokens follow step by step.
      this.res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      });
      this.res.flushHeaders();
    }
    this.res.on('close', () => {
      if (this.done) return;
      // Client gone before the last token: free the slot for the next step.
      this.done = true;
      this.ctx.loop.abort(this.id);
      this.ctx.metrics.aborted(this.req.promptTokens, this.emitted);
      this.ctx.open.delete(this);
    });
    this.ctx.open.add(this);
    this.id = this.ctx.loop.submit(this.req.promptTokens, this.outputTokens, this);
  }

  /** Ends the response at once (engine shutting down). */
  kill(): void {
    if (this.done) return;
    this.done = true;
    this.ctx.loop.abort(this.id);
    this.ctx.open.delete(this);
    this.res.destroy();
  }

  onToken(index: number, finished: boolean): void {
    if (this.done) return;
    const reasoning = index < this.reasoningTokens;
    let text: string;
    // A runaway answer's reasoning goes on past its plan in filler words, until max_tokens.
    const planned = this.planned?.[index];
    if (planned) text = planned.text;
    else if (this.planned) text = this.gen.token(index === 0);
    // The first token of each section (reasoning, then content) has no leading space.
    else text = this.gen.token(index === 0 || index === this.reasoningTokens);
    if (this.rewrite) text = this.rewrite(index, text, planned ? planned.filler : true);
    const cut = this.planned ? this.cutShort : this.outputTokens >= this.req.maxTokens;
    const finish: FinishReason | null = finished ? (cut ? 'length' : 'stop') : null;
    if (this.req.stream) this.stream(index, text, reasoning, finish);
    else this.collect(text, reasoning, finish);
  }

  private stream(index: number, text: string, reasoning: boolean, finish: FinishReason | null): void {
    const r = this.req;
    const cont: Usage | undefined = r.continuousUsage ? { prompt: r.promptTokens, completion: index + 1 } : undefined;
    let out = '';
    if (index === 0 && r.kind === 'chat') {
      out += `data: ${this.chunks.role(r.continuousUsage ? { prompt: r.promptTokens, completion: 0 } : undefined)}\n\n`;
    }
    if (!finish) {
      out += `data: ${this.chunks.token(text, reasoning, null, cont)}\n\n`;
      this.stamp();
      this.res.write(out);
      return;
    }
    // Last token: the debug field has to list this chunk's own emit time, so stamp first.
    const t = this.stamp();
    const dbg = (): string =>
      r.debug ? debugField({ received_at: this.receivedAt, emit_times: this.emitTimes, time_origin: performance.timeOrigin }) : '';
    const usage: Usage = { prompt: r.promptTokens, completion: index + 1 };
    out += `data: ${this.chunks.token(text, reasoning, finish, cont, r.includeUsage ? '' : dbg())}\n\n`;
    if (r.includeUsage) out += `data: ${this.chunks.usage(usage, dbg())}\n\n`;
    out += 'data: [DONE]\n\n';
    this.finish(t, usage, finish);
    this.res.end(out);
  }

  private collect(text: string, reasoning: boolean, finish: FinishReason | null): void {
    if (reasoning) this.reasoning += text;
    else this.content += text;
    const t = this.stamp();
    if (!finish) return;
    const r = this.req;
    const usage: Usage = { prompt: r.promptTokens, completion: this.emitted };
    const extra = r.debug
      ? debugField({ received_at: this.receivedAt, emit_times: this.emitTimes, time_origin: performance.timeOrigin })
      : '';
    const body = this.chunks.full(this.content, this.reasoningTokens > 0 ? this.reasoning : null, finish, usage, extra);
    this.finish(t, usage, finish);
    this.res.writeHead(200, { 'content-type': 'application/json' });
    this.res.end(body);
  }

  /** Emit time of a token: the moment right before its bytes go to the socket. */
  private stamp(): number {
    const t = now();
    if (this.emitted++ === 0) this.ctx.metrics.firstToken(t - this.receivedAt);
    else this.ctx.metrics.interToken(t - this.lastEmit);
    this.lastEmit = t;
    if (this.req.debug) this.emitTimes.push(t);
    return t;
  }

  private finish(t: number, usage: Usage, reason: FinishReason): void {
    this.done = true;
    this.ctx.open.delete(this);
    this.ctx.metrics.finished(t - this.receivedAt, usage.prompt, usage.completion, reason);
  }
}

// Turns parsed SSE events of an OpenAI-compatible stream into the timing fields of a RequestRecord.
// Pure (no I/O, no clock): the stream handler feeds it (type, data, arrival time) in order.
//
// Definitions (design notes, "Metric definitions"):
// - A token-bearing event is a choice with non-empty `text` (completions) or a delta with non-empty
//   `content`, `reasoning_content` / `reasoning`, or `tool_calls` (chat). A role-only opening delta,
//   or the empty-text finish chunk, is not a token.
// - Tokens per event: the increase of `usage.completion_tokens` since the previous event when the
//   server sends continuous usage stats (vLLM `continuous_usage_stats`), else 1. The counter is
//   taken as continuous only while every token event carries it and it starts at >= 1 and keeps
//   increasing: a server that sends zero or null usage on every chunk and the total only on the
//   last one has sent a total, not a delta (issue 10). A detokenizer that
//   holds back a partial character sends an empty delta whose token is then carried by the next one.
// - A textless finishing chunk (vLLM's EOS: empty text, finish_reason set) adds its usage increase
//   to clientOutputTokens only; it is not a token event (unless the request has no other).
// - A usage-only chunk (`choices: []`) sets the usage totals and may extend `endAt`.
// - `data: [DONE]` ends the stream (surrounding whitespace trimmed, as vLLM strips the chunk); an
//   error object (or `event: error`) fails the request; an empty `error` ("", false, 0, {}, [])
//   is not an error.
// - A response is complete only with a finish_reason or `[DONE]` (`complete`); the caller fails a
//   stream that ends without either as `truncated`.

import type { Failure, ToolCall } from '../records/record.js';

export interface Accumulated {
  tokenTimes: number[];
  tokenCounts: number[];
  /** Last token-bearing event or usage-only chunk. */
  endAt: number | undefined;
  usageCompletionTokens: number | undefined;
  usagePromptTokens: number | undefined;
  clientOutputTokens: number;
  text: string;
  reasoningText: string;
  engineEmitTimes: number[] | undefined;
  engineReceivedAt: number | undefined;
  engineTimeOrigin: number | undefined;
  done: boolean;
  /** First problem found in the stream; later events are ignored once set. */
  failure: Failure | undefined;
  /** Tool calls assembled from `delta.tool_calls` pieces, by their `index`. */
  toolCalls: ToolCall[];
}

export class StreamAccumulator implements Accumulated {
  tokenTimes: number[] = [];
  tokenCounts: number[] = [];
  endAt: number | undefined = undefined;
  usageCompletionTokens: number | undefined = undefined;
  usagePromptTokens: number | undefined = undefined;
  clientOutputTokens = 0;
  text = '';
  reasoningText = '';
  engineEmitTimes: number[] | undefined = undefined;
  engineReceivedAt: number | undefined = undefined;
  engineTimeOrigin: number | undefined = undefined;
  done = false;
  /** A choice carried a non-empty finish_reason. */
  finishReasonSeen = false;
  failure: Failure | undefined = undefined;
  toolCalls: ToolCall[] = [];
  /** Set by the caller when it flushes an event that had no terminating blank line. */
  atEof = false;
  /** completion_tokens at the last event that carried usage (for per-event deltas). */
  private lastUsageTokens = 0;
  /** Whether usage.completion_tokens is a running count (decided at the first token event,
   *  revoked for good when a token event lacks it or it fails to increase). */
  private continuous: boolean | undefined = undefined;

  /** The response ended properly: a finish_reason or `[DONE]` arrived. */
  get complete(): boolean {
    return this.done || this.finishReasonSeen;
  }

  /** Fail the request because the byte stream itself was bad (SseParser's onProblem). */
  readonly onProblem = (kind: 'malformed_sse' | 'oversized', message: string): void => {
    if (this.failure !== undefined || this.done) return;
    this.failure = { kind, message };
  };

  /** Bound once so it can be passed straight to SseParser without a closure per request. */
  readonly onEvent = (type: string, data: string, time: number): void => {
    if (this.failure !== undefined || this.done) return;
    if (type === 'error') {
      this.failure = { kind: 'sse_error', message: `SSE error event: ${errorText(tryParse(data)) ?? clip(data)}` };
      return;
    }
    if (type !== 'message') return; // unknown named events carry nothing we measure
    if (data === '[DONE]' || (data.length < 16 && data.trim() === '[DONE]')) {
      this.done = true;
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(data);
    } catch {
      this.failure = { kind: 'malformed_sse', message: `malformed JSON in SSE data${this.atEof ? ' (stream ended mid-event)' : ''}: ${clip(data)}` };
      return;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      this.failure = { kind: 'malformed_sse', message: `SSE data is not a JSON object: ${clip(data)}` };
      return;
    }
    this.chunk(obj as Chunk, time);
  };

  private chunk(c: Chunk, time: number): void {
    const err = errorText(c);
    if (err !== undefined) {
      this.failure = { kind: 'sse_error', message: `SSE error event: ${err}` };
      return;
    }
    const usage = c.usage;
    let usageTokens: number | undefined;
    if (usage !== null && typeof usage === 'object') {
      if (typeof usage.completion_tokens === 'number') {
        usageTokens = usage.completion_tokens;
        this.usageCompletionTokens = usageTokens;
      }
      if (typeof usage.prompt_tokens === 'number') this.usagePromptTokens = usage.prompt_tokens;
    }
    const dbg = c.abserve_debug;
    if (dbg !== null && typeof dbg === 'object' && Array.isArray(dbg.emit_times)) {
      this.engineEmitTimes = dbg.emit_times.filter((x): x is number => typeof x === 'number');
      if (typeof dbg.received_at === 'number') this.engineReceivedAt = dbg.received_at;
      if (typeof dbg.time_origin === 'number') this.engineTimeOrigin = dbg.time_origin;
    }

    const choices = c.choices;
    if (!Array.isArray(choices) || choices.length === 0) {
      // Usage-only (or debug-only) chunk: it is the last thing the server tells us.
      if (usageTokens !== undefined && (this.endAt === undefined || time > this.endAt)) this.endAt = time;
      return;
    }
    let bearing = false;
    let finishing = false;
    for (const ch of choices) {
      if (ch === null || typeof ch !== 'object') continue;
      if (typeof ch.finish_reason === 'string' && ch.finish_reason !== '') {
        finishing = true;
        this.finishReasonSeen = true;
      }
      if (typeof ch.text === 'string' && ch.text.length > 0) {
        this.text += ch.text;
        bearing = true;
      }
      const d = ch.delta;
      if (d !== null && typeof d === 'object') {
        if (typeof d.content === 'string' && d.content.length > 0) {
          this.text += d.content;
          bearing = true;
        }
        const r = typeof d.reasoning_content === 'string' ? d.reasoning_content : d.reasoning;
        if (typeof r === 'string' && r.length > 0) {
          this.reasoningText += r;
          bearing = true;
        }
        if (Array.isArray(d.tool_calls) && d.tool_calls.length > 0) {
          bearing = true;
          this.addToolCalls(d.tool_calls);
        }
      }
    }
    // A non-bearing event's usage increase (a held-back partial character) is not consumed here:
    // the next token-bearing event carries that token's text, so it is credited there. The one
    // exception is the finishing chunk: vLLM sends the EOS token there with empty text, and no
    // later event can carry it. It counts toward the client's total (so a normal EOS finish is
    // not a mismatch) but is not a token event (no TTFT/ITL change).
    // A request whose only output is that EOS has no other event to time: then the finishing
    // chunk is its token event (vLLM counts it a success with TTFT at that chunk).
    if (!bearing) {
      if (finishing && usageTokens !== undefined && this.continuous !== false) {
        const delta = usageTokens - this.lastUsageTokens;
        if (delta >= 1) {
          this.clientOutputTokens += delta;
          this.lastUsageTokens = usageTokens;
          if (this.tokenTimes.length === 0) {
            this.tokenTimes.push(time);
            this.tokenCounts.push(delta);
            if (this.endAt === undefined || time > this.endAt) this.endAt = time;
          }
        }
      }
      return;
    }
    let k = 1;
    const delta = usageTokens === undefined ? 0 : usageTokens - this.lastUsageTokens;
    // A counter that is missing, zero or not increasing on a token event is not a running count:
    // from then on every event counts once and the final total is compared, not credited.
    if (this.continuous !== false) this.continuous = delta >= 1;
    if (this.continuous) k = delta;
    if (usageTokens !== undefined) this.lastUsageTokens = usageTokens;
    this.tokenTimes.push(time);
    this.tokenCounts.push(k);
    this.clientOutputTokens += k;
    if (this.endAt === undefined || time > this.endAt) this.endAt = time;
  }

  /** OpenAI streams a tool call in pieces: `{index, id?, function: {name?, arguments?}}`; the
   *  name comes once, the arguments are concatenated in order. */
  private addToolCalls(pieces: unknown[]): void {
    for (const p of pieces) {
      if (p === null || typeof p !== 'object') continue;
      const q = p as { index?: unknown; function?: { name?: unknown; arguments?: unknown } | null };
      const i = typeof q.index === 'number' && Number.isInteger(q.index) && q.index >= 0 && q.index < 128 ? q.index : this.toolCalls.length;
      while (this.toolCalls.length <= i) this.toolCalls.push({ name: '', arguments: '' });
      const call = this.toolCalls[i]!;
      const f = q.function;
      if (f !== null && typeof f === 'object') {
        if (typeof f.name === 'string') call.name += f.name;
        if (typeof f.arguments === 'string') call.arguments += f.arguments;
      }
    }
  }
}

// Loose shapes: every field is checked before use, since the server is outside input.
interface Chunk {
  choices?: unknown[] & ChoiceLike[];
  usage?: { completion_tokens?: unknown; prompt_tokens?: unknown } | null;
  abserve_debug?: { emit_times?: unknown[]; received_at?: unknown; time_origin?: unknown } | null;
  error?: unknown;
  object?: unknown;
  message?: unknown;
}
interface ChoiceLike {
  text?: unknown;
  finish_reason?: unknown;
  delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown; tool_calls?: unknown } | null;
}

/**
 * The message of an error object in either common shape, or undefined when `v` is not one:
 * OpenAI `{error: {message, type, code}}` / `{error: "text"}`, vLLM `{object: "error", message}`.
 */
export function errorText(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as { error?: unknown; object?: unknown; message?: unknown; type?: unknown; code?: unknown };
  // Only a real error is one: a non-blank message, or an object with a message, type or code.
  // Servers that always send `error: ""` / false / 0 / {} / [] / null mean "no error".
  const e = o.error;
  if (typeof e === 'string' && e.trim() !== '') return e;
  if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    const ee = e as { message?: unknown; type?: unknown; code?: unknown };
    const parts: string[] = [];
    if (typeof ee.message === 'string' && ee.message.trim() !== '') parts.push(ee.message);
    const tag = [ee.type, ee.code].filter((x) => (typeof x === 'string' && x !== '') || (typeof x === 'number' && x !== 0)).join('/');
    if (tag) parts.push(`(${tag})`);
    if (parts.length > 0) return parts.join(' ');
  }
  if (o.object === 'error') {
    const tag = [o.type, o.code].filter((x) => typeof x === 'string' || typeof x === 'number').join('/');
    const msg = typeof o.message === 'string' ? o.message : JSON.stringify(o);
    return tag ? `${msg} (${tag})` : msg;
  }
  return undefined;
}

export function tryParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Keep error messages readable when the offending payload is huge. */
export function clip(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max)}... (${s.length} chars)` : s;
}

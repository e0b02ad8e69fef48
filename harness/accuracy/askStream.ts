// `--stream`: the same question through abserve's own streaming client (harness/client), so each
// answer also carries its time to first token and its latency as the serving benchmark measures
// them. Same retry policy as ask.ts, expressed in the client's failure kinds.
import { now } from '../common/clock.js';
import type { StreamingClient } from '../client/index.js';
import type { FailureKind } from '../records/record.js';
import type { AskOptions, AskRequest, AskResult } from './ask.js';
import { backoffMs } from './retry.js';
import { sleep } from '../common/sleep.js';
import type { AnswerError } from './types.js';

/** Failure kinds worth another attempt: 429, 5xx, and the connection-level ones. */
const RETRYABLE = new Set<FailureKind>(['http_429', 'http_5xx', 'refused', 'reset', 'timeout', 'stall']);

function toError(kind: FailureKind, message: string, status?: number): AnswerError {
  if (kind.startsWith('http_')) return { kind: 'http', status, message };
  if (kind === 'timeout' || kind === 'stall') return { kind: 'timeout', message };
  if (kind === 'refused' || kind === 'reset') return { kind: 'connection', message };
  return { kind: 'bad_response', message: `${kind}: ${message}` };
}

/** A streamed answer: AskResult plus time to first token (ms, of the successful attempt).
 *  The client's records do not carry finish_reason, so a response whose usage.completion_tokens
 *  reached max_tokens is reported with finishReason "length" (inferred). `latencyMs` is the
 *  successful attempt's send to last token. */
export async function askStream(
  client: StreamingClient,
  req: AskRequest,
  index: number,
  opts: AskOptions,
): Promise<AskResult & { ttftMs: number | null }> {
  const base = { content: null, reasoning: null, finishReason: null, promptTokens: null, completionTokens: null, reasoningTokens: null, ttftMs: null };
  if (req.messages.length !== 1 || req.messages[0].role !== 'user') throw new TypeError('askStream: one user message expected');
  const t0 = now();
  for (let attempt = 1; ; attempt++) {
    const rec = await client.send(
      { index, warmup: false, prompt: req.messages[0].content, promptTokens: 0, maxTokens: req.maxTokens, scheduledMs: 0 },
      now(),
      opts.signal,
    );
    if (rec.success) {
      const tokens = rec.usageCompletionTokens ?? rec.clientOutputTokens;
      return {
        ...base,
        aborted: false,
        content: rec.text,
        reasoning: rec.reasoningText || null,
        finishReason: tokens >= req.maxTokens ? 'length' : 'stop',
        promptTokens: rec.usagePromptTokens ?? null,
        completionTokens: rec.usageCompletionTokens ?? null,
        ttftMs: rec.tokenTimes.length ? rec.tokenTimes[0] - rec.sentAt : null,
        latencyMs: (rec.endAt ?? now()) - rec.sentAt,
        attempts: attempt,
        error: null,
      };
    }
    const f = rec.failure!;
    if (f.kind === 'aborted' || opts.signal?.aborted) return { ...base, aborted: true, latencyMs: now() - t0, attempts: attempt, error: null };
    if (attempt > opts.maxRetries || !RETRYABLE.has(f.kind)) {
      return { ...base, aborted: false, latencyMs: now() - t0, attempts: attempt, error: toError(f.kind, f.message, f.status ?? rec.httpStatus) };
    }
    await sleep(backoffMs(attempt, opts.retryBaseMs, f.retryAfterS !== undefined ? String(f.retryAfterS) : null), opts.signal);
  }
}

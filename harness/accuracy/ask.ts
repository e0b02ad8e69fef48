// One chat completion through the official `openai` client, with the accuracy runner's retry
// policy (retry.ts), reduced to the fields the grader and the record need. A failure after retries
// is returned as data (AnswerError), never thrown; only a user abort ends in `aborted`.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatMessage } from './prompt.js';
import { backoffMs, isRetryable } from './retry.js';
import { sleep } from '../common/sleep.js';
import type { AnswerError } from './types.js';

export interface AskRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  seed: number;
}

export interface AskOptions {
  /** Per attempt, ms. */
  timeoutMs: number;
  /** Retries after the first attempt (so at most maxRetries + 1 attempts). */
  maxRetries: number;
  /** First backoff, ms (doubles per retry). */
  retryBaseMs: number;
  signal?: AbortSignal;
}

/** What came back. `error` is set (and the text fields null) when every attempt failed. */
export interface AskResult {
  aborted: boolean;
  content: string | null;
  reasoning: string | null;
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  latencyMs: number;
  attempts: number;
  error: AnswerError | null;
}

/** The client the runner uses: no built-in retries (see retry.ts); `baseUrl` is the server root or
 *  its /v1 URL. */
export function makeClient(baseUrl: string, apiKey: string | undefined, timeoutMs: number): OpenAI {
  const root = baseUrl.replace(/\/+$/, '');
  return new OpenAI({
    baseURL: /\/v\d+$/.test(root) ? root : `${root}/v1`,
    apiKey: apiKey ?? 'EMPTY',
    maxRetries: 0,
    timeout: timeoutMs,
  });
}

function toError(e: unknown): AnswerError {
  if (e instanceof APIConnectionTimeoutError) return { kind: 'timeout', message: e.message };
  if (e instanceof APIConnectionError) return { kind: 'connection', message: e.cause instanceof Error ? `${e.message} (${e.cause.message})` : e.message };
  if (e instanceof APIError) return { kind: 'http', status: e.status, message: e.message.slice(0, 500) };
  return { kind: 'bad_response', message: e instanceof Error ? e.message : String(e) };
}

/** Asks once, retrying 429/5xx/connection errors with backoff. */
export async function ask(client: OpenAI, req: AskRequest, opts: AskOptions): Promise<AskResult> {
  const t0 = performance.now();
  const base = { content: null, reasoning: null, finishReason: null, promptTokens: null, completionTokens: null, reasoningTokens: null };
  for (let attempt = 1; ; attempt++) {
    // The openai client adds an abort listener to the signal it is given and never removes it: on
    // the run's shared signal that is one leaked listener per question (MaxListenersExceededWarning
    // after 10). So each attempt gets its own controller, tied to the run's signal only while the
    // attempt lasts.
    const attemptAbort = new AbortController();
    const forward = () => attemptAbort.abort();
    if (opts.signal?.aborted) attemptAbort.abort();
    opts.signal?.addEventListener('abort', forward, { once: true });
    try {
      const res = await client.chat.completions.create(
        { model: req.model, messages: req.messages, max_tokens: req.maxTokens, temperature: req.temperature, seed: req.seed },
        { timeout: opts.timeoutMs, signal: attemptAbort.signal, maxRetries: 0 },
      );
      const choice = res.choices?.[0];
      if (!choice?.message) throw new Error('response has no choices[0].message');
      // vLLM and DeepSeek put the thinking in `reasoning_content`; newer vLLM and OpenRouter in `reasoning`.
      const msg = choice.message as typeof choice.message & { reasoning_content?: string | null; reasoning?: string | null };
      const usage = res.usage as (typeof res.usage & { completion_tokens_details?: { reasoning_tokens?: number } }) | undefined;
      return {
        aborted: false,
        content: msg.content ?? null,
        reasoning: msg.reasoning_content ?? msg.reasoning ?? null,
        finishReason: choice.finish_reason ?? null,
        promptTokens: usage?.prompt_tokens ?? null,
        completionTokens: usage?.completion_tokens ?? null,
        reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? null,
        latencyMs: performance.now() - t0,
        attempts: attempt,
        error: null,
      };
    } catch (e) {
      if (e instanceof APIUserAbortError || opts.signal?.aborted) {
        return { ...base, aborted: true, latencyMs: performance.now() - t0, attempts: attempt, error: null };
      }
      if (attempt > opts.maxRetries || !isRetryable(e)) {
        return { ...base, aborted: false, latencyMs: performance.now() - t0, attempts: attempt, error: toError(e) };
      }
      const headers = e instanceof APIError ? e.headers : undefined;
      await sleep(backoffMs(attempt, opts.retryBaseMs, headers?.get('retry-after')), opts.signal);
    } finally {
      opts.signal?.removeEventListener('abort', forward);
    }
  }
}

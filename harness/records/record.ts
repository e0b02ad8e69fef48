// The client's output: one record per request, raw timestamps from the one clock (common/clock).
// Metrics are derived from these records only; nothing downstream needs the server again.
// A failure is data with a kind (never a string another module parses): reports tally by kind,
// the A/B verdict compares failure rates per kind, and the message stays for humans.

/**
 * Why a request failed, one word per cause:
 * - `http_429` / `http_4xx` / `http_5xx`: the server answered with that status (the message is
 *   the server's error text);
 * - `not_sse`: a 2xx answer that was not an event stream (e.g. a JSON body);
 * - `timeout`: the per-request limit (--request-timeout) passed;
 * - `stall`: no byte (or no headers) for --stall-timeout;
 * - `refused`: the connection was refused or could not be made (ECONNREFUSED, DNS, connect timeout);
 * - `reset`: the connection was closed or reset mid-response;
 * - `malformed_sse`: the stream carried data that is not an SSE event with a JSON object;
 * - `sse_error`: the stream itself reported an error (an `error` event or an error object);
 * - `truncated`: the stream ended without a generated token or without its end marker;
 * - `oversized`: a line or event of the stream passed the client's size cap;
 * - `aborted`: the run was stopped (Ctrl-C, --run-timeout, the server went away);
 * - `other`: anything else (the message says what).
 */
export const FAILURE_KINDS = [
  'http_429', 'http_4xx', 'http_5xx', 'not_sse', 'timeout', 'stall', 'refused', 'reset',
  'malformed_sse', 'sse_error', 'truncated', 'oversized', 'aborted', 'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** A failed request's cause: its kind, a stable human message (no timestamps or ids inside), and
 *  the HTTP status when the server answered. */
export interface Failure {
  kind: FailureKind;
  message: string;
  status?: number;
  /** The server's Retry-After (seconds) on a 429/503 answer, when it sent one. */
  retryAfterS?: number;
}

/** One tool call the model made, assembled from the stream's `tool_calls` deltas (OpenAI's
 *  chat format: the name arrives once, the JSON arguments in pieces). */
export interface ToolCall {
  name: string;
  /** Arguments as the model wrote them (JSON text, not parsed: it may be invalid). */
  arguments: string;
}

export interface RequestRecord {
  index: number;
  /** The `x-request-id` header sent with the request (absent in simulated records). */
  requestId?: string;
  warmup: boolean;
  /** Absolute clock time at which the schedule wanted this request sent. */
  scheduledAt: number;
  /** `st`: clock time taken just before the request was written. */
  sentAt: number;
  /** Arrival time of each token-bearing SSE event (content, reasoning_content or tool call). */
  tokenTimes: number[];
  /** Tokens carried by each token-bearing event (same length as tokenTimes; 1 when unknown). */
  tokenCounts: number[];
  /** Last token-bearing event or usage chunk, whichever came last; undefined on failure. */
  endAt?: number;
  /** usage.completion_tokens from the stream, when the server sent usage. */
  usageCompletionTokens?: number;
  /** usage.prompt_tokens from the stream, when the server sent usage. */
  usagePromptTokens?: number;
  /** Tokens the client counted itself: sum of tokenCounts, plus a textless EOS token on the finishing chunk. */
  clientOutputTokens: number;
  /** Prompt length the workload intended (RequestSpec.promptTokens). */
  expectedPromptTokens: number;
  /** Concatenated content (reasoning kept apart). */
  text: string;
  reasoningText: string;
  /** Tool calls received (chat endpoint), in the order of their `index`. */
  toolCalls?: ToolCall[];
  success: boolean;
  /** Why it failed; present exactly when `success` is false. */
  failure?: Failure;
  httpStatus?: number;
  /**
   * Optional debug data the embedded engine puts in its final chunk (`abserve_debug`):
   * the engine's own emit time of each token event, in the engine's clock (ms), used by
   * `npm run bench:client` to measure the client's timestamp error.
   */
  engineEmitTimes?: number[];
  /** Engine clock time the request arrived, and the engine process's performance.timeOrigin. */
  engineReceivedAt?: number;
  engineTimeOrigin?: number;
}

// The client's output: one record per request, raw timestamps from the one clock (harness/clock).
// Metrics are derived from these records only; nothing downstream needs the server again.

export interface RequestRecord {
  index: number;
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
  success: boolean;
  /** Why it failed: HTTP status + server error message, timeout, connection error, SSE error event. */
  error?: string;
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

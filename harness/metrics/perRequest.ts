// One RequestRecord -> its metrics, by the definitions in docs/design.md. Pure; aggregate() and the
// per-request JSONL writer both use it so the two can never disagree.
import type { RequestRecord } from '../records/record.js';
import type { RequestMetrics } from './types.js';

/** Tokens the metrics count: the server's usage when it sent one, else the client's own count. */
export function outputTokensOf(r: RequestRecord): number {
  return r.usageCompletionTokens ?? r.clientOutputTokens;
}

export function deriveRequest(r: RequestRecord): RequestMetrics {
  const times = r.tokenTimes;
  const first = times.length > 0 ? times[0] : undefined;
  // endAt covers a usage-only final chunk after the last token; fall back to the last token event
  // when a record has none (a failure after some tokens, for the per-request view).
  const end = r.endAt ?? (times.length > 0 ? times[times.length - 1] : undefined);

  const itls: number[] = [];
  const itlsPerToken: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = times[i] - times[i - 1];
    itls.push(gap);
    // A chunk of k tokens stands for k token arrivals spread evenly over the gap. Extra tokens of
    // the first chunk have no gap to share (their wait is TTFT), so they add none.
    const k = Math.max(1, r.tokenCounts[i] ?? 1);
    for (let j = 0; j < k; j++) itlsPerToken.push(gap / k);
  }

  const ttft = first !== undefined ? first - r.sentAt : null;
  const e2el = end !== undefined ? end - r.sentAt : null;
  const out = r.success ? outputTokensOf(r) : 0;
  const tpot = r.success && ttft !== null && e2el !== null && out > 1 ? (e2el - ttft) / (out - 1) : null;

  return {
    index: r.index,
    success: r.success,
    ...(r.failure !== undefined ? { failure: r.failure } : {}),
    ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
    promptTokens: r.expectedPromptTokens,
    ...(r.usagePromptTokens !== undefined ? { serverPromptTokens: r.usagePromptTokens } : {}),
    outputTokens: out,
    clientOutputTokens: r.clientOutputTokens,
    ...(r.usageCompletionTokens !== undefined ? { serverOutputTokens: r.usageCompletionTokens } : {}),
    scheduledAt: r.scheduledAt,
    sentAt: r.sentAt,
    endAt: end ?? null,
    queueMs: r.sentAt - r.scheduledAt,
    ttftMs: ttft,
    tpotMs: tpot,
    e2elMs: e2el,
    ttftFromScheduleMs: first !== undefined ? first - r.scheduledAt : null,
    e2elFromScheduleMs: end !== undefined ? end - r.scheduledAt : null,
    itlsMs: itls,
    itlsPerTokenMs: itlsPerToken,
    text: r.text,
    reasoningText: r.reasoningText,
  };
}

// Test fixtures shared by the metrics and report tests: a record and a run description with
// defaults, so each test states only what it is about.
import type { RequestRecord } from '../records/record.js';
import type { RunInfo } from './types.js';

/** A successful one-token-per-event request; clientOutputTokens defaults to the sum of tokenCounts. */
export function rec(p: Partial<RequestRecord> & { tokenTimes?: number[] }): RequestRecord {
  const tokenTimes = p.tokenTimes ?? [];
  const tokenCounts = p.tokenCounts ?? tokenTimes.map(() => 1);
  const success = p.success ?? true;
  return {
    index: 0,
    warmup: false,
    scheduledAt: p.sentAt ?? 0,
    sentAt: 0,
    clientOutputTokens: tokenCounts.reduce((a, b) => a + b, 0),
    expectedPromptTokens: 100,
    text: '',
    reasoningText: '',
    success,
    ...(success && tokenTimes.length > 0 ? { endAt: tokenTimes[tokenTimes.length - 1] } : {}),
    ...p,
    tokenTimes,
    tokenCounts,
  };
}

export function runInfo(p: Partial<RunInfo> = {}): RunInfo {
  return {
    model: 'deepseek-ai/DeepSeek-R1',
    endpoint: '/v1/completions',
    baseUrl: 'http://127.0.0.1:8000',
    numPrompts: 1,
    requestRate: Infinity,
    burstiness: 1,
    startedAt: 0,
    endedAt: 1000,
    date: '2025-04-10T12:34:56.789Z',
    metadata: {},
    partial: false,
    ...p,
  };
}

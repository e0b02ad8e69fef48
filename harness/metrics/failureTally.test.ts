import { describe, expect, it } from 'vitest';
import type { Failure, RequestRecord } from '../records/record.js';
import { formatFailureTally, tallyFailures } from './failureTally.js';

const rec = (index: number, failure?: Failure, warmup = false): RequestRecord => ({
  index, warmup, scheduledAt: 0, sentAt: 0, tokenTimes: [], tokenCounts: [], clientOutputTokens: 0,
  expectedPromptTokens: 1, text: '', reasoningText: '', success: failure === undefined,
  ...(failure ? { failure, ...(failure.status ? { httpStatus: failure.status } : {}) } : {}),
});

describe('tallyFailures (issue 10)', () => {
  it('counts failed measured requests by kind and status, largest first, with Retry-After', () => {
    const recs: RequestRecord[] = [];
    let i = 0;
    for (let k = 0; k < 33; k++) recs.push(rec(i++, { kind: 'http_5xx', status: 500, message: 'HTTP 500' }));
    for (let k = 0; k < 33; k++) recs.push(rec(i++, { kind: 'http_429', status: 429, message: 'HTTP 429', retryAfterS: 2 }));
    for (let k = 0; k < 5; k++) recs.push(rec(i++, { kind: 'http_5xx', status: 503, message: 'HTTP 503', retryAfterS: k + 1 }));
    recs.push(rec(i++, { kind: 'truncated', message: 'cut' }));
    recs.push(rec(i++, { kind: 'timeout', message: 't' }, true)); // warmup: not counted
    recs.push(rec(i++)); // success
    const t = tallyFailures(recs);
    expect(t).toEqual([
      { kind: 'http_429', status: 429, count: 33, retryAfterS: { min: 2, max: 2 } },
      { kind: 'http_5xx', status: 500, count: 33 },
      { kind: 'http_5xx', status: 503, count: 5, retryAfterS: { min: 1, max: 5 } },
      { kind: 'truncated', count: 1 },
    ]);
    expect(formatFailureTally(t)).toBe('http_429 x33 (Retry-After 2s), http_500 x33, http_503 x5 (Retry-After 1-5s), truncated x1');
    expect(formatFailureTally(tallyFailures([rec(0)]))).toBe('none');
  });
});

import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../records/record.js';
import { absPercentiles, timestampErrors } from './timestampError.js';

function rec(tokenTimes: number[], emits: number[], engineOrigin: number): RequestRecord {
  return {
    index: 0, warmup: false, scheduledAt: 0, sentAt: 0, tokenTimes, tokenCounts: tokenTimes.map(() => 1),
    clientOutputTokens: tokenTimes.length, expectedPromptTokens: 1, text: '', reasoningText: '', success: true,
    engineEmitTimes: emits, engineReceivedAt: 0, engineTimeOrigin: engineOrigin,
  };
}

describe('timestampErrors', () => {
  it('puts both clocks on one axis and measures lags above the floor', () => {
    // Client origin 1000, engine origin 1010: engine emit e is client time e + 10.
    const a = rec([15, 26, 40], [4, 15, 28], 1010); // lags 1, 1, 2
    const b = rec([30, 45], [19, 31], 1010); // lags 1, 4
    const e = timestampErrors([a, b], 1000);
    expect(e.paired).toBe(2);
    expect(e.eventErrMs).toEqual([0, 0, 1, 0, 3]);
    expect(e.ttftErrMs).toEqual([0, 0]);
    expect(e.itlErrMs).toEqual([0, 1, 3]);
  });
  it('skips records whose events cannot be paired with emits', () => {
    const e = timestampErrors([rec([1, 2], [1], 0), { ...rec([1], [1], 0), success: false }], 0);
    expect(e.paired).toBe(0);
    expect(e.unpaired).toBe(2);
  });
  it('percentiles are of absolute errors', () => {
    expect(absPercentiles([-4, 1, 2, -3], [50])).toEqual([2.5]);
  });
});

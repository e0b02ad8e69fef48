import { describe, expect, it } from 'vitest';
import { armFailures, failureRateNote, failureRatePValue, formatTally } from './failureRates.js';
import type { RunData } from './runData.js';

function run(arm: string, completed: number, failures: Record<string, number>): RunData {
  const failed = Object.values(failures).reduce((x, y) => x + y, 0);
  return {
    arm, rep: 1, order: 0, partial: false, completed, failed, failures,
    requestThroughput: 1, outputThroughput: 1, totalTokenThroughput: 1, durationS: 1, requests: [],
    timeline: { t_s: [], output_tok_s: [], running: [] },
  };
}

describe('failure rates between arms', () => {
  it('sums runs per arm with the tally by kind', () => {
    const f = armFailures([run('A', 90, { http_5xx: 7, timeout: 3 }), run('A', 100, { http_5xx: 1 }), run('B', 100, {})], 'A');
    expect(f).toEqual({ arm: 'A', failed: 11, sent: 201, byKind: { http_5xx: 8, timeout: 3 } });
  });

  it('flags clearly different rates and stays quiet on equal ones', () => {
    const a = armFailures([run('A', 200, {})], 'A');
    const b = armFailures([run('B', 170, { http_429: 30 })], 'B');
    expect(failureRatePValue(a, b)).toBeLessThan(1e-6);
    const note = failureRateNote(a, b, 0.05)!;
    expect(note).toContain('B 30/200 (15.0%: http_429 x30)');
    const same = armFailures([run('B', 200, {})], 'B');
    expect(failureRatePValue(a, same)).toBe(1);
    expect(failureRateNote(a, same, 0.05)).toBeNull();
    // 1 vs 2 failures in 200: noise, not a verdict.
    expect(failureRateNote(armFailures([run('A', 199, { reset: 1 })], 'A'), armFailures([run('B', 198, { reset: 2 })], 'B'), 0.05)).toBeNull();
  });

  it('formats the tally most frequent first', () => {
    expect(formatTally({ timeout: 2, http_5xx: 33, http_429: 33 })).toBe('http_429 x33, http_5xx x33, timeout x2');
    expect(formatTally({})).toBe('none');
  });
});

import { describe, expect, it } from 'vitest';
import { cutReason } from './runAb.js';
import type { RunData } from './runData.js';

const run = (completed: number, failed: number, finished: number): RunData =>
  ({ completed, failed, cut: { cause: 'server went away', interrupted: false, finished, of: 16, cancelled: 16 - finished } }) as unknown as RunData;

describe("the A/B's partial reason from its cut-short run", () => {
  it('says "completed" only when every finished request succeeded', () => {
    expect(cutReason(run(5, 0, 5), 'in run 2 (b rep 1)')).toBe('server went away; in run 2 (b rep 1), 5 of 16 requests completed, 11 cancelled');
  });

  it('splits finished requests into succeeded and failed (it called 3 failures "completed")', () => {
    expect(cutReason(run(0, 3, 3), 'in run 2 (b rep 1)')).toBe(
      'server went away; in run 2 (b rep 1), 3 of 16 requests finished (0 succeeded, 3 failed), 13 cancelled',
    );
  });
});

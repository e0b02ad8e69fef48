import { describe, expect, it } from 'vitest';
import { needsStart, planRuns } from './plan.js';

describe('planRuns', () => {
  it('interleaves two arms in ABBA blocks', () => {
    const p = planRuns(['A', 'B'], 4, 'interleaved');
    expect(p.map((r) => `${r.arm}${r.rep}`).join(' ')).toBe('A1 B1 B2 A2 A3 B3 B4 A4');
    expect(p.map((r) => r.order)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('puts each arm first as often as last (no arm always runs on a warmer machine)', () => {
    const p = planRuns(['A', 'B', 'C'], 6, 'interleaved');
    for (const arm of ['A', 'B', 'C']) {
      const positions = p.filter((r) => r.arm === arm).map((r) => r.order % 3);
      const mean = positions.reduce((x, y) => x + y, 0) / positions.length;
      expect(mean).toBe(1);
    }
  });

  it('runs arms one after the other when sequential', () => {
    expect(planRuns(['A', 'B'], 2, 'sequential').map((r) => `${r.arm}${r.rep}`)).toEqual(['A1', 'A2', 'B1', 'B2']);
  });

  it('refuses an empty plan', () => {
    expect(() => planRuns([], 2, 'interleaved')).toThrow(/no arms/);
    expect(() => planRuns(['A'], 0, 'interleaved')).toThrow(/repetitions/);
  });

  it('restarts the server when the arm changes, or every run with fresh_server', () => {
    const [a1, b1, b2] = planRuns(['A', 'B'], 2, 'interleaved');
    expect(needsStart(a1!, undefined, false)).toBe(true);
    expect(needsStart(a1!, 'A', false)).toBe(false); // the client warm-up's server serves run 1
    expect(needsStart(b1!, 'A', false)).toBe(true);
    expect(needsStart(b2!, 'B', false)).toBe(false);
    expect(needsStart(b2!, 'B', true)).toBe(true);
  });
});

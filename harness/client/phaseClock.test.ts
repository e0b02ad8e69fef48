import { describe, expect, it } from 'vitest';
import { now } from '../common/clock.js';
import { phaseNow, stampFn } from './phaseClock.js';

function busy(ms: number): void {
  const end = now() + ms;
  while (now() < end);
}

describe('poll-phase stamps', () => {
  it('reuse the first stamp until the event loop reaches the check phase', async () => {
    const a = phaseNow();
    busy(2);
    expect(phaseNow()).toBe(a);
    await new Promise((r) => setImmediate(r));
    const b = phaseNow();
    expect(b).toBeGreaterThanOrEqual(a + 2);
  });
  it('read mode stamps every call', () => {
    const stamp = stampFn('read');
    const a = stamp();
    busy(1);
    expect(stamp()).toBeGreaterThan(a);
    expect(stampFn(undefined)).toBe(stamp);
    expect(stampFn('phase')).toBe(phaseNow);
  });
});

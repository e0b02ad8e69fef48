import { describe, expect, it } from 'vitest';
import { retryUntil, type Attempt } from './retry.js';

const giveUp = (f: string, tries: number, transient: boolean) => new Error(`${f} after ${tries} (${transient ? 'transient' : 'final'})`);

describe('retryUntil', () => {
  it('tries again after transient failures, telling onRetry each time, and returns the value', async () => {
    const seen: number[] = [];
    const out = await retryUntil<string, string>(
      async (n): Promise<Attempt<string, string>> => (n < 2 ? { fail: 'refused', transient: true } : { ok: `ok at ${n}` }),
      giveUp,
      { deadline: Date.now() + 5_000, intervalMs: 1, onRetry: (_f, tries) => seen.push(tries) },
    );
    expect(out).toBe('ok at 2');
    expect(seen).toEqual([1, 2]);
  });

  it('stops at once on a final failure, and at the deadline on a transient one (one try even if past it)', async () => {
    await expect(retryUntil(async () => ({ fail: '404', transient: false }), giveUp, { deadline: Date.now() + 5_000, intervalMs: 1 }))
      .rejects.toThrow('404 after 1 (final)');
    let n = 0;
    await expect(retryUntil(async () => (n++, { fail: 'refused', transient: true }), giveUp, { deadline: Date.now() - 1, intervalMs: 1 }))
      .rejects.toThrow('refused after 1 (transient)');
    expect(n).toBe(1);
    const t0 = Date.now();
    await expect(retryUntil(async () => ({ fail: 'refused', transient: true }), giveUp, { deadline: t0 + 60, intervalMs: 10 }))
      .rejects.toThrow(/^refused after \d+ \(transient\)$/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('resolves undefined when the signal aborts, during a wait or a try', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const t0 = Date.now();
    const out = await retryUntil(async () => ({ fail: 'refused', transient: true }), giveUp, { deadline: t0 + 10_000, intervalMs: 5_000, signal: ac.signal });
    expect(out).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(2_000);
    const ac2 = new AbortController();
    const out2 = await retryUntil(async () => (ac2.abort(), { fail: 'aborted', transient: false }), giveUp, { deadline: Date.now() + 1_000, intervalMs: 1, signal: ac2.signal });
    expect(out2).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { now } from '../common/clock.js';
import type { RequestRecord } from '../records/record.js';
import type { RequestSpec } from '../records/spec.js';
import { runLoad, type LoadClient } from './runLoad.js';
import { waitUntil } from './waitUntil.js';

function spec(index: number, scheduledMs: number, warmup = false): RequestSpec {
  return { index, warmup, prompt: 'a b', promptTokens: 2, maxTokens: 4, scheduledMs };
}

/** A fake client that takes `holdMs` per request and remembers what it saw. */
function fakeClient(holdMs: number) {
  const log: { index: number; warmup: boolean; scheduledAt: number; sentAt: number }[] = [];
  let inFlight = 0;
  let peak = 0;
  const client: LoadClient = {
    async send(s, scheduledAt, signal) {
      const sentAt = now();
      inFlight++;
      peak = Math.max(peak, inFlight);
      log.push({ index: s.index, warmup: s.warmup, scheduledAt, sentAt });
      const ok = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), holdMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve(false);
        });
      });
      inFlight--;
      const rec: RequestRecord = {
        index: s.index, warmup: s.warmup, scheduledAt, sentAt,
        tokenTimes: ok ? [now()] : [], tokenCounts: ok ? [1] : [],
        endAt: ok ? now() : undefined, clientOutputTokens: ok ? 1 : 0,
        expectedPromptTokens: s.promptTokens, text: '', reasoningText: '',
        success: ok, ...(ok ? {} : { failure: { kind: 'aborted' as const, message: 'aborted' } }),
      };
      return rec;
    },
  };
  return { client, log, peak: () => peak };
}

describe('runLoad', () => {
  it('sends on the absolute schedule and records scheduled times', async () => {
    const { client, log } = fakeClient(1);
    const specs = [0, 20, 40, 60, 80].map((ms, i) => spec(i, ms));
    const out = await runLoad(specs, client);
    expect(out.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    const t0 = log[0].scheduledAt;
    for (const [i, e] of log.entries()) {
      expect(e.scheduledAt - t0).toBeCloseTo(specs[i].scheduledMs, 6);
      // Never early (how late depends on the box's load, so it is not asserted).
      expect(e.sentAt).toBeGreaterThanOrEqual(e.scheduledAt);
    }
    expect(out.interrupted).toBe(false);
  });

  it('never exceeds max concurrency and queues in order', async () => {
    const { client, log, peak } = fakeClient(15);
    const specs = Array.from({ length: 12 }, (_, i) => spec(i, 0));
    const out = await runLoad(specs, client, { maxConcurrency: 3 });
    expect(peak()).toBe(3);
    expect(log.map((e) => e.index)).toEqual([...Array(12).keys()]);
    expect(out.records).toHaveLength(12);
    // Requests that waited for a slot show it as queue time.
    expect(log[11].sentAt - log[11].scheduledAt).toBeGreaterThan(30);
  });

  it('finishes warmups before the measured run and keeps them apart', async () => {
    const { client, log } = fakeClient(10);
    const specs = [spec(0, 0, true), spec(1, 0, true), spec(0, 0), spec(1, 5)];
    const out = await runLoad(specs, client, { maxConcurrency: 4 });
    expect(out.warmupRecords).toHaveLength(2);
    expect(out.records.every((r) => !r.warmup)).toBe(true);
    const lastWarmupSend = Math.max(...log.filter((e) => e.warmup).map((e) => e.sentAt));
    const firstMeasured = Math.min(...log.filter((e) => !e.warmup).map((e) => e.sentAt));
    expect(firstMeasured).toBeGreaterThanOrEqual(lastWarmupSend + 10);
    expect(out.startedAt).toBe(firstMeasured);
  });

  it('keeps completed requests when cancelled and says it was interrupted', async () => {
    const { client } = fakeClient(5);
    const specs = Array.from({ length: 20 }, (_, i) => spec(i, i * 10));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 55);
    const out = await runLoad(specs, client, { signal: ac.signal });
    expect(out.interrupted).toBe(true);
    expect(out.records.length).toBeGreaterThanOrEqual(3);
    expect(out.records.length).toBeLessThan(20);
    expect(out.records.every((r) => r.success)).toBe(true);
    expect(out.records.length + out.cancelled).toBe(20);
  });

  it('keeps a server failure that arrives after the cancellation as a failed record', async () => {
    // The failure that makes the caller stop the run (e.g. the third ECONNREFUSED in a row) is a
    // real failure, not a request cut off by the stop.
    const ac = new AbortController();
    const client: LoadClient = {
      async send(s, scheduledAt) {
        await new Promise((r) => setTimeout(r, 5));
        ac.abort();
        return {
          index: s.index, warmup: s.warmup, scheduledAt, sentAt: scheduledAt, tokenTimes: [], tokenCounts: [],
          clientOutputTokens: 0, expectedPromptTokens: s.promptTokens, text: '', reasoningText: '',
          success: false, failure: { kind: 'refused', message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' },
        };
      },
    };
    const out = await runLoad([spec(0, 0), spec(1, 1000)], client, { signal: ac.signal });
    expect(out.records.map((r) => r.index)).toEqual([0]);
    expect(out.records[0].success).toBe(false);
    expect(out.cancelled).toBe(1);
    expect(out.interrupted).toBe(true);
  });
});

describe('waitUntil', () => {
  it('leaves no timer behind when aborted during a long wait', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const ac = new AbortController();
    const p = waitUntil(now() + 3_600_000, ac.signal);
    expect(timers()).toBe(before + 1);
    ac.abort();
    await p;
    expect(timers()).toBe(before);
  });
});

// The stop path of `abserve engine` (serveStop.ts): bounded close, then exit; a second signal past
// the duplicate window exits at once. The real process is tested in engine.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DUPLICATE_MS } from './interrupt.js';
import { serveUntilStopped, settleWithin } from './serveStop.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('settleWithin', () => {
  it("is 'closed' for a close that settles (resolved or rejected) in time, 'timeout' for one that hangs", async () => {
    expect(await settleWithin(Promise.resolve(), 1000)).toBe('closed');
    expect(await settleWithin(Promise.reject(new Error('x')), 1000)).toBe('closed');
    expect(await settleWithin(new Promise(() => {}), 10)).toBe('timeout');
  });
});

describe('serveUntilStopped', () => {
  it('a close that hangs: exits 0 after the grace, saying so; a second signal inside the duplicate window is ignored, past it exits 130', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const before = process.listenerCount('SIGINT');
    const codes: number[] = [];
    void serveUntilStopped(() => new Promise<void>(() => {}), { name: 'engine', graceMs: 3000, exit: (c) => codes.push(c) });
    process.emit('SIGINT', 'SIGINT');
    await vi.advanceTimersByTimeAsync(DUPLICATE_MS - 100);
    process.emit('SIGINT', 'SIGINT'); // the same signal delivered twice
    expect(codes).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    process.emit('SIGINT', 'SIGINT'); // a real second Ctrl-C
    expect(codes).toEqual([130]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(codes).toEqual([130]); // exits once
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('without a second signal, a hanging close still ends in exit 0 once the grace is over', async () => {
    vi.useFakeTimers();
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const codes: number[] = [];
    void serveUntilStopped(() => new Promise<void>(() => {}), { name: 'engine', graceMs: 3000, exit: (c) => codes.push(c) });
    process.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(2900);
    expect(codes).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(codes).toEqual([0]);
    expect(err.mock.calls.map((c) => c[0])).toEqual(['engine: SIGTERM: stopping (again to exit at once)', 'engine: not closed after 3000 ms; exiting anyway']);
  });

  it("the parent going away stops it like a signal", async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let gone: () => void = () => {};
    const codes: number[] = [];
    void serveUntilStopped(async () => {}, { name: 'engine', watch: (f) => (gone = f), exit: (c) => codes.push(c) });
    gone();
    await vi.waitFor(() => expect(codes).toEqual([0]));
  });
});

import { now } from '../clock.js';

// Sleep until an absolute clock time. setTimeout alone fires up to ~1 ms late (and later under
// load), so it covers the bulk and setImmediate turns cover the last stretch; the event loop
// stays free for the streams in flight. Sleeping to absolute targets means no drift accumulates.
const SPIN_MS = 1.5;

export function waitUntil(target: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const step = () => {
      if (signal?.aborted) return done();
      const left = target - now();
      if (left <= 0) return done();
      if (left > SPIN_MS) setTimeout(step, left - SPIN_MS);
      else setImmediate(step);
    };
    step();
  });
}

import { now } from '../common/clock.js';

// Sleep until an absolute clock time. setTimeout alone fires up to ~1 ms late (and later under
// load), so it covers the bulk and setImmediate turns cover the last stretch; the event loop
// stays free for the streams in flight. Sleeping to absolute targets means no drift accumulates.
const SPIN_MS = 1.5;
/** Node's largest timer delay (2^31 - 1 ms, ~24.8 days); a longer one fires after 1 ms with a
 *  TimeoutOverflowWarning, which turned a very low --request-rate into a busy loop (issue 10). */
export const MAX_TIMER_MS = 2_147_483_647;

export function waitUntil(target: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    // An abort clears the pending timer too: a long gap (low rate, ramp-up) must not keep the
    // process alive after the run was stopped.
    const onAbort = () => {
      clearTimeout(timer);
      clearImmediate(immediate);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const step = () => {
      timer = undefined;
      immediate = undefined;
      if (signal?.aborted) return done();
      const left = target - now();
      if (left <= 0) return done();
      if (left > SPIN_MS) timer = setTimeout(step, Math.min(left - SPIN_MS, MAX_TIMER_MS));
      else immediate = setImmediate(step);
    };
    step();
  });
}

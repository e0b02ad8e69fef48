// How a long-lived server command (`abserve engine`) stops: the first SIGINT/SIGTERM (or the parent
// that started it going away) closes it within a bounded time and exits regardless; a second signal
// exits at once. A first signal had once been ignored for 10 minutes: a timer the close did not
// clear (a slow-headers fault's wait) kept the process alive, and only a second Ctrl-C ended it.
import { DUPLICATE_MS } from './interrupt.js';

/** How long a close may take before the process exits anyway (ms). */
export const CLOSE_GRACE_MS = 3000;

/**
 * Waits for `closing` at most `graceMs`: 'closed' when it settled in time (rejected counts as
 * settled), 'timeout' otherwise. The timer holds the process open until then (a close that hangs
 * on nothing must still end in 'timeout', not in Node's exit 13 for an unsettled top-level await).
 */
export function settleWithin(closing: Promise<unknown>, graceMs: number): Promise<'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), graceMs);
    const done = () => {
      clearTimeout(timer);
      resolve('closed');
    };
    closing.then(done, done);
  });
}

export interface ServeStopOptions {
  /** Name in the messages, e.g. "abserve engine". */
  name: string;
  /** Bound on `close` (ms; default CLOSE_GRACE_MS). */
  graceMs?: number;
  /** Registers a callback for "our parent is gone" (parentWatch.watchParent); optional. */
  watch?: (onGone: () => void) => void;
  /** Ends the process (default process.exit); tests pass their own. */
  exit?: (code: number) => void;
}

/**
 * Never resolves in a real process: waits for the first SIGINT/SIGTERM (or `watch`'s callback),
 * then runs `close` bounded by `graceMs` and exits 0 (saying so on stderr when the bound was hit).
 * A second signal more than DUPLICATE_MS after the first exits 130 at once; one sooner is the same
 * signal delivered twice (GNU timeout: the child, then its group) and is ignored.
 */
export function serveUntilStopped(close: () => Promise<void>, o: ServeStopOptions): Promise<void> {
  const graceMs = o.graceMs ?? CLOSE_GRACE_MS;
  return new Promise<void>(() => {
    let exited = false;
    const exit = (code: number): void => {
      if (exited) return;
      exited = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (o.exit) o.exit(code);
      else process.exit(code);
    };
    let firstAt = 0;
    function stop(sig: string): void {
      if (firstAt !== 0) {
        if (Date.now() - firstAt < DUPLICATE_MS) return;
        console.error(`${o.name}: ${sig} again: exiting at once`);
        exit(130);
        return;
      }
      firstAt = Date.now();
      console.error(`${o.name}: ${sig}: stopping (again to exit at once)`);
      void settleWithin(close(), graceMs).then((how) => {
        if (how === 'timeout') console.error(`${o.name}: not closed after ${graceMs} ms; exiting anyway`);
        exit(0);
      });
    }
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    o.watch?.(() => stop('parent gone'));
  });
}

// Ctrl-C handling for long runs: the first SIGINT/SIGTERM cancels the run gracefully (completed
// requests are kept and a partial result is written); a second one exits at once (code 130).
// A parent that dies without passing its SIGTERM on (`npm start` does that) counts as a SIGTERM.
import { setMaxListeners } from 'node:events';
import { watchOwnParent } from './parentWatch.js';

/** A second signal this soon after the first (ms) is the same one delivered twice. */
export const DUPLICATE_MS = 1500;

/**
 * Run `work` with an AbortSignal that fires on the first SIGINT/SIGTERM (or when our parent
 * process dies); a second signal exits the process at once with code 130.
 */
export async function withInterrupt<T, U = T>(
  work: (signal: AbortSignal) => Promise<T>,
  /** What the first signal stops, after "SIGINT: stopping; " (default: a run whose completed
   *  requests are kept); a function is asked when the signal comes (a run with phases). */
  stopping: string | (() => string) = 'completed requests are kept',
  /**
   * Writes `work`'s result (print, save). Signals are held off while it runs: one says that the
   * result is being saved and is otherwise ignored. The listeners are swapped without a gap, since
   * a signal with no listener at all kills the process before its files are written.
   */
  save?: (result: T) => Promise<U>,
): Promise<U> {
  const ac = new AbortController();
  // The run's one signal is shared by every request in flight (the openai client adds a listener
  // per request): no MaxListenersExceededWarning at any concurrency.
  setMaxListeners(0, ac.signal);
  let firstAt = 0;
  const onSignal = (sig: NodeJS.Signals | 'parent gone') => {
    if (ac.signal.aborted) {
      // One signal delivered twice (GNU timeout signals the child, then its process group) is not
      // a second Ctrl-C: it had exited at once and lost the run's completed requests.
      if (Date.now() - firstAt < DUPLICATE_MS) return;
      process.exit(130);
    }
    firstAt = Date.now();
    console.error(`\n${sig}: stopping; ${typeof stopping === 'function' ? stopping() : stopping} (again to exit at once)`);
    ac.abort();
  };
  const listen = (f: (sig: NodeJS.Signals) => void) => {
    process.on('SIGINT', f);
    process.on('SIGTERM', f);
  };
  const unlisten = (f: (sig: NodeJS.Signals) => void) => {
    process.off('SIGINT', f);
    process.off('SIGTERM', f);
  };
  listen(onSignal);
  const unwatch = watchOwnParent(() => onSignal('parent gone'));
  let result: T;
  try {
    result = await work(ac.signal);
  } catch (e) {
    unwatch();
    unlisten(onSignal);
    throw e;
  }
  unwatch();
  if (!save) {
    unlisten(onSignal);
    return result as unknown as U;
  }
  let said = false;
  const onHeld = () => {
    if (!said) console.error('abserve: saving the result first; it is written in a moment');
    said = true;
  };
  listen(onHeld);
  unlisten(onSignal);
  try {
    return await save(result);
  } finally {
    // Saved: a signal from now on (often the first one delivered a second time, late) ends the
    // process with the exit code already set; with no listener it was killed by the signal and
    // its exit code (3: partial result saved) was lost.
    listen(() => process.exit());
    unlisten(onHeld);
  }
}

// Ctrl-C handling for long runs: the first SIGINT/SIGTERM cancels the run gracefully (completed
// requests are kept and a partial result is written); a second one exits at once (code 130).
// A parent that dies without passing its SIGTERM on (`npm start` does that) counts as a SIGTERM.
import { setMaxListeners } from 'node:events';
import { watchOwnParent } from './parentWatch.js';

/**
 * Run `work` with an AbortSignal that fires on the first SIGINT/SIGTERM (or when our parent
 * process dies); a second signal exits the process at once with code 130.
 */
export async function withInterrupt<T>(
  work: (signal: AbortSignal) => Promise<T>,
  /** What the first signal stops, after "SIGINT: stopping; " (default: a run whose completed requests are kept). */
  stopping = 'completed requests are kept',
): Promise<T> {
  const ac = new AbortController();
  // The run's one signal is shared by every request in flight (the openai client adds a listener
  // per request): no MaxListenersExceededWarning at any concurrency.
  setMaxListeners(0, ac.signal);
  const onSignal = (sig: NodeJS.Signals | 'parent gone') => {
    if (ac.signal.aborted) process.exit(130);
    console.error(`\n${sig}: stopping; ${stopping} (again to exit at once)`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const unwatch = watchOwnParent(() => onSignal('parent gone'));
  try {
    return await work(ac.signal);
  } finally {
    unwatch();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

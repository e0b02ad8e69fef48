// Process-wide registry of "stop what we started" actions (docker compose down, kill the engine),
// so no container or engine process outlives abserve, whatever ends it: a normal return, an error,
// Ctrl-C during any phase, SIGTERM, or a process.exit() elsewhere.
//
// How it cooperates with cli/interrupt.ts (withInterrupt): while a run owns Ctrl-C (it has its own
// SIGINT/SIGTERM listener), the first signal is left to it: the run's AbortSignal fires and the
// orchestrator's finally-blocks stop their sessions the ordinary way. When nobody else listens (a
// signal during start-up, outside any run), or on a second signal, the registry runs every cleanup
// and exits with 130. interrupt.ts exits at once on its second signal; the synchronous fallbacks
// registered here then run from the 'exit' event, so even that path leaves nothing behind.

/** One registered action. `run` stops the thing gracefully; `runSync` is the last resort used from
 *  the process 'exit' event, where nothing asynchronous can run (e.g. spawnSync docker down). */
interface Entry {
  run: () => Promise<void> | void;
  runSync?: () => void;
  done: boolean;
}

const entries = new Set<Entry>();
let installed = false;
let signalsSeen = 0;
let exiting = false;

/** Exit code after a signal-driven cleanup, as shells report an interrupted program. */
export const INTERRUPT_EXIT_CODE = 130;

/**
 * Register a cleanup. Returns the function that unregisters it (call it once the thing is stopped
 * the ordinary way). `runSync`, if given, is called from the process 'exit' event when `fn` has not
 * completed by then; it must be synchronous and must not throw (errors are swallowed).
 */
export function registerCleanup(fn: () => Promise<void> | void, runSync?: () => void): () => void {
  const entry: Entry = { run: fn, runSync, done: false };
  entries.add(entry);
  install();
  return () => {
    entries.delete(entry);
    if (entries.size === 0) uninstall();
  };
}

/** Number of registered cleanups (for tests and diagnostics). */
export function pendingCleanups(): number {
  return entries.size;
}

/**
 * Run every registered cleanup once, newest first, concurrently awaited; errors are collected, not
 * thrown (a failing `docker compose down` must not stop the engine from being killed). Returns the
 * error messages.
 */
export async function runCleanups(): Promise<string[]> {
  const list = [...entries].reverse();
  const errors: string[] = [];
  await Promise.all(
    list.map(async (e) => {
      try {
        await e.run();
      } catch (err) {
        errors.push((err as Error).message);
      } finally {
        e.done = true;
        entries.delete(e);
      }
    }),
  );
  if (entries.size === 0) uninstall();
  return errors;
}

function onSignal(sig: NodeJS.Signals): void {
  signalsSeen++;
  // Someone else (withInterrupt) turns the first signal into a graceful abort of the run.
  const others = process.listenerCount(sig) - 1;
  if (others > 0 && signalsSeen === 1) return;
  if (exiting) return;
  exiting = true;
  console.error(`\n${sig}: stopping the servers abserve started`);
  void runCleanups().then(
    (errors) => {
      for (const m of errors) console.error(`cleanup: ${m}`);
      process.exit(INTERRUPT_EXIT_CODE);
    },
    () => process.exit(INTERRUPT_EXIT_CODE),
  );
}

function onExit(): void {
  for (const e of entries) {
    if (e.done || !e.runSync) continue;
    try {
      e.runSync();
    } catch {
      // Last resort only: nothing can be reported any more.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  signalsSeen = 0;
  // Prepended so the count of other listeners is known and cleanup starts before anyone exits.
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', onExit);
}

// A child that abserve started (the embedded engine) must not outlive abserve (issue 10). The
// parent runs it in its own process group, so a terminal's Ctrl-C reaches only abserve, which
// saves its results and then stops the child; if abserve dies without stopping it (kill -9, a
// crash), the child notices here and stops itself.
//
// The parent passes its pid in ABSERVE_PARENT_PID. The child checks once a second whether that
// process still exists and is still its parent (after the parent dies the child is re-parented,
// so process.ppid changes even if the pid is reused).

/** Environment variable through which a parent asks its child to watch it. */
export const PARENT_PID_ENV = 'ABSERVE_PARENT_PID';

/**
 * Call `onGone` once when the parent named in ABSERVE_PARENT_PID is gone; no-op without the
 * variable. The timer is unref'd (it never keeps the process alive). Returns a stop function.
 */
export function watchParent(onGone: () => void, intervalMs = 1000, env: NodeJS.ProcessEnv = process.env): () => void {
  return watchPid(Number(env[PARENT_PID_ENV]), onGone, intervalMs);
}

/**
 * Call `onGone` once when the process that is our parent now goes away (we get re-parented).
 * `npm start` dies on SIGTERM without passing it to its script (measured with npm 10): abserve
 * under npm uses this to stop as if it had received the SIGTERM itself. No-op when our parent is
 * already init (pid 1).
 */
export function watchOwnParent(onGone: () => void, intervalMs = 1000): () => void {
  return watchPid(process.ppid, onGone, intervalMs);
}

function watchPid(pid: number, onGone: () => void, intervalMs: number): () => void {
  if (!Number.isInteger(pid) || pid <= 1) return () => {};
  const alive = (): boolean => {
    if (process.ppid !== pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const timer = setInterval(() => {
    if (alive()) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

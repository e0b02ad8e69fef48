// Target: the embedded engine in its own process (`abserve engine`), so the load generator's
// event loop and the engine's never share a thread. Started, awaited until it prints its URL,
// and always stopped (also on Ctrl-C or process exit, through cleanup.ts).
import { execa, type ResultPromise } from 'execa';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../common/errors.js';
import { registerCleanup } from './cleanup.js';
import { LogLines } from './logLines.js';

export const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const READY = /abserve engine listening on (http:\/\/\S+)/;

/** A running engine process. */
export interface EngineProcess {
  /** Server root, e.g. http://127.0.0.1:41234. */
  url: string;
  /** OS process id of the engine (gone once `stop` resolves). */
  pid: number;
  /** The last `lines` lines of its stdout and stderr (default 50). */
  logTail(lines?: number): string;
  /** SIGTERM (SIGKILL after 3 s), wait for the exit, close the log file. Idempotent. */
  stop(): Promise<void>;
}

/** Extra start options. */
export interface SpawnEngineOptions {
  /** Append the engine's stdout and stderr to this file. */
  logFile?: string;
  /** Aborting kills the engine (during start-up the promise rejects with a UserError). */
  signal?: AbortSignal;
}

/**
 * Start `abserve engine --port 0 ...args` with `env` added to this process's environment and
 * resolve once it prints its URL. Rejects with UserError (with its output) when it exits early,
 * is not ready within `readyTimeoutMs`, or `opts.signal` aborts; the process is gone by then.
 */
export async function spawnEngine(
  args: string[],
  env: Record<string, string> = {},
  readyTimeoutMs = 30_000,
  opts: SpawnEngineOptions = {},
): Promise<EngineProcess> {
  if (opts.signal?.aborted) throw new UserError('embedded engine: start-up aborted');
  const child: ResultPromise = execa(process.execPath, [BIN, 'engine', '--port', '0', ...args], {
    // Issue 10: the engine watches this pid and exits when abserve dies (cli/parentWatch.ts).
    env: { ...env, ABSERVE_PARENT_PID: String(process.pid) },
    // Its own process group: a terminal's Ctrl-C reaches abserve only, which saves its results
    // first and then stops the engine (instead of the engine dying first and being blamed).
    detached: true,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    forceKillAfterDelay: 3000,
    cancelSignal: opts.signal,
  });
  const file: WriteStream | undefined = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  const fileClosed = file ? new Promise<void>((r) => file.on('close', () => r()).on('error', () => r())) : Promise.resolve();
  const lines = new LogLines();
  const onOutput = (chunk: Buffer) => {
    const s = chunk.toString();
    lines.push(s);
    file?.write(s);
  };
  // Always drained (a chatty engine never blocks on a full pipe) and kept for logTail.
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const exited = child.then(() => {
    file?.end();
  });
  const unregister = registerCleanup(
    async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  );
  void exited.then(unregister);

  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    let failure: UserError | undefined;
    const timer = setTimeout(() => {
      // Never leave it running: an orphaned engine would keep this process alive after the error.
      // The exit handler below rejects once it is gone.
      failure = new UserError(`embedded engine did not start within ${readyTimeoutMs} ms:\n${lines.tail()}`);
      child.kill('SIGTERM');
    }, readyTimeoutMs);
    child.stdout?.on('data', function onReady(chunk: Buffer) {
      log += chunk.toString();
      const m = READY.exec(log);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onReady);
        resolve(m[1]);
      }
    });
    void child.then((r) => {
      clearTimeout(timer);
      if (r.isCanceled) failure ??= new UserError('embedded engine: start-up aborted');
      reject(failure ?? new UserError(`embedded engine exited (code ${r.exitCode}) before it was ready:\n${lines.tail()}`));
    });
  }).catch(async (e: unknown) => {
    await exited;
    await fileClosed;
    throw e;
  });
  return {
    url,
    pid: child.pid!,
    logTail: (n?: number) => lines.tail(n),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await fileClosed;
    },
  };
}

// Target: the embedded engine in its own process (`abserve engine`), so the load generator's
// event loop and the engine's never share a thread. Started, awaited until it prints its URL,
// and always stopped.
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { UserError } from '../common/errors.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const READY = /abserve engine listening on (http:\/\/\S+)/;

export interface EngineProcess {
  url: string;
  stop(): Promise<void>;
}

export async function spawnEngine(
  args: string[],
  env: Record<string, string> = {},
  readyTimeoutMs = 30_000,
): Promise<EngineProcess> {
  const child: ResultPromise = execa(process.execPath, [BIN, 'engine', '--port', '0', ...args], {
    env,
    reject: false,
    stdin: 'ignore',
    buffer: false,
    forceKillAfterDelay: 3000,
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    let timedOut: UserError | undefined;
    const timer = setTimeout(() => {
      // Never leave it running: an orphaned engine would keep this process alive after the error.
      // The exit handler below rejects once it is gone.
      timedOut = new UserError(`embedded engine did not start within ${readyTimeoutMs} ms:\n${log}`);
      child.kill('SIGTERM');
    }, readyTimeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = READY.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (log += c.toString()));
    void child.then((r) => {
      clearTimeout(timer);
      reject(timedOut ?? new UserError(`embedded engine exited (code ${r.exitCode}) before it was ready:\n${log}`));
    });
  });
  // Keep draining output so a chatty engine never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await child;
    },
  };
}

// Target kind `compose`: a vLLM server (or any OpenAI-compatible one) started by docker compose
// with the arm's environment, waited for until healthy, its logs captured into the run's log file,
// and always taken down: after the run, when start-up fails, and on Ctrl-C/SIGTERM (cleanup.ts).
import { appendFile } from 'node:fs/promises';
import { UserError } from '../common/errors.js';
import { registerCleanup } from './cleanup.js';
import {
  composeDown,
  composeDownSync,
  composeLogs,
  composeServiceExited,
  composeUp,
  shellJoin,
  type ComposeProject,
} from './composeCli.js';
import type { ArmServerConfig, ComposeTargetConfig, StartOptions, Target, TargetSession } from './types.js';
import { waitReady } from './waitReady.js';

/** Environment variable carrying the arm's server args (shell words) into the compose file,
 *  e.g. `command: ... ${ABSERVE_SERVER_ARGS:-}`. */
export const SERVER_ARGS_ENV = 'ABSERVE_SERVER_ARGS';

/** Lines of server log shown in a start-up error. */
export const ERROR_LOG_LINES = 50;

/** Tunables for tests; defaults are right for real servers. */
export interface ComposeTargetOptions {
  /** Pause between readiness polls in ms (default 1000). */
  pollIntervalMs?: number;
  /** How often to ask docker whether the service's container has exited, in ms (default 5000). */
  exitCheckMs?: number;
}

/**
 * A compose target. `start(arm)` runs `docker compose -p <project> -f <files> up -d` with `arm.env`
 * (and SERVER_ARGS_ENV) in the docker process's environment, then waits up to `startTimeoutMs`
 * for `healthUrl` and `${url}/v1/models` to answer 200 (giving up early when the service's
 * container has exited). On failure it appends the service's logs to
 * the log file, runs `down`, and throws UserError whose first line names the service, project and
 * reason, followed by the last ERROR_LOG_LINES log lines. `stop` captures
 * `docker compose logs --no-color <service>` into the log file, then runs `down`; idempotent.
 */
export function composeTarget(config: ComposeTargetConfig, options: ComposeTargetOptions = {}): Target {
  return {
    config,
    async start(arm: ArmServerConfig, opts: StartOptions = {}): Promise<TargetSession> {
      const p: ComposeProject = {
        project: config.project,
        files: config.files,
        env: { ...arm.env, [SERVER_ARGS_ENV]: shellJoin(arm.serverArgs) },
      };
      const who = `compose service ${config.service} (project ${config.project})`;
      let logs = '';
      let captured = false;
      const capture = async () => {
        if (captured) return;
        captured = true;
        try {
          logs = await composeLogs(p, config.service);
        } catch (e) {
          logs = `(logs unavailable: ${(e as Error).message})\n`;
        }
        if (opts.logFile) await appendFile(opts.logFile, logs);
      };
      let downed: Promise<void> | undefined;
      const down = () => (downed ??= composeDown(p));
      // Registered before `up`: an interrupted `up` may already have created containers. On Ctrl-C
      // the logs are still saved before `down` (finish); at a hard exit only `down` runs.
      const unregister = registerCleanup(() => finish(), () => composeDownSync(p));
      const finish = async () => {
        try {
          await capture();
        } finally {
          try {
            await down();
          } finally {
            unregister();
          }
        }
      };

      try {
        if (opts.signal?.aborted) throw new UserError(`${who}: start-up aborted`);
        await composeUp(p, config.startTimeoutMs, opts.signal);
        const r = await waitReady({
          healthUrl: config.healthUrl,
          url: config.url,
          timeoutMs: config.startTimeoutMs,
          intervalMs: options.pollIntervalMs,
          signal: opts.signal,
          // A container that died while loading ends the wait at once, not after the whole timeout.
          check: () => composeServiceExited(p, config.service),
          checkEveryMs: options.exitCheckMs,
        });
        if (!r.ready) {
          if (r.reason === 'aborted') throw new UserError(`${who}: start-up aborted`);
          const tail = await composeLogs(p, config.service, ERROR_LOG_LINES).catch((e: Error) => `(logs unavailable: ${e.message})`);
          const what = r.reason.startsWith('container ') ? `did not start: ${r.reason}` : `not ready within ${config.startTimeoutMs} ms (${r.reason})`;
          throw new UserError(`${who} ${what}; last server log lines:\n${tail.trimEnd()}`);
        }
      } catch (e) {
        await finish().catch(() => undefined);
        throw e;
      }
      const lines = (n = 50) => logs.trimEnd().split(/\r?\n/).slice(-n).join('\n');
      let stopped: Promise<void> | undefined;
      return {
        url: config.url.replace(/\/+$/, ''),
        // Compose logs are read at stop; before that the tail is empty.
        logTail: (n?: number) => (logs ? lines(n) : ''),
        stop: () => (stopped ??= finish()),
      };
    },
  };
}

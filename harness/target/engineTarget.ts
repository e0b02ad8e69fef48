// Target kind `engine`: one embedded engine process per start, with the arm's environment and
// server args, its output appended to the run's log file, stopped on stop() or on Ctrl-C.
import { execa } from 'execa';
import { UserError } from '../common/errors.js';
import { BIN, spawnEngine } from './engineProcess.js';
import type { ArmServerConfig, EngineTargetConfig, StartOptions, Target, TargetSession } from './types.js';

/**
 * An engine target: `abserve engine --port 0 --profile <profile> <args> <arm.serverArgs>` with
 * `arm.env` added to the environment. `start` rejects with UserError (with the engine's last
 * output) when it exits early or is not ready within `startTimeoutMs`.
 */
export function engineTarget(config: EngineTargetConfig): Target {
  return {
    config,
    async start(arm: ArmServerConfig, opts: StartOptions = {}): Promise<TargetSession> {
      const engine = await spawnEngine(
        ['--profile', config.profile, ...config.args, ...arm.serverArgs],
        arm.env,
        config.startTimeoutMs,
        { logFile: opts.logFile, signal: opts.signal },
      );
      return { url: engine.url, pid: engine.pid, logTail: (n?: number) => engine.logTail(n), stop: () => engine.stop() };
    },
    async check(arm: ArmServerConfig): Promise<void> {
      const r = await execa(process.execPath, [BIN, 'engine', '--check', '--port', '0', '--profile', config.profile, ...config.args, ...arm.serverArgs], {
        env: arm.env,
        reject: false,
        stdin: 'ignore',
        timeout: 60_000,
      });
      if (r.exitCode !== 0) {
        const why = String(r.stderr ?? '').trim().split('\n').pop()?.replace(/^abserve: /, '') ?? `exit ${r.exitCode}`;
        throw new UserError(`arm ${arm.name}: its engine would not start: ${why}`);
      }
    },
  };
}

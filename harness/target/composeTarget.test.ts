import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { pendingCleanups } from './cleanup.js';
import { composeTarget } from './composeTarget.js';
import {
  cleanupState,
  containerPid,
  dockerCalls,
  fakeDockerEnv,
  freePort,
  isAlive,
  makeStateDir,
  subcommand,
} from './fixtures/fakeDocker.js';
import type { ComposeTargetConfig } from './types.js';

const ARM = { name: 'without-op', env: { VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1', MODEL: 'm' }, serverArgs: ['--seed', '7', "it's"] };

describe('compose target (stand-in docker)', () => {
  let dir: string;
  let port: number;
  const saved = { ...process.env };

  const useDocker = (mode = 'healthy') => Object.assign(process.env, fakeDockerEnv(dir, port, mode));
  const config = (startTimeoutMs = 10_000): ComposeTargetConfig => ({
    kind: 'compose',
    files: ['compose/a.yml', 'compose/b.yml'],
    project: 'abtest',
    service: 'vllm',
    url: `http://127.0.0.1:${port}`,
    healthUrl: `http://127.0.0.1:${port}/health`,
    startTimeoutMs,
  });

  beforeEach(async () => {
    dir = makeStateDir();
    port = await freePort();
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    cleanupState(dir);
  });

  it('runs up with the project, files and arm env, serves, captures logs at stop, then down', async () => {
    useDocker();
    const logFile = join(dir, 'server.log');
    const session = await composeTarget(config(), { pollIntervalMs: 50 }).start(ARM, { logFile });
    expect(session.url).toBe(`http://127.0.0.1:${port}`);
    const pid = containerPid(dir)!;
    expect(isAlive(pid)).toBe(true);
    expect(pendingCleanups()).toBe(1);

    const up = dockerCalls(dir)[0];
    expect(up.argv).toEqual(['compose', '-p', 'abtest', '-f', 'compose/a.yml', '-f', 'compose/b.yml', 'up', '-d']);
    expect(up.env).toEqual({ VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1', MODEL: 'm', ABSERVE_SERVER_ARGS: `--seed 7 'it'\\''s'` });

    await session.stop();
    await session.stop(); // idempotent
    const calls = dockerCalls(dir);
    expect(calls.map(subcommand)).toEqual(['up', 'logs', 'down']);
    expect(calls[1].argv.slice(-3)).toEqual(['logs', '--no-color', 'vllm']);
    // down interpolates the same files, so it gets the same environment.
    expect(calls[2].env.VLLM_DISABLE_MERGE_ATTN_CUDA_OP).toBe('1');
    expect(calls[2].argv).toContain('--remove-orphans');
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('vllm-1  | INFO VLLM_DISABLE_MERGE_ATTN_CUDA_OP=1');
    expect(log).toContain('shard 1/60');
    expect(session.logTail(1)).toMatch(/Uvicorn running/);
    for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(50);
    expect(isAlive(pid)).toBe(false);
    expect(pendingCleanups()).toBe(0);
  });

  it('times out a server that never gets healthy with the last log lines in the error, then downs it', async () => {
    useDocker('unhealthy');
    const logFile = join(dir, 'server.log');
    const t0 = Date.now();
    // 3 s, not less: the stand-in `docker compose up` is a node process, and under a loaded full
    // suite it once took over 800 ms to answer, failing as "up: no answer" instead of the health 503.
    const err = (await composeTarget(config(3000), { pollIntervalMs: 50 })
      .start(ARM, { logFile })
      .catch((e: unknown) => e)) as Error;
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(err).toBeInstanceOf(UserError);
    const [first, ...tail] = err.message.split('\n');
    expect(first).toMatch(/compose service vllm \(project abtest\) not ready within 3000 ms \(GET .*\/health answered 503\)/);
    expect(tail.length).toBe(50);
    expect(err.message).toContain('ERROR CUDA out of memory');
    expect(err.message).not.toContain('shard 1/60');
    expect(dockerCalls(dir).map(subcommand)).toEqual(['up', 'logs', 'logs', 'down']);
    expect(readFileSync(logFile, 'utf8')).toContain('shard 1/60'); // full logs kept for the results folder
    expect(containerPid(dir)).toBeUndefined();
    expect(pendingCleanups()).toBe(0);
  });

  it('a container that dies while loading ends the wait early, with its last log lines', async () => {
    useDocker('crashes');
    const t0 = Date.now();
    const err = (await composeTarget(config(60_000), { pollIntervalMs: 50, exitCheckMs: 100 })
      .start(ARM)
      .catch((e: unknown) => e)) as Error;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message.split('\n')[0]).toBe(
      'compose service vllm (project abtest) did not start: container exited (code 1); last server log lines:',
    );
    expect(err.message).toContain('NCCL error');
    const subs = dockerCalls(dir).map(subcommand);
    expect(subs).toContain('ps');
    expect(subs.at(-1)).toBe('down');
  });

  it('a failed up is one line with docker\'s reason, and down still runs', async () => {
    useDocker('up-fails');
    const err = (await composeTarget(config()).start(ARM).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/docker compose -p abtest up failed \(exit 1\): .*could not select device driver/);
    expect(dockerCalls(dir).map(subcommand)).toEqual(['up', 'logs', 'down']);
  });

  it('a docker without the compose plugin is named as such, in one line', async () => {
    useDocker('no-compose-plugin');
    const err = (await composeTarget(config()).start(ARM).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('docker compose -p abtest up: this docker has no compose plugin (target kind compose needs Docker Compose v2: `docker compose version`)');
  });

  it('aborting the start-up wait stops promptly and runs down', async () => {
    useDocker('unhealthy');
    const ac = new AbortController();
    const started = composeTarget(config(60_000), { pollIntervalMs: 50 })
      .start(ARM, { signal: ac.signal })
      .catch((e: unknown) => e);
    // Abort once the container is up, i.e. during the health wait.
    while (dockerCalls(dir).length === 0 || containerPid(dir) === undefined) await sleep(20);
    await sleep(100);
    ac.abort();
    const t0 = Date.now();
    const err = (await started) as Error;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(err.message).toMatch(/start-up aborted/);
    expect(dockerCalls(dir).map(subcommand).at(-1)).toBe('down');
    expect(containerPid(dir)).toBeUndefined();
  });

  it('names docker when it is not on PATH', async () => {
    process.env.PATH = dir; // an empty folder: no docker anywhere
    const err = (await composeTarget(config()).start(ARM).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/docker not found on PATH/);
    expect(pendingCleanups()).toBe(0);
  });
});

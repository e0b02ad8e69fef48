import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pendingCleanups, registerCleanup, runCleanups } from './cleanup.js';
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

describe('cleanup registry', () => {
  it('runs every cleanup once, newest first, collecting errors; unregistered ones do not run', async () => {
    const ran: string[] = [];
    registerCleanup(() => void ran.push('a'));
    const off = registerCleanup(() => void ran.push('b'));
    registerCleanup(async () => {
      ran.push('c');
      throw new Error('down failed');
    });
    off();
    expect(pendingCleanups()).toBe(2);
    expect(await runCleanups()).toEqual(['down failed']);
    expect(ran).toEqual(['c', 'a']);
    expect(pendingCleanups()).toBe(0);
    expect(await runCleanups()).toEqual([]);
    expect(ran).toEqual(['c', 'a']);
  });

  it('installs its signal handlers only while something is registered', () => {
    const before = process.listenerCount('SIGINT');
    const off = registerCleanup(() => undefined);
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    off();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('Ctrl-C leaves no container behind', () => {
  const child = fileURLToPath(new URL('./fixtures/composeChild.ts', import.meta.url));
  let dir: string;
  let port: number;
  beforeEach(async () => {
    dir = makeStateDir();
    port = await freePort();
  });
  afterEach(() => cleanupState(dir));

  async function startChild(mode: 'plain' | 'interrupt') {
    const p = execa(process.execPath, ['--import', 'tsx', child, mode], {
      env: fakeDockerEnv(dir, port),
      reject: false,
      all: true,
      timeout: 30_000,
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      p.all?.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('started')) resolve();
      });
      void p.then((r) => reject(new Error(`child exited early (${r.exitCode}): ${out}`)));
    });
    const pid = containerPid(dir)!;
    expect(isAlive(pid)).toBe(true);
    return { p, pid };
  }

  async function expectDown(pid: number) {
    expect(dockerCalls(dir).map(subcommand)).toContain('down');
    for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(50);
    expect(isAlive(pid)).toBe(false);
  }

  it('SIGINT with no run owning Ctrl-C: down, then exit 130', async () => {
    const { p, pid } = await startChild('plain');
    p.kill('SIGINT');
    const r = await p;
    expect(r.exitCode).toBe(130);
    expect(r.all).toMatch(/SIGINT: stopping the servers abserve started/);
    await expectDown(pid);
    expect(dockerCalls(dir).map(subcommand)).toEqual(['up', 'logs', 'down']); // logs saved first
  });

  it('SIGTERM: down, then exit', async () => {
    const { p, pid } = await startChild('plain');
    p.kill('SIGTERM');
    const r = await p;
    expect(r.exitCode).toBe(130);
    await expectDown(pid);
  });

  it('inside withInterrupt: the first Ctrl-C is the run\'s, the second exits at once and still downs', async () => {
    const { p, pid } = await startChild('interrupt');
    p.kill('SIGINT');
    await sleep(300);
    expect(dockerCalls(dir).map(subcommand)).not.toContain('down'); // the run decides on the first
    p.kill('SIGINT');
    const r = await p;
    expect(r.exitCode).toBe(130);
    await expectDown(pid);
  });
});

// Interrupting `abserve bench` (issue 10): Ctrl-C and a parent that dies without passing its
// SIGTERM on (`npm start`) both stop the run gracefully: completed requests saved, marked
// partial, exit code 3.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineHandle } from '../engine/index.js';
import { testTempDir } from '../common/testTmp.js';
import { gatedProxy } from '../bench/gatedProxy.testkit.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const ORPHAN = fileURLToPath(new URL('./fixtures/orphanParent.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let engine: EngineHandle;
const dir = testTempDir('abserve-interrupt-');
beforeAll(async () => {
  engine = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 20, noise: false });
});
afterAll(() => engine.close());

const args = (out: string) => [
  'bench', '--base-url', engine.url, '--num-prompts', '200', '--random-input-len', '8', '--random-output-len', '20',
  '--ignore-eos', '--max-concurrency', '2', '--disable-progress', '--ready-check-timeout-sec', '0', '--result-dir', out,
];
/** Wait until the run has finished at least one request (its spool file has a line). */
async function firstRecord(out: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const spool = existsSync(out) ? readdirSync(out).find((f) => f.endsWith('.partial.requests.jsonl')) : undefined;
    if (spool && readFileSync(path.join(out, spool), 'utf8').includes('\n')) return;
    await sleep(50);
  }
  throw new Error('the run never finished a request');
}
const savedJson = (out: string) => {
  const f = readdirSync(out).find((x) => x.endsWith('.json'));
  return f ? JSON.parse(readFileSync(path.join(out, f), 'utf8')) : undefined;
};

describe('interrupting bench (issue 10)', () => {
  it('Ctrl-C saves completed requests as a partial result and exits 3', async () => {
    const out = path.join(dir, 'sigint');
    const child = execa(process.execPath, [BIN, ...args(out)], { reject: false });
    await firstRecord(out);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('SIGINT: stopping');
    const saved = savedJson(out);
    expect(saved.abserve.partial).toBe(true);
    expect(saved.completed).toBeGreaterThan(0);
    expect(readdirSync(out).filter((f) => f.includes('.partial.requests.jsonl'))).toEqual([]);
  }, 40_000);

  it('one signal delivered twice within 1.5 s (GNU timeout: the child, then its group) still saves, exit 3', async () => {
    const out = path.join(dir, 'twice');
    const child = execa(process.execPath, [BIN, ...args(out)], { reject: false });
    await firstRecord(out);
    // Two deliveries close together, the second after the first was handled (same-type signals
    // still pending are merged by the kernel).
    process.kill(child.pid!, 'SIGTERM');
    await sleep(20);
    try {
      process.kill(child.pid!, 'SIGTERM');
    } catch {
      // already saved and gone
    }
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(3);
    expect(savedJson(out).abserve.partial).toBe(true);
  }, 40_000);

  it('a parent killed with -9 (npm start on SIGTERM) stops the run the same way', async () => {
    const out = path.join(dir, 'orphan');
    const log = path.join(dir, 'orphan.log');
    const parent = execa(process.execPath, [ORPHAN, log, ...args(out)], { reject: false, buffer: false });
    const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (b: Buffer) => resolve(Number(String(b).trim()))));
    await firstRecord(out);
    parent.kill('SIGKILL');
    await parent;
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    try {
      expect(alive(pid)).toBe(false);
      expect(readFileSync(log, 'utf8')).toContain('parent gone: stopping');
      const saved = savedJson(out);
      expect(saved.abserve.partial).toBe(true);
      expect(saved.completed).toBeGreaterThan(0);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 40_000);
});

describe('interrupting bench before its first measured request', () => {
  it('Ctrl-C during the initial test request: nothing ran, nothing saved, exit 130, no folder left', async () => {
    // /v1/models answers; the test request never does, so the run is still in the ready check.
    const { createServer } = await import('node:http');
    const held: import('node:http').ServerResponse[] = [];
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/v1/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] }));
      } else held.push(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    const out = path.join(dir, 'ready-check');
    try {
      const child = execa(process.execPath, [BIN, 'bench', '--base-url', url, '--num-prompts', '4', '--random-input-len', '8',
        '--random-output-len', '4', '--disable-progress', '--result-dir', out, '--save-result'], { reject: false });
      const deadline = Date.now() + 20_000;
      while (held.length === 0 && Date.now() < deadline) await sleep(50);
      expect(held.length, 'the test request arrived').toBeGreaterThan(0);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(130);
      expect(r.stderr).toContain('abserve: interrupted during the initial test request: nothing ran, nothing saved');
      // Only the true message for the phase (it had said "completed requests are kept" first).
      expect(r.stderr).toContain('SIGINT: stopping; nothing has run yet');
      expect(r.stderr).not.toContain('completed requests are kept');
      expect(r.stdout).not.toContain('Serving Benchmark Result');
      expect(existsSync(out)).toBe(false);
    } finally {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});

describe('interrupting bench after the test request, before any request finished', () => {
  it('saves nothing, says so in one line, exit 130, no folder left (it saved a partial result of zeros, exit 3)', async () => {
    // The test request and the warmup (the first two POSTs) are answered; every measured one is held.
    const proxy = await gatedProxy(engine.url, (n) => (n < 2 ? 'pass' : 'hold'));
    const out = path.join(dir, 'none-finished');
    try {
      const child = execa(process.execPath, [BIN, 'bench', '--base-url', proxy.url, '--num-prompts', '3', '--num-warmups', '1',
        '--random-input-len', '8', '--random-output-len', '4', '--disable-progress', '--result-dir', out, '--save-result'], { reject: false });
      // Held: the load's measured requests (the warmup, a record in the spool, finished before them).
      const deadline = Date.now() + 20_000;
      while (proxy.held() < 3 && Date.now() < deadline) await sleep(50);
      expect(proxy.held(), 'the load is running').toBe(3);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(130);
      expect(r.stderr).toContain('SIGINT: stopping; no request has finished yet');
      expect(r.stderr.trim().split('\n').at(-1)).toBe('abserve: interrupted before any request finished; nothing saved');
      expect(r.stdout).not.toContain('Serving Benchmark Result');
      expect(existsSync(out)).toBe(false);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe('bench --result-dir without --save-result', () => {
  it('leaves no empty folder behind (the spool folder is removed when nothing was saved in it)', async () => {
    const out = path.join(dir, 'unsaved', 'deeper');
    const r = await execa(process.execPath, [BIN, 'bench', '--base-url', engine.url, '--num-prompts', '3', '--random-input-len', '8',
      '--random-output-len', '4', '--disable-progress', '--result-dir', out], { reject: false, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(path.dirname(out))).toBe(false);
  }, 60_000);
});

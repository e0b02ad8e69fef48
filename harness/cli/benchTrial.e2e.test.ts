// `abserve bench` problems found by a fresh-user trial, as the user met them: a result folder under
// /proc (Node's recursive mkdir never returns there), a mistyped port (600 s of silence), a probe
// that `--ready-check-timeout-sec 0` did not skip, and a piped run that showed no phase.
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineHandle } from '../engine/index.js';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const dir = testTempDir('abserve-bench-trial-');
/** bench as a child process, run in the test's folder (so no default `results/` lands in the repo),
 *  stdout and stderr piped (not a terminal), killed after `timeout` ms. */
const abserve = (args: string[], timeout = 20_000) =>
  execa(process.execPath, [BIN, ...args], { reject: false, timeout, cwd: dir, env: { NO_COLOR: '1' } });

const SMALL = ['--num-prompts', '3', '--random-input-len', '8', '--random-output-len', '4', '--ignore-eos'];

/** A loopback port nothing listens on (bound, then closed). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

/** Resolves with the child's output so far once `stream` shows `text`; rejects if the child ends
 *  first (the child's own timeout bounds the wait). */
const shows = (child: ReturnType<typeof abserve>, stream: 'stdout' | 'stderr', text: string) => {
  let seen = '';
  return Promise.race([
    new Promise<string>((resolve) =>
      child[stream]!.on('data', (b: Buffer) => {
        seen += String(b);
        if (seen.includes(text)) resolve(seen);
      }),
    ),
    child.then((r) => {
      throw new Error(`bench ended (exit ${r.exitCode}) before its ${stream} showed ${JSON.stringify(text)}: ${r.stdout}\n${r.stderr}`);
    }),
  ]);
};

let engine: EngineHandle;
// Accepts connections and never answers a byte.
let mute: Server;
let muteUrl = '';
const sockets = new Set<Socket>();
// Lists model 'm' and never answers a completion: an initial test request that hangs.
let stall: HttpServer;
let stallUrl = '';
beforeAll(async () => {
  stall = createHttpServer((req, res) => {
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 'm' }] }));
    }
  });
  await new Promise<void>((r) => stall.listen(0, '127.0.0.1', r));
  stallUrl = `http://127.0.0.1:${(stall.address() as { port: number }).port}`;
  engine = await startEngine({ port: 0, profile: 'tiny' });
  mute = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  muteUrl = `http://127.0.0.1:${(mute.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => mute.close(r));
  stall.closeAllConnections();
  await new Promise((r) => stall.close(r));
  await engine.close();
});

describe('bench --result-dir that cannot be made', () => {
  it('/proc/x: one line naming --result-dir, at once (it hung in a recursive mkdir)', async () => {
    const t0 = Date.now();
    const r = await abserve(['bench', '--base-url', engine.url, ...SMALL, '--save-result', '--result-dir', '/proc/x']);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^abserve: --result-dir \/proc\/x: cannot create \/proc\/x \(E[A-Z]+\)$/);
    expect(r.stdout).toBe('');
    expect(Date.now() - t0).toBeLessThan(30_000); // not a hang (Node + tsx start alone took 9.5 s on a loaded 2-core box)
  });

  it('is checked before the server is contacted: a dead server is not waited for first', async () => {
    const port = await freePort();
    const r = await abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, ...SMALL, '--result-dir', '/proc/x/y']);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^abserve: --result-dir \/proc\/x\/y: cannot create \/proc\/x \(E[A-Z]+\)$/);
  });
});

describe('bench against a port nothing listens on', () => {
  it('says so at once (one line naming the URL and the wait), then keeps waiting the default 600 s', async () => {
    const port = await freePort();
    const out = path.join(dir, 'dead');
    const child = abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, ...SMALL, '--result-dir', out], 15_000);
    try {
      const t0 = Date.now();
      const seen = await shows(child, 'stderr', '\n');
      expect(Date.now() - t0).toBeLessThan(20_000); // at start-up, not after the 600 s wait
      expect(seen).toBe(
        `abserve bench: nothing listening at http://127.0.0.1:${port} (ECONNREFUSED); waiting up to 600 s for it (--ready-check-timeout-sec)\n`,
      );
    } finally {
      child.kill('SIGINT');
    }
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(readdirSync(dir)).not.toContain('dead');
  });

  it('gives up after one try with "(1 try)", not "(1 tries)"', async () => {
    const port = await freePort();
    const r = await abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, ...SMALL, '--ready-check-timeout-sec', '0.05', '--result-dir', path.join(dir, 'one')]);
    expect(r.exitCode).toBe(2);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/ECONNREFUSED.*; gave up after waiting \d+\.\d s \(1 try\)$/);
  });
});

describe('bench --model with --ready-check-timeout-sec 0', () => {
  it('asks nothing before the run, as vLLM: a server that never answers costs the request timeout, not the 10 s probe', async () => {
    const t0 = Date.now();
    const r = await abserve([
      'bench', '--base-url', muteUrl, '--model', 'm', '--ready-check-timeout-sec', '0', '--request-timeout', '1',
      '--num-prompts', '1', '--random-input-len', '8', '--random-output-len', '4', '--result-dir', path.join(dir, 'mute'),
    ]);
    const took = Date.now() - t0;
    expect(r.exitCode, r.stderr).toBe(1); // the one request timed out: nothing measured
    expect(r.stderr).not.toContain('/v1/models');
    expect(r.stdout).toContain('Skipping endpoint ready check.');
    expect(took).toBeLessThan(13_000); // old: start-up + 10 s of /v1/models + the 1 s request (and exit 2, above)
  });
});

describe('bench phase lines when output is piped (no progress bar)', () => {
  it("prints vLLM's phase lines on stdout, in vLLM's order, before the result block", async () => {
    const r = await abserve([
      'bench', '--base-url', engine.url, ...SMALL, '--num-warmups', '2', '--max-concurrency', '2', '--result-dir', path.join(dir, 'phases'),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const block = lines.indexOf('============ Serving Benchmark Result ============');
    expect(lines.slice(0, block)).toEqual([
      'Starting initial single prompt test run...',
      'Initial test run completed.',
      'Warming up with 2 requests...',
      'Warmup run completed.',
      'Starting main benchmark run...',
      'Maximum request concurrency: 2',
    ]);
  });

  it('shows the initial test request while it is still waiting for the server', async () => {
    const child = abserve(['bench', '--base-url', stallUrl, ...SMALL, '--result-dir', path.join(dir, 'waiting')], 15_000);
    try {
      const seen = await shows(child, 'stdout', 'Starting initial single prompt test run...\n');
      expect(seen).not.toContain('Starting main benchmark run...');
    } finally {
      child.kill('SIGINT');
    }
    await child;
  });
});

// `abserve bench` on bad input and failing servers, as a user runs it (issue 10): one-line errors
// naming the flag and value, checked before any request; runs that measured nothing exit non-zero.
import { execa } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const abserve = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000, env: { NO_COLOR: '1' } });

const dir = testTempDir('abserve-faults-');
const aFile = path.join(dir, 'file.txt');
writeFileSync(aFile, 'x');
const DEAD = 'http://127.0.0.1:9'; // discard port: nothing listens

// A server that lists a model and answers every completion with `status`.
let server: Server;
let url = '';
let status = 500;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ data: [{ id: 'm' }] }));
    }
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'error', message: status === 404 ? 'The model `m` does not exist.' : 'engine dead', code: status }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const CASES: [string[], RegExp][] = [
  [['--num-prompts', '1e12'], /--num-prompts: expected an integer in \[1, 1000000\], got 1000000000000/],
  [['--random-input-len', '1e12'], /--random-input-len: expected an integer in \[0, 1048576\], got 1000000000000/],
  [['--request-rate', '1e-9'], /--request-rate must be in \[0.001, 1000000000\] or inf: got 1e-9/],
  [['--request-timeout', '1e10'], /--request-timeout: expected a number in \[0, 2000000\], got 10000000000/],
  [['--max-concurrency', '0'], /--max-concurrency: expected an integer in \[1, 1000000\], got 0/],
  [['--base-url', 'http://a', '--base-url', 'http://b'], /--base-url given 2 times \("http:\/\/a", "http:\/\/b"\); give it once/],
  [['--num-prompts', '3', '--num-prompts', '4'], /--num-prompts given 2 times/],
  [['--result-dir', aFile], /--result-dir: .*file\.txt is a file, not a directory/],
  [['--result-dir', path.join(aFile, 'sub')], /--result-dir: .*file\.txt is a file, not a directory/],
  [['--metadata', '__proto__=x'], /--metadata: key "__proto__" is reserved/],
  [['--metadata', 'completed=5'], /--metadata: key "completed" is reserved/],
  [['--burstiness', 'fast'], /--burstiness: expected "inf" or a number in \(0, 1000000\], got fast/],
  // inf is accepted: the run gets as far as the (dead) server.
  [['--burstiness', 'inf', '--request-rate', '5', '--ready-check-timeout-sec', '0'], /--base-url http:\/\/127\.0\.0\.1:9: cannot reach/],
];

describe('abserve bench: bad input (issue 10)', () => {
  it.concurrent.each(CASES)('%j', async (args, message) => {
    const r = await abserve(['bench', '--base-url', DEAD, ...args].filter((x, i, all) => !(args.includes('--base-url') && i < 3 && i > 0)));
    expect(r.stderr).toMatch(message);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('abserve bench: runs that measure nothing (issue 10)', () => {
  it('stops at the initial test request with the server message (wrong model: 404)', async () => {
    status = 404;
    const r = await abserve(['bench', '--base-url', url, '--num-prompts', '5', '--random-input-len', '4', '--random-output-len', '4', '--disable-progress']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^abserve: initial test request failed \(1 try\): http_4xx: HTTP 404: The model `m` does not exist\./);
    expect(r.stdout).not.toContain('Serving Benchmark Result');
  });

  it('exits 1 with a tally when every request fails (ready check off)', async () => {
    status = 500;
    const r = await abserve([
      'bench', '--base-url', url, '--num-prompts', '6', '--random-input-len', '4', '--random-output-len', '4',
      '--disable-progress', '--ready-check-timeout-sec', '0', '--save-result', '--result-dir', path.join(dir, 'allfail'),
      '--burstiness', 'inf', '--request-rate', '100',
    ]);
    expect(r.exitCode).toBe(1);
    // Saved as vLLM (Python json) saves it: a bare Infinity, not null.
    const saved = readFileSync(path.join(dir, 'allfail', readdirSync(path.join(dir, 'allfail')).find((f) => f.endsWith('.json'))!), 'utf8');
    expect(saved).toContain('"burstiness":Infinity');
    expect(saved).toContain('"failure_tally":[{"kind":"http_5xx","status":500,"count":6}]');
    expect(r.stderr).toContain('abserve: no request succeeded (6 failed: http_500 x6)');
    expect(r.stdout).toContain('  by kind: http_500 x6');
  });

  it('exits 1, not 3, when nothing listens (--model, ready check off): cut short by refusals, no success', async () => {
    // It had said "server stopped accepting connections ...; 3 of 4 requests completed, 1 cancelled"
    // with "Successful requests: 0", and exited 3 (a partial result) though no request succeeded.
    const out = path.join(dir, 'refused');
    const r = await abserve([
      'bench', '--base-url', DEAD, '--model', 'm', '--ready-check-timeout-sec', '0', '--num-prompts', '4',
      '--random-input-len', '16', '--random-output-len', '4', '--result-dir', out, '--disable-progress',
    ]);
    expect(r.exitCode).toBe(1);
    const reason = 'server refused every connection (3 requests in a row: ECONNREFUSED); 3 of 4 requests finished (0 succeeded, 3 failed), 1 cancelled';
    expect(r.stdout).toContain(`WARNING: partial run (${reason})`);
    expect(r.stdout).not.toMatch(/stopped accepting|requests completed/);
    expect(r.stdout).toMatch(/Successful requests: +0 *\n/);
    expect(r.stderr).toMatch(/^abserve: no request succeeded \(3 failed: refused x3\)$/m);
    // Still saved: its failures by kind are data.
    const saved = JSON.parse(readFileSync(path.join(out, readdirSync(out).find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(saved).toMatchObject({ completed: 0, failed: 3, partial: true, partial_reason: reason });
  });
});

// `abserve eval --ready-check-timeout-sec`: waits for a server that is still starting (as bench
// does); without it, one try and a one-line error at once.
import { execa } from 'execa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/abserve.js');
const DATA = path.join(ROOT, 'harness/accuracy/fixtures/ceval-mini');

/** A server whose /v1/models answers 503 to its first `starting` requests, then lists model m. */
async function slowStarter(starting: number) {
  let modelsAsked = 0;
  const server = createServer(async (req, res) => {
    if (req.url?.startsWith('/v1/models')) {
      if (modelsAsked++ < starting) return void res.writeHead(503).end('loading');
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', max_model_len: 4096 }] }));
    }
    for await (const _ of req) void _;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'x', object: 'chat.completion', model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '答案：A' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('eval --ready-check-timeout-sec', () => {
  it('waits out a starting server and then asks; without it, fails at once naming the answer', async () => {
    const srv = await slowStarter(2);
    const dir = testTempDir('abserve-evalwait-');
    try {
      const r = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', srv.url, '--ready-check-timeout-sec', '20',
        '--out', path.join(dir, 'run'), '--max-tokens', '64'], { reject: false, timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/answered 503: loading; waiting up to \d+ s more for the server/);
    } finally {
      await srv.close();
    }
    const cold = await slowStarter(1);
    try {
      const r = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', cold.url, '--out', path.join(dir, 'run2')],
        { reject: false, timeout: 30_000 });
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim()).toMatch(/^abserve: --base-url .*answered 503: loading$/);
    } finally {
      await cold.close();
    }
  }, 90_000);
});

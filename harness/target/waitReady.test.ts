import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitReady } from './waitReady.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A health URL that answers 503 to its first `answered` requests, then never answers. */
async function flaky(answered: number): Promise<string> {
  let n = 0;
  server = createServer((req, res) => {
    if (n++ < answered) {
      res.writeHead(503).end('loading');
      return;
    }
    req.on('close', () => res.destroy()); // no answer: the try ends at its bound
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('waitReady', () => {
  it('keeps the last real answer when the deadline-bounded last try times out', async () => {
    const url = await flaky(2);
    const r = await waitReady({ healthUrl: `${url}/health`, url, timeoutMs: 600, intervalMs: 50 });
    expect(r).toEqual({ ready: false, reason: `GET ${url}/health answered 503` });
  });

  it('names the timeout when no try ever got an answer', async () => {
    const url = await flaky(0);
    const r = await waitReady({ healthUrl: `${url}/health`, url, timeoutMs: 300, intervalMs: 50 });
    expect(r.ready).toBe(false);
    expect((r as { reason: string }).reason).toMatch(new RegExp(`^GET ${url}/health: .*Timeout`, 'i'));
  });
});

// resetPrefixCache, the url target's probe and the scraper's tolerance, against tiny local servers
// (a route that is missing, one that never answers, a port nobody listens on).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { startMetricsScraper } from './metricsScraper.js';
import { resetPrefixCache } from './prefixCache.js';
import { urlTarget } from './urlTarget.js';
import { freePort } from './fixtures/fakeDocker.js';

let server: Server | undefined;
const hits: string[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  hits.length = 0;
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
});
const ARM = { name: 'a', env: {}, serverArgs: [] };

describe('resetPrefixCache', () => {
  it.each([
    [200, true],
    [404, false],
    [405, false],
  ])('answer %i -> %s', async (status, expected) => {
    const url = await serve((_q, s) => s.writeHead(status).end());
    expect(await resetPrefixCache(`${url}/v1`)).toBe(expected);
    expect(hits).toEqual(['POST /reset_prefix_cache']);
  });

  it('any other answer, or no server, is a one-line UserError naming the URL', async () => {
    const url = await serve((_q, s) => s.writeHead(500).end('boom\ntrace'));
    await expect(resetPrefixCache(url)).rejects.toThrow(new UserError(`reset_prefix_cache: POST ${url}/reset_prefix_cache answered 500: boom trace`));
    const dead = `http://127.0.0.1:${await freePort()}`;
    const err = (await resetPrefixCache(dead).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(new RegExp(`^reset_prefix_cache: cannot reach ${dead}/reset_prefix_cache \\(ECONNREFUSED`));
  });
});

describe('url target', () => {
  it('probes /v1/models and never stops the server', async () => {
    const url = await serve((_q, s) => s.writeHead(200).end('{"data":[{"id":"m"}]}'));
    const session = await urlTarget({ kind: 'url', url: `${url}/` }).start(ARM);
    expect(session.url).toBe(url);
    await session.stop();
    expect(session.logTail()).toBe('');
    expect(hits).toEqual(['GET /v1/models']);
  });

  it('a dead URL is one line naming target.url; a silent server cannot hang it', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const err = (await urlTarget({ kind: 'url', url: dead }).start(ARM).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(new RegExp(`^target.url ${dead}: cannot reach ${dead}/v1/models \\(ECONNREFUSED`));
    expect(err.message).not.toContain('\n');

    const silent = await serve(() => undefined);
    const t0 = Date.now();
    const err2 = (await urlTarget({ kind: 'url', url: silent }, 300).start(ARM).catch((e: unknown) => e)) as Error;
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err2.message).toMatch(/^target.url .*: cannot reach/);
  });
});

describe('metrics scraper tolerance', () => {
  it('stops trying after a 404 (a server without /metrics)', async () => {
    const url = await serve((_q, s) => s.writeHead(404).end());
    const scraper = startMetricsScraper(url, { intervalMs: 30, timeoutMs: 5000 });
    await sleep(200);
    const series = await scraper.stop();
    expect(series.supported).toBe(false);
    expect(series.t_s).toEqual([]);
    expect(hits).toEqual(['GET /metrics']);
  });

  it('a server that never answers: scrapes time out, never pile up, and stop() returns at once', async () => {
    const url = await serve(() => undefined);
    const scraper = startMetricsScraper(url, { intervalMs: 50, timeoutMs: 120 });
    await sleep(400);
    const t0 = Date.now();
    const series = await scraper.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(series.failed).toBeGreaterThanOrEqual(2);
    // One scrape at a time: never more requests than timeouts + the one cut by stop().
    expect(hits.length).toBeLessThanOrEqual(series.failed + 1);
  });

  it('counts a dead server as failed scrapes and keeps the series empty', async () => {
    const scraper = startMetricsScraper(`http://127.0.0.1:${await freePort()}`, { intervalMs: 30 });
    await sleep(150);
    const series = await scraper.stop();
    expect(series.supported).toBe(true);
    expect(series.failed).toBeGreaterThanOrEqual(2);
    expect(series.t_s).toEqual([]);
  });
});

import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { startFakeServer } from '../accuracy/fakeServer.js';
import { listModels, listServedModels, waitForServedModels } from './probe.js';

describe('listModels', () => {
  it('turns a body that stalls after the headers into a UserError (no stack trace at the CLI)', async () => {
    const open: ServerResponse[] = [];
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data": [');
      open.push(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const err = await listModels(url, undefined, 200).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/--base-url/);
      // The failure is named (TimeoutError, UND_ERR_...), not by a DOMException's legacy number 23.
      expect((err as Error).message).toMatch(/\((TimeoutError|AbortError|UND_ERR_\w+): /);
      expect((err as Error).message).not.toMatch(/\(\d+: /);
    } finally {
      for (const r of open) r.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

// One GET of /v1/models gives the ids and, where the server reports it, each model's max_model_len
// (eval and the A/B accuracy step fit max_tokens to it).
const lenOf = async (url: string, key: string | undefined, model: string) =>
  (await listServedModels(url, key)).find((m) => m.id === model)?.maxModelLen;

describe('listServedModels', () => {
  it("reads the listed model's max_model_len, from the root or the /v1 URL", async () => {
    const srv = await startFakeServer(() => ({ content: 'A' }), { maxModelLen: 4096 });
    try {
      expect(await lenOf(srv.url, undefined, 'fake-model')).toBe(4096);
      expect(await lenOf(`${srv.url}/v1/`, 'key', 'fake-model')).toBe(4096);
      expect(await lenOf(srv.url, undefined, 'other-model')).toBeUndefined();
      expect(await listModels(srv.url)).toEqual(['fake-model']);
    } finally {
      await srv.close();
    }
  });

  it('has no max_model_len for a server that does not report it, and names the URL when it cannot be reached', async () => {
    const srv = await startFakeServer(() => ({ content: 'A' }));
    const url = srv.url;
    try {
      expect(await listServedModels(url)).toEqual([{ id: 'fake-model' }]);
    } finally {
      await srv.close();
    }
    await expect(listServedModels(url, undefined, 2000)).rejects.toThrow(/^--base-url .*: cannot reach .*\/v1\/models/);
  });
});

/** A loopback port nothing listens on (bound, then closed). */
async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function serve(handler: RequestListener, port = 0): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return { server, url, close };
}

const MODELS = JSON.stringify({ object: 'list', data: [{ id: 'm', max_model_len: 2048 }] });

// `abserve bench` started together with the server (as `vllm bench serve` users do): /v1/models
// is tried again while the server is not up yet, within --ready-check-timeout-sec.
describe('waitForServedModels', () => {
  it('waits for a server that starts listening 300 ms later, with one note, and returns its models', async () => {
    const port = await freePort();
    let late: Awaited<ReturnType<typeof serve>> | undefined;
    const timer = setTimeout(async () => {
      late = await serve((_req, res) => res.end(MODELS), port);
    }, 300);
    const notes: [string, number][] = [];
    const t0 = Date.now();
    try {
      const models = await waitForServedModels(`http://127.0.0.1:${port}`, {
        waitMs: 5_000,
        pollMs: 25,
        onWait: (cause, left) => notes.push([cause, left]),
      });
      expect(models).toEqual([{ id: 'm', maxModelLen: 2048 }]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      // Many tries, one note (at most one per noteEveryMs, 5 s by default): no flood.
      expect(notes).toHaveLength(1);
      expect(notes[0]![0]).toMatch(new RegExp(`^--base-url http://127.0.0.1:${port}: cannot reach .*/v1/models \\(ECONNREFUSED`));
      expect(notes[0]![1]).toBe(5);
    } finally {
      clearTimeout(timer);
      await late?.close();
    }
  });

  it('tries again on 502/503/504 (a proxy in front of a starting server) until a 200', async () => {
    let n = 0;
    const statuses = [502, 503, 504];
    const srv = await serve((_req, res) => {
      const status = statuses[n++];
      if (status) return res.writeHead(status).end('starting');
      res.end(MODELS);
    });
    try {
      expect(await waitForServedModels(srv.url, { waitMs: 5_000, pollMs: 10 })).toEqual([{ id: 'm', maxModelLen: 2048 }]);
      expect(n).toBe(4);
    } finally {
      await srv.close();
    }
  });

  it('gives up at the deadline with the one-line error naming --base-url, the URL, the cause and the wait', async () => {
    const port = await freePort();
    const notes: string[] = [];
    const t0 = Date.now();
    const err = await waitForServedModels(`http://127.0.0.1:${port}`, { waitMs: 400, pollMs: 25, noteEveryMs: 150, onWait: (c) => notes.push(c) })
      .catch((e: unknown) => e);
    const took = Date.now() - t0;
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toMatch(
      new RegExp(`^--base-url http://127.0.0.1:${port}: cannot reach http://127.0.0.1:${port}/v1/models \\(ECONNREFUSED.*\\); gave up after waiting \\d+\\.\\d s \\(\\d+ tries\\)$`),
    );
    expect(msg).not.toContain('\n');
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(2_000);
    // A note at the start, then at most one per noteEveryMs (150 ms) over 400 ms.
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(notes.length).toBeLessThanOrEqual(3);
  });

  it("a server that keeps answering 503 is given up on with its answer, not a timeout, within the wait", async () => {
    const srv = await serve((_req, res) => res.writeHead(503).end('loading weights'));
    try {
      const t0 = Date.now();
      const err = await waitForServedModels(srv.url, { waitMs: 600, pollMs: 250 }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/answered 503: loading weights; gave up after waiting \d+\.\d s \(\d+ tries\)$/);
      expect(Date.now() - t0).toBeLessThan(1_500);
    } finally {
      await srv.close();
    }
  });

  it('a server that accepts and never answers is given up on at the wait, not after the 10 s try timeout', async () => {
    const held: import('node:http').ServerResponse[] = [];
    const srv = await serve((_req, res) => void held.push(res));
    try {
      const t0 = Date.now();
      const err = await waitForServedModels(srv.url, { waitMs: 800, pollMs: 100 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(Date.now() - t0).toBeLessThan(2_500);
    } finally {
      for (const r of held) r.destroy();
      await srv.close();
    }
  });

  it('with waitMs 0 tries once and throws the plain error at once', async () => {
    const port = await freePort();
    const t0 = Date.now();
    await expect(waitForServedModels(`http://127.0.0.1:${port}`, { waitMs: 0, pollMs: 10 })).rejects.toThrow(
      /^--base-url .*: cannot reach .*\/v1\/models \(ECONNREFUSED[^;]*$/,
    );
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it('an abort signal stops the wait at once, between tries and during a try the server never answers', async () => {
    // Between tries: the default poll interval (1 s) is cut short.
    const port = await freePort();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    let t0 = Date.now();
    expect(await waitForServedModels(`http://127.0.0.1:${port}`, { waitMs: 60_000, signal: ac.signal })).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(700);

    // During a try: a server that accepts and never answers (the 10 s request timeout is not waited out).
    const hung = await serve(() => {});
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 150);
    t0 = Date.now();
    try {
      expect(await waitForServedModels(hung.url, { waitMs: 60_000, signal: ac2.signal })).toBeUndefined();
      expect(Date.now() - t0).toBeLessThan(700);
    } finally {
      await hung.close();
    }
  });

  it.each([
    [404, 'Not Found'],
    [401, 'invalid api key'],
    [403, 'forbidden'],
  ])('fails at once on %i, which waiting cannot cure', async (status, body) => {
    let n = 0;
    const srv = await serve((_req, res) => {
      n++;
      res.writeHead(status).end(body);
    });
    const t0 = Date.now();
    try {
      await expect(waitForServedModels(srv.url, { waitMs: 60_000, pollMs: 10 })).rejects.toThrow(
        new RegExp(`^--base-url ${srv.url}: GET ${srv.url}/v1/models answered ${status}: ${body}$`),
      );
      expect(n).toBe(1);
      expect(Date.now() - t0).toBeLessThan(1_000);
    } finally {
      await srv.close();
    }
  });

  it('fails at once on a 200 that is not JSON', async () => {
    let n = 0;
    const srv = await serve((_req, res) => {
      n++;
      res.end('<html>login</html>');
    });
    try {
      await expect(waitForServedModels(srv.url, { waitMs: 60_000, pollMs: 10 })).rejects.toThrow(/did not return JSON: <html>login<\/html>$/);
      expect(n).toBe(1);
    } finally {
      await srv.close();
    }
  });
});

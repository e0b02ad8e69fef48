import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { startFakeServer } from '../accuracy/fakeServer.js';
import { listModels, listServedModels } from './probe.js';

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

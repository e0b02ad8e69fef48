// Test kit: a pass-through proxy in front of a server (the embedded engine) that can hold or delay
// chosen POSTs, e.g. the initial test request (the first POST) or every request after it.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do with the n-th POST (0-based): pass it on, delay it (ms) then pass it on, or hold it
 *  unanswered until close(). */
export type Gate = (n: number) => 'pass' | 'hold' | number;

export interface GatedProxy {
  url: string;
  /** POSTs seen so far, and how many of them are held. */
  posts(): number;
  held(): number;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 (any free port); GETs always pass. */
export async function gatedProxy(target: string, gate: Gate): Promise<GatedProxy> {
  let posts = 0;
  const held: ServerResponse[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method === 'POST') {
      const how = gate(posts++);
      if (how === 'hold') return void held.push(res);
      if (typeof how === 'number') await new Promise((r) => setTimeout(r, how));
    }
    try {
      const up = await fetch(target + req.url, {
        method: req.method,
        headers: { 'content-type': 'application/json' },
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
      for await (const c of up.body!) res.write(c);
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
    held: () => held.length,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

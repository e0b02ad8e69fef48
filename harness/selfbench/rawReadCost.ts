// The floor under any Node client: CPU per socket read when N plain TCP sockets stream the same
// SSE responses and the handler does nothing but keep the chunk. Measured beside the real client in
// `npm run bench:client`, so "client us/event" reads as a ratio to what Node + the kernel cost alone.
import net from 'node:net';

export interface RawReadCost {
  reads: number;
  cpuUsPerRead: number;
  userUsPerRead: number;
  sysUsPerRead: number;
}

export function rawReadCost(baseUrl: string, streams: number, body: object, timeoutMs = 60_000): Promise<RawReadCost> {
  const url = new URL(baseUrl);
  const payload = JSON.stringify(body);
  const head =
    `POST /v1/completions HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`;
  return new Promise((resolve, reject) => {
    const sockets: net.Socket[] = [];
    let reads = 0;
    let done = 0;
    const cpu0 = process.cpuUsage();
    const timer = setTimeout(() => {
      for (const s of sockets) s.destroy();
      reject(new Error(`raw read cost: streams did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const finishOne = (s: net.Socket) => {
      s.destroy();
      if (++done < streams) return;
      clearTimeout(timer);
      const c = process.cpuUsage(cpu0);
      resolve({
        reads,
        cpuUsPerRead: (c.user + c.system) / reads,
        userUsPerRead: c.user / reads,
        sysUsPerRead: c.system / reads,
      });
    };
    for (let i = 0; i < streams; i++) {
      const s = net.connect(Number(url.port), url.hostname, () => s.write(head));
      s.setNoDelay(true);
      sockets.push(s);
      const kept: Buffer[] = [];
      s.on('data', (b: Buffer) => {
        reads++;
        kept.push(b);
        // The terminator can straddle two reads; the tail of the last read is enough to see it.
        if (b.includes('[DONE]') || (kept.length > 1 && Buffer.concat(kept.slice(-2)).includes('[DONE]'))) finishOne(s);
      });
      s.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    }
  });
}

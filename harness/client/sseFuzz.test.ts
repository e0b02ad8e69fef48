// Seeded, bounded fuzz of server byte streams (issue 10): valid OpenAI streams, mutated (bytes
// flipped, dropped, duplicated, garbage and huge lines inserted, cut short) and split at random.
// In-process through parser + accumulator (thousands), then through the real client against a
// loopback server (hundreds). Every stream must end in a record: a success that is complete, or
// a failure with a known kind. No exception, no hang, no unbounded buffering.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../common/rng.js';
import { FAILURE_KINDS } from '../records/record.js';
import { StreamAccumulator } from './accumulate.js';
import { createClient } from './client.js';
import { SseParser } from './sse.js';

const LIMIT = 4096; // small caps so "huge" lines are cheap to make

function validStream(r: Rng): Buffer {
  const parts: string[] = [];
  const n = r.int(1, 8);
  for (let i = 0; i < n; i++) {
    const usage = r.uniform() < 0.5 ? { usage: { prompt_tokens: 3, completion_tokens: r.uniform() < 0.5 ? i + 1 : 0 } } : {};
    parts.push(`data: ${JSON.stringify({ choices: [{ index: 0, text: `t${i}`, finish_reason: i === n - 1 ? 'stop' : null }], ...usage })}\n\n`);
  }
  if (r.uniform() < 0.7) parts.push('data: [DONE]\n\n');
  return Buffer.from(parts.join(''));
}

function mutate(b: Buffer, r: Rng): Buffer {
  let out = Buffer.from(b);
  const k = r.int(0, 4);
  for (let i = 0; i < k; i++) {
    const at = r.int(0, out.length + 1);
    switch (r.int(0, 7)) {
      case 0: if (out.length > 0) out[Math.min(at, out.length - 1)] = r.int(0, 256); break; // flip a byte
      case 1: out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + r.int(1, 20)))]); break; // drop
      case 2: out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: r.int(1, 30) }, () => r.int(0, 256))), out.subarray(at)]); break; // garbage
      case 3: out = out.subarray(0, at); break; // cut short
      case 4: out = Buffer.concat([out.subarray(0, at), Buffer.from('data: ' + 'x'.repeat(LIMIT * 2)), out.subarray(at)]); break; // huge line
      case 5: out = Buffer.concat([out.subarray(0, at), Buffer.from('data: {"error": ""}\n\nevent: error\ndata: {"error":{"message":"boom"}}\n\n'), out.subarray(at)]); break;
      default: out = Buffer.concat([out, out.subarray(0, at)]); // duplicate a prefix
    }
  }
  return out;
}

function splits(b: Buffer, r: Rng): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < b.length) {
    const n = r.int(1, 64);
    chunks.push(b.subarray(at, at + n));
    at += n;
  }
  return chunks;
}

const kinds = new Set<string>(FAILURE_KINDS);

describe('SSE byte-stream fuzz (issue 10)', () => {
  it('parser + accumulator: every mutated stream gives a complete success or a known failure (seeded, bounded)', () => {
    const r = new Rng(10, 'sse-fuzz');
    const deadline = Date.now() + 3_000;
    let cases = 0;
    while (cases < 5_000 && Date.now() < deadline) {
      cases++;
      const bytes = r.uniform() < 0.2 ? validStream(r) : mutate(validStream(r), r);
      const acc = new StreamAccumulator();
      const p = new SseParser(acc.onEvent, acc.onProblem, { maxLineBytes: LIMIT, maxEventBytes: LIMIT });
      let t = 0;
      for (const c of splits(bytes, r)) if (acc.failure === undefined) p.push(c, t++);
      if (acc.failure === undefined) {
        acc.atEof = true;
        p.end();
      }
      if (acc.failure !== undefined) expect(kinds.has(acc.failure.kind)).toBe(true);
      expect(acc.tokenTimes.length).toBe(acc.tokenCounts.length);
      expect(acc.tokenCounts.every((k) => Number.isInteger(k) && k >= 1)).toBe(true);
    }
    expect(cases).toBeGreaterThan(500);
  });

  describe('through the client', () => {
    let server: Server;
    let base = '';
    const streams = new Map<string, Buffer[]>();
    beforeAll(async () => {
      server = createServer(async (req, res) => {
        let body = '';
        for await (const c of req) body += c;
        const chunks = streams.get(JSON.parse(body).model) ?? [];
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const c of chunks) res.write(c);
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    it('resolves one record per mutated stream, never throwing or hanging (seeded, bounded)', async () => {
      const r = new Rng(11, 'sse-fuzz-client');
      const n = 300;
      const expected: { valid: boolean }[] = [];
      for (let i = 0; i < n; i++) {
        const valid = r.uniform() < 0.2;
        const bytes = valid ? validStream(r) : mutate(validStream(r), r);
        streams.set(`m${i}`, splits(bytes, r));
        expected.push({ valid });
      }
      const recs = [];
      for (let batch = 0; batch < n; batch += 50) {
        const clients = Array.from({ length: Math.min(50, n - batch) }, (_, j) => {
          const i = batch + j;
          const c = createClient({ baseUrl: base, endpoint: '/v1/completions', model: `m${i}`, requestTimeoutMs: 5_000, stallTimeoutMs: 2_000, sseLimits: { maxLineBytes: LIMIT, maxEventBytes: LIMIT } });
          return c.send({ index: i, warmup: false, prompt: 'p', promptTokens: 1, maxTokens: 8, scheduledMs: 0 }, performance.now()).finally(() => c.close());
        });
        recs.push(...(await Promise.all(clients)));
      }
      expect(recs).toHaveLength(n);
      recs.forEach((rec, i) => {
        if (rec.success) expect(rec.tokenTimes.length).toBeGreaterThan(0);
        else expect(kinds.has(rec.failure!.kind)).toBe(true);
        if (expected[i]!.valid) expect(rec.failure).toBeUndefined();
      });
      // The mutations must actually exercise the failure paths.
      const seen = new Set<string>(recs.filter((x) => !x.success).map((x) => x.failure!.kind));
      for (const k of ['malformed_sse', 'truncated', 'oversized', 'sse_error']) expect(seen.has(k)).toBe(true);
    }, 30_000);
  });
});

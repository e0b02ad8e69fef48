import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import type { Failure, RequestRecord } from '../records/record.js';
import type { RequestSpec } from '../records/spec.js';
import { builtinTokenizer } from '../workload/index.js';
import { readyCheck } from './readyCheck.js';
import { runBenchmark } from './runBenchmark.js';

const spec: RequestSpec = { index: 0, warmup: true, prompt: 'hi', promptTokens: 1, maxTokens: 4, scheduledMs: 0 };
const result = (failure?: Failure): RequestRecord => ({
  index: 0, warmup: true, scheduledAt: 0, sentAt: 0, tokenTimes: [], tokenCounts: [], clientOutputTokens: 0,
  expectedPromptTokens: 1, text: '', reasoningText: '', success: failure === undefined, ...(failure ? { failure } : {}),
});
const scripted = (answers: (Failure | undefined)[]) => {
  let i = 0;
  return { tries: () => i, send: async () => result(answers[Math.min(i++, answers.length - 1)]) };
};

describe('readyCheck (issue 10: vLLM initial test request)', () => {
  it('retries transient failures until one succeeds', async () => {
    const c = scripted([{ kind: 'refused', message: 'ECONNREFUSED' }, { kind: 'http_5xx', status: 503, message: 'HTTP 503' }, undefined]);
    const notes: string[] = [];
    const rec = await readyCheck(c, spec, { timeoutMs: 5_000, retryIntervalMs: 1, onRetry: (f) => notes.push(f.kind) });
    expect(rec?.success).toBe(true);
    expect(c.tries()).toBe(3);
    expect(notes).toEqual(['refused', 'http_5xx']);
  });

  it('stops at once on a 4xx, naming the server message', async () => {
    const c = scripted([{ kind: 'http_4xx', status: 404, message: 'HTTP 404: The model `nope` does not exist.' }]);
    await expect(readyCheck(c, spec, { timeoutMs: 60_000, retryIntervalMs: 1 })).rejects.toThrow(
      /^initial test request failed \(1 try\): http_4xx: HTTP 404: The model `nope` does not exist\./,
    );
    expect(c.tries()).toBe(1);
  });

  it('gives up at the deadline on a server that keeps failing', async () => {
    const c = scripted([{ kind: 'stall', message: 'stalled' }]);
    const err = await readyCheck(c, spec, { timeoutMs: 50, retryIntervalMs: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    // One try when the machine is busy (the first try's own time can use up the 50 ms), more otherwise.
    expect(err.message).toMatch(/within --ready-check-timeout-sec 0.05 \((1 try|\d+ tries)\): stall: stalled/);
  });

  it('counts the time already spent waiting for the server (since) against the budget, still trying once', async () => {
    const c = scripted([{ kind: 'refused', message: 'ECONNREFUSED' }]);
    const err = await readyCheck(c, spec, { timeoutMs: 5_000, since: Date.now() - 5_000, retryIntervalMs: 1 }).catch((e) => e);
    expect(err.message).toMatch(/^initial test request failed within --ready-check-timeout-sec 5 \(1 try\): refused: ECONNREFUSED/);
    expect(c.tries()).toBe(1);
  });

  it('makes runBenchmark throw before any measured request when every request would fail', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'error', message: 'The model `nope` does not exist.', type: 'NotFoundError', code: 404 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const err = await runBenchmark({
        client: { baseUrl: url, endpoint: '/v1/completions', model: 'nope', requestTimeoutMs: 5_000, stallTimeoutMs: 5_000 },
        workload: { numPrompts: 20, inputLen: 4, outputLen: 4, tokenIds: true },
        tokenizer: builtinTokenizer(),
        aggregate: {},
        readyCheckTimeoutMs: 10_000,
      }).catch((e) => e);
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toContain('The model `nope` does not exist.');
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe('rpsChangeEvents (vLLM ramp-up field)', () => {
  it('lists every integer rate reached, from 0 as vLLM (last starts at -1), at the scheduled send', async () => {
    const { rpsChangeEvents } = await import('./runBenchmark.js');
    const recs = [0, 1, 2, 3, 4].map((i) => ({ ...result(), index: i, warmup: false, scheduledAt: i * 1000 }));
    const ev = rpsChangeEvents({ numPrompts: 5, rampUp: { strategy: 'linear', startRps: 1, endRps: 3 } }, recs, Date.UTC(2025, 0, 1));
    expect(ev).toEqual([
      { rps: 0, timestamp: '2025-01-01T00:00:00.000Z' },
      { rps: 1, timestamp: '2025-01-01T00:00:00.000Z' },
      { rps: 2, timestamp: '2025-01-01T00:00:02.000Z' },
      { rps: 3, timestamp: '2025-01-01T00:00:04.000Z' },
    ]);
  });
});

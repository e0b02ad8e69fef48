// Soak (issue 10): 1000 concurrent streams and thousands of requests on loopback against the
// engine in a child process, bounded to a few seconds. Sent = completed + failed; the engine's own
// /metrics counters equal the client's; records go to the spool as they finish and memory keeps
// only their timing (no texts), so client memory does not grow with the responses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { spawnEngine } from '../target/engineProcess.js';
import { parsePrometheus, sumOf } from '../target/prometheus.js';
import { builtinTokenizer } from '../workload/index.js';
import { fileLines, RecordSpool, spoolRecords } from './recordSpool.js';
import { runBenchmark } from './runBenchmark.js';

const N = 3000;
const CONCURRENCY = 1000;
const OUT = 16;

describe('soak (issue 10)', () => {
  it(`${CONCURRENCY} concurrent streams, ${N} requests: nothing lost, counters agree, records spooled`, async () => {
    const engine = await spawnEngine(['--profile', 'tiny', '--fixed-step-ms', '1', '--noise', 'off', '--max-num-seqs', String(CONCURRENCY)]);
    const dir = mkdtempSync(path.join(tmpdir(), 'abserve-soak-'));
    try {
      const spool = new RecordSpool(path.join(dir, 'soak.partial.requests.jsonl'));
      const rss0 = process.memoryUsage().rss;
      let spooledDuringRun = 0;
      const t0 = performance.now();
      const run = await runBenchmark({
        client: {
          baseUrl: engine.url, endpoint: '/v1/completions', model: 'abserve-engine', extraBody: { ignore_eos: true },
          requestTimeoutMs: 60_000, stallTimeoutMs: 30_000,
        },
        workload: { numPrompts: N, inputLen: 16, outputLen: OUT, tokenIds: true, seed: 5 },
        tokenizer: builtinTokenizer(),
        aggregate: {},
        maxConcurrency: CONCURRENCY,
        spool,
        onProgress: (p) => {
          if (p.done === N / 2) spooledDuringRun = spool.count;
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      await spool.close();
      const rss1 = process.memoryUsage().rss;
      const r = run.result;
      // Nothing lost: every request sent is completed or failed.
      expect(r.completed + r.failed).toBe(N);
      expect(r.failed).toBe(0);
      expect(r.totalOutputTokens).toBe(N * OUT);
      expect(r.peakConcurrencyExact).toBeGreaterThan(CONCURRENCY / 2);
      // The engine's own counters agree with the client's.
      const res = await request(`${engine.url}/metrics`);
      const samples = parsePrometheus(await res.body.text());
      expect(sumOf(samples, 'vllm:request_success_total')).toBe(r.completed);
      expect(sumOf(samples, 'vllm:generation_tokens_total')).toBe(r.totalOutputTokens);
      // Records went to disk as they finished; memory keeps timing only.
      expect(spooledDuringRun).toBe(N / 2);
      expect([...fileLines(spool.path)]).toHaveLength(N);
      expect(run.records.every((x) => x.text === '' && x.tokenTimes.length === OUT)).toBe(true);
      const texts = [...spoolRecords(spool.path)].map((x) => x.text);
      expect(texts.every((t) => t.length > 0)).toBe(true);
      console.log(
        `soak: ${CONCURRENCY} streams, ${N} requests in ${seconds.toFixed(1)} s; client RSS ${(rss0 / 2 ** 20).toFixed(0)} MiB -> ${(rss1 / 2 ** 20).toFixed(0)} MiB`,
      );
    } finally {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

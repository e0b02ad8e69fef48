// One measured run of one arm against a started server: reset the prefix cache if asked, scrape
// /metrics, run the benchmark with records appended to requests.jsonl as they finish, then save
// result.json (vLLM's --save-result layout) and run.json (what the comparison needs). Nothing is
// printed here; the caller subscribes to progress.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runBenchmark } from '../bench/runBenchmark.js';
import type { LoadProgress } from '../load/runLoad.js';
import { atomicWriteFile, toVllmJson } from '../report/index.js';
import { stringifyPyJson } from '../report/pyJson.js';
import { requestLine } from '../report/writeResults.js';
import { RecordSpool } from '../bench/recordSpool.js';
import { UserError } from '../common/errors.js';
import { requestBody, toWorkloadOptions, type Scenario } from '../scenario/index.js';
import { resetPrefixCache, startMetricsScraper } from '../target/index.js';
import type { Tokenizer } from '../common/tokenizer.js';
import type { PlannedRun } from './plan.js';
import { toRunData, type RunData } from './runData.js';

/** Folder of one run inside the results folder: runs/<order>-<arm>-rep<k>. */
export function runDirName(run: PlannedRun): string {
  return path.join('runs', `${String(run.order + 1).padStart(2, '0')}-${run.arm}-rep${run.rep}`);
}

export interface RunOneOptions {
  scenario: Scenario;
  run: PlannedRun;
  /** Server root of the arm's server. */
  url: string;
  model: string;
  tokenizer: Tokenizer;
  /** The results folder (runs/ is created under it). */
  dir: string;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

/** Result of one run: its RunData and whether the server had /reset_prefix_cache. */
export interface RunOneOutcome {
  data: RunData;
  prefixCacheReset: boolean | null;
}

/** Runs one arm x repetition; never throws for server failures (they are records). */
export async function runOne(o: RunOneOptions): Promise<RunOneOutcome> {
  const s = o.scenario;
  const rel = runDirName(o.run);
  const dir = path.join(o.dir, rel);
  mkdirSync(dir, { recursive: true });
  const prefixCacheReset = s.resetPrefixCache ? await resetPrefixCache(o.url) : null;
  const scraper = startMetricsScraper(o.url, { file: path.join(dir, 'metrics.jsonl') });
  // Appended as records finish (a run that dies still leaves them), in `bench --save-result`'s line format.
  const jsonl = new RecordSpool(path.join(dir, 'requests.jsonl'), requestLine);
  let series;
  let run;
  try {
    run = await runBenchmark({
      client: {
        baseUrl: o.url,
        endpoint: s.endpoint,
        model: o.model,
        extraBody: requestBody(s, o.run.arm),
        requestTimeoutMs: s.workload.requestTimeoutMs,
        stallTimeoutMs: s.workload.stallTimeoutMs,
        requestIdPrefix: `${s.name}-${o.run.arm}-rep${o.run.rep}-`,
      },
      workload: toWorkloadOptions(s),
      tokenizer: o.tokenizer,
      aggregate: {
        percentileMetrics: s.workload.percentileMetrics,
        metricPercentiles: s.workload.metricPercentiles,
        ...(s.slo ? { goodput: s.slo } : {}),
      },
      maxConcurrency: s.workload.maxConcurrency,
      label: o.run.arm,
      metadata: { scenario: s.name, arm: o.run.arm, repetition: String(o.run.rep), order: String(o.run.order) },
      runTimeoutMs: s.workload.runTimeoutMs,
      signal: o.signal,
      onProgress: o.onProgress,
      onRecord: (r) => jsonl.append(r),
    });
  } finally {
    series = await scraper.stop();
    await jsonl.close();
  }
  const data = toRunData(o.run, run.result, run.records, series, run.cut);
  await atomicWriteFile(path.join(dir, 'result.json'), stringifyPyJson(toVllmJson(run.result)) + '\n');
  await atomicWriteFile(path.join(dir, 'run.json'), JSON.stringify(data) + '\n');
  return { data, prefixCacheReset };
}

/**
 * An unmeasured burst through the same client code: min(16, num_prompts) requests of the
 * scenario's shape with at most 16 output tokens, nothing saved. Failures are ignored (the
 * measured runs report their own).
 */
export async function warmupClient(s: Scenario, url: string, model: string, tokenizer: Tokenizer, signal?: AbortSignal): Promise<void> {
  const w = toWorkloadOptions(s);
  await runBenchmark({
    client: {
      baseUrl: url,
      endpoint: s.endpoint,
      model,
      extraBody: requestBody(s, s.arms[0]!.name),
      requestTimeoutMs: s.workload.requestTimeoutMs,
      stallTimeoutMs: s.workload.stallTimeoutMs,
      requestIdPrefix: `${s.name}-client-warmup-`,
    },
    workload: { ...w, numPrompts: Math.min(16, w.numPrompts ?? 16), outputLen: Math.min(16, w.outputLen ?? 16), warmupRequests: 0, requestRate: Infinity, rampUp: undefined },
    tokenizer,
    aggregate: {},
    maxConcurrency: s.workload.maxConcurrency,
    label: 'client-warmup',
    signal,
    // Also the run's ready check: a server that refuses this workload (wrong model, prompts over
    // its context) stops the A/B here with its own message, before any measured run.
    readyCheckTimeoutMs: 60_000,
  }).catch((e: unknown) => {
    if (e instanceof UserError) throw new UserError(`${s.file}: ${e.message.replace(/ \(check --model.*$/, '')} (check model, workload lengths and the server)`);
    throw e;
  });
}

// `abserve bench`: one serving benchmark against an OpenAI-compatible server, with vLLM's flag
// names where vLLM has the flag, its printed block and its saved JSON.
// Choice flags are checked by benchPlan, not yargs `choices` (whose error spans several lines).
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { InterruptedBeforeStart, runBenchmark, type BenchPhase } from '../bench/runBenchmark.js';
import { RecordSpool, restoreTexts, spoolRecords } from '../bench/recordSpool.js';
import { UserError } from '../common/errors.js';
import { makeFolders } from '../common/folders.js';
import { formatResultBlock, writeRunResults, defaultRunName } from '../report/index.js';
import { waitForServedModels } from '../target/probe.js';
import { INTERRUPT_EXIT_CODE } from '../target/cleanup.js';
import { resolveTarget } from '../client/options.js';
import { loadTokenizer, resolveWorkloadOptions, type DatasetName, type WorkloadOptions } from '../workload/index.js';
import type { Endpoint } from '../records/spec.js';
import { formatFailureTally } from '../metrics/failureTally.js';
import { rejectRepeatedFlags } from './argvChecks.js';
import {
  checkResultDir,
  inRange,
  MAX_SECONDS,
  parseBurstiness,
  parseGoodput,
  parseIdRange,
  parseMetadata,
  parseMetricPercentiles,
  parsePercentileMetrics,
  parseRate,
  checkTokenizerMode,
  parseBackend,
  parseJsonObject,
  parseRequestIdPrefix,
  requestExtraBody,
  samplingBody,
} from './parseFlags.js';
import { withInterrupt } from './interrupt.js';
import { requestBody as scenarioRequestBody, ScenarioError, scenarioFromBench, toWorkloadOptions } from '../scenario/index.js';
import { progressView, type ProgressView } from './progress.js';

/** vLLM's line for each phase of the run (vllm/benchmarks/serve.py prints them to stdout). */
function phaseLine(p: BenchPhase): string {
  switch (p.kind) {
    case 'ready-check':
      return 'Starting initial single prompt test run...';
    case 'ready-check-done':
      return 'Initial test run completed.';
    case 'ready-check-skipped':
      return 'Skipping endpoint ready check.';
    case 'warmup':
      return `Warming up with ${p.requests} requests...`;
    case 'warmup-done':
      return 'Warmup run completed.';
    case 'load':
      return 'Starting main benchmark run...';
  }
}

export function benchFlags(y: Argv) {
  return y
    .option('base-url', { type: 'string', describe: 'server root, e.g. http://127.0.0.1:8000' })
    .option('host', { type: 'string', default: '127.0.0.1' })
    .option('port', { type: 'number', default: 8000 })
    .option('backend', { type: 'string', describe: "vLLM's request format: vllm or openai (completions), openai-chat (chat); saved as the result's backend" })
    .option('endpoint', { type: 'string', describe: '/v1/completions or /v1/chat/completions (default: the --backend one, else /v1/completions)' })
    .option('model', { type: 'string', describe: 'model name (default: the first one /v1/models lists)' })
    .option('served-model-name', { type: 'string', describe: 'model name sent in requests, when it differs from --model (saved as model_id)' })
    .option('api-key', { type: 'string', describe: 'bearer token (default: $OPENAI_API_KEY)' })
    .option('tokenizer', { type: 'string', describe: 'path to a HuggingFace tokenizer.json or its folder (default: built-in)' })
    .option('tokenizer-mode', { type: 'string', describe: 'auto (or hf): abserve reads tokenizer.json; other vLLM modes are refused' })
    .option('trust-remote-code', { type: 'boolean', describe: 'accepted for vLLM command lines; no effect (abserve never runs model code)' })
    .option('dataset-name', { type: 'string', default: 'random', describe: 'random, jsonl or sharegpt' })
    .option('dataset-path', { type: 'string' })
    .option('num-prompts', { type: 'number', default: 1000 })
    .option('num-warmups', { type: 'number', default: 0 })
    .option('random-input-len', { type: 'number', default: 1024 })
    .option('random-output-len', { type: 'number', default: 128 })
    .option('random-range-ratio', { type: 'number', default: 0 })
    .option('random-prefix-len', { type: 'number', default: 0 })
    .option('random-token-ids', { type: 'boolean', default: false, describe: 'send prompts as token-id arrays (/v1/completions)' })
    .option('random-id-range', { type: 'string', describe: 'LO,HI: token ids drawn from [LO, HI)' })
    .option('sharegpt-output-len', { type: 'number' })
    .option('request-rate', { type: 'string', default: 'inf', describe: 'requests/s or inf' })
    .option('burstiness', { type: 'string', default: '1', describe: 'gamma shape of inter-arrival times; 1 = Poisson, inf = evenly spaced' })
    .option('ramp-up-strategy', { type: 'string', describe: 'linear or exponential' })
    .option('ramp-up-start-rps', { type: 'number' })
    .option('ramp-up-end-rps', { type: 'number' })
    .option('max-concurrency', { type: 'number' })
    .option('ignore-eos', { type: 'boolean', default: false })
    .option('min-tokens', { type: 'number' })
    .option('temperature', { type: 'number', describe: 'sampling temperature (default 0, greedy, as vLLM)' })
    .option('top-p', { type: 'number', describe: 'top_p sent in every request' })
    .option('top-k', { type: 'number', describe: 'top_k sent in every request' })
    .option('min-p', { type: 'number', describe: 'min_p sent in every request' })
    .option('logprobs', { type: 'number', describe: 'logprobs per token asked of the server (/v1/completions only)' })
    .option('request-id-prefix', { type: 'string', describe: "prefix of every request's x-request-id (default abserve-)" })
    .option('extra-body', { type: 'string', describe: 'JSON object merged into every request body' })
    .option('percentile-metrics', { type: 'string', default: 'ttft,tpot,itl' })
    .option('metric-percentiles', { type: 'string', default: '99' })
    .option('goodput', { type: 'string', array: true, describe: 'SLOs as KEY:MS (ttft, tpot, e2el)' })
    .option('seed', { type: 'number', default: 0 })
    .option('request-timeout', { type: 'number', default: 600, describe: 'seconds per request' })
    .option('stall-timeout', { type: 'number', default: 60, describe: 'seconds of silence before a request fails' })
    .option('run-timeout', { type: 'number', describe: 'seconds for the load, counted from its start (after the initial test request); a cut-short run is saved as partial' })
    .option('ready-check-timeout-sec', {
      type: 'number',
      default: 600,
      describe: "vLLM's initial test request: retry a failing first request this long (s) before the run; 0 skips it",
    })
    .option('sse-max-mib', { type: 'number', default: 16, describe: 'largest SSE line or event (MiB); a bigger one fails its request as oversized' })
    .option('save-result', { type: 'boolean', default: false })
    .option('save-detailed', { type: 'boolean', describe: 'accepted for vLLM command lines: the saved JSON always has the per-request lists' })
    .option('append-result', { type: 'boolean', describe: 'not supported: abserve writes one result per file' })
    .option('result-dir', { type: 'string', describe: 'default: results/<run name>' })
    .option('result-filename', { type: 'string' })
    .option('label', { type: 'string' })
    .option('metadata', { type: 'string', array: true, describe: 'KEY=VALUE pairs saved with the result' })
    .option('disable-progress', { type: 'boolean', default: false, alias: 'disable-tqdm', describe: 'no progress bar (vLLM: --disable-tqdm)' });
}

export type BenchArgs = Awaited<ReturnType<ReturnType<typeof benchFlags>['parseAsync']>>;

/** Seconds flag -> ms, in (0, MAX_SECONDS] (Node timers hold at most ~24.8 days). */
function seconds(flag: string, v: number): number {
  if (!(v > 0)) throw new UserError(`${flag} must be > 0 (seconds): got ${v}`);
  return inRange(flag, v, 0, MAX_SECONDS) * 1000;
}

/** Flags that take a list (may be repeated); every other flag must be given once. */
const LIST_FLAGS = ['goodput', 'metadata'];

/** A flag problem found while building the one-arm scenario, as one line naming the flags
 *  (the CLI's errors are one line; a scenario file's list every problem on its own line). */
function oneLine<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ScenarioError) throw new UserError(e.problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`).join('; '));
    throw e;
  }
}

/**
 * Every flag checked and turned into run settings, before any server is contacted (no network;
 * reads only the tokenizer and dataset paths given). Throws UserError naming the flag and value.
 * Exported for the flag fuzz test.
 */
export function benchPlan(a: BenchArgs) {
  // Every flag is checked before the server is contacted: a typo fails fast and says which flag.
  rejectRepeatedFlags(a as Record<string, unknown>, LIST_FLAGS);
  const notes: string[] = [];
  if (a['append-result']) throw new UserError('--append-result: not supported (abserve writes one result per file; give each run its own --result-filename)');
  if (a['trust-remote-code']) notes.push("abserve: --trust-remote-code has no effect: abserve's tokenizer reads tokenizer.json and never runs model code");
  checkTokenizerMode(a['tokenizer-mode']);
  const { backend, endpoint } = parseBackend(a.backend, a.endpoint);
  const requestIdPrefix = parseRequestIdPrefix(a['request-id-prefix']);
  inRange('--port', a.port, 1, 65535, true);
  const baseUrl = a['base-url'] ?? `http://${a.host}:${a.port}`;
  const apiKey = a['api-key'] ?? process.env.OPENAI_API_KEY;
  const maxConcurrency =
    a['max-concurrency'] !== undefined ? inRange('--max-concurrency', a['max-concurrency'], 1, 1_000_000, true) : undefined;
  inRange('--seed', a.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  if (a['min-tokens'] !== undefined) inRange('--min-tokens', a['min-tokens'], 0, 1_048_576, true);
  if (a.temperature !== undefined) inRange('--temperature', a.temperature, 0, 100);
  const sseMax = Math.floor(inRange('--sse-max-mib', a['sse-max-mib'], 0.001, 1024) * 1024 * 1024);
  // Checked the bench way first (flag names in errors), then the flags become a one-arm scenario
  // (k6's shortcut idea): workload and request body come from the one scenario vocabulary that
  // `abserve ab` uses, so a bench run and an A/B arm with the same settings send the same bytes.
  requestExtraBody({ extraBody: a['extra-body'], ignoreEos: a['ignore-eos'], minTokens: a['min-tokens'], temperature: a.temperature });
  // vLLM's sampling flags, then --extra-body over them (vLLM: {**sampling_params, **extra_body}).
  const sampling = samplingBody({ topP: a['top-p'], topK: a['top-k'], minP: a['min-p'], logprobs: a.logprobs, endpoint });
  const extraBodyFlag = Object.keys(sampling).length > 0 ? { ...sampling, ...parseJsonObject('--extra-body', a['extra-body']) } : a['extra-body'];
  const rampStrategy = a['ramp-up-strategy'] as 'linear' | 'exponential' | undefined;
  const burstiness = parseBurstiness(a.burstiness);
  // A dataset file that is not there is said before the server is contacted (it had come after the
  // wait for the server: up to --ready-check-timeout-sec, 600 s, for an unrelated message).
  const datasetPath = a['dataset-path'];
  if (datasetPath !== undefined && datasetPath !== '' && !existsSync(datasetPath)) throw new UserError(`--dataset-path ${datasetPath}: no such file`);
  // The workload checked in the flags' words (workload/ validates its own options)...
  resolveWorkloadOptions({
    dataset: a['dataset-name'] as DatasetName,
    path: a['dataset-path'],
    endpoint: endpoint as Endpoint,
    numPrompts: a['num-prompts'],
    inputLen: a['random-input-len'],
    outputLen: a['random-output-len'],
    rangeRatio: a['random-range-ratio'],
    prefixLen: a['random-prefix-len'],
    tokenIds: a['random-token-ids'],
    idRange: parseIdRange(a['random-id-range']),
    sharegptOutputLen: a['sharegpt-output-len'],
    requestRate: parseRate('--request-rate', a['request-rate']),
    burstiness,
    rampUp: rampStrategy ? { strategy: rampStrategy, startRps: a['ramp-up-start-rps'] ?? 0, endRps: a['ramp-up-end-rps'] ?? 0 } : undefined,
    warmupRequests: a['num-warmups'],
    seed: a.seed,
  });
  // ...then the flags become the one-arm scenario whose mapping the run uses.
  const scenario = oneLine(() => scenarioFromBench({
    baseUrl,
    model: a.model,
    endpoint,
    datasetName: a['dataset-name'],
    datasetPath: a['dataset-path'],
    numPrompts: a['num-prompts'],
    numWarmups: a['num-warmups'],
    randomInputLen: a['random-input-len'],
    randomOutputLen: a['random-output-len'],
    randomRangeRatio: a['random-range-ratio'],
    randomPrefixLen: a['random-prefix-len'],
    randomTokenIds: a['random-token-ids'],
    randomIdRange: a['random-id-range'],
    sharegptOutputLen: a['sharegpt-output-len'],
    requestRate: a['request-rate'],
    burstiness,
    rampUpStrategy: a['ramp-up-strategy'],
    rampUpStartRps: a['ramp-up-start-rps'],
    rampUpEndRps: a['ramp-up-end-rps'],
    maxConcurrency: a['max-concurrency'],
    ignoreEos: a['ignore-eos'],
    minTokens: a['min-tokens'],
    temperature: a.temperature,
    extraBody: extraBodyFlag,
    seed: a.seed,
  }));
  const arm = scenario.arms[0]!.name;
  const extraBody = scenarioRequestBody(scenario, arm);
  const workload: WorkloadOptions = toWorkloadOptions(scenario);
  resolveWorkloadOptions(workload);
  const aggregate = {
    percentileMetrics: parsePercentileMetrics(a['percentile-metrics']),
    metricPercentiles: parseMetricPercentiles(a['metric-percentiles']),
    goodput: parseGoodput(a.goodput),
  };
  const metadata = parseMetadata(a.metadata);
  const requestTimeoutMs = seconds('--request-timeout', a['request-timeout']);
  const stallTimeoutMs = seconds('--stall-timeout', a['stall-timeout']);
  const runTimeoutMs = a['run-timeout'] !== undefined ? seconds('--run-timeout', a['run-timeout']) : undefined;
  const readyCheckTimeoutMs = inRange('--ready-check-timeout-sec', a['ready-check-timeout-sec'], 0, MAX_SECONDS) * 1000;
  // Where results go is checked now, not after a long run (an interrupted run saves too).
  checkResultDir(a['result-dir'] !== undefined ? '--result-dir' : 'results/', a['result-dir'] ?? 'results');
  const tokenizer = loadTokenizer(a.tokenizer);
  resolveTarget(baseUrl, endpoint);
  return {
    baseUrl, apiKey, backend, endpoint: endpoint as Endpoint, requestIdPrefix, maxConcurrency, sseMax, extraBody, workload, aggregate,
    metadata, requestTimeoutMs, stallTimeoutMs, runTimeoutMs, readyCheckTimeoutMs, tokenizer, notes,
  };
}

async function handler(a: BenchArgs): Promise<void> {
  const {
    baseUrl, apiKey, backend, endpoint, requestIdPrefix, maxConcurrency, sseMax, extraBody, workload, aggregate, metadata,
    requestTimeoutMs, stallTimeoutMs, runTimeoutMs, readyCheckTimeoutMs, tokenizer, notes,
  } = benchPlan(a);
  for (const n of notes) console.error(n);

  // Records go to disk as they finish (bounded memory; a killed run still leaves them), in the
  // result folder, made now, before the server is contacted: a folder that cannot be made (a
  // file in the way, no permission, /proc where Node's recursive mkdir never returns) is a
  // one-line error at once, not after the wait and the run.
  const spoolDir = a['result-dir'] ?? 'results';
  const resultDirFlag = a['result-dir'] !== undefined ? '--result-dir' : 'results/';
  // The folders made only for the spool are removed again when nothing was saved in them (it had
  // left an empty --result-dir behind a run without --save-result): the first missing ancestor.
  let madeTop: string | undefined;
  for (let p = path.resolve(spoolDir); !existsSync(p); p = path.dirname(p)) madeTop = p;
  makeFolders(spoolDir, resultDirFlag);
  const dropSpoolDir = () => {
    if (madeTop === undefined) return;
    for (let p = path.resolve(spoolDir); ; p = path.dirname(p)) {
      if (!existsSync(p) || readdirSync(p).length > 0) return;
      rmdirSync(p);
      if (p === madeTop) return;
    }
  };

  // The key never reaches the terminal, even when the server echoes it in an error.
  const redact = (text: string) => (apiKey && apiKey.length >= 4 ? text.split(apiKey).join('***') : text);
  // A server started together with the benchmark (as `vllm bench serve` users do) is waited for:
  // /v1/models is tried until it answers, within the --ready-check-timeout-sec budget that the
  // initial test request then gets the rest of. Ctrl-C stops the wait (nothing ran, nothing saved).
  // With --model given and --ready-check-timeout-sec 0 nothing is asked before the run, as in
  // vLLM (which reads /v1/models only for a missing --model, and skips its ready check at 0): a
  // server that accepts and never answers had held the run for the probe's own 10 s.
  const waitStart = Date.now();
  let waited = false;
  let told = false;
  const skipProbe = readyCheckTimeoutMs === 0 && (a.model !== undefined || a['served-model-name'] !== undefined);
  const served = skipProbe
    ? []
    : await withInterrupt(
        (signal) =>
          waitForServedModels(baseUrl, {
            apiKey,
            // Name the flags the URL came from: `--port 9` alone is not a --base-url the user typed.
            label: a['base-url'] !== undefined ? '--base-url' : '--host/--port',
            waitMs: readyCheckTimeoutMs,
            signal,
            onWait: (cause, left, code) => {
              waited = true;
              // A mistyped port shows at once, not after the whole wait (600 s by default).
              if (!told && code === 'ECONNREFUSED') {
                told = true;
                console.error(`abserve bench: nothing listening at ${baseUrl} (ECONNREFUSED); waiting up to ${left} s for it (--ready-check-timeout-sec)`);
                return;
              }
              console.error(`abserve: ${redact(cause)}; retrying for up to ${left} s`);
            },
          }),
        'nothing has run yet',
      ).catch((e: unknown) => {
        dropSpoolDir();
        if (e instanceof Error) e.message = redact(e.message);
        throw e;
      });
  if (served === undefined) {
    dropSpoolDir();
    console.error(`abserve: interrupted while waiting for ${baseUrl}: nothing ran, nothing saved`);
    process.exitCode = INTERRUPT_EXIT_CODE;
    return;
  }
  if (waited) console.error(`abserve: ${baseUrl} answered after ${((Date.now() - waitStart) / 1000).toFixed(1)} s; starting`);
  const models = served.map((m) => m.id);
  // vLLM: --served-model-name is the name sent in requests, --model the model id saved (and the
  // tokenizer's name there); either stands for the other when only one is given.
  const model = a['served-model-name'] ?? a.model ?? models[0];
  if (!model) {
    dropSpoolDir();
    throw new UserError(`--model not given and ${baseUrl}/v1/models lists no model`);
  }
  const modelId = a.model ?? model;

  // The run's phases as vLLM prints them, on stdout as vLLM's print() does: a piped or CI run (no
  // progress bar: stderr is not a terminal) shows where it is. The bar starts with the measured run.
  let view: ProgressView | undefined;
  const onPhase = (phase: BenchPhase): void => {
    console.log(phaseLine(phase));
    if (phase.kind !== 'load') return;
    if (maxConcurrency !== undefined) console.log(`Maximum request concurrency: ${maxConcurrency}`);
    if (!a['disable-progress']) view = progressView(workload.numPrompts ?? 1000, a.label ?? 'bench');
  };
  const spool = new RecordSpool(path.join(spoolDir, `abserve-bench-${process.pid}.partial.requests.jsonl`));
  // What vLLM saves as backend / endpoint_type and model_id (the run itself only knows the request's
  // model); the block, the saved files and the exit code, with signals held off (withInterrupt).
  // The run's phase for the Ctrl-C message: nothing is kept before a request has finished.
  let loadStarted = false;
  let finished = 0;
  let interrupt: AbortSignal | undefined;
  const finish = async (run: Awaited<ReturnType<typeof runBenchmark>>): Promise<void> => {
    if (interrupt?.aborted && run.result.completed + run.result.failed === 0) {
      // Interrupted after the test request but before any request finished: a result would be a
      // block of zeros; as during the test request, nothing is saved (warmup records included).
      spool.remove();
      dropSpoolDir();
      console.error('abserve: interrupted before any request finished; nothing saved');
      process.exitCode = INTERRUPT_EXIT_CODE;
      return;
    }
    run.result.info.backend = backend;
    run.result.info.model = modelId;
    console.log(formatResultBlock(run.result));
    // An interrupted run is always saved: completed requests are never thrown away.
    if (a['save-result'] || run.result.info.partial) {
      const name = a['result-filename']?.replace(/\.json$/, '') ?? defaultRunName(run.result);
      const dir = a['result-dir'] ?? path.join('results', name);
      makeFolders(dir, resultDirFlag);
      restoreTexts(run.result, spool.path);
      const files = await writeRunResults(dir, run.result, spoolRecords(spool.path), { name });
      console.log(`Saved ${files.json} and ${files.requestsJsonl}${run.result.info.partial ? ' (partial run)' : ''}`);
    }
    spool.remove();
    dropSpoolDir();
    if (run.result.completed === 0) {
      // A run with no successful request measured nothing: never exit 0 with a block of zeros, nor
      // 3 ("a partial result") when it was cut short, e.g. by refusals from a server that was never
      // there: the no-success rule wins. The result is still saved above (its failures by kind).
      const why = run.result.failed > 0
        ? `${run.result.failed} failed: ${formatFailureTally(run.result.failureTally)}`
        : `none finished: ${run.result.info.partialReason ?? 'no request was sent'}`;
      console.error(`abserve: no request succeeded (${why})`);
      process.exitCode = 1;
    } else if (run.result.info.partial) process.exitCode = 3;
  };
  const done = await withInterrupt(
    (signal) => {
      interrupt = signal;
      return runBenchmark({
        client: {
          baseUrl, endpoint, model, apiKey, extraBody, requestTimeoutMs, stallTimeoutMs, requestIdPrefix,
          sseLimits: { maxLineBytes: sseMax, maxEventBytes: sseMax },
        },
        readyCheckTimeoutMs,
        readyCheckSince: waitStart,
        onReadyRetry: (f, left) => console.error(`abserve: initial test request failed (${f.kind}: ${f.message}); retrying for up to ${left} s`),
        workload,
        tokenizer,
        aggregate,
        maxConcurrency,
        label: a.label,
        metadata,
        runTimeoutMs,
        signal,
        onLoadStart: () => (loadStarted = true),
        onPhase,
        onProgress: (p) => {
          finished = p.done;
          view?.update(p);
        },
        spool,
      }).finally(async () => {
        view?.stop();
        await spool.close();
      });
    },
    () => (!loadStarted ? 'nothing has run yet' : finished === 0 ? 'no request has finished yet' : 'completed requests are kept'),
    async (run) => {
      await finish(run);
      return true;
    },
  ).catch((e: unknown) => {
    if (spool.count === 0) {
      spool.remove(); // nothing ran (e.g. the ready check failed)
      dropSpoolDir();
    }
    if (e instanceof InterruptedBeforeStart) return false;
    throw e;
  });
  if (!done) {
    console.error('abserve: interrupted during the initial test request: nothing ran, nothing saved');
    process.exitCode = INTERRUPT_EXIT_CODE;
  }
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: "benchmark an OpenAI-compatible server (vLLM's serving benchmark, same flags and output)",
  builder: (y) => benchFlags(y) as unknown as Argv<BenchArgs>,
  handler,
};

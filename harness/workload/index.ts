// The workload entry point: options -> RequestSpec[] (warmups first, then the measured requests
// with their absolute schedule). Everything is a pure function of the options, the tokenizer and
// the seed, so both arms of an A/B, and every rerun, get byte-identical prompts and schedules.
//
// Random streams are separated by purpose (see rng.ts): the schedule depends only on the seed and
// the arrival options, the measured prompts do not depend on the number of warmups, and the
// shared prefix is the same for warmups and measured requests (so warmups warm the prefix cache
// the way steady-state traffic would, as vLLM's warmups do by re-sending the first prompt).

import { UserError } from '../common/errors.js';
import type { Endpoint, RequestSpec } from '../records/spec.js';
import { builtinTokenizer, type Tokenizer } from '../common/tokenizer.js';
import { Rng } from '../common/rng.js';
import { arrivalOffsetsMs, validateArrivalOptions, type RampUp } from './arrivals.js';
import { randomSamples, type Sample } from './randomDataset.js';
import { jsonlSamples, shareGptSamples, type FileSamples } from './fileDatasets.js';

export { loadTokenizer, builtinTokenizer, type Tokenizer } from '../common/tokenizer.js';
export { arrivalOffsetsMs, rateAt, type RampUp, type RampUpStrategy, type ArrivalOptions } from './arrivals.js';
export { Rng } from '../common/rng.js';
export type { Endpoint, RequestSpec } from '../records/spec.js';

export type DatasetName = 'random' | 'jsonl' | 'sharegpt';

/** Every field is optional; defaults are vLLM's (`vllm bench serve`). */
export interface WorkloadOptions {
  /** --dataset-name; default 'random'. */
  dataset?: DatasetName;
  /** --dataset-path; required for jsonl and sharegpt. */
  path?: string | undefined;
  /** --endpoint; default '/v1/completions'. */
  endpoint?: Endpoint;
  /** --num-prompts; default 1000. */
  numPrompts?: number;
  /** --random-input-len; default 1024. */
  inputLen?: number;
  /** --random-output-len; default 128. Also the max_tokens of JSONL lines that give none. */
  outputLen?: number;
  /** --random-range-ratio in [0, 1); default 0. */
  rangeRatio?: number;
  /** --random-prefix-len; default 0. Added on top of the sampled input length, as in vLLM. */
  prefixLen?: number;
  /** --random-token-ids: prompts as token-id arrays (only /v1/completions); default false. */
  tokenIds?: boolean;
  /** --random-id-range lo,hi: ids [lo, hi) for token-id prompts; default the tokenizer's usable ids. */
  idRange?: readonly [number, number] | undefined;
  /** --sharegpt-output-len: overrides ShareGPT's per-conversation output lengths. */
  sharegptOutputLen?: number | undefined;
  /** --disable-shuffle inverted; default true (vLLM shuffles file datasets). */
  shuffle?: boolean;
  /** --request-rate; default Infinity. */
  requestRate?: number;
  /** --burstiness; default 1 (Poisson). */
  burstiness?: number;
  /** --ramp-up-strategy / --ramp-up-start-rps / --ramp-up-end-rps. */
  rampUp?: RampUp | undefined;
  /** --num-warmups; default 0. */
  warmupRequests?: number;
  /** --seed; default 0. */
  seed?: number;
}

export type ResolvedWorkloadOptions = Required<Omit<WorkloadOptions, 'path' | 'idRange' | 'sharegptOutputLen' | 'rampUp'>> &
  Pick<WorkloadOptions, 'path' | 'idRange' | 'sharegptOutputLen' | 'rampUp'>;

export const WORKLOAD_DEFAULTS = {
  dataset: 'random',
  endpoint: '/v1/completions',
  numPrompts: 1000,
  inputLen: 1024,
  outputLen: 128,
  rangeRatio: 0,
  prefixLen: 0,
  tokenIds: false,
  shuffle: true,
  requestRate: Infinity,
  burstiness: 1,
  warmupRequests: 0,
  seed: 0,
} as const satisfies Partial<WorkloadOptions>;

function int(flag: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new UserError(`${flag}: expected an integer in [${min}, ${max}], got ${v}`);
  }
}

/**
 * Upper bounds of the workload (issue 10): far above any real run, low enough that a typo such as
 * `--num-prompts 1e12` is a one-line error instead of an out-of-memory crash. The whole workload
 * is built before the run, so prompts x prompt length is bounded too.
 */
export const WORKLOAD_LIMITS = {
  numPrompts: 1_000_000,
  warmups: 100_000,
  /** Tokens per prompt or output: 1 Mi, above any served context length. */
  tokens: 1_048_576,
  /** numPrompts x (inputLen + prefixLen): what buildWorkload must hold in memory at once. */
  totalPromptTokens: 200_000_000,
  /** Slowest --request-rate / ramp rate (req/s): one request per 1000 s. */
  minRate: 0.001,
  maxRate: 1e9,
} as const;

/** Fills defaults and validates; every message names the CLI flag and the value. */
export function resolveWorkloadOptions(opts: WorkloadOptions): ResolvedWorkloadOptions {
  const o: ResolvedWorkloadOptions = { ...WORKLOAD_DEFAULTS, ...stripUndefined(opts) };
  if (!['random', 'jsonl', 'sharegpt'].includes(o.dataset)) {
    throw new UserError(`--dataset-name must be random, jsonl or sharegpt: got ${String(o.dataset)}`);
  }
  if (o.endpoint !== '/v1/completions' && o.endpoint !== '/v1/chat/completions') {
    throw new UserError(`--endpoint must be /v1/completions or /v1/chat/completions: got ${String(o.endpoint)}`);
  }
  if (o.dataset !== 'random' && !o.path) throw new UserError(`--dataset-path is required with --dataset-name ${o.dataset}`);
  if (o.dataset === 'random' && o.path) {
    throw new UserError(`--dataset-path is not used by --dataset-name random: got ${o.path}`);
  }
  const L = WORKLOAD_LIMITS;
  int('--num-prompts', o.numPrompts, 1, L.numPrompts);
  int('--random-input-len', o.inputLen, 0, L.tokens);
  int('--random-output-len', o.outputLen, 1, L.tokens);
  int('--random-prefix-len', o.prefixLen, 0, L.tokens);
  int('--num-warmups', o.warmupRequests, 0, L.warmups);
  if (o.dataset === 'random') {
    const total = (o.numPrompts + o.warmupRequests) * (o.inputLen + o.prefixLen);
    if (total > L.totalPromptTokens) {
      throw new UserError(
        `--num-prompts x (--random-input-len + --random-prefix-len) must be <= ${L.totalPromptTokens} tokens (built in memory before the run): got ${total}`,
      );
    }
  }
  for (const [flag, v] of [['--request-rate', o.requestRate], ['--ramp-up-start-rps', o.rampUp?.startRps], ['--ramp-up-end-rps', o.rampUp?.endRps]] as const) {
    if (v !== undefined && v !== Infinity && v > 0 && (v < L.minRate || v > L.maxRate)) {
      throw new UserError(`${flag} must be in [${L.minRate}, ${L.maxRate}] or inf: got ${v}`);
    }
  }
  if (!Number.isSafeInteger(o.seed)) throw new UserError(`--seed must be an integer: got ${o.seed}`);
  if (!(o.rangeRatio >= 0 && o.rangeRatio < 1)) {
    throw new UserError(`--random-range-ratio must be in [0, 1): got ${o.rangeRatio}`);
  }
  if (o.tokenIds && o.endpoint !== '/v1/completions') {
    throw new UserError(`--random-token-ids needs --endpoint /v1/completions (chat prompts are text): got ${o.endpoint}`);
  }
  if (o.idRange) {
    const [lo, hi] = o.idRange;
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi <= lo) {
      throw new UserError(`--random-id-range must be integers 0 <= lo < hi: got ${lo},${hi}`);
    }
  }
  if (o.sharegptOutputLen !== undefined) int('--sharegpt-output-len', o.sharegptOutputLen, 1, L.tokens);
  validateArrivalOptions(o);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Builds the whole workload, synchronously (file datasets are read with readFileSync; this runs
 * once before a run starts). Returns warmups first (warmup: true, scheduledMs 0, index 0..W-1),
 * then the measured requests (warmup: false, index 0..N-1, scheduledMs non-decreasing offsets
 * from the measured run's start). Throws UserError for bad options or files.
 */
export function buildWorkload(opts: WorkloadOptions, tokenizer: Tokenizer = builtinTokenizer()): RequestSpec[] {
  const o = resolveWorkloadOptions(opts);
  const n = o.numPrompts;
  const w = o.warmupRequests;
  let data: FileSamples;
  if (o.dataset === 'random') {
    data = {
      measured: randomSamples(o, tokenizer, n, 'measured'),
      warmup: w > 0 ? randomSamples(o, tokenizer, w, 'warmup') : [],
    };
  } else if (o.dataset === 'jsonl') {
    data = jsonlSamples(o.path!, tokenizer, { ...o, defaultOutputLen: o.outputLen }, n, w);
  } else {
    data = shareGptSamples(o.path!, tokenizer, { ...o, outputLen: o.sharegptOutputLen }, n, w);
  }
  const offsets = arrivalOffsetsMs(n, o, new Rng(o.seed, 'arrivals'));
  const spec = (s: Sample, index: number, warmup: boolean, scheduledMs: number): RequestSpec => ({
    index,
    warmup,
    prompt: typeof s.prompt === 'string' ? s.prompt : [...s.prompt],
    promptTokens: s.promptTokens,
    maxTokens: s.maxTokens,
    scheduledMs,
  });
  return [
    ...data.warmup.map((s, i) => spec(s, i, true, 0)),
    ...data.measured.map((s, i) => spec(s, i, false, offsets[i]!)),
  ];
}

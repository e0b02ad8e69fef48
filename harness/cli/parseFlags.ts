// Flag values that need more than yargs' types: each parser names the flag and the bad value.
// Every number has a range (issue 10): a typo is a one-line error, never an out-of-memory crash, a
// busy loop or a timer that overflows.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import type { GoodputSlo, PercentileMetric } from '../metrics/types.js';

export function parseRate(flag: string, v: string | number): number {
  if (v === 'inf' || v === 'Infinity') return Number.POSITIVE_INFINITY;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag}: expected "inf" or a number > 0, got ${v}`);
  return n;
}

const METRICS: readonly PercentileMetric[] = ['ttft', 'tpot', 'itl', 'e2el'];

export function parsePercentileMetrics(v: string): PercentileMetric[] {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!METRICS.includes(n as PercentileMetric)) {
      throw new UserError(`--percentile-metrics: "${n}" is not one of ${METRICS.join(', ')}`);
    }
  }
  if (names.length === 0) throw new UserError(`--percentile-metrics: empty list`);
  return names as PercentileMetric[];
}

/** `--metric-percentiles 50,99,100`: numbers in (0, 100] (numpy's percentile takes 100, the max). */
export function parseMetricPercentiles(v: string): number[] {
  return v.split(',').map((s) => {
    const p = s.trim() === '' ? NaN : Number(s.trim());
    if (!(p > 0 && p <= 100)) throw new UserError(`--metric-percentiles: expected numbers in (0, 100], got ${s}`);
    return p;
  });
}

/** `--goodput ttft:500 tpot:50` (vLLM's KEY:VALUE pairs, values in ms). */
export function parseGoodput(items: readonly string[] | undefined): GoodputSlo | undefined {
  if (!items || items.length === 0) return undefined;
  const slo: GoodputSlo = {};
  for (const item of items) {
    const [key, value, ...rest] = item.split(':');
    const ms = Number(value);
    if (rest.length > 0 || !['ttft', 'tpot', 'e2el'].includes(key) || !(ms > 0)) {
      throw new UserError(`--goodput: "${item}" must be KEY:MS with KEY one of ttft, tpot, e2el and MS > 0`);
    }
    slo[key as keyof GoodputSlo] = ms;
  }
  return slo;
}

/**
 * Keys `--metadata` may not use: object internals (silently dropped or worse), our own section, and
 * the fields vLLM's saved JSON writes after the metadata (they would overwrite it without a word).
 */
export const RESERVED_METADATA_KEYS: ReadonlySet<string> = new Set([
  '__proto__', 'constructor', 'prototype', 'abserve',
  'date', 'endpoint_type', 'backend', 'label', 'model_id', 'tokenizer_id', 'num_prompts',
  'request_rate', 'burstiness', 'max_concurrency', 'ramp_up_strategy', 'ramp_up_start_rps', 'ramp_up_end_rps',
  'duration', 'completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'request_throughput',
  'request_goodput', 'output_throughput', 'total_token_throughput', 'input_lens', 'output_lens', 'ttfts',
  'itls', 'latencies', 'start_times', 'queue_times', 'generated_texts', 'errors', 'max_output_tokens_per_s',
  'max_concurrent_requests', 'rps_change_events', 'partial', 'partial_reason',
]);

/** `--metadata k=v k2=v2` (vLLM strips both sides). Throws UserError for a missing `=`, an empty,
 *  reserved (RESERVED_METADATA_KEYS) or repeated key. */
export function parseMetadata(items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    if (key === '') throw new UserError(`--metadata: "${item}" must be KEY=VALUE`);
    if (RESERVED_METADATA_KEYS.has(key) || /^(mean|median|std|p[\d.]+)_(ttft|tpot|itl|e2el)_ms$/.test(key)) {
      throw new UserError(`--metadata: key "${key}" is reserved (a field of the saved result); choose another name`);
    }
    if (key in out) throw new UserError(`--metadata: key "${key}" given twice`);
    out[key] = item.slice(eq + 1).trim();
  }
  return { ...out };
}

/** A number flag within [min, max] (integer when asked): the value, or a UserError naming both. */
export function inRange(flag: string, v: number, min: number, max: number, integer = false): number {
  if (!(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
    throw new UserError(`${flag}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${v}`);
  }
  return v;
}

/** Longest time flag (seconds): Node timers hold at most 2^31 - 1 ms (~24.8 days). */
export const MAX_SECONDS = 2_000_000;

/** `--burstiness`: a number > 0 or `inf` (vLLM's argparse float accepts "inf": evenly spaced). */
export function parseBurstiness(v: string | number): number {
  if (v === 'inf' || v === 'Infinity' || v === Infinity) return Infinity;
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  if (!(n > 0) || !Number.isFinite(n) || n > 1e6) throw new UserError(`--burstiness: expected "inf" or a number in (0, 1000000], got ${v}`);
  return n;
}

/**
 * Check before the run that results can be written under `dir` (it need not exist yet): the
 * nearest existing ancestor must be a writable directory and `dir` itself, if it exists, a
 * directory. Throws UserError naming `flag` and the path; creates nothing.
 */
export function checkResultDir(flag: string, dir: string): void {
  let p = path.resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(p);
    } catch {
      const up = path.dirname(p);
      if (up === p) throw new UserError(`${flag}: ${dir}: no existing parent directory`);
      p = up;
      continue;
    }
    if (!st.isDirectory()) throw new UserError(`${flag}: ${dir}: ${p} is a file, not a directory`);
    try {
      accessSync(p, constants.W_OK | constants.X_OK);
    } catch {
      throw new UserError(`${flag}: ${dir}: ${p} is not writable`);
    }
    return;
  }
}

export function parseJsonObject(flag: string, v: string | undefined): Record<string, unknown> {
  if (v === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new UserError(`${flag}: not valid JSON (${(e as Error).message}): ${v}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`${flag}: expected a JSON object, got ${v}`);
  }
  return parsed as Record<string, unknown>;
}

export function parseIdRange(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const [lo, hi, ...rest] = v.split(',').map(Number);
  if (rest.length > 0 || !Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
    throw new UserError(`--random-id-range: expected LO,HI (integers), got ${v}`);
  }
  return [lo, hi];
}

/**
 * The extra request-body fields of `abserve bench`, as `vllm bench serve` builds them: sampling
 * flags first, temperature 0 (greedy) when none is given, ignore_eos / min_tokens from their flags,
 * then --extra-body merged over all of them.
 */
export function requestExtraBody(o: {
  extraBody?: string;
  ignoreEos?: boolean;
  minTokens?: number;
  temperature?: number;
}): Record<string, unknown> {
  const extra = parseJsonObject('--extra-body', o.extraBody);
  if (o.minTokens !== undefined && !(Number.isSafeInteger(o.minTokens) && o.minTokens >= 0)) {
    throw new UserError(`--min-tokens: expected an integer >= 0, got ${o.minTokens}`);
  }
  if (o.temperature !== undefined && !(Number.isFinite(o.temperature) && o.temperature >= 0)) {
    throw new UserError(`--temperature: expected a number >= 0, got ${o.temperature}`);
  }
  const body: Record<string, unknown> = { temperature: o.temperature ?? 0 };
  if (o.ignoreEos) body.ignore_eos = true;
  if (o.minTokens !== undefined) body.min_tokens = o.minTokens;
  return { ...body, ...extra };
}

/** vLLM's `--backend` values abserve speaks, and the endpoint each one sends its requests to. */
export const BACKEND_ENDPOINTS: Readonly<Record<string, '/v1/completions' | '/v1/chat/completions'>> = {
  vllm: '/v1/completions',
  openai: '/v1/completions',
  'openai-chat': '/v1/chat/completions',
};

/**
 * `--backend` and `--endpoint` together, as `vllm bench serve` reads them: the backend picks the
 * request format (vllm and openai: /v1/completions, openai-chat: /v1/chat/completions). Without
 * --endpoint the backend's endpoint is used; without --backend the endpoint's (openai or
 * openai-chat). The backend is what the saved JSON's `backend` / `endpoint_type` and the default
 * file name carry. Throws UserError for another backend or a backend that contradicts --endpoint.
 */
export function parseBackend(backend: string | undefined, endpoint: string | undefined): { backend: string; endpoint: string } {
  if (backend === undefined) {
    const ep = endpoint ?? '/v1/completions';
    return { backend: ep === '/v1/chat/completions' ? 'openai-chat' : 'openai', endpoint: ep };
  }
  const want = Object.hasOwn(BACKEND_ENDPOINTS, backend) ? BACKEND_ENDPOINTS[backend] : undefined;
  if (want === undefined) {
    throw new UserError(`--backend: expected one of ${Object.keys(BACKEND_ENDPOINTS).join(', ')} (abserve sends completions and chat requests), got ${backend}`);
  }
  if (endpoint !== undefined && endpoint !== want) {
    throw new UserError(`--backend ${backend} sends ${want} requests but --endpoint is ${endpoint}; give one or make them agree`);
  }
  return { backend, endpoint: want };
}

/**
 * vLLM's sampling flags (--top-p, --top-k, --min-p) and --logprobs as request-body fields, only
 * those given; `--extra-body` is merged over them later, as vLLM does. --logprobs is a
 * /v1/completions field (vLLM's chat client never sends it): refused with the chat endpoint.
 */
export function samplingBody(o: { topP?: number; topK?: number; minP?: number; logprobs?: number; endpoint: string }): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (o.topP !== undefined) {
    if (!(o.topP > 0 && o.topP <= 1)) throw new UserError(`--top-p: expected a number in (0, 1], got ${o.topP}`);
    body.top_p = o.topP;
  }
  if (o.topK !== undefined) body.top_k = inRange('--top-k', o.topK, -1, 1_000_000, true);
  if (o.minP !== undefined) body.min_p = inRange('--min-p', o.minP, 0, 1);
  if (o.logprobs !== undefined) {
    if (o.endpoint === '/v1/chat/completions') {
      throw new UserError(`--logprobs: not supported with /v1/chat/completions (vLLM sends it only with completions requests), got ${o.logprobs}`);
    }
    body.logprobs = inRange('--logprobs', o.logprobs, 0, 1_000_000, true);
  }
  return body;
}

/** `--tokenizer-mode`: abserve reads tokenizer.json (HF's fast tokenizer), which is vLLM's `auto`
 *  (and `hf`); other modes tokenize differently and would change the measured token counts. */
export function checkTokenizerMode(v: string | undefined): void {
  if (v === undefined || v === 'auto' || v === 'hf') return;
  throw new UserError(`--tokenizer-mode: only auto (or hf) is supported (abserve reads tokenizer.json, the fast tokenizer), got ${v}`);
}

/** `--request-id-prefix`: sent in every `x-request-id` header, so printable ASCII, at most 200 characters. */
export function parseRequestIdPrefix(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^[\x20-\x7e]{0,200}$/.test(v)) {
    throw new UserError(`--request-id-prefix: expected at most 200 printable ASCII characters (it is sent as a header), got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * --alpha of compare, report and eval compare: a two-sided significance level in (0, 0.5], the
 * range a scenario's `alpha` takes (the commands had three: (0, 0.5), (0, 0.5] and (0, 1)).
 * Throws UserError `--alpha: expected a number in (0, 0.5], got X`.
 */
export function checkAlpha(v: number): number {
  if (!(Number.isFinite(v) && v > 0 && v <= 0.5)) throw new UserError(`--alpha: expected a number in (0, 0.5], got ${v}`);
  return v;
}

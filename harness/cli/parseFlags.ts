// Flag values that need more than yargs' types: each parser names the flag and the bad value.
// Every number has a range (issue 10): a typo is a one-line error, never an out-of-memory crash, a
// busy loop or a timer that overflows.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import { UserError } from '../common/errors.js';
import type { GoodputSlo, PercentileMetric } from '../metrics/types.js';
import { suggestField } from '../scenario/suggest.js';

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
 * yargs turns a repeated flag into an array, which single-value flags then choke on
 * (`--base-url a --base-url b` was a TypeError). Reject any flag given more than once unless it
 * takes a list (`arrayFlags`, names as on the command line).
 */
export function rejectRepeatedFlags(argv: Record<string, unknown>, arrayFlags: readonly string[]): void {
  for (const [k, v] of Object.entries(argv)) {
    if (k === '_' || k === '$0' || !Array.isArray(v) || arrayFlags.includes(k)) continue;
    if (/[A-Z]/.test(k) && arrayFlags.includes(k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) continue;
    const shown = v.map((x) => JSON.stringify(x)).join(', ');
    throw new UserError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} given ${v.length} times (${shown}); give it once`);
  }
}

/**
 * yargs keeps the last value of a boolean flag given more than once (`--save-detailed
 * --no-save-detailed` ran without detail, without a word), so rejectRepeatedFlags never sees an
 * array. Counts the flag tokens of `args` (the command line, without node and the script) that set
 * each boolean option or one of its aliases, and throws `--disable-tqdm given 2 times; give it once`
 * for the first one given more than once (the tokens as typed in parentheses when they differ).
 * `booleanKeys`, `aliases`, `arrayKeys`: yargs' getOptions() boolean, alias and array of the command.
 */
export function rejectRepeatedBooleans(
  booleanKeys: readonly string[],
  aliases: Readonly<Record<string, readonly string[]>>,
  arrayKeys: readonly string[],
  args: readonly string[],
): void {
  const tokens = flagTokens(args);
  const done = new Set<string>();
  for (const key of booleanKeys) {
    if (done.has(key) || arrayKeys.includes(key)) continue;
    const names = new Set([key, ...(aliases[key] ?? [])]);
    for (const [k, as] of Object.entries(aliases)) if (as.includes(key)) for (const n of [k, ...as]) names.add(n);
    for (const n of names) done.add(n);
    const given = tokens.filter((t) => [...names].some((n) => tokenSets(t, n)));
    if (given.length < 2) continue;
    const first = given[0]!;
    // The option as typed, without an inline value or a `no-` prefix (`--no-naive --naive`: --naive).
    const negated = /^no-./.test(first.name) && ![...names].some((n) => loose(n) === loose(first.name));
    const flag = first.dashes === '-' && first.name.length > 1 ? dashed(key) : `${first.dashes}${negated ? first.name.slice(3) : first.name}`;
    const typed = given.map((t) => {
      const next = args[t.index + 1];
      return t.inline === undefined && (next === 'true' || next === 'false') ? `${args[t.index]} ${next}` : args[t.index]!;
    });
    const shown = typed.every((x) => x === flag) ? '' : ` (${typed.join(', ')})`;
    throw new UserError(`${flag} given ${given.length} times${shown}; give it once`);
  }
}

/** A yargs key in kebab-case, as flags are declared and typed (`numPrompts` -> `num-prompts`). */
const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A flag name compared loosely: case, `-` and `_` ignored (`numPromts`, `num_promts`, `num-promts`). */
const loose = (k: string): string => k.toLowerCase().replace(/[-_]/g, '');

/** `-x` for a one-letter name, `--name` otherwise: how a yargs key is typed. */
const dashed = (k: string): string => (k.length === 1 ? `-${k}` : `--${k}`);

/** One flag token of a command line: its dashes, its name as typed, and an inline `=value`. */
interface FlagToken {
  index: number;
  dashes: string;
  name: string;
  inline: string | undefined;
}

/** The flag tokens of `args` before a `--` terminator (`-1`, `-.5`: negative numbers, not flags). */
function flagTokens(args: readonly string[]): FlagToken[] {
  const out: FlagToken[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    const m = /^(--?)([^-=][^=]*)(?:=([\s\S]*))?$/.exec(a);
    if (!m || /^-[\d.]/.test(a)) continue;
    out.push({ index: i, dashes: m[1]!, name: m[2]!, inline: m[3] });
  }
  return out;
}

/** Whether yargs reads `key` from flag token `t` (`--bogus-flag` gives bogus-flag and bogusFlag). */
function tokenSets(t: FlagToken, key: string): boolean {
  if (t.dashes === '-' && t.name.length > 1 && !t.name.includes('.')) return key.length === 1 && t.name.includes(key);
  const name = t.name.split('.')[0]!; // --a.b sets a: { b }
  return loose(name) === loose(key) || (/^no-./.test(name) && loose(name.slice(3)) === loose(key));
}

/**
 * The option of `known` (a command's option keys, yargs' getOptions().key) that the unknown flag
 * `typed` most likely stands for, as it is typed (`--num-prompts`), or undefined. Names are
 * compared in one normal form (snake_case, through suggestField); a suggestion that would replace
 * every character of `typed` is none.
 */
export function suggestFlag(typed: string, known: readonly string[]): string | undefined {
  const best = nearestName(typed.replace(/^-+/, ''), known);
  return best === undefined ? undefined : dashed(best);
}

/** suggestFlag's match without the dashes: the name of `known` that `typed` most likely stands for. */
function nearestName(typed: string, known: readonly string[]): string | undefined {
  const snake = (k: string) => kebab(k).replace(/-/g, '_').toLowerCase();
  const byNorm = new Map<string, string>();
  for (const k of known) if (k !== '$0' && !byNorm.has(snake(k))) byNorm.set(snake(k), k);
  const t = snake(typed);
  const best = suggestField(t, [...byNorm.keys()]);
  if (best === undefined || distance(t, best) >= t.length) return undefined;
  return byNorm.get(best)!;
}

/**
 * The first word of a command line that names no command (`abserve benchh`), as typed, with the
 * nearest command when one is close (the same match as suggestFlag's) and the list of commands:
 * `Unknown command: benchh (did you mean bench?); commands: ab, bench, ...`.
 */
export function describeUnknownCommand(typed: string, commands: readonly string[]): string {
  const hint = nearestName(typed, commands);
  return `Unknown command: ${typed}${hint ? ` (did you mean ${hint}?)` : ''}; commands: ${commands.join(', ')}`;
}

/**
 * yargs' strict-mode complaint (`Unknown arguments: bogus-flag, bogusFlag, extra`) as the user
 * typed it: one entry per flag with its dashes (`--bogus-flag`, not also the camelCase copy yargs
 * adds), words that are not flags unchanged, and after a flag close to one of `known` (the
 * command's options) `(did you mean --num-prompts?)`. `args`: the command line, without node and
 * the script.
 */
export function describeUnknownArguments(unknown: readonly string[], args: readonly string[], known: readonly string[]): string {
  const tokens = flagTokens(args);
  const seen = new Set<string>();
  const entries: string[] = [];
  for (const key of unknown) {
    const t = tokens.find((x) => tokenSets(x, key));
    let entry: string;
    if (!t) entry = key;
    else if (t.dashes === '-' && t.name.length > 1 && !t.name.includes('.')) entry = `-${key}`;
    else entry = `${t.dashes}${t.name}`;
    if (seen.has(entry)) continue;
    seen.add(entry);
    const hint = t ? suggestFlag(entry, known) : undefined;
    entries.push(hint ? `${entry} (did you mean ${hint}?)` : entry);
  }
  return `${entries.length === 1 ? 'Unknown argument' : 'Unknown arguments'}: ${entries.join(', ')}`;
}

/**
 * yargs reads a `number` flag that is not a number (`--repetitions abc`) as NaN, and the value
 * typed is lost by the time a command checks it. Throws `--repetitions: expected a number, got abc`
 * for the first such flag, the value as typed on `args` (the command line without node and the
 * script). `numberKeys`: the command's `number` options (yargs' getOptions().number).
 */
export function rejectNonNumbers(argv: Record<string, unknown>, numberKeys: readonly string[], args: readonly string[]): void {
  const tokens = flagTokens(args);
  const flagAt = new Set(tokens.map((t) => t.index));
  for (const key of numberKeys) {
    // A number flag at the end of the line or right before another flag: yargs drops it silently
    // and the default runs (`--repetitions` alone ran a whole A/B with 3).
    const bare = tokens.find((t) => tokenSets(t, key) && !/^no-./.test(t.name) && t.inline === undefined &&
      (t.index + 1 >= args.length || args[t.index + 1] === '--' || flagAt.has(t.index + 1)));
    if (bare) throw new UserError(`${bare.dashes}${bare.name}: expected a number, got nothing`);
    const v = argv[key];
    if (!(Array.isArray(v) ? v : [v]).some((x) => typeof x === 'number' && Number.isNaN(x))) continue;
    const given = tokens.filter((t) => tokenSets(t, key));
    const typed = given
      .map((t) => t.inline ?? args[t.index + 1])
      .find((x) => x !== undefined && Number.isNaN(Number(x)));
    const flag = given.length > 0 && !(given[0]!.dashes === '-' && given[0]!.name.length > 1) ? `${given[0]!.dashes}${given[0]!.name}` : dashed(key);
    throw new UserError(`${flag}: expected a number, got ${typed ?? 'NaN'}`);
  }
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

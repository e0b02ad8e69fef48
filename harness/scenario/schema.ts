// The one validator of scenario files: a zod 4 schema over the YAML's own snake_case words.
// Objects are strict (an unknown field is an error, k6's style), every field carries a message
// that says what was expected, and cross-field rules also run when other fields are wrong
// (crossRules), so one pass reports every problem. Nothing after this re-checks user input;
// resolve.ts only fills defaults and converts units.
import { z } from 'zod';
import { profileNames } from '../engine/profiles.js';

const DAY_S = 86_400;
/** Upper bound of every token length (prompt, output, prefix, model length). */
export const MAX_TOKENS = 1_000_000;
/** Upper bound of num_prompts and warm-up counts. */
export const MAX_REQUESTS = 1_000_000;

/** Arm names become folder and file names: letters, digits, '.', '_' and '-', starting alnum. */
export const ARM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMPOSE_PROJECT_RE = /^[a-z0-9][a-z0-9_-]*$/;

const int = (min: number, max: number, what: string) => {
  const error = `expected ${what}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const num = (min: number, max: number, what: string, minExclusive = false) => {
  const error = `expected ${what}`;
  const n = z.number({ error });
  return (minExclusive ? n.gt(min, { error }) : n.min(min, { error })).max(max, { error });
};
const posInt = (max: number) => int(1, max, `a positive integer <= ${max}`);
const count = (max: number) => int(0, max, `an integer in 0..${max}`);
const seconds = (what = 'seconds') => num(0, DAY_S, `${what} in (0, ${DAY_S}] (1 day)`, true);
const bool = z.boolean({ error: 'expected true or false' });
const str = z.string({ error: 'expected a string' }).min(1, { error: 'expected a non-empty string' });
const httpUrl = z
  .string({ error: 'expected an http(s) URL' })
  .refine((s) => /^https?:$/.test(URL.canParse(s) ? new URL(s).protocol : ''), { error: 'expected an http(s) URL' });
const jsonObject = z.record(z.string(), z.unknown(), { error: 'expected a mapping (JSON object)' });

/** Comma-separated strings become lists, so `ttft,tpot` reads like the CLI flag. */
const listOf = <T extends z.ZodType>(item: T, what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(item, { error: `expected a list of ${what}` }).min(1, { error: `expected a non-empty list of ${what}` }),
  );

const envMap = z
  .record(
    z.string().regex(ENV_NAME_RE, { error: 'expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)' }),
    z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }),
    { error: 'expected a mapping of NAME: value' },
  )
  .default({});

const serverArgs = z
  .array(z.union([z.string(), z.number()], { error: 'expected a string or number' }), { error: 'expected a list of arguments' })
  .default([]);

const share = num(0, 1, 'a share of requests in [0, 1]').optional();

/** Engine flags an arm may override (`abserve engine --time-scale` ...), snake_case. */
export const engineOptionFields = {
  time_scale: num(0, 1000, 'a number in (0, 1000]', true),
  fixed_step_ms: num(0, 3_600_000, 'milliseconds in [0, 3600000]'),
  max_num_seqs: posInt(MAX_TOKENS),
  max_num_batched_tokens: posInt(MAX_TOKENS),
  max_model_len: posInt(MAX_TOKENS),
  disable_merge_op: bool,
  reasoning_tokens: num(0, MAX_TOKENS, `a token count in 1..${MAX_TOKENS} or a fraction in (0, 1)`).refine(
    (v) => v < 1 || Number.isInteger(v),
    { error: `expected a token count in 1..${MAX_TOKENS} or a fraction in (0, 1)` },
  ),
  spin_ms: num(0, 1000, 'milliseconds in [0, 1000]'),
  noise: z
    .union([z.enum(['on', 'off']), z.boolean()], { error: 'expected on or off' })
    .transform((v): 'on' | 'off' => (v === true ? 'on' : v === false ? 'off' : v)),
  noise_seed: int(0, Number.MAX_SAFE_INTEGER, 'an integer >= 0'),
  step_scale: num(0, 100, 'a number in (0, 100]', true),
  // The engine's fault injection (engine/faults.ts, `abserve engine --fault-*`): shares of requests
  // per kind, deterministic per seed and x-request-id.
  faults: z.strictObject({
    http_500: share,
    http_503: share,
    http_429: share,
    slow_headers: share,
    reset: share,
    stall: share,
    malformed: share,
    truncate: share,
    oversized: share,
    seed: int(0, Number.MAX_SAFE_INTEGER, 'an integer >= 0').optional(),
    retry_after_s: num(0, 86_400, 'seconds in [0, 86400]').optional(),
    stall_ms: num(0, 86_400_000, 'milliseconds in [0, 86400000]').optional(),
    slow_headers_ms: num(0, 86_400_000, 'milliseconds in [0, 86400000]').optional(),
    oversized_bytes: posInt(1 << 30).optional(),
  }),
} as const;

const optionalShape = <S extends Record<string, z.ZodType>>(s: S) =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.optional()])) as { [K in keyof S]: z.ZodOptional<S[K]> };

const engineTarget = z.strictObject({
  profile: z.string({ error: 'expected a profile name' }).refine((p) => profileNames().includes(p), {
    error: `expected one of ${profileNames().join(', ')}`,
  }),
  start_timeout_s: seconds().default(30),
  ...optionalShape(engineOptionFields),
});

const composeTarget = z.strictObject({
  files: listOf(str, 'compose file paths'),
  project: z
    .string({ error: 'expected a compose project name' })
    .regex(COMPOSE_PROJECT_RE, { error: 'expected a compose project name (lowercase letters, digits, "-", "_")' })
    .optional(),
  service: str,
  url: httpUrl.default('http://127.0.0.1:8000'),
  health_url: httpUrl.optional(),
  startup_timeout_s: seconds().default(1800),
});

const target = z
  .strictObject(
    { engine: engineTarget.optional(), url: httpUrl.optional(), compose: composeTarget.optional() },
    { error: 'expected a mapping with one of engine, url, compose' },
  )
  .superRefine((t, ctx) => {
    const kinds = (['engine', 'url', 'compose'] as const).filter((k) => t[k] !== undefined);
    if (kinds.length !== 1) {
      const got = kinds.length ? kinds.join(' and ') : 'none';
      ctx.addIssue({ code: 'custom', message: `expected exactly one of engine, url, compose, got ${got}`, input: undefined });
    }
  });

const rampUpStrategy = z.enum(['linear', 'exponential'], { error: 'expected linear or exponential' });

const RATE = 'expected "inf" or requests/s in (0, 1000000]';
const workload = z.strictObject({
  dataset_name: z.enum(['random', 'jsonl', 'sharegpt'], { error: 'expected random, jsonl or sharegpt' }).default('random'),
  dataset_path: str.optional(),
  num_prompts: posInt(MAX_REQUESTS).default(1000),
  num_warmups: count(MAX_REQUESTS).optional(),
  random_input_len: count(MAX_TOKENS).default(1024),
  random_output_len: posInt(MAX_TOKENS).default(128),
  random_range_ratio: z
    .number({ error: 'expected a number in [0, 1)' })
    .min(0, { error: 'expected a number in [0, 1)' })
    .lt(1, { error: 'expected a number in [0, 1)' })
    .default(0),
  random_prefix_len: count(MAX_TOKENS).default(0),
  random_token_ids: bool.default(false),
  random_id_range: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((s) => (s.trim() === '' ? NaN : Number(s))) : v),
      z.tuple([count(Number.MAX_SAFE_INTEGER), count(Number.MAX_SAFE_INTEGER)], { error: 'expected [lo, hi] with 0 <= lo < hi' }),
    )
    .refine((r) => r[0] < r[1], { error: 'expected [lo, hi] with 0 <= lo < hi' })
    .optional(),
  sharegpt_output_len: posInt(MAX_TOKENS).optional(),
  request_rate: z
    .union([z.literal('inf'), z.literal(Infinity), z.number().gt(0, { error: RATE }).max(1e6, { error: RATE })], { error: RATE })
    .default('inf'),
  // "inf" as vLLM accepts it: gamma shape -> infinity, evenly spaced arrivals.
  burstiness: z
    .union([z.literal('inf'), z.literal(Infinity), num(0, 1e6, 'a number in (0, 1000000] (1 = Poisson)', true)], {
      error: 'expected "inf" or a number in (0, 1000000] (1 = Poisson)',
    })
    .default(1),
  ramp_up_strategy: rampUpStrategy.optional(),
  ramp_up_start_rps: num(0, 1e6, 'requests/s in (0, 1000000]', true).optional(),
  ramp_up_end_rps: num(0, 1e6, 'requests/s in (0, 1000000]', true).optional(),
  max_concurrency: posInt(MAX_REQUESTS).optional(),
  ignore_eos: bool.default(false),
  min_tokens: count(MAX_TOKENS).optional(),
  temperature: num(0, 100, 'a number in [0, 100]').optional(),
  extra_body: jsonObject.default({}),
  tokenizer: str.optional(),
  percentile_metrics: listOf(z.enum(['ttft', 'tpot', 'itl', 'e2el'], { error: 'expected ttft, tpot, itl or e2el' }), 'metrics').default([
    'ttft',
    'tpot',
    'itl',
  ]),
  metric_percentiles: listOf(
    // (0, 100], as `--metric-percentiles` and vLLM (numpy) take them: 100 is the maximum.
    z.preprocess((v) => (typeof v === 'string' ? Number(v) : v), num(0, 100, 'a percentile in (0, 100]', true)),
    'percentiles',
  ).default([99]),
  request_timeout_s: seconds().default(600),
  stall_timeout_s: seconds().default(60),
  run_timeout_s: seconds().optional(),
});

const arm = z.strictObject({
  name: z.string({ error: 'expected an arm name' }).regex(ARM_NAME_RE, {
    error: 'expected a path-safe name (letters, digits, ".", "_", "-"; at most 64, starting with a letter or digit)',
  }),
  description: z.string({ error: 'expected a string' }).optional(),
  env: envMap,
  server_args: serverArgs,
  extra_body: jsonObject.default({}),
  engine: z.strictObject(optionalShape(engineOptionFields)).optional(),
}, { error: 'expected an arm: a mapping with a name (and optional description, env, server_args, ...)' });

const accuracy = z.strictObject({
  data_dir: str.optional(),
  split: z.enum(['dev', 'val', 'test'], { error: 'expected dev, val or test' }).default('val'),
  subjects: listOf(str, 'subject names').optional(),
  categories: listOf(str, 'category names').optional(),
  limit: posInt(MAX_REQUESTS).optional(),
  shots: int(0, 5, 'an integer in 0..5 (C-Eval dev has 5 per subject)').default(0),
  max_tokens: posInt(MAX_TOKENS).optional(),
  concurrency: posInt(4096).optional(),
  when: z.enum(['after', 'during'], { error: 'expected after or during' }).default('after'),
});

const slo = z.strictObject({
  ttft_ms: num(0, DAY_S * 1000, 'milliseconds in (0, 86400000]', true).optional(),
  tpot_ms: num(0, DAY_S * 1000, 'milliseconds in (0, 86400000]', true).optional(),
  e2el_ms: num(0, DAY_S * 1000, 'milliseconds in (0, 86400000]', true).optional(),
});

/** The whole file. Cross-field rules live in `crossChecks`, which runs on whatever parsed. */
export const scenarioSchema = z
  .strictObject(
    {
      name: z.string({ error: 'expected a name' }).regex(ARM_NAME_RE, {
        error: 'expected a path-safe name (letters, digits, ".", "_", "-"; at most 64, starting with a letter or digit)',
      }).optional(),
      description: z.string({ error: 'expected a string' }).default(''),
      target,
      model: str.optional(),
      endpoint: z.enum(['/v1/completions', '/v1/chat/completions'], { error: 'expected /v1/completions or /v1/chat/completions' }).default('/v1/completions'),
      env: envMap,
      workload: workload.prefault({}),
      arms: z.array(arm, { error: 'expected a list of arms' }).min(1, { error: 'expected at least one arm' }),
      repetitions: posInt(1000).default(3),
      order: z.enum(['interleaved', 'sequential'], { error: 'expected interleaved or sequential' }).default('interleaved'),
      warmup: count(MAX_REQUESTS).optional(),
      cooldown_s: num(0, DAY_S, `seconds in [0, ${DAY_S}]`).default(0),
      reset_prefix_cache: bool.default(false),
      fresh_server: bool.default(false),
      seed: int(0, Number.MAX_SAFE_INTEGER, 'an integer >= 0').default(0),
      slo: slo.optional(),
      alpha: num(0, 0.5, 'a number in (0, 0.5]', true).default(0.05),
      aa: bool.default(false),
      accuracy: accuracy.optional(),
    },
    { error: 'expected a mapping of scenario fields' },
  )
  .superRefine(crossChecks);

/**
 * The cross-field rules alone, over the raw data: zod skips a parent's refinements after some
 * child failures, so when the scenario schema fails, load.ts runs these too (deduplicated) to
 * report every problem in one pass.
 */
export const crossRules = z.unknown().superRefine(crossChecks);

export type RawScenario = z.output<typeof scenarioSchema>;

type Ctx = z.RefinementCtx<unknown>;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rules between fields. Also runs on unvalidated data (see crossRules), so it reads its input defensively. */
function crossChecks(raw: unknown, ctx: Ctx): void {
  if (!isObj(raw)) return;
  const add = (path: (string | number)[], message: string, input: unknown): void => {
    ctx.addIssue({ code: 'custom', path, message, input });
  };
  const w = isObj(raw.workload) ? raw.workload : {};
  const dataset = w.dataset_name ?? 'random';
  if (dataset === 'random' && w.dataset_path !== undefined) {
    add(['workload', 'dataset_path'], 'not used by dataset_name random', w.dataset_path);
  }
  if ((dataset === 'jsonl' || dataset === 'sharegpt') && w.dataset_path === undefined) {
    add(['workload', 'dataset_path'], `required with dataset_name ${dataset}`, undefined);
  }
  if (w.random_token_ids === true && raw.endpoint === '/v1/chat/completions') {
    add(['workload', 'random_token_ids'], 'needs endpoint /v1/completions (chat prompts are text)', true);
  }
  const ramp = ['ramp_up_strategy', 'ramp_up_start_rps', 'ramp_up_end_rps'] as const;
  if (ramp.some((k) => w[k] !== undefined)) {
    for (const k of ramp) if (w[k] === undefined) add(['workload', k], 'required when any ramp_up_* field is set', undefined);
    if (w.request_rate !== undefined && w.request_rate !== 'inf' && w.request_rate !== Infinity) {
      add(['workload', 'request_rate'], 'must stay "inf" with ramp_up_strategy (the ramp sets the rate)', w.request_rate);
    }
    const [a, b] = [w.ramp_up_start_rps, w.ramp_up_end_rps];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      add(['workload', 'ramp_up_start_rps'], `must be <= ramp_up_end_rps (${b})`, a);
    }
  }
  if (Array.isArray(raw.arms)) {
    const seen = new Map<unknown, number>();
    raw.arms.forEach((a, i) => {
      if (!isObj(a)) return;
      if (typeof a.name === 'string') {
        const first = seen.get(a.name);
        if (first !== undefined) add(['arms', i, 'name'], `duplicate arm name (also arms[${first}].name)`, a.name);
        else seen.set(a.name, i);
      }
      const t = raw.target;
      if (a.engine !== undefined && isObj(t) && t.engine === undefined && (t.url !== undefined || t.compose !== undefined)) {
        add(['arms', i, 'engine'], 'engine overrides need target engine', a.engine);
      }
      // A server that is already running cannot take an arm's environment or arguments: an A/B
      // of such arms would compare the same server with itself under two names.
      if (isObj(t) && t.url !== undefined && t.engine === undefined && t.compose === undefined) {
        for (const k of ['env', 'server_args'] as const) {
          const v = a[k];
          const set = Array.isArray(v) ? v.length > 0 : isObj(v) && Object.keys(v).length > 0;
          if (set) add(['arms', i, k], 'a url target is a server already running: it cannot apply an arm\'s env or server_args (use target engine or compose, or arms that differ by extra_body)', v);
        }
      }
    });
  }
  if (typeof raw.warmup === 'number' && typeof w.num_warmups === 'number' && raw.warmup !== w.num_warmups) {
    add(['warmup'], `conflicts with workload.num_warmups (${w.num_warmups}); give one of them`, raw.warmup);
  }
  if (isObj(raw.slo) && Object.keys(raw.slo).length === 0) add(['slo'], 'expected at least one of ttft_ms, tpot_ms, e2el_ms', raw.slo);
}

// Validated raw scenario (snake_case, as written) -> Scenario (camelCase, defaults filled, paths
// absolute, durations in ms, target as target/ wants it). No checks here: the schema did them.
import path from 'node:path';
import type { TargetConfig } from '../target/types.js';
import type { RawScenario } from './schema.js';
import type { EngineOverrides, Scenario, ScenarioArm } from './types.js';

const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const S = 1000;

/** `{timeScale: 0.1, noise: 'off'}` -> ['--time-scale', '0.1', '--noise', 'off'] (`abserve engine` flags). */
export function engineFlags(o: EngineOverrides): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (k === 'faults') {
      // Nested, snake_case as written: http_500 -> --fault-http-500, seed -> --fault-seed,
      // retry_after_s -> --fault-retry-after, stall_ms -> --fault-stall-ms.
      for (const [f, x] of Object.entries(v as Record<string, number | undefined>)) {
        if (x === undefined) continue;
        out.push(`--fault-${f.replace(/_s$/, '').replace(/_/g, '-')}`, String(x));
      }
      continue;
    }
    if (k === 'disableMergeOp') {
      // The engine flag is a switch; false leaves the decision to VLLM_DISABLE_MERGE_ATTN_CUDA_OP.
      if (v === true) out.push('--disable-merge-op');
      continue;
    }
    out.push(`--${kebab(k)}`, String(v));
  }
  return out;
}

function camelObject<T>(o: Record<string, unknown> | undefined): T {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [camel(k), v])) as T;
}

/** Name from the file: `scenarios/r1-4k-1k.yaml` -> 'r1-4k-1k' (made path-safe). */
export function nameFromFile(file: string): string {
  const base = path.basename(file).replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return base.slice(0, 64) || 'scenario';
}

/** Builds the Scenario; `baseDir` resolves relative paths (the scenario file's folder). */
export function resolveScenario(raw: RawScenario, file: string, baseDir: string): Scenario {
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(baseDir, p));
  const name = raw.name ?? nameFromFile(file);
  const w = raw.workload;

  // Engine flags that any arm overrides leave the shared args and go to every arm (its own value,
  // else the target's), so the engine never sees one flag twice.
  const targetEngine = camelObject<EngineOverrides & { profile: string; startTimeoutS: number }>(raw.target.engine);
  const overridden = new Set(raw.arms.flatMap((a) => Object.keys(camelObject(a.engine))));
  const arms: ScenarioArm[] = raw.arms.map((a) => {
    const own = camelObject<EngineOverrides>(a.engine);
    const engine: EngineOverrides = {};
    for (const k of overridden) {
      const v = (own as Record<string, unknown>)[k] ?? (targetEngine as unknown as Record<string, unknown>)[k];
      if (v !== undefined) (engine as Record<string, unknown>)[k] = v;
    }
    const env = Object.fromEntries(Object.entries({ ...raw.env, ...a.env }).map(([k, v]) => [k, String(v)]));
    return {
      name: a.name,
      description: a.description ?? '',
      env,
      serverArgs: a.server_args.map(String),
      extraBody: a.extra_body,
      engine,
    };
  });

  let target: TargetConfig;
  if (raw.target.engine) {
    const { profile, startTimeoutS, ...opts } = targetEngine;
    const shared = Object.fromEntries(Object.entries(opts).filter(([k]) => !overridden.has(k))) as EngineOverrides;
    const args = [...(raw.model !== undefined ? ['--model', raw.model] : []), ...engineFlags(shared)];
    target = { kind: 'engine', profile, args, startTimeoutMs: startTimeoutS * S };
  } else if (raw.target.compose) {
    const c = raw.target.compose;
    const url = c.url.replace(/\/+$/, '');
    target = {
      kind: 'compose',
      files: c.files.map((f) => path.resolve(baseDir, f)),
      project: c.project ?? `abserve-${name.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`,
      service: c.service,
      url,
      healthUrl: c.health_url ?? `${url}/health`,
      startTimeoutMs: c.startup_timeout_s * S,
    };
  } else {
    target = { kind: 'url', url: raw.target.url!.replace(/\/+$/, '') };
  }

  const acc = raw.accuracy;
  return {
    file,
    name,
    description: raw.description,
    target,
    model: raw.model,
    endpoint: raw.endpoint,
    workload: {
      datasetName: w.dataset_name,
      datasetPath: abs(w.dataset_path),
      numPrompts: w.num_prompts,
      randomInputLen: w.random_input_len,
      randomOutputLen: w.random_output_len,
      randomRangeRatio: w.random_range_ratio,
      randomPrefixLen: w.random_prefix_len,
      randomTokenIds: w.random_token_ids,
      randomIdRange: w.random_id_range ? [w.random_id_range[0], w.random_id_range[1]] : undefined,
      sharegptOutputLen: w.sharegpt_output_len,
      requestRate: w.request_rate === 'inf' ? Infinity : w.request_rate,
      burstiness: w.burstiness === 'inf' ? Infinity : w.burstiness,
      rampUp: w.ramp_up_strategy
        ? { strategy: w.ramp_up_strategy, startRps: w.ramp_up_start_rps!, endRps: w.ramp_up_end_rps! }
        : undefined,
      maxConcurrency: w.max_concurrency,
      ignoreEos: w.ignore_eos,
      minTokens: w.min_tokens,
      temperature: w.temperature,
      extraBody: w.extra_body,
      tokenizer: abs(w.tokenizer),
      percentileMetrics: w.percentile_metrics,
      metricPercentiles: w.metric_percentiles,
      requestTimeoutMs: w.request_timeout_s * S,
      stallTimeoutMs: w.stall_timeout_s * S,
      runTimeoutMs: w.run_timeout_s === undefined ? undefined : w.run_timeout_s * S,
    },
    arms,
    repetitions: raw.repetitions,
    order: raw.order,
    warmupRequests: raw.warmup ?? w.num_warmups ?? 0,
    cooldownMs: raw.cooldown_s * S,
    resetPrefixCache: raw.reset_prefix_cache,
    freshServer: raw.fresh_server,
    seed: raw.seed,
    slo: raw.slo ? camelSlo(raw.slo) : undefined,
    alpha: raw.alpha,
    aa: raw.aa,
    accuracy: acc
      ? {
          dataDir: abs(acc.data_dir),
          split: acc.split,
          subjects: acc.subjects,
          categories: acc.categories,
          limit: acc.limit,
          shots: acc.shots,
          maxTokens: acc.max_tokens,
          concurrency: acc.concurrency,
          when: acc.when,
        }
      : undefined,
  };
}

function camelSlo(s: NonNullable<RawScenario['slo']>): Scenario['slo'] {
  const out: NonNullable<Scenario['slo']> = {};
  if (s.ttft_ms !== undefined) out.ttft = s.ttft_ms;
  if (s.tpot_ms !== undefined) out.tpot = s.tpot_ms;
  if (s.e2el_ms !== undefined) out.e2el = s.e2el_ms;
  return out;
}

// k6's shortcut: `abserve bench` flags become a one-arm scenario against a running server, so
// bench and ab share one vocabulary and one validator. Problems name the flags, not YAML paths.
import type { GoodputSlo } from '../metrics/types.js';
import { ScenarioError, type ScenarioProblem } from './errors.js';
import { validateScenarioData } from './load.js';
import { resolveScenario } from './resolve.js';
import type { Scenario } from './types.js';

/**
 * `abserve bench`'s parsed flags, camelCase of the flag names (yargs' values as they come:
 * strings where the flag is a string). Undefined fields take the scenario defaults, which are
 * bench's defaults. Times are seconds, like the flags.
 */
export interface BenchScenarioInput {
  /** --base-url (or http://host:port). */
  baseUrl: string;
  model?: string | undefined;
  endpoint?: string | undefined;
  tokenizer?: string | undefined;
  datasetName?: string | undefined;
  datasetPath?: string | undefined;
  numPrompts?: number | undefined;
  numWarmups?: number | undefined;
  randomInputLen?: number | undefined;
  randomOutputLen?: number | undefined;
  randomRangeRatio?: number | undefined;
  randomPrefixLen?: number | undefined;
  randomTokenIds?: boolean | undefined;
  /** "LO,HI" or [lo, hi]. */
  randomIdRange?: string | readonly [number, number] | undefined;
  sharegptOutputLen?: number | undefined;
  /** "inf", a number, or a numeric string. */
  requestRate?: string | number | undefined;
  burstiness?: number | undefined;
  rampUpStrategy?: string | undefined;
  rampUpStartRps?: number | undefined;
  rampUpEndRps?: number | undefined;
  maxConcurrency?: number | undefined;
  ignoreEos?: boolean | undefined;
  minTokens?: number | undefined;
  temperature?: number | undefined;
  /** A JSON object, as text (the flag) or parsed. */
  extraBody?: string | Record<string, unknown> | undefined;
  /** "ttft,tpot,itl" or a list. */
  percentileMetrics?: string | readonly string[] | undefined;
  /** "50,99" or a list. */
  metricPercentiles?: string | readonly number[] | undefined;
  /** ["ttft:500", "tpot:50"] (vLLM's KEY:MS) or parsed SLOs in ms. */
  goodput?: readonly string[] | GoodputSlo | undefined;
  seed?: number | undefined;
  /** Seconds per request. */
  requestTimeout?: number | undefined;
  /** Seconds without a byte. */
  stallTimeout?: number | undefined;
  /** Seconds for the whole run. */
  runTimeout?: number | undefined;
  /** The arm's name (default 'bench'); must be path-safe. */
  label?: string | undefined;
}

/** Labels messages of CLI-built scenarios. */
export const BENCH_SOURCE = 'abserve bench';

const kebab = (k: string): string => k.replace(/_/g, '-');

/** A scenario field path -> the `abserve bench` flag it came from. */
export function benchFlagFor(fieldPath: string): string {
  if (fieldPath === 'target.url' || fieldPath === 'target') return '--base-url';
  if (fieldPath.startsWith('arms[0].name')) return '--label';
  const slo = /^slo(?:\.(ttft|tpot|e2el)_ms)?$/.exec(fieldPath);
  if (slo) return slo[1] ? `--goodput ${slo[1]}` : '--goodput';
  const w = /^workload\.([a-z_]+)/.exec(fieldPath);
  if (w) {
    // request_timeout_s -> --request-timeout (the flags take seconds without saying so)
    return `--${kebab(w[1]!.replace(/_timeout_s$/, '_timeout'))}`;
  }
  return `--${kebab(fieldPath.split(/[.[]/)[0]!)}`;
}

function parseGoodput(items: readonly string[], problems: ScenarioProblem[]): Record<string, number> {
  const slo: Record<string, number> = {};
  for (const item of items) {
    const [key, value, ...rest] = item.split(':');
    const ms = Number(value);
    if (rest.length > 0 || !['ttft', 'tpot', 'e2el'].includes(key!) || value === undefined || value.trim() === '' || Number.isNaN(ms)) {
      problems.push({ path: '--goodput', message: `expected KEY:MS with KEY one of ttft, tpot, e2el, got ${JSON.stringify(item)}` });
      continue;
    }
    slo[`${key}_ms`] = ms;
  }
  return slo;
}

/**
 * Builds a one-arm `url` scenario (name 'bench', 1 repetition, arm named by `label` or 'bench')
 * from `abserve bench` flags, through the same schema as scenario files; relative paths resolve
 * against the working directory. Throws ScenarioError whose lines name flags:
 * `abserve bench: --num-prompts: expected a positive integer <= 1000000, got -3`.
 */
export function scenarioFromBench(flags: BenchScenarioInput): Scenario {
  const pre: ScenarioProblem[] = [];
  let extraBody: unknown = flags.extraBody;
  if (typeof flags.extraBody === 'string') {
    try {
      extraBody = JSON.parse(flags.extraBody);
    } catch (e) {
      pre.push({ path: '--extra-body', message: `expected a JSON object (${(e as Error).message}), got ${flags.extraBody}` });
      extraBody = undefined;
    }
  }
  const goodput = flags.goodput;
  let slo: Record<string, unknown> | undefined;
  if (Array.isArray(goodput)) {
    const parsed = parseGoodput(goodput as readonly string[], pre);
    slo = Object.keys(parsed).length > 0 ? parsed : undefined; // a bad item is reported once, above
  } else if (goodput !== undefined) {
    slo = Object.fromEntries(Object.entries(goodput as GoodputSlo).map(([k, v]) => [`${k}_ms`, v]));
  }
  let rate: unknown = flags.requestRate;
  if (typeof rate === 'string' && rate !== 'inf') rate = rate === 'Infinity' ? 'inf' : rate.trim() === '' ? rate : Number.isNaN(Number(rate)) ? rate : Number(rate);

  const workload: Record<string, unknown> = {
    dataset_name: flags.datasetName,
    dataset_path: flags.datasetPath,
    num_prompts: flags.numPrompts,
    num_warmups: flags.numWarmups,
    random_input_len: flags.randomInputLen,
    random_output_len: flags.randomOutputLen,
    random_range_ratio: flags.randomRangeRatio,
    random_prefix_len: flags.randomPrefixLen,
    random_token_ids: flags.randomTokenIds,
    random_id_range: flags.randomIdRange,
    sharegpt_output_len: flags.sharegptOutputLen,
    request_rate: rate,
    burstiness: flags.burstiness,
    ramp_up_strategy: flags.rampUpStrategy,
    ramp_up_start_rps: flags.rampUpStartRps,
    ramp_up_end_rps: flags.rampUpEndRps,
    max_concurrency: flags.maxConcurrency,
    ignore_eos: flags.ignoreEos,
    min_tokens: flags.minTokens,
    temperature: flags.temperature,
    extra_body: extraBody,
    tokenizer: flags.tokenizer,
    percentile_metrics: flags.percentileMetrics,
    metric_percentiles: flags.metricPercentiles,
    request_timeout_s: flags.requestTimeout,
    stall_timeout_s: flags.stallTimeout,
    run_timeout_s: flags.runTimeout,
  };
  const raw = {
    name: 'bench',
    target: { url: flags.baseUrl },
    model: flags.model,
    endpoint: flags.endpoint,
    workload: dropUndefined(workload),
    arms: [{ name: flags.label ?? 'bench' }],
    repetitions: 1,
    seed: flags.seed,
    slo,
  };
  const r = validateScenarioData(dropUndefined(raw));
  const problems = [...pre, ...(r.ok ? [] : r.problems.map((p) => ({ ...p, path: benchFlagFor(p.path) })))];
  if (problems.length > 0 || !r.ok) throw new ScenarioError(BENCH_SOURCE, problems);
  return resolveScenario(r.raw, BENCH_SOURCE, process.cwd());
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

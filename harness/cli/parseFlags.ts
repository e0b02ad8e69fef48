// Flag values that need more than yargs' types: each parser names the flag and the bad value.
import { UserError } from '../common/errors.js';
import type { GoodputSlo, PercentileMetric } from '../metrics/types.js';

export function parseRate(flag: string, v: string | number): number {
  if (v === 'inf' || v === 'Infinity') return Number.POSITIVE_INFINITY;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be "inf" or a number > 0: got ${v}`);
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

export function parseMetricPercentiles(v: string): number[] {
  return v.split(',').map((s) => {
    const p = Number(s.trim());
    if (!(p > 0 && p < 100)) throw new UserError(`--metric-percentiles: "${s}" must be a number in (0, 100)`);
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

/** `--metadata k=v k2=v2`. */
export function parseMetadata(items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UserError(`--metadata: "${item}" must be KEY=VALUE`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
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
    throw new UserError(`${flag}: must be a JSON object: got ${v}`);
  }
  return parsed as Record<string, unknown>;
}

export function parseIdRange(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const [lo, hi, ...rest] = v.split(',').map(Number);
  if (rest.length > 0 || !Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
    throw new UserError(`--random-id-range must be LO,HI (integers): got ${v}`);
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
    throw new UserError(`--min-tokens must be an integer >= 0: got ${o.minTokens}`);
  }
  if (o.temperature !== undefined && !(Number.isFinite(o.temperature) && o.temperature >= 0)) {
    throw new UserError(`--temperature must be a number >= 0: got ${o.temperature}`);
  }
  const body: Record<string, unknown> = { temperature: o.temperature ?? 0 };
  if (o.ignoreEos) body.ignore_eos = true;
  if (o.minTokens !== undefined) body.min_tokens = o.minTokens;
  return { ...body, ...extra };
}

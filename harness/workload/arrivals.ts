// Arrival schedule with vLLM's semantics (vllm/benchmarks/serve.py get_request):
// - each request i draws its gap from Gamma(shape = burstiness, scale = 1 / (rate_i * burstiness)),
//   so the mean gap is 1/rate_i and the coefficient of variation is 1/sqrt(burstiness)
//   (burstiness 1 = exponential gaps = Poisson process; < 1 burstier; inf = constant gaps);
// - rate_i is the fixed --request-rate, or with ramp-up, with p = i / max(n - 1, 1):
//   linear start + (end - start) * p, exponential start * (end / start)^p;
// - gaps are summed into absolute offsets from the run start (the first request also waits its
//   gap), and without ramp-up the offsets are rescaled so the last one is exactly n / rate, as
//   vLLM does to keep throughput comparable across seeds;
// - rate inf sends everything at offset 0.
// The load generator sleeps until start + offset for each request, so sleeps never accumulate
// drift. --max-concurrency is the load generator's job, not the schedule's.

import { UserError } from '../common/errors.js';
import { Rng } from '../common/rng.js';

export type RampUpStrategy = 'linear' | 'exponential';

export interface RampUp {
  strategy: RampUpStrategy;
  startRps: number;
  endRps: number;
}

export interface ArrivalOptions {
  /** Requests per second; Infinity sends all at once. Must stay Infinity when rampUp is set. */
  requestRate: number;
  /** Gamma shape; 1 = Poisson, Infinity = evenly spaced. */
  burstiness: number;
  rampUp?: RampUp | undefined;
}

/** Validates with messages that name vLLM's flags. */
export function validateArrivalOptions(o: ArrivalOptions): void {
  if (!(o.requestRate > 0) || Number.isNaN(o.requestRate)) {
    throw new UserError(`--request-rate must be > 0 or inf: got ${o.requestRate}`);
  }
  if (!(o.burstiness > 0)) {
    throw new UserError(`--burstiness must be > 0 (1 = Poisson): got ${o.burstiness}`);
  }
  const r = o.rampUp;
  if (!r) return;
  if (r.strategy !== 'linear' && r.strategy !== 'exponential') {
    throw new UserError(`--ramp-up-strategy must be linear or exponential: got ${String(r.strategy)}`);
  }
  if (o.requestRate !== Infinity) {
    throw new UserError(
      `--request-rate must not be set with --ramp-up-strategy (the ramp sets the rate): got ${o.requestRate}`,
    );
  }
  for (const [flag, v] of [
    ['--ramp-up-start-rps', r.startRps],
    ['--ramp-up-end-rps', r.endRps],
  ] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new UserError(`${flag} must be > 0 and finite: got ${v}`);
  }
  if (r.startRps > r.endRps) {
    throw new UserError(
      `--ramp-up-start-rps must be <= --ramp-up-end-rps: got ${r.startRps} > ${r.endRps}`,
    );
  }
}

/** The target rate (req/s) of request `index` out of `total`. */
export function rateAt(o: ArrivalOptions, index: number, total: number): number {
  const r = o.rampUp;
  if (!r) return o.requestRate;
  const p = index / Math.max(total - 1, 1);
  if (r.strategy === 'linear') return r.startRps + (r.endRps - r.startRps) * p;
  return r.startRps * Math.pow(r.endRps / r.startRps, p);
}

/**
 * Absolute send offsets in ms from the measured run's start, one per request, non-decreasing.
 * Draws come from `rng` only (pass a dedicated stream so the schedule depends on the seed alone).
 */
export function arrivalOffsetsMs(count: number, o: ArrivalOptions, rng: Rng): number[] {
  validateArrivalOptions(o);
  const offsets = new Array<number>(count);
  let t = 0; // seconds
  for (let i = 0; i < count; i++) {
    const rate = rateAt(o, i, count);
    let gap: number;
    if (rate === Infinity) gap = 0;
    else if (o.burstiness === Infinity) gap = 1 / rate;
    else gap = rng.gamma(o.burstiness, 1 / (rate * o.burstiness));
    t += gap;
    offsets[i] = t;
  }
  // vLLM rescales a fixed-rate schedule so the last arrival lands exactly at n / rate.
  if (!o.rampUp && count > 0 && offsets[count - 1]! > 0) {
    const factor = count / o.requestRate / offsets[count - 1]!;
    for (let i = 0; i < count; i++) offsets[i] = offsets[i]! * factor;
  }
  for (let i = 0; i < count; i++) offsets[i] = offsets[i]! * 1000;
  return offsets;
}

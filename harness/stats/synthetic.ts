// Why this file exists: the statistics are tested (and benchmarked) on synthetic samples whose truth
// is known: a per-run offset (server instance), an optional per-request effect shared by both arms
// (same prompt, same slot), per-request noise, and an optional planted multiplicative shift.
import { Rng } from './draw.js';
import type { ArmSample } from './types.js';

/** Shape of one synthetic arm. Latencies in ms; spreads are fractions of `base`. */
export interface SyntheticArm {
  arm: string;
  repetitions: number;
  requests: number;
  /** Mean latency in ms. Default 100. */
  base?: number;
  /** Per-run offset standard deviation, fraction of base (run-to-run variance). Default 0.05. */
  runSd?: number;
  /** Per-request noise standard deviation, fraction of base. Default 0.2. */
  noiseSd?: number;
  /** Per-request effects shared across arms (fraction of base), length `requests`; default none. */
  requestEffects?: Float64Array;
  /** Multiplicative shift of every value (0.05 = 5% slower). Default 0. */
  shift?: number;
  /** Values per unit (ITL-like units when > 1). Default 1. */
  valuesPerUnit?: number;
}

/** Draws an ArmSample from `rng`; keys are the request indices 0..requests-1. */
export function syntheticArm(rng: Rng, s: SyntheticArm): ArmSample {
  const base = s.base ?? 100;
  const runSd = s.runSd ?? 0.05;
  const noiseSd = s.noiseSd ?? 0.2;
  const k = s.valuesPerUnit ?? 1;
  const scale = 1 + (s.shift ?? 0);
  const repetitions = [];
  for (let r = 0; r < s.repetitions; r++) {
    const offset = runSd * rng.normal();
    const units: number[][] = [];
    const keys: number[] = [];
    for (let i = 0; i < s.requests; i++) {
      const eff = s.requestEffects ? s.requestEffects[i] : 0;
      const unit: number[] = [];
      for (let j = 0; j < k; j++) unit.push(base * scale * (1 + offset + eff + noiseSd * rng.normal()));
      units.push(unit);
      keys.push(i);
    }
    repetitions.push({ units, keys });
  }
  return { arm: s.arm, repetitions };
}

/** `requests` per-request effects ~ N(0, sd^2), fractions of base. */
export function requestEffects(rng: Rng, requests: number, sd: number): Float64Array {
  const e = new Float64Array(requests);
  for (let i = 0; i < requests; i++) e[i] = sd * rng.normal();
  return e;
}

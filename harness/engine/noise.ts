// Seeded noise for the engine's step times, so two engine instances differ the way two vLLM server
// instances do and an A/A comparison on the engine is not trivially "significant" (issue 6 s5).
//
// Two multiplicative log-normal factors, both with mean 1 (exp(sigma*z - sigma^2/2)):
//   - per run (per engine instance): drawn once at start, scales every step of this instance;
//     stands for what differs between server restarts (clocks, memory placement, NCCL rings);
//   - per step: drawn for every step; stands for kernel-time and host jitter inside one run.
// Log-normal rather than normal: a step can be slow by a lot but never take negative time.
// The coefficients live in the profile (profiles.ts); their derivation is in this folder's README.
import { Rng } from '../common/rng.js';

/** Log-scale standard deviations of the two factors (about their coefficient of variation). */
export interface NoiseCoefficients {
  /** Per-step jitter sigma (0: none). 0.01 = each step about 1% off, independently. */
  readonly stepSigma: number;
  /** Per-run (per engine instance) offset sigma (0: none). 0.05 = instances about 5% apart. */
  readonly runSigma: number;
}

/** What the cost model asks for once per step: a multiplicative factor around 1. */
export interface StepNoiseSource {
  next(): number;
}

const logNormal = (rng: Rng, sigma: number): number => (sigma === 0 ? 1 : Math.exp(sigma * rng.normal() - (sigma * sigma) / 2));

/**
 * One engine instance's noise: the run factor is fixed at construction, `next()` returns
 * runFactor x a fresh per-step factor. Same seed and coefficients -> the same sequence.
 * Streams are independent ('engine-run', 'engine-step'), so the run factor does not depend on how
 * many steps were drawn.
 */
export class StepNoise implements StepNoiseSource {
  /** This instance's per-run factor (mean 1 over seeds). */
  readonly runFactor: number;
  private readonly steps: Rng;

  constructor(
    private readonly coeffs: NoiseCoefficients,
    readonly seed: number,
  ) {
    this.runFactor = logNormal(new Rng(seed, 'engine-run'), coeffs.runSigma);
    this.steps = new Rng(seed, 'engine-step');
  }

  /** runFactor x this step's jitter factor. */
  next(): number {
    return this.runFactor * logNormal(this.steps, this.coeffs.stepSigma);
  }
}

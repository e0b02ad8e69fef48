// The prediction of issue 8: what a merge-kernel change does end to end on a scenario, from the
// engine's cost model, as an interval (the noise model makes single A/B runs scatter like server
// runs), plus the attribution bound: no latency can change by more than the kernel's largest share
// of a step's time times its saving, so a claimed gain beyond that is more than the kernel explains.
//
// Arms in the engine's vocabulary: A = 'fallback' (the old kernel), B = 'cuda' (the new one).
import { npMean, npStd } from '../metrics/numpyStats.js';
import { FIT_METRICS, simulateMetrics, type FitMetrics, type FitScenario } from './calibrate.js';
import { mergeCost } from './costModel.js';
import { StepNoise } from './noise.js';
import type { CostProfile } from './profiles.js';
import { summarize } from './scheduler.js';

export interface MetricPrediction {
  metric: keyof FitMetrics;
  /** B / A - 1 in percent with noise off: the kernel's effect in the model. */
  effectPct: number;
  /**
   * Centre and 95% range of B / A - 1 (percent) for one A/B run of this design (one fresh noisy
   * engine per arm), from `reps` simulated pairs: log(B/A) is close to normal (both arms scale by a
   * log-normal instance factor), so the range is exp(mean +- 1.96 sd) of the logs. Measured on
   * 8k-64 mean TTFT: 40 pairs' empirical 2.5/97.5 percentiles gave -8.8..+10.1%, 400 pairs'
   * -14.2..+13.9% (the model's sqrt(2) x 5% says +-13.9%); the normal fit with 100 pairs (the
   * default) gives -13.5..+13.1%.
   */
  medianPct: number;
  rangePct: [number, number];
}

export interface KernelAttribution {
  /** Old kernel's merge time over all step time (arm A, noise off), percent. */
  oldSharePct: number;
  /** Saving (old - new merge time) over all step time: the throughput-level bound, percent. */
  savingPct: number;
  /** Largest saving of any single step over that step's time: no latency, a sum of step times,
   *  can shrink by more (percent). */
  maxStepSavingPct: number;
}

export interface Prediction {
  scenario: FitScenario;
  reps: number;
  metrics: MetricPrediction[];
  attribution: KernelAttribution;
}

/**
 * Simulates `reps` A/B pairs with noise (A seed 2i, B seed 2i+1 after `seed`; each a fresh
 * engine instance) and one noiseless pair; returns per-metric effects and the attribution bound.
 */
export function predictScenario(profile: CostProfile, sc: FitScenario, reps = 100, seed = 1): Prediction {
  let oldMerge = 0;
  let newMerge = 0;
  let total = 0;
  let maxStep = 0;
  const a0 = simulateMetrics(profile, sc, 'fallback', undefined, (b) => {
    const s = summarize(b.plan);
    const old = mergeCost(profile, s, 'fallback');
    const neu = mergeCost(profile, s, 'cuda');
    oldMerge += old;
    newMerge += neu;
    total += b.durationMs;
    if (b.durationMs > 0) maxStep = Math.max(maxStep, (old - neu) / b.durationMs);
  });
  const b0 = simulateMetrics(profile, sc, 'cuda');
  const changes: number[][] = FIT_METRICS.map(() => []);
  for (let i = 0; i < reps; i++) {
    const a = simulateMetrics(profile, sc, 'fallback', new StepNoise(profile.noise, seed + 2 * i));
    const b = simulateMetrics(profile, sc, 'cuda', new StepNoise(profile.noise, seed + 2 * i + 1));
    FIT_METRICS.forEach((m, k) => changes[k].push(Math.log(b[m] / a[m])));
  }
  return {
    scenario: sc,
    reps,
    metrics: FIT_METRICS.map((metric, k) => {
      const logs = changes[k];
      const mean = npMean(logs);
      const sd = npStd(logs) * Math.sqrt(logs.length / (logs.length - 1)); // sample sd (ddof 1)
      const pct = (x: number): number => (Math.exp(x) - 1) * 100;
      return {
        metric,
        effectPct: (b0[metric] / a0[metric] - 1) * 100,
        medianPct: pct(mean),
        rangePct: [pct(mean - 1.96 * sd), pct(mean + 1.96 * sd)],
      };
    }),
    attribution: {
      oldSharePct: (oldMerge / total) * 100,
      savingPct: ((oldMerge - newMerge) / total) * 100,
      maxStepSavingPct: maxStep * 100,
    },
  };
}

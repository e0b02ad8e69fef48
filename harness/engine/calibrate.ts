// Calibration of an engine profile against published serving runs (issue 8): simulate each
// published scenario and arm in virtual time, compute the published metrics through metrics/ (the
// one definition), and fit the cost-model coefficients by a deterministic Nelder-Mead search in
// log space. The same inputs always give the same profile, so a test can rerun the fit.
//
// Offline tooling like simulate.ts: it imports metrics/ (which imports only records/); the served
// engine never does.
import { summarize } from '../metrics/numpyStats.js';
import { deriveRequest } from '../metrics/perRequest.js';
import type { MergeImpl } from './costModel.js';
import type { StepNoiseSource } from './noise.js';
import type { MicroBatch } from './pipeline.js';
import type { CostProfile } from './profiles.js';
import { simulateClosedLoop } from './simulate.js';

/** A closed-loop scenario as vLLM's benchmark runs it: --request-rate inf --max-concurrency C. */
export interface FitScenario {
  name: string;
  numPrompts: number;
  /** Tokens. */
  inputLen: number;
  outputLen: number;
  concurrency: number;
}

/** The six numbers fitted, as vLLM's block prints them: ms, except durationS (s). */
export interface FitMetrics {
  meanTtftMs: number;
  medianTtftMs: number;
  p99TtftMs: number;
  meanTpotMs: number;
  medianItlMs: number;
  durationS: number;
}
export const FIT_METRICS: readonly (keyof FitMetrics)[] = ['meanTtftMs', 'medianTtftMs', 'p99TtftMs', 'meanTpotMs', 'medianItlMs', 'durationS'];

export interface FitTarget {
  scenario: FitScenario;
  arm: MergeImpl;
  published: FitMetrics;
}

/** Profile fields the fit moves (all > 0, searched in log space). */
export const FIT_PARAMS = ['fixedMs', 'eagerFixedMs', 'perPrefillTokenMs', 'perDecodeSeqMs', 'perContextTokenMs', 'perPrefillAttnPairMs'] as const;
export type FitParam = (typeof FIT_PARAMS)[number];

/**
 * Simulates one scenario/arm (noise only when `noise` is given, as one fresh server instance) and
 * computes the fitted metrics via metrics/. `onBatch` sees every micro-batch (kernel attribution).
 */
export function simulateMetrics(
  profile: CostProfile,
  sc: FitScenario,
  arm: MergeImpl,
  noise?: StepNoiseSource,
  onBatch?: (b: MicroBatch) => void,
): FitMetrics {
  const reqs = Array.from({ length: sc.numPrompts }, () => ({ promptTokens: sc.inputLen, outputTokens: sc.outputLen }));
  const limits = { maxNumSeqs: profile.maxNumSeqs, maxNumBatchedTokens: profile.maxNumBatchedTokens };
  const sim = simulateClosedLoop(profile, limits, { merge: arm, timeScale: 1, noise }, reqs, sc.concurrency, onBatch);
  // metrics/ definitions per request (deriveRequest) and numpy statistics (summarize); the
  // histograms of a full aggregate() are not needed here and cost as much as the simulation.
  const per = sim.records.map(deriveRequest).filter((m) => m.success);
  const ttft = summarize(per.map((m) => m.ttftMs!), [99]);
  const tpot = summarize(per.flatMap((m) => (m.tpotMs === null ? [] : [m.tpotMs])), []);
  const itl = summarize(per.flatMap((m) => m.itlsMs), []);
  return {
    meanTtftMs: ttft.mean,
    medianTtftMs: ttft.median,
    p99TtftMs: ttft.percentiles[0].value,
    meanTpotMs: tpot.mean,
    medianItlMs: itl.median,
    durationS: sim.durationMs / 1000,
  };
}

export interface FitRow {
  scenario: string;
  arm: MergeImpl;
  metric: keyof FitMetrics;
  published: number;
  simulated: number;
  /** (simulated / published - 1) x 100. */
  errorPct: number;
}

/** Published vs simulated for every target and metric. */
export function fitTable(profile: CostProfile, targets: readonly FitTarget[]): FitRow[] {
  return targets.flatMap((t) => {
    const sim = simulateMetrics(profile, t.scenario, t.arm);
    return FIT_METRICS.map((metric) => ({
      scenario: t.scenario.name,
      arm: t.arm,
      metric,
      published: t.published[metric],
      simulated: sim[metric],
      errorPct: (sim[metric] / t.published[metric] - 1) * 100,
    }));
  });
}

/** Beyond this |log error| (~14%) a row is penalised hard, so no number is given up for the rest. */
const SOFT_LIMIT = Math.log(1.14);

/**
 * Sum of squared log errors (symmetric in over/under, smooth for the simplex search) plus 100x
 * the squared excess of any row beyond SOFT_LIMIT (the bar is 15% on every number).
 */
function objective(rows: readonly FitRow[]): number {
  return rows.reduce((s, r) => {
    const e = Math.abs(Math.log(r.simulated / r.published));
    return s + e * e + 100 * Math.max(0, e - SOFT_LIMIT) ** 2;
  }, 0);
}

const sig = (x: number, digits = 4): number => Number(x.toPrecision(digits));

function withParams(p: CostProfile, x: readonly number[]): CostProfile {
  const o: Record<string, number> = {};
  FIT_PARAMS.forEach((k, i) => (o[k] = sig(Math.exp(x[i]))));
  return { ...p, ...o };
}

/**
 * Evaluations of the stored fit. Measured on this 2-core box from CALIBRATION_START against the
 * four published blocks: 60 evals -> worst row 15.2%, 100 -> 14.8% (5.2 s), 140 -> 14.8% (9.5 s).
 */
export const DEFAULT_MAX_EVALS = 100;

export interface FitResult {
  profile: CostProfile;
  rows: FitRow[];
  evaluations: number;
  /** Largest |errorPct| over all rows. */
  worstPct: number;
}

/**
 * Nelder-Mead (reflection 1, expansion 2, contraction 0.5, shrink 0.5) over log(FIT_PARAMS),
 * starting from `start` (every fitted field must be > 0) with a +30% initial simplex, for at most
 * `maxEvals` evaluations of all targets. Coefficients are rounded to 4 significant digits at every
 * evaluation, so the stored profile is exactly a point the search evaluated.
 */
export function calibrate(start: CostProfile, targets: readonly FitTarget[], maxEvals = DEFAULT_MAX_EVALS): FitResult {
  for (const k of FIT_PARAMS) {
    const v = start[k];
    if (!(typeof v === 'number' && v > 0)) throw new Error(`calibrate: start profile ${start.name} needs ${k} > 0, got ${String(v)}`);
  }
  let evals = 0;
  const f = (x: number[]): number => {
    evals++;
    return objective(fitTable(withParams(start, x), targets));
  };
  const n = FIT_PARAMS.length;
  const x0 = FIT_PARAMS.map((k) => Math.log(start[k] as number));
  let simplex = [x0, ...FIT_PARAMS.map((_, i) => x0.map((v, j) => (j === i ? v + Math.log(1.3) : v)))];
  let values = simplex.map(f);
  const combine = (a: number[], b: number[], t: number): number[] => a.map((v, i) => v + t * (b[i] - v));
  while (evals < maxEvals) {
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    simplex = order.map((i) => simplex[i]);
    values = order.map((i) => values[i]);
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, p) => s + p[j], 0) / n);
    const worst = simplex[n];
    const xr = combine(centroid, worst, -1);
    const fr = f(xr);
    if (fr < values[0]) {
      const xe = combine(centroid, worst, -2);
      const fe = f(xe);
      [simplex[n], values[n]] = fe < fr ? [xe, fe] : [xr, fr];
    } else if (fr < values[n - 1]) {
      [simplex[n], values[n]] = [xr, fr];
    } else {
      const xc = combine(centroid, worst, 0.5);
      const fc = f(xc);
      if (fc < values[n]) {
        [simplex[n], values[n]] = [xc, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = combine(simplex[0], simplex[i], 0.5);
          values[i] = f(simplex[i]);
        }
      }
    }
  }
  const best = values.indexOf(Math.min(...values));
  const profile = withParams(start, simplex[best]);
  const rows = fitTable(profile, targets);
  return { profile, rows, evaluations: evals, worstPct: Math.max(...rows.map((r) => Math.abs(r.errorPct))) };
}

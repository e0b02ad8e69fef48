// The contract between stats/ (which computes it), ab/ (which feeds it runs) and report/ (which
// prints it). Pure data: everything here is JSON-serialisable and lands in comparison.json.
//
// Vocabulary: an *arm* is one server configuration (A = baseline, B = change); a *repetition* is
// one run of the whole workload against one arm; a *unit* is one request's values for a metric
// (one value for TTFT/TPOT/E2EL, every gap for ITL). Requests with the same key in A and B were
// built from the same prompt and schedule slot, so they can be paired.

/** One repetition of one arm, for one metric. */
export interface RepetitionSample {
  /** One entry per successful request: that request's values for the metric (ms, or tok/s). For a
   *  run-level metric (throughput) a single unit holding the run's one value. */
  units: number[][];
  /** Optional, same length as `units`: the request's workload index, used to pair A with B. */
  keys?: number[];
}

/** All repetitions of one arm, for one metric. */
export interface ArmSample {
  arm: string;
  repetitions: RepetitionSample[];
}

/** The statistic of the pooled values that is compared. p90/p99 are numpy-linear percentiles. */
export type Statistic = 'mean' | 'median' | 'p90' | 'p99';

/** Verdict in the user's words: for latencies lower is faster, for throughputs higher is faster. */
export type Verdict = 'faster' | 'slower' | 'no_significant_difference';

/** Two-sided interval [low, high] at the comparison's confidence (1 - alpha). */
export type Interval = [number, number];

/** B vs A for one metric and one statistic. Units are the metric's (ms for latencies, tok/s or
 *  req/s for throughputs); `ratio` is B / A (dimensionless). */
export interface MetricComparison {
  /** vLLM's metric stem: ttft, tpot, itl, e2el, request_throughput, output_throughput, ... */
  metric: string;
  statistic: Statistic;
  unit: 'ms' | 'tok/s' | 'req/s';
  higherIsBetter: boolean;
  /** Statistic of all of A's (B's) pooled values over all repetitions. */
  a: number;
  b: number;
  /** b - a, with the hierarchical-bootstrap percentile interval (widened for few repetitions, see
   *  smallSampleWidening). [NaN, NaN] -- written as [null, null] by JSON.stringify -- when no
   *  interval exists (a run-level metric with fewer than 2 repetitions in an arm). */
  diff: number;
  diffCi: Interval;
  /** b / a, with the hierarchical-bootstrap interval. */
  ratio: number;
  ratioCi: Interval;
  /** Two-sided bootstrap p-value for diff = 0: 2 * min(P*(d <= 0), P*(d >= 0)), floored at
   *  1 / (resamples + 1); NaN (JSON null) without an interval. */
  pValue: number;
  /** Mann-Whitney U two-sided p-value on the pooled units' values (second opinion); null for
   *  run-level metrics with fewer than 2 repetitions per arm. */
  mannWhitneyP: number | null;
  /** Paired per-request difference (request i in A vs request i in B, matched by repetition index
   *  and key), when keys allow it: mean of (b_i - a_i) over matched requests (a request's value is
   *  the mean of its unit's values), its hierarchical-bootstrap interval and p-value, and
   *  `signFlipP`, the sign-flip permutation p-value that treats pairs as independent (see
   *  stats/paired.ts). The same object for every statistic of a metric. */
  paired: { n: number; meanDiff: number; ci: Interval; pValue: number; signFlipP?: number } | null;
  /** The statistic per repetition, in run order, so drift is visible. */
  perRepetition: { a: number[]; b: number[] };
  /** Minimum detectable effect at 80% power and this alpha for this design, absolute (metric
   *  units) and relative to a (percent): (z_{1-alpha/2} + z_{0.8}) * SE, SE the standard deviation
   *  of the bootstrap b - a. NaN (JSON null) without an interval. */
  mde: number;
  /** NaN (JSON null) when `baselineNearZero`: a percentage of a baseline within noise of zero
   *  means nothing (0.002 ms against a 0.001 ms mean read as 200%). */
  mdePct: number;
  /** A is within noise of zero (stats/mde.ts baselineNearZero: |a| within the half-width of A's own
   *  bootstrap interval, or under 0.01 ms): reports print the MDE in the metric's unit, not as a
   *  percentage. Absent in comparisons saved before it existed (read as false). */
  baselineNearZero?: boolean;
  verdict: Verdict;
  /** Factor (>= 1) by which the bootstrap distribution of B - A (and B / A) was widened around its
   *  median for few repetitions: t_{1-alpha/2, nu} / z_{1-alpha/2}, nu the Welch-Satterthwaite
   *  effective degrees of freedom (stats/smallSample.ts). 1 when no widening applied. */
  smallSampleWidening?: number;
}

/** What comparison.json holds. */
export interface Comparison {
  arms: { a: string; b: string };
  alpha: number;
  /** 1 - alpha. */
  confidence: number;
  resamples: number;
  seed: number;
  repetitions: { a: number; b: number };
  /** False when an arm has a single repetition: the interval then covers request-to-request
   *  noise only, not run-to-run (server instance) variance. */
  runToRunCovered: boolean;
  metrics: MetricComparison[];
  /** Human-readable caveats, e.g. one repetition per arm, differing failure rates. */
  notes: string[];
}

// Why this file exists: the public face of stats/ (pure numbers for the A/B verdict): import from
// here rather than from the individual modules.
export type { ArmSample, Comparison, Interval, MetricComparison, RepetitionSample, Statistic, Verdict } from './types.js';
export { compareArms, type MetricInput } from './arms.js';
export {
  compareMetric,
  compareMetricStatistics,
  verdictOf,
  resolveOptions,
  DEFAULT_ALPHA,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  type CompareOptions,
  type MetricSpec,
  type MetricCaveats,
} from './compare.js';
export { bootstrapArm, statisticsOf, StatPlan } from './bootstrap.js';
export { bootstrapPValue, percentileInterval, standardError, NO_INTERVAL } from './interval.js';
export { mannWhitneyU, type MannWhitneyResult } from './mannWhitney.js';
export { minimumDetectableEffect } from './mde.js';
export { matchPairs, pairedComparison, type PairedDiffs, type PairedResult } from './paired.js';
export { flattenArm, type FlatArm } from './sample.js';
export { effectiveDf, widening } from './smallSample.js';
export { normalCdf, normalQuantile, normalSf } from './normal.js';
export { studentTQuantile, studentTCdf } from './studentT.js';
export { percentileSorted, statisticPercent } from './quantile.js';
export { formatComparison, formatNumber, formatP } from './format.js';
export { StatsInputError } from './errors.js';

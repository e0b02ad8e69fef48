// Public surface of harness/metrics: records in, BenchResult out.
export { aggregate, resolveOptions, isGood, DEFAULT_METRIC_PERCENTILES, DEFAULT_PERCENTILE_METRICS } from './aggregate.js';
export { deriveRequest, outputTokensOf } from './perRequest.js';
export { timeline, type Timeline } from './timeline.js';
export { summarize, npMean, npStd, npSum, npMedianSorted, npPercentileSorted, pairwiseSum } from './numpyStats.js';
export {
  newLatencyHistogram,
  histogramFromMs,
  encodeHistogram,
  decodeHistogram,
  mergeHistograms,
  encodeMs,
  type Histogram,
} from './hdr.js';
export type * from './types.js';
export { tallyFailures, formatFailureTally, failureLabel, type FailureTallyEntry } from './failureTally.js';

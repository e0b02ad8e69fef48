// The target module's front door: createTarget picks the kind; the rest is re-exported so callers
// (ab/, bench/, cli/) import from one place.
import { composeTarget } from './composeTarget.js';
import { engineTarget } from './engineTarget.js';
import type { Target, TargetConfig } from './types.js';
import { urlTarget } from './urlTarget.js';

/** A Target for the config's kind ('engine' | 'url' | 'compose'); nothing starts until `start`. */
export function createTarget(config: TargetConfig): Target {
  switch (config.kind) {
    case 'engine':
      return engineTarget(config);
    case 'url':
      return urlTarget(config);
    case 'compose':
      return composeTarget(config);
  }
}

export type * from './types.js';
export { registerCleanup, runCleanups, INTERRUPT_EXIT_CODE } from './cleanup.js';
export { SERVER_ARGS_ENV } from './composeTarget.js';
export { resetPrefixCache } from './prefixCache.js';
export { startMetricsScraper, type MetricsSeries, type MetricsScraper, type ScraperOptions } from './metricsScraper.js';
export { listModels, listServedModels, type ServedModel } from './probe.js';

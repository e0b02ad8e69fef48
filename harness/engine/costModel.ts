// Step time of the embedded engine: a linear model over what the step computes, plus the
// merge-attention-states cost for chunks with cached context, CUDA kernel or Triton fallback.
import type { CostProfile } from './profiles.js';
import type { StepSummary } from './scheduler.js';

export type MergeImpl = 'cuda' | 'fallback';

export interface StepCost {
  /** Total step time in ms after timeScale (or the fixed step time when one is set). */
  totalMs: number;
  /** The merge share of totalMs (0 with a fixed step time). */
  mergeMs: number;
}

export interface CostOptions {
  merge: MergeImpl;
  /** Multiplies every step time (0.02 runs a realistic profile 50x faster). */
  timeScale: number;
  /** When set, every step takes exactly this many ms whatever the batch (client benchmark). */
  fixedStepMs?: number;
}

export function stepCost(profile: CostProfile, s: StepSummary, opts: CostOptions): StepCost {
  if (opts.fixedStepMs !== undefined) return { totalMs: opts.fixedStepMs, mergeMs: 0 };
  const perMerge = opts.merge === 'cuda' ? profile.mergeCudaPerTokenMs : profile.mergeFallbackPerTokenMs;
  const mergeMs = s.mergeTokens * perMerge;
  const base =
    profile.fixedMs +
    s.prefillTokens * profile.perPrefillTokenMs +
    s.decodeSeqs * profile.perDecodeSeqMs +
    s.contextTokens * profile.perContextTokenMs;
  return { totalMs: (base + mergeMs) * opts.timeScale, mergeMs: mergeMs * opts.timeScale };
}

// Step time of the embedded engine: a linear model over what the step computes, plus the
// merge-attention-states cost for chunks with cached context, CUDA kernel or Triton fallback.
import type { StepNoiseSource } from './noise.js';
import { mergeCallMs } from './mergeTable.js';
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
  /**
   * Every step this many times as long (default 1), fixed steps included: plants a known effect
   * for A/B tests (1.05 = 5% slower). Unlike timeScale it is meant to differ between arms.
   */
  stepScale?: number;
  /**
   * Seeded noise (noise.ts): one factor drawn per modelled step. Absent: exactly deterministic.
   * Fixed steps (fixedStepMs) never draw: they exist to be exact.
   */
  noise?: StepNoiseSource;
}

/**
 * Time of one step in ms: (fixed + prefill + decode + context + merge terms) x timeScale x
 * stepScale x the noise factor (one draw per call when `opts.noise` is set). A fixed step time
 * replaces the model (x stepScale, no noise).
 */
export function stepCost(profile: CostProfile, s: StepSummary, opts: CostOptions): StepCost {
  const stepScale = opts.stepScale ?? 1;
  if (opts.fixedStepMs !== undefined) return { totalMs: opts.fixedStepMs * stepScale, mergeMs: 0 };
  const mergeMs = mergeCost(profile, s, opts.merge);
  const base =
    fixedCost(profile, s) +
    s.prefillTokens * profile.perPrefillTokenMs +
    s.decodeSeqs * profile.perDecodeSeqMs +
    s.contextTokens * profile.perContextTokenMs +
    s.prefillAttnPairs * (profile.perPrefillAttnPairMs ?? 0);
  const k = opts.timeScale * stepScale * (opts.noise ? opts.noise.next() : 1);
  return { totalMs: (base + mergeMs) * k, mergeMs: mergeMs * k };
}

/**
 * The step's fixed cost: `fixedMs` for a step vLLM runs as a CUDA graph (decode only, every
 * context <= maxSeqLenToCapture), `eagerFixedMs` otherwise (mixed prefill steps, long contexts).
 * Profiles without eagerFixedMs pay fixedMs always.
 */
export function fixedCost(p: CostProfile, s: StepSummary): number {
  if (p.eagerFixedMs === undefined) return p.fixedMs;
  const graph = s.prefillTokens === 0 && s.maxContextLen <= (p.maxSeqLenToCapture ?? 8192);
  return graph ? p.fixedMs : p.eagerFixedMs;
}

/** Merge-op ms of a step: per chunk with cached context, calls x the table's time at its size,
 *  or the per-token linear cost of profiles without a table. */
export function mergeCost(p: CostProfile, s: StepSummary, impl: MergeImpl): number {
  const t = p.mergeTable;
  if (!t) return s.mergeTokens * (impl === 'cuda' ? p.mergeCudaPerTokenMs : p.mergeFallbackPerTokenMs);
  let ms = 0;
  for (const n of s.mergeChunkTokens) ms += t.callsPerChunk * mergeCallMs(t, n, impl);
  return ms;
}

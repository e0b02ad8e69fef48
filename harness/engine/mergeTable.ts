// Kernel timing table for the merge op (issue 8): the merge share of a step is the number of merge
// calls times the kernel's time for that call's shape, read from measured times and interpolated
// by token count. Default: the published L20 numbers; `abserve micro` JSON measured on any GPU
// can replace them (cli/predict.ts converts it).

/** Time of one merge_attn_states call at one token count (heads and head size fixed), ms. */
export interface MergePoint {
  tokens: number;
  /** The CUDA kernel (merge op on). */
  cudaMs: number;
  /** The Triton fallback (VLLM_DISABLE_MERGE_ATTN_CUDA_OP=1). */
  fallbackMs: number;
}

export interface MergeTimingTable {
  /** Where the times come from (printed in tables). */
  source: string;
  /** Merge calls per prefill chunk that attends to cached context: one per attention layer. */
  callsPerChunk: number;
  /** Extra host time per fallback call (Triton's Python launch path), ms. */
  fallbackHostMs: number;
  /** Sorted by tokens; at least one point. */
  points: readonly MergePoint[];
}

// Published kernel times on NVIDIA L20, NUM_HEADS 16, HEAD_SIZE 128 (shared/data/published-r1-l20
// README): 512 tokens fp16 Triton 0.050995 / CUDA 0.015722 ms (fp32 0.051350 / 0.016072), 4096
// tokens bf16 Triton 0.081408 / CUDA 0.026824 ms. The bf16 model sits closest to fp16 at 512.
// Host cost: Triton's launch path costs ~22 us more per call than a C++ op (shared/docs/kernel.md).
// 61 layers: DeepSeek-R1 (every layer uses MLA, so every layer merges).
export const L20_PUBLISHED: MergeTimingTable = {
  source: 'published L20 (16 heads x 128)',
  callsPerChunk: 61,
  fallbackHostMs: 0.022,
  points: [
    { tokens: 512, cudaMs: 0.015722, fallbackMs: 0.050995 },
    { tokens: 4096, cudaMs: 0.026824, fallbackMs: 0.081408 },
  ],
};

/**
 * One call's time at `tokens`, ms: linear between the two nearest points, extrapolated along the
 * end segment beyond them (a single point scales proportionally), never below 0.
 */
export function mergeCallMs(t: MergeTimingTable, tokens: number, impl: 'cuda' | 'fallback'): number {
  const pts = t.points;
  const y = (p: MergePoint): number => (impl === 'cuda' ? p.cudaMs : p.fallbackMs);
  const host = impl === 'fallback' ? t.fallbackHostMs : 0;
  if (pts.length === 1) return (y(pts[0]) * tokens) / pts[0].tokens + host;
  let i = 0;
  while (i < pts.length - 2 && tokens > pts[i + 1].tokens) i++;
  const a = pts[i];
  const b = pts[i + 1];
  const v = y(a) + ((y(b) - y(a)) * (tokens - a.tokens)) / (b.tokens - a.tokens);
  return Math.max(0, v) + host;
}

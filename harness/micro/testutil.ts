// Helpers shared by the micro tests: random inputs and comparison with the float64 reference.
import { dtypeTolerance, fromFloat32, readElement, type DType } from './dtype.js';
import type { MergeInputs, MergeSInputs, ViewStrides } from './merge.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

export function randomInputs(dtype: DType, T: number, H: number, D: number, seed: number,
  strides?: { prefix?: ViewStrides; suffix?: ViewStrides; out?: ViewStrides }): MergeInputs {
  const r = rng(seed);
  const len = (s?: ViewStrides) => (s ? (T - 1) * s.token + (H - 1) * s.head + D : T * H * D);
  const data = (n: number) => fromFloat32(Float32Array.from({ length: n }, () => r() * 4 - 2), dtype);
  return {
    dtype, T, H, D,
    prefix: data(len(strides?.prefix)),
    suffix: data(len(strides?.suffix)),
    prefixLse: Float32Array.from({ length: T * H }, () => r() * 16 - 8),
    suffixLse: Float32Array.from({ length: T * H }, () => r() * 16 - 8),
    strides,
  };
}

export function randomSInputs(dtype: DType, S: number, T: number, H: number, D: number, seed: number): MergeSInputs {
  const r = rng(seed);
  return {
    dtype, S, T, H, D,
    parts: fromFloat32(Float32Array.from({ length: S * T * H * D }, () => r() * 4 - 2), dtype),
    lses: Float32Array.from({ length: S * H * T }, () => r() * 16 - 8),
  };
}

/** Number of elements outside tolerance / with a different NaN/inf pattern (0 = matches). */
export function countMismatches(dtype: DType, T: number, H: number, D: number,
  out: Float32Array | Uint16Array, outLse: Float32Array | null, ref: { out: Float64Array; outLse: Float64Array },
  outStrides?: ViewStrides): number {
  const tol = dtypeTolerance(dtype);
  const so = outStrides ?? { token: H * D, head: D };
  let bad = 0;
  const cmp = (g: number, w: number, t: number) => {
    if (Number.isNaN(w) || Number.isNaN(g)) return Number.isNaN(w) && Number.isNaN(g) ? 0 : 1;
    if (!Number.isFinite(w) || !Number.isFinite(g)) return g === w ? 0 : 1;
    return Math.abs(g - w) <= t * Math.max(1, Math.abs(w)) ? 0 : 1;
  };
  for (let t = 0; t < T; t++)
    for (let h = 0; h < H; h++)
      for (let d = 0; d < D; d++)
        bad += cmp(readElement(out, t * so.token + h * so.head + d, dtype), ref.out[(t * H + h) * D + d], tol);
  if (outLse) for (let i = 0; i < T * H; i++) bad += cmp(outLse[i], ref.outLse[i], 1e-5);
  return bad;
}

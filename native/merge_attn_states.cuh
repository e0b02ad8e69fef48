// merge_attn_states CUDA kernels, templated on dtype and vector width (in the manner of
// FlashInfer's cascade.cuh). Semantics: mas_common.h / shared/docs/kernel.md.
//
//   optimized : BX threads per row, each moving 16-byte packs of it; D known at compile time for
//               64/128/256 (one pack per thread, no loop), a generic path for other D; any H;
//               64-bit offsets; output LSE written by the row's first thread. Two grids (token
//               grid, the default, and the v2 row grid) and two weight rules (approximate MUFU,
//               the default, and accurate expf/logf), chosen in mas_kernels.inc.
//   merge_s   : the same layout for S partial results in one pass.
//   baseline  : one thread per 16-byte pack over a flat index, 128-thread blocks, run-time
//               divisions (the design of vLLM's CUDA kernel), with the full semantics.
//   naive     : mas_naive.cuh.
#pragma once
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cstdint>
#include "mas_common.h"
#include "mas_dev_types.cuh"
#include "mas_dev_cache.cuh"

namespace mas { namespace cuda {

// Unsigned 32-bit division by a run-time constant (valid for n < 2^31).
struct FastDiv {
  uint32_t d = 1, m = 0, s = 0;
  FastDiv() = default;
  explicit FastDiv(uint32_t div) : d(div) {
    s = 0;
    while ((uint64_t(1) << s) < div) ++s;
    m = uint32_t(((uint64_t(1) << 32) * ((uint64_t(1) << s) - div)) / div + 1);
  }
  __device__ __forceinline__ uint32_t div(uint32_t n) const {
    return (__umulhi(n, m) + n) >> s;
  }
};

struct OptParams {
  const void* prefix;
  const void* suffix;
  void* out;
  const float* prefix_lse;
  const float* suffix_lse;
  float* out_lse;
  int64_t p_tok, p_head, s_tok, s_head, o_tok, o_head;
  uint32_t T, H, rows, ppr;  // ppr: packs per row (generic path)
  FastDiv divH;
  float el_frac;  // CACHE 9: fraction (0, 1] of the output lines stored evict_last
  // CACHE 9, 10: the first linear block index (tile grid) whose stores take that policy; the
  // blocks before it store evict_normal. 0: every block (v6); v7: the last-launched blocks.
  uint32_t el_from;
  uint32_t ld_from;  // CACHE 11: the first block whose loads are evict_first
};

// The L2 policy of a block's output stores (CACHE 9, 10): evict_last on el_frac of the lines for
// the blocks from el_from on, evict_normal before.
template <int CACHE>
__device__ __forceinline__ uint64_t store_policy(const OptParams& p) {
  if constexpr (!kElStore<CACHE>) {
    return 0;
  } else {
    const uint32_t b = blockIdx.y * gridDim.x + blockIdx.x;
    return b >= p.el_from ? policy_evict_last(p.el_frac) : policy_evict_normal();
  }
}

// The L2 policy of a block's input loads (CACHE 11): evict_first for the blocks from ld_from on.
template <int CACHE>
__device__ __forceinline__ uint64_t load_policy(const OptParams& p) {
  if constexpr (CACHE != 11) {
    return 0;
  } else {
    const uint32_t b = blockIdx.y * gridDim.x + blockIdx.x;
    return b >= p.ld_from ? policy_evict_first() : policy_evict_normal();
  }
}

// Threads per row for a compile-time D (one pack each up to 256 threads).
template <int VEC, int DC> struct RowShape {
  static constexpr int PPR = DC > 0 ? DC / VEC : 0;
  static constexpr int BX = DC > 0 ? (PPR < 256 ? PPR : 256) : 32;
  static constexpr int BY = 256 / BX;
};

// The row rule of row_weights() on the hardware's approximate exp2 / log2 / reciprocal (MUFU, as
// FlashInfer's MergeState uses): relative error ~2^-22 in the weights, far under every dtype's
// tolerance (fp32 2e-6), and about a third of the instructions of the accurate expf/logf/division.
// Same +-inf / NaN semantics (kind 0 normal, 1 both empty, 2 NaN).
__device__ __forceinline__ float ex2_approx(float x) {
  float y;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}
__device__ __forceinline__ float lg2_approx(float x) {
  float y;
  asm("lg2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
  return y;
}
__device__ __forceinline__ RowWeights row_weights_fast(float p, float s) {
  constexpr float kLog2e = 1.4426950408889634f, kLn2 = 0.6931471805599453f;
  const bool nan = mas_isnan(p) || mas_isnan(s);
  p = p == kPosInf ? kNegInf : p;
  s = s == kPosInf ? kNegInf : s;
  const float m = fmaxf(p, s);
  const bool empty = m == kNegInf;
  // p - m is exactly 0 for the larger part, so its weight term is exactly 1.
  const float ep = ex2_approx((p - m) * kLog2e), es = ex2_approx((s - m) * kLog2e);
  const float sum = ep + es;
  const float inv = __fdividef(1.f, sum);
  RowWeights r;
  r.wp = nan ? kNaN : empty ? 0.f : ep * inv;
  r.ws = nan ? kNaN : empty ? 0.f : es * inv;
  r.lse = nan ? kNaN : empty ? kNegInf : fmaf(lg2_approx(sum), kLn2, m);
  r.kind = nan ? 2 : empty ? 1 : 0;
  return r;
}

template <bool FAST>
__device__ __forceinline__ RowWeights weights(const float* pl, const float* sl, uint32_t li) {
  const float p = __ldg(pl + li), s = __ldg(sl + li);
  if constexpr (FAST) return row_weights_fast(p, s);
  else return row_weights(p, s);
}

// One pack of the merged row: wp * a + ws * b in float; zeros for a row whose two parts are both
// empty (kind 1), whatever the data hold; NaN weights carry a NaN LSE into the output. The empty
// case is a branch, not a select per element: rows are warp-uniform at D >= 256, and the select cost
// 16 instructions a pack on the common path (NOTES.md, v8).
template <DType DT, int VEC, class P>
__device__ __forceinline__ P blend(const P& a, const P& b, const RowWeights& w) {
  using D_ = Dev<DT>;
  P r;
  float f[VEC];
  if (w.kind == 1) {
#pragma unroll
    for (int i = 0; i < VEC; ++i) f[i] = 0.f;
  } else {
    float fb[VEC];
    D_::to_f(a.v, f, VEC);
    D_::to_f(b.v, fb, VEC);
#pragma unroll
    for (int i = 0; i < VEC; ++i) f[i] = f[i] * w.wp + fb[i] * w.ws;
  }
  D_::from_f(f, r.v, VEC);
  return r;
}

// One row (token t, head h) moved by the BX threads of threadIdx.x: the body both grids share.
// CONTIG: all three tensors contiguous [T,H,D] with T*H*D < 2^31, so one 32-bit offset (t*H+h)*D
// serves all three (no 64-bit stride arithmetic).
template <DType DT, int VEC, int DC, int CACHE, bool FAST, bool CONTIG>
__device__ __forceinline__ void merge_row(const OptParams& p, uint32_t t, uint32_t h) {
  using D_ = Dev<DT>;
  using T = typename D_::T;
  using P = Pack<T, VEC>;
  constexpr int BX = RowShape<VEC, DC>::BX;
  const uint32_t li = h * p.T + t;
  const T* x;
  const T* y;
  T* o;
  if constexpr (CONTIG) {
    const uint32_t off = (t * p.H + h) * (DC > 0 ? uint32_t(DC) : p.ppr * VEC);
    x = static_cast<const T*>(p.prefix) + off;
    y = static_cast<const T*>(p.suffix) + off;
    o = static_cast<T*>(p.out) + off;
  } else {
    x = static_cast<const T*>(p.prefix) + (int64_t(t) * p.p_tok + int64_t(h) * p.p_head);
    y = static_cast<const T*>(p.suffix) + (int64_t(t) * p.s_tok + int64_t(h) * p.s_head);
    o = static_cast<T*>(p.out) + (int64_t(t) * p.o_tok + int64_t(h) * p.o_head);
  }
  const uint32_t ppr = DC > 0 ? uint32_t(RowShape<VEC, DC>::PPR) : p.ppr;
  if (DC > 0 && RowShape<VEC, DC>::PPR <= BX) {
    // Fast path (one pack per thread): issue the data loads and the LSE loads together, so the
    // two memory latencies overlap instead of the data loads waiting on the weights.
    const uint32_t k = threadIdx.x;
    const uint64_t lpol = load_policy<CACHE>(p);
    const P a = ld_pack<CACHE>(reinterpret_cast<const P*>(x) + k, lpol);
    const P b = ld_pack<CACHE>(reinterpret_cast<const P*>(y) + k, lpol);
    const RowWeights w = weights<FAST>(p.prefix_lse, p.suffix_lse, li);
    if (threadIdx.x == 0 && p.out_lse) p.out_lse[li] = w.lse;
    st_pack<CACHE>(reinterpret_cast<P*>(o) + k, blend<DT, VEC>(a, b, w), store_policy<CACHE>(p));
    return;
  }
  const RowWeights w = weights<FAST>(p.prefix_lse, p.suffix_lse, li);
  if (threadIdx.x == 0 && p.out_lse) p.out_lse[li] = w.lse;
  const uint64_t lpol = load_policy<CACHE>(p);
#pragma unroll
  for (uint32_t k = threadIdx.x; k < ppr; k += BX) {
    const P a = ld_pack<CACHE>(reinterpret_cast<const P*>(x) + k, lpol);
    const P b = ld_pack<CACHE>(reinterpret_cast<const P*>(y) + k, lpol);
    st_pack<CACHE>(reinterpret_cast<P*>(o) + k, blend<DT, VEC>(a, b, w), store_policy<CACHE>(p));
  }
}

// Row grid (v2): BY consecutive rows (t*H + h) per 256-thread block; t and h by one FastDiv.
template <DType DT, int VEC, int DC, int CACHE, bool FAST, bool CONTIG>
__global__ void __launch_bounds__(256) merge_opt_kernel(const OptParams p) {
  constexpr int BY = RowShape<VEC, DC>::BY;
  const uint32_t row = blockIdx.x * BY + threadIdx.y;
  if (row >= p.rows) return;
  const uint32_t t = p.divH.div(row);
  merge_row<DT, VEC, DC, CACHE, FAST, CONTIG>(p, t, row - t * p.H);
}

// Token grid (FlashInfer's layout): one token per blockIdx.y, heads on threadIdx.y (blockDim.y heads
// per block, head groups on blockIdx.x so that consecutive blocks touch consecutive memory): no
// index division at all.
// Tile grid: each block is TT consecutive tokens x BY/TT consecutive heads (threadIdx.y = head
// offset * TT + token offset), head tiles on blockIdx.x and token tiles on blockIdx.y. Neighbouring
// rows of a warp are neighbouring tokens of one head, so the [H,T] LSE loads and stores coalesce
// (the row grid reads BY scattered LSE sectors per block), and no index division is needed.
template <int VEC, int DC> struct TileShape {
  static constexpr int BY = RowShape<VEC, DC>::BY;
  static constexpr int TT = BY < 8 ? BY : 8;  // tokens per block
  static constexpr int HH = BY / TT;          // heads per block
};
template <DType DT, int VEC, int DC, int CACHE, bool FAST, bool CONTIG>
__global__ void __launch_bounds__(256) merge_tile_kernel(const OptParams p) {
  using TS = TileShape<VEC, DC>;
  const uint32_t t = blockIdx.y * TS::TT + threadIdx.y % TS::TT;
  const uint32_t h = blockIdx.x * TS::HH + threadIdx.y / TS::TT;
  if (t >= p.T || h >= p.H) return;
  merge_row<DT, VEC, DC, CACHE, FAST, CONTIG>(p, t, h);
}

template <DType DT, int VEC, int DC, int CACHE, bool FAST, bool CONTIG>
__global__ void __launch_bounds__(256) merge_tok_kernel(const OptParams p) {
  const uint32_t h = blockIdx.x * blockDim.y + threadIdx.y;
  if (h >= p.H) return;
  merge_row<DT, VEC, DC, CACHE, FAST, CONTIG>(p, blockIdx.y, h);
}

struct SParams {
  const void* parts;
  const float* lses;
  void* out;
  float* out_lse;
  int64_t part_stride;  // T*H*D
  uint32_t S, T, H, D, rows, ppr;
  FastDiv divH;
};

template <DType DT, int VEC, int DC>
__global__ void __launch_bounds__(256) merge_s_kernel(const SParams p) {
  using D_ = Dev<DT>;
  using T = typename D_::T;
  using P = Pack<T, VEC>;
  constexpr int BX = RowShape<VEC, DC>::BX;
  constexpr int BY = RowShape<VEC, DC>::BY;
  const uint32_t row = blockIdx.x * BY + threadIdx.y;
  if (row >= p.rows) return;
  const uint32_t t = p.divH.div(row), h = row - t * p.H;
  const uint32_t li = h * p.T + t;
  const int64_t lstride = int64_t(p.T) * p.H;
  float m;
  const auto lse_of = [&](uint32_t s) { return __ldg(p.lses + s * lstride + li); };
  const int kind = s_row_scan<float>(lse_of, p.S, m);
  float sum = 0.f;
  if (kind == 0)
    for (uint32_t s = 0; s < p.S; ++s) sum += expf(s_part_lse(lse_of(s)) - m);
  const float inv = kind == 0 ? 1.f / sum : kNaN;
  if (threadIdx.x == 0 && p.out_lse)
    p.out_lse[li] = kind == 0 ? logf(sum) + m : (kind == 1 ? kNegInf : kNaN);
  const int64_t base = int64_t(t) * p.H * p.D + int64_t(h) * p.D;
  const T* x = static_cast<const T*>(p.parts) + base;
  T* o = static_cast<T*>(p.out) + base;
  const uint32_t ppr = DC > 0 ? uint32_t(RowShape<VEC, DC>::PPR) : p.ppr;
#pragma unroll
  for (uint32_t k = threadIdx.x; k < ppr; k += BX) {
    float acc[VEC];
#pragma unroll
    for (int i = 0; i < VEC; ++i) acc[i] = 0.f;
    if (kind != 1) {
      uint32_t s = 0;
      // Two parts per step: two independent 16-byte loads in flight.
      for (; s + 2 <= p.S; s += 2) {
        const P a = reinterpret_cast<const P*>(x + int64_t(s) * p.part_stride)[k];
        const P b = reinterpret_cast<const P*>(x + int64_t(s + 1) * p.part_stride)[k];
        float la = __ldg(p.lses + s * lstride + li), lb = __ldg(p.lses + (s + 1) * lstride + li);
        la = s_part_lse(la);
        lb = s_part_lse(lb);
        const float wa = kind == 0 ? expf(la - m) * inv : inv;
        const float wb = kind == 0 ? expf(lb - m) * inv : inv;
        float fa[VEC], fb[VEC];
        D_::to_f(a.v, fa, VEC);
        D_::to_f(b.v, fb, VEC);
#pragma unroll
        for (int i = 0; i < VEC; ++i) acc[i] += fa[i] * wa + fb[i] * wb;
      }
      if (s < p.S) {
        const P a = reinterpret_cast<const P*>(x + int64_t(s) * p.part_stride)[k];
        float la = __ldg(p.lses + s * lstride + li);
        la = s_part_lse(la);
        const float wa = kind == 0 ? expf(la - m) * inv : inv;
        float fa[VEC];
        D_::to_f(a.v, fa, VEC);
#pragma unroll
        for (int i = 0; i < VEC; ++i) acc[i] += fa[i] * wa;
      }
    }
    P r;
    D_::from_f(acc, r.v, VEC);
    reinterpret_cast<P*>(o)[k] = r;
  }
}

// Baseline: one thread per pack over a flat 64-bit index, 128 threads a block.
template <DType DT, int VEC>
__global__ void __launch_bounds__(128) merge_baseline_kernel(const OptParams p, int64_t total) {
  using D_ = Dev<DT>;
  using T = typename D_::T;
  using P = Pack<T, VEC>;
  const int64_t gi = int64_t(blockIdx.x) * 128 + threadIdx.x;
  if (gi >= total) return;
  const int64_t row = gi / p.ppr;
  const uint32_t k = uint32_t(gi % p.ppr);
  const uint32_t t = uint32_t(row / p.H), h = uint32_t(row % p.H);
  const uint32_t li = h * p.T + t;
  const RowWeights w = row_weights(p.prefix_lse[li], p.suffix_lse[li]);
  if (k == 0 && p.out_lse) p.out_lse[li] = w.lse;
  const T* x = static_cast<const T*>(p.prefix) + (int64_t(t) * p.p_tok + int64_t(h) * p.p_head);
  const T* y = static_cast<const T*>(p.suffix) + (int64_t(t) * p.s_tok + int64_t(h) * p.s_head);
  T* o = static_cast<T*>(p.out) + (int64_t(t) * p.o_tok + int64_t(h) * p.o_head);
  P r;
  float fa[VEC], fb[VEC];
  if (w.kind == 1) {
#pragma unroll
    for (int i = 0; i < VEC; ++i) fa[i] = 0.f;
  } else {
    const P a = reinterpret_cast<const P*>(x)[k];
    const P b = reinterpret_cast<const P*>(y)[k];
    D_::to_f(a.v, fa, VEC);
    D_::to_f(b.v, fb, VEC);
#pragma unroll
    for (int i = 0; i < VEC; ++i) fa[i] = fa[i] * w.wp + fb[i] * w.ws;
  }
  D_::from_f(fa, r.v, VEC);
  reinterpret_cast<P*>(o)[k] = r;
}

}}  // namespace mas::cuda

// The 16-byte loads and stores of the merge kernels with their L2 cache policies (CACHE values),
// apart from the kernels so that one place says which PTX each policy issues. Measurements behind
// each policy: native/NOTES.md (v3, v5-v9).
#pragma once
#include <cuda_runtime.h>
#include <cstdint>

namespace mas { namespace cuda {

// Cache policy: 0 = default loads/stores, 1 = streaming (evict-first) loads/stores, 4 = read-only
// (ld.global.nc) loads.
// CACHE 3: read-only loads that skip L1 and ask L2 to fetch the whole 128-byte line on a miss
// (measured v3: +2-4 points of copy bandwidth at 50-100 MB cold, -3 points at >= 200 MB).
// CACHE 9 (v5-v7, only used in the 40-260 MB band, MAS_OPT_VARIANT bits 4-6, NOTES.md): as 3,
// with an L2 evict_last cache policy on some output lines (createpolicy.fractional with the
// fraction OptParams::el_frac, on the blocks from OptParams::el_from on; v5 stored every line so,
// v6 about 10 MB of lines spread over all blocks, v7 the last blocks' 10 MB).
// CACHE 10: CACHE 9's stores with plain loads.
// CACHE 11 (v9, the band above 128 MB): CACHE 9 with L2 evict_first loads (and the L2::128B hint) on
// the blocks from OptParams::ld_from on, evict_normal before.
template <int CACHE> constexpr bool kElStore = CACHE == 9 || CACHE == 10 || CACHE == 11;
template <int CACHE> constexpr bool kHintLoad = CACHE == 3 || CACHE == 9 || CACHE == 11;
// An L2 policy that marks `frac` (0, 1] of the lines it is used on evict_last, the rest unchanged.
__device__ __forceinline__ uint64_t policy_evict_last(float frac = 1.f) {
  uint64_t pol;
  asm("createpolicy.fractional.L2::evict_last.b64 %0, %1;" : "=l"(pol) : "f"(frac));
  return pol;
}
__device__ __forceinline__ uint64_t policy_evict_normal() {
  uint64_t pol;
  asm("createpolicy.fractional.L2::evict_normal.b64 %0, 1.0;" : "=l"(pol));
  return pol;
}
__device__ __forceinline__ uint64_t policy_evict_first() {
  uint64_t pol;
  asm("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;" : "=l"(pol));
  return pol;
}
template <int CACHE, class P>
__device__ __forceinline__ P ld_pack(const P* p, uint64_t lpol = 0) {
  if constexpr (sizeof(P) == 16) {
    uint4 r;
    if constexpr (CACHE == 11) {
      asm("ld.global.nc.L1::no_allocate.L2::cache_hint.L2::128B.v4.u32 {%0,%1,%2,%3}, [%4], %5;"
          : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w) : "l"(p), "l"(lpol));
    } else if constexpr (kHintLoad<CACHE>) {
      asm("ld.global.nc.L1::no_allocate.L2::128B.v4.u32 {%0,%1,%2,%3}, [%4];"
          : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w) : "l"(p));
    } else {
      r = CACHE == 1 ? __ldcs(reinterpret_cast<const uint4*>(p))
        : CACHE == 4 ? __ldg(reinterpret_cast<const uint4*>(p))
                     : *reinterpret_cast<const uint4*>(p);
    }
    return *reinterpret_cast<P*>(&r);
  } else {
    return *p;
  }
}
template <int CACHE, class P>
__device__ __forceinline__ void st_pack(P* p, const P& v, uint64_t pol = 0) {
  if constexpr (sizeof(P) == 16) {
    const uint4 u = *reinterpret_cast<const uint4*>(&v);
    if constexpr (kElStore<CACHE>) {
      asm volatile("st.global.L2::cache_hint.v4.u32 [%0], {%1,%2,%3,%4}, %5;"
                   :: "l"(p), "r"(u.x), "r"(u.y), "r"(u.z), "r"(u.w), "l"(pol) : "memory");
    } else if constexpr (CACHE == 1) {
      __stcs(reinterpret_cast<uint4*>(p), u);
    } else {
      *reinterpret_cast<uint4*>(p) = u;
    }
  } else {
    *p = v;
  }
}

}}  // namespace mas::cuda

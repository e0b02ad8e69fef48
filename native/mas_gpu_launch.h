// Launchers of the kernels in merge_attn_states.cuh (device pointers in the args).
#pragma once
#include <cuda_runtime.h>
#include <type_traits>
#include "merge_attn_states.cuh"
#include "mas_naive.cuh"

namespace mas { namespace cuda {

template <DType DT> cudaError_t launch_opt(const MergeArgs& a, int cache, cudaStream_t st);
template <DType DT> cudaError_t launch_baseline(const MergeArgs& a, cudaStream_t st);
template <DType DT> cudaError_t launch_naive(const MergeArgs& a, const NaiveTemps& tmp, cudaStream_t st);
template <DType DT> cudaError_t launch_s(const MergeSArgs& a, cudaStream_t st);

// The one head-size dispatch: calls f(std::integral_constant<int, DC>) with DC = D for the head
// sizes compiled specially (64, 128, 256: one 16-byte pack per thread, no loop) and DC = 0 (the
// generic loop over packs) for any other D.
template <class F>
cudaError_t with_head_dim(int64_t D, F&& f) {
  switch (D) {
    case 64: return f(std::integral_constant<int, 64>{});
    case 128: return f(std::integral_constant<int, 128>{});
    case 256: return f(std::integral_constant<int, 256>{});
    default: return f(std::integral_constant<int, 0>{});
  }
}

inline bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

}}  // namespace mas::cuda

// Launchers of the kernels in merge_attn_states.cuh (device pointers in the args).
#pragma once
#include <cuda_runtime.h>
#include "merge_attn_states.cuh"

namespace mas { namespace cuda {

template <DType DT> cudaError_t launch_opt(const MergeArgs& a, int cache, cudaStream_t st);
template <DType DT> cudaError_t launch_baseline(const MergeArgs& a, cudaStream_t st);
template <DType DT> cudaError_t launch_naive(const MergeArgs& a, const NaiveTemps& tmp, cudaStream_t st);
template <DType DT> cudaError_t launch_s(const MergeSArgs& a, cudaStream_t st);

inline bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

}}  // namespace mas::cuda

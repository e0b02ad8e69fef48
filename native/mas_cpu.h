// CPU paths of merge_attn_states: scalar C++ and vectorised multi-threaded C++ (the float64
// reference and the comparison against it: mas_reference.h). Semantics in mas_common.h / kernel.md.
#pragma once
#include <cstdint>
#include <functional>
#include "mas_common.h"
#include "mas_reference.h"

namespace mas { namespace cpu {

// Runs fn(begin, end) over [0, n) split into contiguous chunks on `threads` threads (a persistent
// pool; threads <= 0 means all hardware threads).
void parallel_for(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& fn);
int hardware_threads();
const char* isa();  // "avx2" or "baseline"

void merge_scalar(const MergeArgs& a);
void merge_vector(const MergeArgs& a, int threads);
void merge_s_scalar(const MergeSArgs& a);
void merge_s_vector(const MergeSArgs& a, int threads);

// memcpy of `bytes` split over `threads` threads; returns nothing, for timing.
void parallel_memcpy(void* dst, const void* src, size_t bytes, int threads);

}}  // namespace mas::cpu

// CPU paths of merge_attn_states: float64 reference, scalar C++, vectorised multi-threaded C++,
// and the comparison against the reference. Semantics in mas_common.h / kernel.md.
#pragma once
#include <cstdint>
#include <functional>
#include "mas_common.h"

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

// float64 reference. out: [T,H,D] contiguous doubles, out_lse: [H,T] doubles (nullable).
void reference(const MergeArgs& a, double* out, double* out_lse, int threads);
void reference_s(const MergeSArgs& a, double* out, double* out_lse, int threads);

struct Diff {
  double max_abs_out = 0;   // over elements where both are finite
  double max_abs_lse = 0;
  int64_t exceed_out = 0;   // |out - ref| > tol_out * max(1, |ref|)
  int64_t exceed_lse = 0;   // |lse - ref| > tol_lse * max(1, |ref|)
  int64_t special_mismatch = 0;  // NaN / +-inf pattern differs from the reference
  int64_t checked = 0;      // elements compared (output + lse)
};
// Compares a.out / a.out_lse (already computed) against the float64 reference computed on the fly.
Diff compare(const MergeArgs& a, double tol_out, double tol_lse, int threads);
Diff compare_s(const MergeSArgs& a, double tol_out, double tol_lse, int threads);

// Default tolerances: the output dtype's rounding floor (kernel.md).
double default_tol(DType dt);

// memcpy of `bytes` split over `threads` threads; returns nothing, for timing.
void parallel_memcpy(void* dst, const void* src, size_t bytes, int threads);

}}  // namespace mas::cpu

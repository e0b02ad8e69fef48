// The float64 reference of merge_attn_states (beside the kernel header merge_attn_states.cuh) and
// the comparison of an implementation's output against it. Semantics: mas_common.h / kernel.md.
#pragma once
#include <cstdint>
#include "mas_common.h"

namespace mas { namespace cpu {

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
// The same comparison over rows [r0, r1) only (row = t*H + h), on the calling thread: the
// per-combination cells of the +-inf/NaN edge table.
Diff compare_rows(const MergeArgs& a, double tol_out, double tol_lse, int64_t r0, int64_t r1);

// Default tolerances: the output dtype's rounding floor (kernel.md).
double default_tol(DType dt);

}}  // namespace mas::cpu

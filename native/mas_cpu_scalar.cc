// Scalar C++ two-way merge: one thread, one element at a time (compiled with -fno-tree-vectorize
// so it stays the "straightforward C++" baseline it claims to be).
#include "mas_cpu.h"

namespace mas { namespace cpu {

template <DType DT>
static void scalar_impl(const MergeArgs& a) {
  using E = Elem<DT>;
  using T = typename E::T;
  const T* P = (const T*)a.prefix;
  const T* S = (const T*)a.suffix;
  T* O = (T*)a.out;
  for (int64_t t = 0; t < a.T; ++t)
    for (int64_t h = 0; h < a.H; ++h) {
      const RowWeights w = row_weights(a.prefix_lse[h * a.T + t], a.suffix_lse[h * a.T + t]);
      if (a.out_lse) a.out_lse[h * a.T + t] = w.lse;
      for (int64_t d = 0; d < a.D; ++d) {
        float v = w.kind == 1 ? 0.f
                              : E::load(P[t * a.p_tok + h * a.p_head + d]) * w.wp +
                                    E::load(S[t * a.s_tok + h * a.s_head + d]) * w.ws;
        O[t * a.o_tok + h * a.o_head + d] = E::store(v);
      }
    }
}

void merge_scalar(const MergeArgs& a) {
  switch (a.dtype) {
    case DType::F32: return scalar_impl<DType::F32>(a);
    case DType::F16: return scalar_impl<DType::F16>(a);
    case DType::BF16: return scalar_impl<DType::BF16>(a);
  }
}

}}  // namespace mas::cpu

// The float64 reference of merge_attn_states and the comparison of any implementation's output
// against it. The one definition every implementation (CPU, CUDA, a user's --kernel) is checked
// against. Semantics: mas_common.h / shared/docs/kernel.md (section 2.2 of arXiv 2501.01005).
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <vector>

#include "mas_cpu.h"

namespace mas { namespace cpu {

namespace {

inline double ld64(DType dt, const void* base, int64_t i) {
  switch (dt) {
    case DType::F32: return double(((const float*)base)[i]);
    case DType::F16: return double(f16_to_f32(((const uint16_t*)base)[i]));
    default: return double(bf16_to_f32(((const uint16_t*)base)[i]));
  }
}

// float64 merge rule; returns 0 normal, 1 empty, 2 NaN.
inline int ref_weights(double p, double s, double& wp, double& ws, double& lse) {
  const double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(p) || std::isnan(s)) {
    wp = ws = lse = std::numeric_limits<double>::quiet_NaN();
    return 2;
  }
  if (p == inf) p = -inf;
  if (s == inf) s = -inf;
  double m = std::max(p, s);
  if (m == -inf) {
    wp = ws = 0;
    lse = -inf;
    return 1;
  }
  double ep = std::exp(p - m), es = std::exp(s - m), sum = ep + es;
  wp = ep / sum;
  ws = es / sum;
  lse = std::log(sum) + m;
  return 0;
}

inline int cls(double v) { return std::isnan(v) ? 1 : v == HUGE_VAL ? 2 : v == -HUGE_VAL ? 3 : 0; }

struct DiffAcc {
  Diff d;
  void add(double got, double ref, double tol, bool is_lse, bool exact = false) {
    ++d.checked;
    int cg = cls(got), cr = cls(ref);
    if (cg != cr || (exact && got != ref)) {
      ++d.special_mismatch;
      return;
    }
    if (cg != 0) return;
    double e = std::fabs(got - ref);
    double& mx = is_lse ? d.max_abs_lse : d.max_abs_out;
    if (e > mx) mx = e;
    if (e > tol * std::max(1.0, std::fabs(ref))) ++(is_lse ? d.exceed_lse : d.exceed_out);
  }
  void merge(const Diff& o) {
    d.max_abs_out = std::max(d.max_abs_out, o.max_abs_out);
    d.max_abs_lse = std::max(d.max_abs_lse, o.max_abs_lse);
    d.exceed_out += o.exceed_out;
    d.exceed_lse += o.exceed_lse;
    d.special_mismatch += o.special_mismatch;
    d.checked += o.checked;
  }
};

template <class Emit>
void ref_rows(const MergeArgs& a, int64_t r0, int64_t r1, Emit emit) {
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t t = r / a.H, h = r - t * a.H;
    double wp, ws, lse;
    int kind = ref_weights(a.prefix_lse[h * a.T + t], a.suffix_lse[h * a.T + t], wp, ws, lse);
    emit.lse(t, h, lse);
    for (int64_t d = 0; d < a.D; ++d) {
      double v;
      if (kind == 1) v = 0;
      else if (kind == 2) v = std::numeric_limits<double>::quiet_NaN();
      else
        v = ld64(a.dtype, a.prefix, t * a.p_tok + h * a.p_head + d) * wp +
            ld64(a.dtype, a.suffix, t * a.s_tok + h * a.s_head + d) * ws;
      emit.out(t, h, d, v, kind == 1);
    }
  }
}

template <class Emit>
void ref_s_rows(const MergeSArgs& a, int64_t r0, int64_t r1, std::vector<double>& w, Emit emit) {
  const double inf = std::numeric_limits<double>::infinity();
  const int64_t HD = a.H * a.D, THD = a.T * HD, HT = a.H * a.T;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t t = r / a.H, h = r - t * a.H;
    double m;
    const auto lse_of = [&](int64_t s) { return double(a.lses[s * HT + h * a.T + t]); };
    const int kind = s_row_scan<double>(lse_of, a.S, m);
    double lse = kind == 2 ? std::numeric_limits<double>::quiet_NaN() : -inf;
    if (kind == 0) {
      double sum = 0;
      for (int64_t s = 0; s < a.S; ++s) sum += (w[size_t(s)] = std::exp(s_part_lse(lse_of(s)) - m));
      for (auto& x : w) x /= sum;
      lse = std::log(sum) + m;
    }
    emit.lse(t, h, lse);
    for (int64_t d = 0; d < a.D; ++d) {
      double v = 0;
      if (kind == 2) v = std::numeric_limits<double>::quiet_NaN();
      else if (kind == 0)
        for (int64_t s = 0; s < a.S; ++s)
          v += ld64(a.dtype, a.parts, s * THD + t * HD + h * a.D + d) * w[size_t(s)];
      emit.out(t, h, d, v, kind == 1);
    }
  }
}

struct StoreEmit {
  const MergeArgs* a;
  double* dst;
  double* out_lse;
  void lse(int64_t t, int64_t h, double v) const {
    if (out_lse) out_lse[h * a->T + t] = v;
  }
  void out(int64_t t, int64_t h, int64_t d, double v, bool) const {
    dst[(t * a->H + h) * a->D + d] = v;
  }
};

struct StoreSEmit {
  int64_t T, H, D;
  double* dst;
  double* out_lse;
  void lse(int64_t t, int64_t h, double v) const {
    if (out_lse) out_lse[h * T + t] = v;
  }
  void out(int64_t t, int64_t h, int64_t d, double v, bool) const { dst[(t * H + h) * D + d] = v; }
};

struct CmpEmit {
  DType dt;
  int64_t T, H, D, o_tok, o_head;
  const void* got;
  const float* got_lse;
  double tol_out, tol_lse;
  DiffAcc* acc;
  void lse(int64_t t, int64_t h, double v) const {
    if (got_lse) acc->add(double(got_lse[h * T + t]), v, tol_lse, true);
  }
  void out(int64_t t, int64_t h, int64_t d, double v, bool exact) const {
    acc->add(ld64(dt, got, t * o_tok + h * o_head + d), v, tol_out, false, exact);
  }
};
}  // namespace

void reference(const MergeArgs& a, double* out, double* out_lse, int threads) {
  parallel_for(a.T * a.H, threads, [&](int64_t r0, int64_t r1) {
    ref_rows(a, r0, r1, StoreEmit{&a, out, out_lse});
  });
}

void reference_s(const MergeSArgs& a, double* out, double* out_lse, int threads) {
  parallel_for(a.T * a.H, threads, [&](int64_t r0, int64_t r1) {
    std::vector<double> w(size_t(a.S));
    ref_s_rows(a, r0, r1, w, StoreSEmit{a.T, a.H, a.D, out, out_lse});
  });
}

Diff compare(const MergeArgs& a, double tol_out, double tol_lse, int threads) {
  std::mutex mu;
  DiffAcc total;
  parallel_for(a.T * a.H, threads, [&](int64_t r0, int64_t r1) {
    DiffAcc acc;
    ref_rows(a, r0, r1,
             CmpEmit{a.dtype, a.T, a.H, a.D, a.o_tok, a.o_head, a.out, a.out_lse, tol_out, tol_lse,
                     &acc});
    std::lock_guard<std::mutex> lk(mu);
    total.merge(acc.d);
  });
  return total.d;
}

Diff compare_s(const MergeSArgs& a, double tol_out, double tol_lse, int threads) {
  std::mutex mu;
  DiffAcc total;
  parallel_for(a.T * a.H, threads, [&](int64_t r0, int64_t r1) {
    DiffAcc acc;
    std::vector<double> w(size_t(a.S));
    ref_s_rows(a, r0, r1, w,
               CmpEmit{a.dtype, a.T, a.H, a.D, a.H * a.D, a.D, a.out, a.out_lse, tol_out, tol_lse,
                       &acc});
    std::lock_guard<std::mutex> lk(mu);
    total.merge(acc.d);
  });
  return total.d;
}

Diff compare_rows(const MergeArgs& a, double tol_out, double tol_lse, int64_t r0, int64_t r1) {
  DiffAcc acc;
  ref_rows(a, r0, r1,
           CmpEmit{a.dtype, a.T, a.H, a.D, a.o_tok, a.o_head, a.out, a.out_lse, tol_out, tol_lse, &acc});
  return acc.d;
}

double default_tol(DType dt) {
  return dt == DType::BF16 ? 1.0 / 64 : dt == DType::F16 ? 1.0 / 512 : 2e-6;
}

}}  // namespace mas::cpu

// CPU paths: thread pool, vectorised dispatch, float64 reference and comparison.
#include "mas_cpu.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace mas { namespace cpu {

namespace base {
void row2(DType, const void*, const void*, void*, int64_t, float, float, bool);
void rowacc(DType, float*, const void*, int64_t, float, bool);
void rowstore(DType, void*, const float*, int64_t);
}
#if defined(MAS_HAVE_AVX2_TU)
namespace avx2 {
void row2(DType, const void*, const void*, void*, int64_t, float, float, bool);
void rowacc(DType, float*, const void*, int64_t, float, bool);
void rowstore(DType, void*, const float*, int64_t);
}
#endif

namespace {

struct Isa {
  void (*row2)(DType, const void*, const void*, void*, int64_t, float, float, bool);
  void (*rowacc)(DType, float*, const void*, int64_t, float, bool);
  void (*rowstore)(DType, void*, const float*, int64_t);
  const char* name;
};

Isa pick_isa() {
#if defined(MAS_HAVE_AVX2_TU) && (defined(__x86_64__) || defined(__i386__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("f16c"))
    return {avx2::row2, avx2::rowacc, avx2::rowstore, "avx2"};
#endif
  return {base::row2, base::rowacc, base::rowstore, "baseline"};
}

const Isa& isa_impl() {
  static const Isa k = pick_isa();
  return k;
}

// A persistent pool. One job at a time (a mutex serialises callers from several JS threads).
class Pool {
 public:
  void run(int64_t n, int parts, const std::function<void(int64_t, int64_t)>& fn) {
    std::lock_guard<std::mutex> job_lock(job_mu_);
    if (parts <= 1 || n <= 1) {
      if (n > 0) fn(0, n);
      return;
    }
    parts = int(std::min<int64_t>(parts, n));
    ensure(parts - 1);
    {
      std::lock_guard<std::mutex> lk(mu_);
      fn_ = &fn;
      n_ = n;
      parts_ = parts;
      remaining_ = parts - 1;
      ++gen_;
    }
    cv_.notify_all();
    chunk(0, fn);
    std::unique_lock<std::mutex> lk(mu_);
    done_cv_.wait(lk, [&] { return remaining_ == 0; });
    fn_ = nullptr;
  }

 private:
  void chunk(int part, const std::function<void(int64_t, int64_t)>& fn) {
    int64_t b = n_ * part / parts_, e = n_ * (part + 1) / parts_;
    if (e > b) fn(b, e);
  }
  void ensure(int workers) {
    uint64_t g;
    {
      std::lock_guard<std::mutex> lk(mu_);
      g = gen_;  // the job about to be posted is gen_ + 1: a new worker must not skip it
    }
    while (int(threads_) < workers) {
      int id = int(threads_++);
      std::thread([this, id, g] { loop(id, g); }).detach();
    }
  }
  void loop(int id, uint64_t seen) {
    for (;;) {
      const std::function<void(int64_t, int64_t)>* fn;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return gen_ != seen; });
        seen = gen_;
        if (id + 1 >= parts_) continue;
        fn = fn_;
      }
      chunk(id + 1, *fn);
      std::lock_guard<std::mutex> lk(mu_);
      if (--remaining_ == 0) done_cv_.notify_one();
    }
  }
  std::mutex job_mu_, mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  int parts_ = 1, remaining_ = 0;
  uint64_t gen_ = 0;
  std::atomic<unsigned> threads_{0};
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: detached workers may outlive static teardown
  return *p;
}

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

}  // namespace

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : int(n);
}

const char* isa() { return isa_impl().name; }

void parallel_for(int64_t n, int threads, const std::function<void(int64_t, int64_t)>& fn) {
  if (threads <= 0) threads = hardware_threads();
  pool().run(n, threads, fn);
}

double default_tol(DType dt) {
  return dt == DType::BF16 ? 1.0 / 64 : dt == DType::F16 ? 1.0 / 512 : 2e-6;
}

void merge_vector(const MergeArgs& a, int threads) {
  const Isa& I = isa_impl();
  const int e = dtype_size(a.dtype);
  const int64_t rows = a.T * a.H;
  // Chunks of whole rows; at least ~32 KiB of output per chunk so tiny shapes stay on one thread.
  int64_t row_bytes = a.D * e;
  int64_t min_rows = std::max<int64_t>(1, (32 << 10) / std::max<int64_t>(1, row_bytes));
  int parts = int(std::min<int64_t>(threads <= 0 ? hardware_threads() : threads,
                                    std::max<int64_t>(1, rows / min_rows)));
  // Outputs of 8 MiB and more: streaming stores (v3; NOTES.md).
  static const bool nt_off = [] { const char* e = std::getenv("MAS_CPU_NT"); return e && e[0] == '0'; }();
  const bool nt = !nt_off && double(rows) * double(row_bytes) >= double(8 << 20);
  parallel_for(rows, parts, [&](int64_t r0, int64_t r1) {
    const char* P = (const char*)a.prefix;
    const char* S = (const char*)a.suffix;
    char* O = (char*)a.out;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t t = r / a.H, h = r - t * a.H;
      const RowWeights w = row_weights(a.prefix_lse[h * a.T + t], a.suffix_lse[h * a.T + t]);
      char* o = O + (t * a.o_tok + h * a.o_head) * e;
      if (a.out_lse) a.out_lse[h * a.T + t] = w.lse;
      if (w.kind == 1) {
        std::memset(o, 0, size_t(a.D) * e);
        continue;
      }
      I.row2(a.dtype, P + (t * a.p_tok + h * a.p_head) * e, S + (t * a.s_tok + h * a.s_head) * e,
             o, a.D, w.wp, w.ws, nt);
    }
#if defined(__x86_64__) || defined(__i386__)
    if (nt) __builtin_ia32_sfence();
#endif
  });
}

// The S-way rule for one row (kernel.md): +inf counts as -inf ("no keys"), a NaN in any LSE
// poisons the row, and a row whose parts are all empty merges to -inf. Fills w[0..S) with the
// normalised weights (NaN when poisoned, 0 when empty) and returns the merged LSE. Shared by the
// vectorised and the scalar S-way paths so both follow one rule.
static float s_row_weights(const float* lse, int64_t stride, int64_t S, float* w) {
  const float inf = HUGE_VALF;
  bool nan = false;
  float m = -inf;
  for (int64_t s = 0; s < S; ++s) {
    float l = lse[s * stride];
    if (l != l) nan = true;
    if (l == inf) l = -inf;
    w[s] = l;
    m = l > m ? l : m;
  }
  if (nan) {
    for (int64_t s = 0; s < S; ++s) w[s] = __builtin_nanf("");
    return __builtin_nanf("");
  }
  if (m == -inf) {
    for (int64_t s = 0; s < S; ++s) w[s] = 0;
    return -inf;
  }
  float sum = 0;
  for (int64_t s = 0; s < S; ++s) sum += (w[s] = std::exp(w[s] - m));
  const float inv = 1.f / sum;
  for (int64_t s = 0; s < S; ++s) w[s] *= inv;
  return std::log(sum) + m;
}

void merge_s_vector(const MergeSArgs& a, int threads) {
  const Isa& I = isa_impl();
  const int e = dtype_size(a.dtype);
  const int64_t rows = a.T * a.H, HD = a.H * a.D, THD = a.T * HD, HT = a.H * a.T;
  int64_t min_rows = std::max<int64_t>(1, (32 << 10) / std::max<int64_t>(1, a.D * e));
  int parts = int(std::min<int64_t>(threads <= 0 ? hardware_threads() : threads,
                                    std::max<int64_t>(1, rows / min_rows)));
  parallel_for(rows, parts, [&](int64_t r0, int64_t r1) {
    std::vector<float> acc(size_t(a.D)), w(size_t(a.S));
    const char* P = (const char*)a.parts;
    char* O = (char*)a.out;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t t = r / a.H, h = r - t * a.H;
      char* o = O + (t * HD + h * a.D) * e;
      const float lse = s_row_weights(a.lses + h * a.T + t, HT, a.S, w.data());
      if (a.out_lse) a.out_lse[h * a.T + t] = lse;
      if (lse == -HUGE_VALF) {  // every part empty: zeros, never a copy of stale data
        std::memset(o, 0, size_t(a.D) * e);
        continue;
      }
      for (int64_t s = 0; s < a.S; ++s)
        I.rowacc(a.dtype, acc.data(), P + (s * THD + t * HD + h * a.D) * e, a.D, w[s], s == 0);
      I.rowstore(a.dtype, o, acc.data(), a.D);
    }
  });
}

void merge_s_scalar(const MergeSArgs& a) {
  // One thread, one element at a time, through the same rule as merge_s_vector.
  const int64_t HD = a.H * a.D, THD = a.T * HD, HT = a.H * a.T;
  std::vector<float> w(size_t(a.S));
  for (int64_t t = 0; t < a.T; ++t)
    for (int64_t h = 0; h < a.H; ++h) {
      const float lse = s_row_weights(a.lses + h * a.T + t, HT, a.S, w.data());
      const bool empty = lse == -HUGE_VALF;
      if (a.out_lse) a.out_lse[h * a.T + t] = lse;
      const int64_t base = t * HD + h * a.D;
      for (int64_t d = 0; d < a.D; ++d) {
        float v = 0;
        if (!empty)
          for (int64_t s = 0; s < a.S; ++s) {
            int64_t i = s * THD + base + d;
            float x = a.dtype == DType::F32 ? ((const float*)a.parts)[i]
                      : a.dtype == DType::F16 ? f16_to_f32(((const uint16_t*)a.parts)[i])
                                              : bf16_to_f32(((const uint16_t*)a.parts)[i]);
            v += x * w[s];
          }
        if (a.dtype == DType::F32) ((float*)a.out)[base + d] = v;
        else if (a.dtype == DType::F16) ((uint16_t*)a.out)[base + d] = f32_to_f16(v);
        else ((uint16_t*)a.out)[base + d] = f32_to_bf16(v);
      }
    }
}

// ---- reference --------------------------------------------------------------------------------

namespace {
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
    bool nan = false;
    double m = -inf;
    for (int64_t s = 0; s < a.S; ++s) {
      double l = a.lses[s * HT + h * a.T + t];
      if (std::isnan(l)) nan = true;
      if (l == inf) l = -inf;
      w[size_t(s)] = l;
      m = std::max(m, l);
    }
    int kind = nan ? 2 : m == -inf ? 1 : 0;
    double lse = nan ? std::numeric_limits<double>::quiet_NaN() : -inf;
    if (kind == 0) {
      double sum = 0;
      for (int64_t s = 0; s < a.S; ++s) sum += (w[size_t(s)] = std::exp(w[size_t(s)] - m));
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

void parallel_memcpy(void* dst, const void* src, size_t bytes, int threads) {
  const size_t chunk = 64;  // split on cache lines
  int64_t n = int64_t((bytes + chunk - 1) / chunk);
  parallel_for(n, threads, [&](int64_t b, int64_t e) {
    size_t off = size_t(b) * chunk, end = std::min(bytes, size_t(e) * chunk);
    std::memcpy((char*)dst + off, (const char*)src + off, end - off);
  });
}

}}  // namespace mas::cpu

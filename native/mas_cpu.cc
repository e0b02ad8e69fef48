// CPU paths: thread pool, vectorised dispatch (the float64 reference is in mas_reference.cc).
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
  float m;
  const int kind = s_row_scan<float>([&](int64_t s) { return lse[s * stride]; }, S, m);
  if (kind != 0) {
    for (int64_t s = 0; s < S; ++s) w[s] = kind == 2 ? kNaN : 0.f;
    return kind == 2 ? kNaN : kNegInf;
  }
  float sum = 0;
  for (int64_t s = 0; s < S; ++s) sum += (w[s] = std::exp(s_part_lse(lse[s * stride]) - m));
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
      if (lse == kNegInf) {  // every part empty: zeros, never a copy of stale data
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
      const bool empty = lse == kNegInf;
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

void parallel_memcpy(void* dst, const void* src, size_t bytes, int threads) {
  const size_t chunk = 64;  // split on cache lines
  int64_t n = int64_t((bytes + chunk - 1) / chunk);
  parallel_for(n, threads, [&](int64_t b, int64_t e) {
    size_t off = size_t(b) * chunk, end = std::min(bytes, size_t(e) * chunk);
    std::memcpy((char*)dst + off, (const char*)src + off, end - off);
  });
}

}}  // namespace mas::cpu

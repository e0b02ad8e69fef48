// The device-resident Case used for timing: random inputs filled on the device, cold timing (L2
// flushed, CUDA events) and steady timing (back to back in a CUDA graph), the check against the
// float64 reference with NaN-poisoned outputs, the same-bytes device copy.
#include <algorithm>
#include <vector>
#include "mas_gpu_internal.h"

namespace mas { namespace gpu {
using namespace mas::cuda;

// Fill with hash-based random values: data uniform in [-2, 2), LSEs uniform in [-8, 8).
template <DType DT>
__global__ void fill_kernel(void* data, int64_t n, float* lse, int64_t nl, uint64_t seed) {
  using T = typename Dev<DT>::T;
  int64_t stride = int64_t(gridDim.x) * blockDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n + nl; i += stride) {
    uint64_t z = seed + uint64_t(i) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    float u = float(z >> 40) * (1.0f / 16777216.0f);
    if (i < n) {
      float v = u * 4.f - 2.f;
      Dev<DT>::from_f(&v, static_cast<T*>(data) + i, 1);
    } else {
      lse[i - n] = u * 16.f - 8.f;
    }
  }
}

class CudaCase final : public Case {
 public:
  std::string init(DType dt, int64_t S, int64_t T, int64_t H, int64_t D) {
    dt_ = dt; S_ = S; T_ = T; H_ = H; D_ = D;
    const size_t e = size_t(dtype_size(dt));
    rows_ = T * H;
    thd_ = rows_ * D;
    MAS_TRY(cudaStreamCreateWithFlags(&st_, cudaStreamNonBlocking));
    MAS_TRY(parts_.alloc(size_t(S) * size_t(thd_) * e));
    MAS_TRY(lses_.alloc(size_t(S) * size_t(rows_) * 4));
    MAS_TRY(out_.alloc(size_t(thd_) * e));
    MAS_TRY(out_lse_.alloc(size_t(rows_) * 4));
    const Info& in = info();
    size_t fl = std::max<size_t>(size_t(in.l2_bytes) * 4, size_t(256) << 20);
    MAS_TRY(flush_.alloc(fl));
    MAS_TRY(cudaEventCreate(&e0_));
    MAS_TRY(cudaEventCreate(&e1_));
    return "";
  }
  ~CudaCase() override {
    if (e0_) cudaEventDestroy(e0_);
    if (e1_) cudaEventDestroy(e1_);
    if (st_) cudaStreamDestroy(st_);
  }
  std::string fill_random(uint64_t seed) override {
    const int64_t n = S_ * thd_, nl = S_ * rows_;
    switch (dt_) {
      case DType::F32: fill_kernel<DType::F32><<<1024, 256, 0, st_>>>(parts_.p, n, lses_.as<float>(), nl, seed); break;
      case DType::F16: fill_kernel<DType::F16><<<1024, 256, 0, st_>>>(parts_.p, n, lses_.as<float>(), nl, seed); break;
      default: fill_kernel<DType::BF16><<<1024, 256, 0, st_>>>(parts_.p, n, lses_.as<float>(), nl, seed); break;
    }
    MAS_TRY(cudaGetLastError());
    MAS_TRY(cudaStreamSynchronize(st_));
    host_valid_ = false;
    return "";
  }
  std::string upload(const void* parts, const float* lses) override {
    const size_t e = size_t(dtype_size(dt_));
    MAS_TRY(cudaMemcpy(parts_.p, parts, size_t(S_ * thd_) * e, cudaMemcpyHostToDevice));
    MAS_TRY(cudaMemcpy(lses_.p, lses, size_t(S_ * rows_) * 4, cudaMemcpyHostToDevice));
    host_valid_ = false;
    return "";
  }
  MergeArgs two() const {
    MergeArgs a;
    a.dtype = dt_; a.T = T_; a.H = H_; a.D = D_;
    const size_t e = size_t(dtype_size(dt_));
    a.prefix = parts_.p;
    a.suffix = static_cast<char*>(parts_.p) + size_t(thd_) * e;
    a.out = out_.p;
    a.prefix_lse = lses_.as<float>();
    a.suffix_lse = lses_.as<float>() + rows_;
    a.out_lse = out_lse_.as<float>();
    default_strides(a);
    return a;
  }
  MergeSArgs sway() const {
    MergeSArgs a;
    a.dtype = dt_; a.S = S_; a.T = T_; a.H = H_; a.D = D_;
    a.parts = parts_.p; a.lses = lses_.as<float>(); a.out = out_.p; a.out_lse = out_lse_.as<float>();
    return a;
  }
  cudaError_t launch(int impl) {
    if (impl == COPY) {
      // Same bytes as the two-way merge: copy half of them (each byte read once, written once),
      // between the two halves of a dedicated buffer (the inputs can be smaller than half: D*e < 12).
      size_t half = size_t(bytes(OPTIMIZED) / 2);
      char* buf = static_cast<char*>(copy_dst());
      if (!buf) return cudaErrorMemoryAllocation;
      return cudaMemcpyAsync(buf + half, buf, half, cudaMemcpyDeviceToDevice, st_);
    }
    if (impl == MERGE_S) return dispatch_s(sway(), st_);
    if (impl == NAIVE && !naive_ready_) {
      cudaError_t e = naive_.alloc(rows_, thd_);
      if (e) return e;
      naive_ready_ = true;
    }
    return dispatch_two(impl, two(), &naive_.t, st_);
  }
  void* copy_dst() {
    size_t half = size_t(bytes(OPTIMIZED) / 2);
    if (copy_.n < 2 * half) {
      copy_.reset();
      if (copy_.alloc(2 * half)) {
        copy_.reset();
        return nullptr;
      }
    }
    return copy_.p;
  }
  std::string run(int impl) override {
    if (impl == COPY && !copy_dst()) return "copy buffer allocation failed";
    MAS_TRY(launch(impl));
    return "";
  }
  std::string sync() override {
    MAS_TRY(cudaStreamSynchronize(st_));
    return "";
  }
  std::string time_cold(int impl, int iters, std::vector<double>& us) override {
    if (impl == COPY && !copy_dst()) return "copy buffer allocation failed";
    us.clear();
    MAS_TRY(launch(impl));  // warm-up (module load, lazy allocations)
    MAS_TRY(cudaStreamSynchronize(st_));
    for (int i = 0; i < iters; ++i) {
      MAS_TRY(cudaMemsetAsync(flush_.p, i & 0xff, flush_.n, st_));
      MAS_TRY(cudaEventRecord(e0_, st_));
      MAS_TRY(launch(impl));
      MAS_TRY(cudaEventRecord(e1_, st_));
      MAS_TRY(cudaEventSynchronize(e1_));
      float ms = 0;
      MAS_TRY(cudaEventElapsedTime(&ms, e0_, e1_));
      us.push_back(double(ms) * 1000.0);
    }
    return "";
  }
  std::string time_steady(int impl, int calls, int reps, double& us) override {
    if (impl == COPY && !copy_dst()) return "copy buffer allocation failed";
    MAS_TRY(launch(impl));
    MAS_TRY(cudaStreamSynchronize(st_));
    cudaGraph_t g = nullptr;
    cudaGraphExec_t ge = nullptr;
    MAS_TRY(cudaStreamBeginCapture(st_, cudaStreamCaptureModeThreadLocal));
    cudaError_t le = cudaSuccess;
    for (int i = 0; i < calls && le == cudaSuccess; ++i) le = launch(impl);
    cudaError_t ce = cudaStreamEndCapture(st_, &g);
    if (le) return cerr_str(le, "launch during capture");
    MAS_TRY(ce);
    cudaError_t ie = cudaGraphInstantiate(&ge, g, 0);
    cudaGraphDestroy(g);
    MAS_TRY(ie);
    std::vector<double> t;
    std::string err;
    for (int r = 0; r < reps + 2 && err.empty(); ++r) {
      cudaError_t e = cudaEventRecord(e0_, st_);
      if (!e) e = cudaGraphLaunch(ge, st_);
      if (!e) e = cudaEventRecord(e1_, st_);
      if (!e) e = cudaEventSynchronize(e1_);
      float ms = 0;
      if (!e) e = cudaEventElapsedTime(&ms, e0_, e1_);
      if (e) err = cerr_str(e, "graph replay");
      if (r >= 2) t.push_back(double(ms) * 1000.0 / calls);  // two warm-up replays
    }
    cudaGraphExecDestroy(ge);
    if (!err.empty()) return err;
    std::sort(t.begin(), t.end());
    us = t[t.size() / 2];
    return "";
  }
  std::string ensure_host() {
    if (host_valid_) return "";
    const size_t e = size_t(dtype_size(dt_));
    h_parts_.resize(size_t(S_ * thd_) * e);
    h_lses_.resize(size_t(S_ * rows_));
    MAS_TRY(cudaMemcpy(h_parts_.data(), parts_.p, h_parts_.size(), cudaMemcpyDeviceToHost));
    MAS_TRY(cudaMemcpy(h_lses_.data(), lses_.p, h_lses_.size() * 4, cudaMemcpyDeviceToHost));
    host_valid_ = true;
    return "";
  }
  std::string check(int impl, double tol_out, double tol_lse, cpu::Diff& d) override {
    if (impl == COPY) return "copy has no output to check";
    std::string err = ensure_host();
    if (!err.empty()) return err;
    const size_t e = size_t(dtype_size(dt_));
    // Poison the outputs (all-ones bits are NaN in every dtype) so unwritten elements show.
    MAS_TRY(cudaMemsetAsync(out_.p, 0xff, size_t(thd_) * e, st_));
    MAS_TRY(cudaMemsetAsync(out_lse_.p, 0xff, size_t(rows_) * 4, st_));
    MAS_TRY(launch(impl));
    MAS_TRY(cudaStreamSynchronize(st_));
    std::vector<char> out(size_t(thd_) * e);
    std::vector<float> out_lse(size_t(rows_), 0.f);
    MAS_TRY(cudaMemcpy(out.data(), out_.p, out.size(), cudaMemcpyDeviceToHost));
    MAS_TRY(cudaMemcpy(out_lse.data(), out_lse_.p, out_lse.size() * 4, cudaMemcpyDeviceToHost));
    if (impl == MERGE_S) {
      MergeSArgs a = sway();
      a.parts = h_parts_.data(); a.lses = h_lses_.data(); a.out = out.data(); a.out_lse = out_lse.data();
      d = cpu::compare_s(a, tol_out, tol_lse, 0);
    } else {
      MergeArgs a = two();
      a.prefix = h_parts_.data();
      a.suffix = h_parts_.data() + size_t(thd_) * e;
      a.prefix_lse = h_lses_.data();
      a.suffix_lse = h_lses_.data() + rows_;
      a.out = out.data();
      a.out_lse = out_lse.data();
      d = cpu::compare(a, tol_out, tol_lse, 0);
    }
    return "";
  }
  std::string download(void* out, float* out_lse) override {
    const size_t e = size_t(dtype_size(dt_));
    MAS_TRY(cudaStreamSynchronize(st_));
    if (out) MAS_TRY(cudaMemcpy(out, out_.p, size_t(thd_) * e, cudaMemcpyDeviceToHost));
    if (out_lse) MAS_TRY(cudaMemcpy(out_lse, out_lse_.p, size_t(rows_) * 4, cudaMemcpyDeviceToHost));
    return "";
  }
  double bytes(int impl) const override {
    if (impl == MERGE_S) return merge_s_bytes(dt_, S_, T_, H_, D_);
    return merge_bytes(dt_, T_, H_, D_);
  }

 private:
  DType dt_ = DType::F32;
  int64_t S_ = 0, T_ = 0, H_ = 0, D_ = 0, rows_ = 0, thd_ = 0;
  cudaStream_t st_ = nullptr;
  cudaEvent_t e0_ = nullptr, e1_ = nullptr;
  DBuf parts_, lses_, out_, out_lse_, flush_, copy_;
  NaiveBufs naive_;
  bool naive_ready_ = false, host_valid_ = false;
  std::vector<char> h_parts_;
  std::vector<float> h_lses_;
};

std::unique_ptr<Case> make_case(DType dt, int64_t S, int64_t T, int64_t H, int64_t D,
                                std::string& err) {
  err = need_device();
  if (!err.empty()) return nullptr;
  auto c = std::make_unique<CudaCase>();
  err = c->init(dt, S, T, H, D);
  if (!err.empty()) return nullptr;
  return c;
}

}}  // namespace mas::gpu

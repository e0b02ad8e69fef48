// Host side of the GPU path: device discovery, dispatch (built-in kernels and loaded --kernel
// files), one-shot merges, the empty-kernel launch used as the host-cost yardstick. The timing
// Case is in mas_gpu_case.cu.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include "mas_gpu_internal.h"
#include "mas_user.h"

#ifndef MAS_CUDA_ARCHS
#define MAS_CUDA_ARCHS "unknown"
#endif

namespace mas { namespace gpu {
using namespace mas::cuda;

const char* impl_name(int impl) {
  switch (impl) {
    case NAIVE: return "naive";
    case BASELINE: return "baseline";
    case OPTIMIZED: return "optimized";
    case OPTIMIZED_CS: return "optimized-cs";
    case MERGE_S: return "merge-s";
    case COPY: return "copy";
    default: {
      const user::Kernel* k = user::get(impl);
      return k ? k->name.c_str() : "?";
    }
  }
}

int impl_id(const std::string& name) {
  for (int i = NAIVE; i <= COPY; ++i)
    if (name == impl_name(i)) return i;
  return user::find(name);
}

int load_kernel(const std::string& file, std::string& err) {
  err = need_device();
  if (!err.empty()) {
    err = "needs a GPU: " + err;
    return -1;
  }
  const Info& i = info();
  return user::load(file, std::to_string(i.cc_major) + std::to_string(i.cc_minor), err);
}

const Info& info() {
  static Info inf;
  static std::once_flag once;
  std::call_once(once, [] {
    inf.built = true;
    inf.archs = MAS_CUDA_ARCHS;
    cudaRuntimeGetVersion(&inf.runtime);
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      inf.error = cerr_str(e, "cudaGetDeviceCount");
      cudaGetLastError();
      return;
    }
    if (n == 0) {
      inf.error = "no CUDA device";
      return;
    }
    cudaDriverGetVersion(&inf.driver);
    cudaDeviceProp pr;
    e = cudaGetDeviceProperties(&pr, 0);
    if (e != cudaSuccess) {
      inf.error = cerr_str(e, "cudaGetDeviceProperties");
      return;
    }
    inf.name = pr.name;
    inf.cc_major = pr.major;
    inf.cc_minor = pr.minor;
    inf.sms = pr.multiProcessorCount;
    inf.l2_bytes = pr.l2CacheSize;
    inf.mem_bytes = int64_t(pr.totalGlobalMem);
    // Is there code for this device? Try a trivial allocation and launch.
    void* p = nullptr;
    e = cudaMalloc(&p, 256);
    if (e != cudaSuccess) {
      inf.error = cerr_str(e, "cudaMalloc");
      return;
    }
    cudaFree(p);
    inf.available = true;
  });
  return inf;
}

std::string need_device() {
  const Info& i = info();
  if (!i.available) return "no usable CUDA device: " + i.error;
  return "";
}

// A loaded --kernel: its contract has one head stride for all three [T,H,D] tensors and token
// stride H * head_stride (mas_user_kernel.h); other views are refused, not silently mis-read.
static cudaError_t dispatch_user(const user::Kernel& k, const MergeArgs& a, cudaStream_t st) {
  const int64_t hs = a.o_head;
  if (a.p_head != hs || a.s_head != hs || a.p_tok != a.H * hs || a.s_tok != a.H * hs || a.o_tok != a.H * hs)
    return cudaErrorNotSupported;
  return cudaError_t(k.fn(a.out, a.out_lse, a.prefix, a.prefix_lse, a.suffix, a.suffix_lse, a.T, a.H,
                          a.D, hs, int(a.dtype), st));
}

cudaError_t dispatch_two(int impl, const MergeArgs& a, const NaiveTemps* tmp, cudaStream_t st) {
  if (const user::Kernel* k = impl >= user::kFirstId ? user::get(impl) : nullptr) return dispatch_user(*k, a, st);
  switch (impl) {
    case OPTIMIZED:
    case OPTIMIZED_CS: {
      int c = impl == OPTIMIZED_CS ? 1 : 0;
      switch (a.dtype) {
        case DType::F32: return launch_opt<DType::F32>(a, c, st);
        case DType::F16: return launch_opt<DType::F16>(a, c, st);
        default: return launch_opt<DType::BF16>(a, c, st);
      }
    }
    case BASELINE:
      switch (a.dtype) {
        case DType::F32: return launch_baseline<DType::F32>(a, st);
        case DType::F16: return launch_baseline<DType::F16>(a, st);
        default: return launch_baseline<DType::BF16>(a, st);
      }
    case NAIVE:
      if (!tmp) return cudaErrorInvalidValue;
      switch (a.dtype) {
        case DType::F32: return launch_naive<DType::F32>(a, *tmp, st);
        case DType::F16: return launch_naive<DType::F16>(a, *tmp, st);
        default: return launch_naive<DType::BF16>(a, *tmp, st);
      }
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t dispatch_s(const MergeSArgs& a, cudaStream_t st) {
  switch (a.dtype) {
    case DType::F32: return launch_s<DType::F32>(a, st);
    case DType::F16: return launch_s<DType::F16>(a, st);
    default: return launch_s<DType::BF16>(a, st);
  }
}

std::string merge_host(int impl, const MergeArgs& h, int64_t n_prefix, int64_t n_suffix,
                       int64_t n_out) {
  std::string err = need_device();
  if (!err.empty()) return err;
  const size_t e = size_t(dtype_size(h.dtype));
  const size_t rows = size_t(h.T * h.H);
  DBuf dp, ds, dout, dpl, dsl, dol;
  MAS_TRY(dp.alloc(size_t(n_prefix) * e));
  MAS_TRY(ds.alloc(size_t(n_suffix) * e));
  MAS_TRY(dout.alloc(size_t(n_out) * e));
  MAS_TRY(dpl.alloc(rows * 4));
  MAS_TRY(dsl.alloc(rows * 4));
  MAS_TRY(dol.alloc(rows * 4));
  MAS_TRY(cudaMemcpy(dp.p, h.prefix, size_t(n_prefix) * e, cudaMemcpyHostToDevice));
  MAS_TRY(cudaMemcpy(ds.p, h.suffix, size_t(n_suffix) * e, cudaMemcpyHostToDevice));
  // Start from the caller's output so that elements outside the view keep their values.
  MAS_TRY(cudaMemcpy(dout.p, h.out, size_t(n_out) * e, cudaMemcpyHostToDevice));
  MAS_TRY(cudaMemcpy(dpl.p, h.prefix_lse, rows * 4, cudaMemcpyHostToDevice));
  MAS_TRY(cudaMemcpy(dsl.p, h.suffix_lse, rows * 4, cudaMemcpyHostToDevice));
  MergeArgs d = h;
  d.prefix = dp.p;
  d.suffix = ds.p;
  d.out = dout.p;
  d.prefix_lse = dpl.as<float>();
  d.suffix_lse = dsl.as<float>();
  d.out_lse = h.out_lse ? dol.as<float>() : nullptr;
  NaiveBufs nb;
  if (impl == NAIVE) MAS_TRY(nb.alloc(int64_t(rows), int64_t(rows) * h.D));
  MAS_TRY(dispatch_two(impl, d, &nb.t, 0));
  MAS_TRY(cudaDeviceSynchronize());
  MAS_TRY(cudaMemcpy(h.out, dout.p, size_t(n_out) * e, cudaMemcpyDeviceToHost));
  if (h.out_lse) MAS_TRY(cudaMemcpy(h.out_lse, dol.p, rows * 4, cudaMemcpyDeviceToHost));
  return "";
}

std::string merge_s_host(const MergeSArgs& h) {
  std::string err = need_device();
  if (!err.empty()) return err;
  const size_t e = size_t(dtype_size(h.dtype));
  const size_t rows = size_t(h.T * h.H), thd = rows * size_t(h.D);
  DBuf dp, dl, dout, dol;
  MAS_TRY(dp.alloc(size_t(h.S) * thd * e));
  MAS_TRY(dl.alloc(size_t(h.S) * rows * 4));
  MAS_TRY(dout.alloc(thd * e));
  MAS_TRY(dol.alloc(rows * 4));
  MAS_TRY(cudaMemcpy(dp.p, h.parts, size_t(h.S) * thd * e, cudaMemcpyHostToDevice));
  MAS_TRY(cudaMemcpy(dl.p, h.lses, size_t(h.S) * rows * 4, cudaMemcpyHostToDevice));
  MergeSArgs d = h;
  d.parts = dp.p;
  d.lses = dl.as<float>();
  d.out = dout.p;
  d.out_lse = h.out_lse ? dol.as<float>() : nullptr;
  MAS_TRY(dispatch_s(d, 0));
  MAS_TRY(cudaDeviceSynchronize());
  MAS_TRY(cudaMemcpy(h.out, dout.p, thd * e, cudaMemcpyDeviceToHost));
  if (h.out_lse) MAS_TRY(cudaMemcpy(h.out_lse, dol.p, rows * 4, cudaMemcpyDeviceToHost));
  return "";
}

__global__ void empty_kernel() {}

std::string launch_empty() {
  std::string err = need_device();
  if (!err.empty()) return err;
  empty_kernel<<<1, 1>>>();
  MAS_TRY(cudaGetLastError());
  return "";
}

std::string device_sync() {
  std::string err = need_device();
  if (!err.empty()) return err;
  MAS_TRY(cudaDeviceSynchronize());
  return "";
}

double empty_launch_us(int n, std::string& err) {
  err = need_device();
  if (!err.empty()) return 0;
  for (int i = 0; i < 100; ++i) empty_kernel<<<1, 1>>>();
  cudaDeviceSynchronize();
  std::vector<double> per;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) empty_kernel<<<1, 1>>>();
    auto t1 = std::chrono::steady_clock::now();
    cudaDeviceSynchronize();
    per.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / n);
  }
  cudaError_t e = cudaGetLastError();
  if (e) err = cerr_str(e, "empty_kernel");
  std::sort(per.begin(), per.end());
  return per[per.size() / 2];
}

}}  // namespace mas::gpu

// Internals shared by the GPU host files (mas_gpu.cu: discovery, dispatch, one-shot merges;
// mas_gpu_case.cu: the device-resident timing Case): error strings, RAII buffers, dispatch.
#pragma once
#include <string>
#include "mas_gpu.h"
#include "mas_gpu_launch.h"

namespace mas { namespace gpu {

inline std::string cerr_str(cudaError_t e, const char* what) {
  return std::string(what) + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
}
#define MAS_TRY(call)                                    \
  do {                                                   \
    cudaError_t e_ = (call);                             \
    if (e_ != cudaSuccess) return cerr_str(e_, #call);   \
  } while (0)

// "" when a usable device exists, else the reason.
std::string need_device();

// Launches implementation `impl` (a built-in id or a loaded --kernel id) on device pointers.
cudaError_t dispatch_two(int impl, const MergeArgs& a, const cuda::NaiveTemps* tmp, cudaStream_t st);
cudaError_t dispatch_s(const MergeSArgs& a, cudaStream_t st);

// RAII device buffer.
struct DBuf {
  void* p = nullptr;
  size_t n = 0;
  DBuf() = default;
  DBuf(const DBuf&) = delete;
  DBuf& operator=(const DBuf&) = delete;
  ~DBuf() {
    if (p) cudaFree(p);
  }
  cudaError_t alloc(size_t bytes) {
    n = bytes;
    return cudaMalloc(&p, bytes ? bytes : 16);
  }
  void reset() {
    if (p) cudaFree(p);
    p = nullptr;
    n = 0;
  }
  template <class T> T* as() const { return static_cast<T*>(p); }
};

struct NaiveBufs {
  DBuf rows[8], el[2];
  cuda::NaiveTemps t{};
  cudaError_t alloc(int64_t nrows, int64_t nel) {
    for (auto& b : rows) {
      cudaError_t e = b.alloc(size_t(nrows) * 4);
      if (e) return e;
    }
    for (auto& b : el) {
      cudaError_t e = b.alloc(size_t(nel) * 4);
      if (e) return e;
    }
    t = cuda::NaiveTemps{rows[0].as<float>(), rows[1].as<float>(), rows[2].as<float>(),
                   rows[3].as<float>(), rows[4].as<float>(), rows[5].as<float>(),
                   rows[6].as<float>(), rows[7].as<float>(), el[0].as<float>(), el[1].as<float>()};
    return cudaSuccess;
  }
};

}}  // namespace mas::gpu

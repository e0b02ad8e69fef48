// GPU side of merge_attn_states as seen by plain C++ (the N-API binding and the standalone bench):
// no CUDA types here. Built from mas_gpu.cu with CUDA, or mas_gpu_stub.cc without.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "mas_common.h"
#include "mas_cpu.h"

namespace mas { namespace gpu {

enum Impl : int { NAIVE = 0, BASELINE = 1, OPTIMIZED = 2, OPTIMIZED_CS = 3, MERGE_S = 4, COPY = 5 };
// Name of a built-in implementation or of a loaded --kernel ("?" when unknown).
const char* impl_name(int impl);
// Id of the implementation named `name` (built-in or loaded kernel), or -1.
int impl_id(const std::string& name);
// Loads a --kernel file for this device (mas_user.h: .cu compiled for the device's sm, or a .so):
// its implementation id, or -1 with a one-line reason ("needs a GPU: ..." without one).
int load_kernel(const std::string& file, std::string& err);

struct Info {
  bool built = false;      // compiled with CUDA
  bool available = false;  // a usable device was found
  std::string error;       // why not, when not
  std::string name;
  int cc_major = 0, cc_minor = 0, sms = 0;
  int64_t l2_bytes = 0, mem_bytes = 0;
  int driver = 0, runtime = 0;
  std::string archs;  // architectures compiled in
};
const Info& info();

// One-shot merges on host arrays (copied to the device and back). Element counts of each host
// array are passed so that the copies never read or write past them. Returns "" or an error.
std::string merge_host(int impl, const MergeArgs& host, int64_t n_prefix, int64_t n_suffix,
                       int64_t n_out);
std::string merge_s_host(const MergeSArgs& host);

// Host time of one launch of an empty kernel, measured over n launches in a native loop (us).
double empty_launch_us(int n, std::string& err);
// One launch of the empty kernel (to time the same through the binding).
std::string launch_empty();
std::string device_sync();

// Device-resident buffers for timing: parts [S,T,H,D] (parts 0 and 1 are prefix and suffix for
// the two-way implementations), lses [S,H,T], out [T,H,D], out_lse [H,T].
class Case {
 public:
  virtual ~Case() = default;
  virtual std::string fill_random(uint64_t seed) = 0;
  virtual std::string upload(const void* parts, const float* lses) = 0;
  virtual std::string run(int impl) = 0;  // asynchronous
  virtual std::string sync() = 0;
  virtual std::string time_cold(int impl, int iters, std::vector<double>& us) = 0;
  virtual std::string time_steady(int impl, int calls, int reps, double& us) = 0;
  virtual std::string check(int impl, double tol_out, double tol_lse, cpu::Diff& d) = 0;
  virtual std::string download(void* out, float* out_lse) = 0;
  virtual double bytes(int impl) const = 0;
};
std::unique_ptr<Case> make_case(DType dt, int64_t S, int64_t T, int64_t H, int64_t D,
                                std::string& err);

}}  // namespace mas::gpu

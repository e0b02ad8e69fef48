// GPU entry points for builds without CUDA (nvcc absent or ABSERVE_NO_CUDA=1): every call reports
// that CUDA was not built, so callers fall back to the CPU path and say so.
#include "mas_gpu.h"

namespace mas { namespace gpu {

static const char* kNoCuda = "CUDA support was not built into this addon (nvcc absent or ABSERVE_NO_CUDA=1)";

const char* impl_name(int impl) {
  static const char* names[] = {"naive", "baseline", "optimized", "optimized-cs", "merge-s", "copy"};
  return impl >= 0 && impl <= 5 ? names[impl] : "?";
}

int impl_id(const std::string& name) {
  for (int i = 0; i <= 5; ++i)
    if (name == impl_name(i)) return i;
  return -1;
}

int load_kernel(const std::string&, std::string& err) {
  err = std::string("needs a GPU: ") + kNoCuda;
  return -1;
}

const Info& info() {
  static Info i = [] {
    Info x;
    x.error = kNoCuda;
    return x;
  }();
  return i;
}

std::string merge_host(int, const MergeArgs&, int64_t, int64_t, int64_t) { return kNoCuda; }
std::string merge_s_host(const MergeSArgs&) { return kNoCuda; }
double empty_launch_us(int, std::string& err) {
  err = kNoCuda;
  return 0;
}
std::string launch_empty() { return kNoCuda; }
std::string device_sync() { return kNoCuda; }
std::unique_ptr<Case> make_case(DType, int64_t, int64_t, int64_t, int64_t, std::string& err) {
  err = kNoCuda;
  return nullptr;
}

}}  // namespace mas::gpu

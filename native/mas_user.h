// Loaded --kernel files (bring your own kernel): compiles a user's .cu with the local nvcc for the
// device's architecture, or takes a prebuilt shared library, loads it with dlopen and keeps its
// abserve_merge_attn_states entry point (contract: mas_user_kernel.h). Host-only code, no CUDA
// headers: the GPU side (mas_gpu.cu) calls the entry points by id.
#pragma once
#include <string>
#include "mas_user_kernel.h"

namespace mas { namespace user {

// Implementation ids of loaded kernels are kFirstId, kFirstId + 1, ... in load order (the built-in
// ids in mas_gpu.h stay below).
constexpr int kFirstId = 16;

struct Kernel {
  std::string name;  // file name without folder and extension ("#2" appended on a repeat)
  std::string file;  // as given
  std::string so;    // the shared library loaded (the cached compile of a .cu)
  abserve_merge_attn_states_fn fn = nullptr;
};

// Loads `file`: a .cu is compiled for sm_<arch> (e.g. "90") into ABSERVE_KERNEL_DIR (default
// $TMPDIR/abserve-kernels, cached by content, arch and flags); anything else is dlopen'ed as is.
// Returns the implementation id, or -1 with a one-line reason in `err` (nvcc's first error line
// and the path of its full log, a dlopen error, or a missing entry point).
int load(const std::string& file, const std::string& arch, std::string& err);
const Kernel* get(int id);  // nullptr when `id` is not a loaded kernel
int find(const std::string& name);  // id of the kernel named `name`, or -1

}}  // namespace mas::user

/* abserve bring-your-own-kernel contract for `abserve micro --kernel FILE` (and mas_bench --kernel).
 *
 * A user's CUDA file (or a prebuilt shared library) exports ONE C function with vLLM's
 * merge_attn_states contract (vllm-project/vllm csrc/attention/merge_attn_states.cu; section 2.2 of
 * arXiv 2501.01005). abserve compiles the .cu with the local nvcc for the device's architecture:
 *     nvcc -O3 -std=c++17 -shared -Xcompiler -fPIC -gencode arch=compute_XY,code=sm_XY -I<native/> FILE.cu
 * (extra flags from ABSERVE_NVCC_FLAGS), loads it with dlopen, and checks and times the function
 * exactly like its own implementations: max |diff| against the float64 reference, every +-inf/NaN
 * LSE combination, cold (L2 flushed) and steady (CUDA graph) time, % of a same-bytes copy, host cost.
 *
 * Shapes and units (elements, not bytes; every offset must be computed in 64 bits):
 *   output         [T, H, D] of `dtype`, element (t, h, d) at t * H * head_stride + h * head_stride + d
 *   output_lse     [H, T] float32, natural log, contiguous; NULL when not wanted
 *   prefix_output  [T, H, D] of `dtype`, same layout as output
 *   prefix_lse     [H, T] float32, natural log, contiguous
 *   suffix_output  [T, H, D] of `dtype`, same layout as output
 *   suffix_lse     [H, T] float32, natural log, contiguous
 *   num_tokens T, num_heads H, head_size D (>= 1); head_stride >= D (D for contiguous tensors)
 *   dtype          ABSERVE_DTYPE_F32 | ABSERVE_DTYPE_F16 | ABSERVE_DTYPE_BF16
 *   stream         a cudaStream_t (as void*); launch on it, do not synchronise
 * Pointers are device pointers, 16-byte aligned. Returns 0 on success, else a cudaError_t value
 * (e.g. cudaGetLastError() after the launch, or cudaErrorInvalidValue for an unsupported shape).
 *
 * Semantics (shared/docs/kernel.md), per token t and head h, in float32:
 *   p = prefix_lse[h,t], s = suffix_lse[h,t]; +inf in either is read as -inf ("no keys");
 *   m = max(p, s); both -inf -> output row 0, output_lse -inf;
 *   else wp = exp(p-m), ws = exp(s-m): output = (prefix*wp + suffix*ws) / (wp+ws), lse = log(wp+ws) + m;
 *   a NaN in either LSE makes that row's output and LSE NaN.
 */
#ifndef ABSERVE_MAS_USER_KERNEL_H
#define ABSERVE_MAS_USER_KERNEL_H
#include <stdint.h>

#define ABSERVE_MAS_ABI_VERSION 1
#define ABSERVE_DTYPE_F32 0
#define ABSERVE_DTYPE_F16 1
#define ABSERVE_DTYPE_BF16 2
#define ABSERVE_MAS_SYMBOL "abserve_merge_attn_states"

#ifdef __cplusplus
extern "C" {
#endif

typedef int (*abserve_merge_attn_states_fn)(void* output, float* output_lse,
                                            const void* prefix_output, const float* prefix_lse,
                                            const void* suffix_output, const float* suffix_lse,
                                            int64_t num_tokens, int64_t num_heads, int64_t head_size,
                                            int64_t head_stride, int dtype, void* stream);

/* The entry point a --kernel file defines (declared here so that a mismatch fails to compile). */
int abserve_merge_attn_states(void* output, float* output_lse, const void* prefix_output,
                              const float* prefix_lse, const void* suffix_output,
                              const float* suffix_lse, int64_t num_tokens, int64_t num_heads,
                              int64_t head_size, int64_t head_stride, int dtype, void* stream);

#ifdef __cplusplus
}
#endif
#endif

// Example `abserve micro --kernel` file: a plain port of the vLLM-design merge_attn_states kernel
// (vllm-project/vllm csrc/attention/merge_attn_states.cu): one thread per 16-byte pack over a flat
// index, 128-thread blocks, run-time divisions, expf/logf in float32, with kernel.md's full
// semantics (+inf read as -inf, both parts empty -> zeros and -inf, NaN propagates). Contract and
// shapes: ../mas_user_kernel.h. Try it:
//   abserve micro --kernel native/examples/vllm_baseline_kernel.cu --shapes 512x16x128
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <cstdint>
#include "mas_user_kernel.h"

namespace {

__device__ __forceinline__ float to_f(float v) { return v; }
__device__ __forceinline__ float to_f(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_f(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ void from_f(float& d, float v) { d = v; }
__device__ __forceinline__ void from_f(__half& d, float v) { d = __float2half_rn(v); }
__device__ __forceinline__ void from_f(__nv_bfloat16& d, float v) { d = __float2bfloat16_rn(v); }

template <typename T, unsigned NUM_THREADS>
__global__ void merge_kernel(T* out, float* out_lse, const T* prefix, const float* prefix_lse,
                             const T* suffix, const float* suffix_lse, int64_t T_, int64_t H,
                             int64_t D, int64_t head_stride) {
  constexpr int PACK = 16 / sizeof(T);
  const int64_t packs_per_head = D / PACK;
  const int64_t gi = int64_t(blockIdx.x) * NUM_THREADS + threadIdx.x;
  if (gi >= T_ * H * packs_per_head) return;
  const int64_t th = gi / packs_per_head, pack = gi % packs_per_head;
  const int64_t t = th / H, h = th % H;
  const int64_t off = t * H * head_stride + h * head_stride + pack * PACK;
  const float inf = __int_as_float(0x7f800000);
  float p = prefix_lse[h * T_ + t], s = suffix_lse[h * T_ + t];
  const bool nan = p != p || s != s;
  p = p == inf ? -inf : p;
  s = s == inf ? -inf : s;
  const float m = fmaxf(p, s);
  const bool empty = m == -inf && !nan;  // both parts empty (a NaN wins over empty)
  const float ep = expf(p - m), es = expf(s - m), sum = ep + es;
  const float wp = nan ? __int_as_float(0x7fc00000) : empty ? 0.f : ep / sum;
  const float ws = nan ? __int_as_float(0x7fc00000) : empty ? 0.f : es / sum;
  uint4 a = *reinterpret_cast<const uint4*>(prefix + off);
  uint4 b = *reinterpret_cast<const uint4*>(suffix + off);
  uint4 r;
  const T* av = reinterpret_cast<const T*>(&a);
  const T* bv = reinterpret_cast<const T*>(&b);
  T* rv = reinterpret_cast<T*>(&r);
#pragma unroll
  for (int i = 0; i < PACK; ++i) from_f(rv[i], empty ? 0.f : to_f(av[i]) * wp + to_f(bv[i]) * ws);
  *reinterpret_cast<uint4*>(out + off) = r;
  if (out_lse && pack == 0)
    out_lse[h * T_ + t] = nan ? __int_as_float(0x7fc00000) : empty ? -inf : logf(sum) + m;
}

template <typename T>
int launch(void* out, float* out_lse, const void* p, const float* pl, const void* s,
           const float* sl, int64_t T_, int64_t H, int64_t D, int64_t hs, cudaStream_t st) {
  constexpr unsigned NUM_THREADS = 128;
  constexpr int PACK = 16 / sizeof(T);
  if (D % PACK != 0 || hs % PACK != 0 || hs < D) return int(cudaErrorInvalidValue);
  const int64_t total = T_ * H * (D / PACK);
  const int64_t blocks = (total + NUM_THREADS - 1) / NUM_THREADS;
  if (blocks == 0) return 0;
  if (blocks > 0x7fffffffLL) return int(cudaErrorInvalidConfiguration);
  merge_kernel<T, NUM_THREADS><<<unsigned(blocks), NUM_THREADS, 0, st>>>(
      static_cast<T*>(out), out_lse, static_cast<const T*>(p), pl, static_cast<const T*>(s), sl,
      T_, H, D, hs);
  return int(cudaGetLastError());
}

}  // namespace

extern "C" int abserve_merge_attn_states(void* output, float* output_lse, const void* prefix_output,
                                         const float* prefix_lse, const void* suffix_output,
                                         const float* suffix_lse, int64_t num_tokens,
                                         int64_t num_heads, int64_t head_size, int64_t head_stride,
                                         int dtype, void* stream) {
  cudaStream_t st = static_cast<cudaStream_t>(stream);
  switch (dtype) {
    case ABSERVE_DTYPE_F32:
      return launch<float>(output, output_lse, prefix_output, prefix_lse, suffix_output, suffix_lse,
                           num_tokens, num_heads, head_size, head_stride, st);
    case ABSERVE_DTYPE_F16:
      return launch<__half>(output, output_lse, prefix_output, prefix_lse, suffix_output, suffix_lse,
                            num_tokens, num_heads, head_size, head_stride, st);
    case ABSERVE_DTYPE_BF16:
      return launch<__nv_bfloat16>(output, output_lse, prefix_output, prefix_lse, suffix_output,
                                   suffix_lse, num_tokens, num_heads, head_size, head_stride, st);
    default:
      return int(cudaErrorInvalidValue);
  }
}

// The typed vector of the merge kernels (in the manner of FlashInfer's vec_dtypes.cuh): Dev<DT>
// converts VEC elements of a dtype to and from float, Pack<T, VEC> is one 16-byte (or smaller) load.
#pragma once
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include "mas_common.h"

namespace mas { namespace cuda {

// ---- packs of VEC elements with conversions to float ------------------------------------------
template <DType DT> struct Dev;
template <> struct Dev<DType::F32> {
  using T = float;
  static __device__ __forceinline__ void to_f(const T* v, float* f, int n) {
    for (int i = 0; i < n; ++i) f[i] = v[i];
  }
  static __device__ __forceinline__ void from_f(const float* f, T* v, int n) {
    for (int i = 0; i < n; ++i) v[i] = f[i];
  }
};
// The two 2-byte dtypes share one body: pairs through the 2-wide conversions, an odd last element
// through the scalar ones (Derived supplies to2 / from2 / to1 / from1).
template <class Derived, class T_, class T2> struct Dev16 {
  using T = T_;
  static __device__ __forceinline__ void to_f(const T* v, float* f, int n) {
#pragma unroll
    for (int i = 0; i + 1 < n; i += 2) {
      const float2 x = Derived::to2(*reinterpret_cast<const T2*>(v + i));
      f[i] = x.x;
      f[i + 1] = x.y;
    }
    if (n & 1) f[n - 1] = Derived::to1(v[n - 1]);
  }
  static __device__ __forceinline__ void from_f(const float* f, T* v, int n) {
#pragma unroll
    for (int i = 0; i + 1 < n; i += 2) *reinterpret_cast<T2*>(v + i) = Derived::from2(f[i], f[i + 1]);
    if (n & 1) v[n - 1] = Derived::from1(f[n - 1]);
  }
};
template <> struct Dev<DType::F16> : Dev16<Dev<DType::F16>, __half, __half2> {
  static __device__ __forceinline__ float2 to2(__half2 x) { return __half22float2(x); }
  static __device__ __forceinline__ __half2 from2(float a, float b) { return __floats2half2_rn(a, b); }
  static __device__ __forceinline__ float to1(__half x) { return __half2float(x); }
  static __device__ __forceinline__ __half from1(float x) { return __float2half_rn(x); }
};
template <> struct Dev<DType::BF16> : Dev16<Dev<DType::BF16>, __nv_bfloat16, __nv_bfloat162> {
  // bf16 is the upper half of a float: one shift and one mask per pair. __bfloat1622float2 compiles
  // to a PRMT + shift for the upper element (3 instructions a pair against fp16's 2 HADD2.F32); at
  // 203 MB on an H200 that alone made bf16 ~1 us (2%) slower than fp16 (NOTES.md, v8).
  static __device__ __forceinline__ float2 to2(__nv_bfloat162 x) {
    const uint32_t u = *reinterpret_cast<const uint32_t*>(&x);
    return make_float2(__uint_as_float(u << 16), __uint_as_float(u & 0xffff0000u));
  }
  static __device__ __forceinline__ __nv_bfloat162 from2(float a, float b) { return __floats2bfloat162_rn(a, b); }
  static __device__ __forceinline__ float to1(__nv_bfloat16 x) { return __bfloat162float(x); }
  static __device__ __forceinline__ __nv_bfloat16 from1(float x) { return __float2bfloat16_rn(x); }
};

template <class T, int VEC> struct alignas(sizeof(T) * VEC) Pack {
  T v[VEC];
};

}}  // namespace mas::cuda

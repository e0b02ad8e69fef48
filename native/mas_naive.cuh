// The naive merge_attn_states: a chain of elementwise kernels through float32 temporaries, like a
// PyTorch expression chain (the slow end of the microbench's range). Semantics: mas_common.h.
#pragma once
#include "merge_attn_states.cuh"

namespace mas { namespace cuda {

// ---- naive: elementwise kernels through float32 temporaries ------------------------------------
// rows-sized temporaries: pf, sf (fixed LSEs), m, wp, ws, sum, sp, ss; element-sized: tp, ts.
struct NaiveTemps {
  float *pf, *sf, *m, *wp, *ws, *sum, *sp, *ss, *tp, *ts;
};

static __global__ void naive_fix_inf(const float* in, float* out, int64_t n) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) {
    float v = in[i];
    out[i] = v == kPosInf ? kNegInf : v;
  }
}
static __global__ void naive_max(const float* a, const float* b, float* m, int64_t n) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) {
    float x = a[i], y = b[i];
    m[i] = (x != x || y != y) ? kNaN : fmaxf(x, y);
  }
}
// exp(x - m), 0 where m == kNegInf (both empty)
static __global__ void naive_exp_sub(const float* x, const float* m, float* out, int64_t n) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = m[i] == kNegInf ? 0.f : expf(x[i] - m[i]);
}
static __global__ void naive_add(const float* a, const float* b, float* out, int64_t n) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = a[i] + b[i];
}
static __global__ void naive_log_add(const float* sum, const float* m, float* out, int64_t n) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = m[i] == kNegInf ? m[i] : logf(sum[i]) + m[i];
}
static __global__ void naive_div(const float* a, const float* sum, float* out, int64_t n) {
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = sum[i] == 0.f ? 0.f : a[i] / sum[i];
}
// tmp[t,h,d] = float(x[t,h,d]) * scale[h,t]; element i of a contiguous [T,H,D] temp.
template <DType DT>
__global__ void naive_scale(const void* x, int64_t tok, int64_t head, const float* scale,
                            float* tmp, int64_t T, int64_t H, int64_t D) {
  using T_ = typename Dev<DT>::T;
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= T * H * D) return;
  int64_t d = i % D, r = i / D, h = r % H, t = r / H;
  float v;
  Dev<DT>::to_f(static_cast<const T_*>(x) + t * tok + h * head + d, &v, 1);
  tmp[i] = v * scale[h * T + t];
}
// out = cast(tp + ts), zero for empty rows (like torch.where(empty, 0, out)).
template <DType DT>
__global__ void naive_sum_cast(const float* tp, const float* ts, const float* m, void* out,
                               int64_t tok, int64_t head, int64_t T, int64_t H, int64_t D) {
  using T_ = typename Dev<DT>::T;
  int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= T * H * D) return;
  int64_t d = i % D, r = i / D, h = r % H, t = r / H;
  float v = m[h * T + t] == kNegInf ? 0.f : tp[i] + ts[i];
  Dev<DT>::from_f(&v, static_cast<T_*>(out) + t * tok + h * head + d, 1);
}

}}  // namespace mas::cuda

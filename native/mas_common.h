// merge_attn_states: types, dtype conversions and the per-row merge rule, shared by every
// front door (CUDA kernels, CPU paths, float64 reference, N-API binding, standalone bench).
// Semantics: ../../shared/docs/kernel.md (section 2.2 of arXiv 2501.01005).
#pragma once
#include <cstdint>
#include <cstring>
#include <cmath>

#if defined(__CUDACC__)
#define MAS_HD __host__ __device__ __forceinline__
#else
#define MAS_HD inline
#endif

namespace mas {

enum class DType : int { F32 = 0, F16 = 1, BF16 = 2 };

// The special LSE values of the semantics (kernel.md), named once for host and device code:
// +inf marks "no keys" in some kernels and is read as -inf; -inf is an empty part; NaN poisons a row.
constexpr float kPosInf = __builtin_huge_valf();
constexpr float kNegInf = -__builtin_huge_valf();
constexpr float kNaN = __builtin_nanf("");

inline int dtype_size(DType d) { return d == DType::F32 ? 4 : 2; }
inline const char* dtype_name(DType d) {
  return d == DType::F32 ? "float32" : d == DType::F16 ? "float16" : "bfloat16";
}

// Two-way merge. Element strides (not bytes). LSEs are [H,T] contiguous float32.
// out_lse may be null. Offsets are 64-bit throughout.
struct MergeArgs {
  DType dtype = DType::F32;
  int64_t T = 0, H = 0, D = 0;
  const void* prefix = nullptr;
  const void* suffix = nullptr;
  void* out = nullptr;
  const float* prefix_lse = nullptr;
  const float* suffix_lse = nullptr;
  float* out_lse = nullptr;
  int64_t p_tok = 0, p_head = 0;  // prefix token / head stride
  int64_t s_tok = 0, s_head = 0;  // suffix
  int64_t o_tok = 0, o_head = 0;  // output
};

// Fills default (contiguous [T,H,D]) strides where they are zero.
inline void default_strides(MergeArgs& a) {
  if (a.p_head == 0) a.p_head = a.D;
  if (a.s_head == 0) a.s_head = a.D;
  if (a.o_head == 0) a.o_head = a.D;
  if (a.p_tok == 0) a.p_tok = a.H * a.p_head;
  if (a.s_tok == 0) a.s_tok = a.H * a.s_head;
  if (a.o_tok == 0) a.o_tok = a.H * a.o_head;
}

// S-way merge: parts [S,T,H,D] contiguous, lses [S,H,T]; out [T,H,D], out_lse [H,T] (nullable).
struct MergeSArgs {
  DType dtype = DType::F32;
  int64_t S = 0, T = 0, H = 0, D = 0;
  const void* parts = nullptr;
  const float* lses = nullptr;
  void* out = nullptr;
  float* out_lse = nullptr;
};

// ---- scalar conversions (bit exact, round to nearest even, NaN stays NaN) -------------------

MAS_HD float bits_to_f32(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
MAS_HD uint32_t f32_to_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}

MAS_HD float bf16_to_f32(uint16_t h) { return bits_to_f32(uint32_t(h) << 16); }
MAS_HD uint16_t f32_to_bf16(float f) {
  uint32_t u = f32_to_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x0040u);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

MAS_HD float f16_to_f32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  uint32_t u;
  if (exp == 0) {
    if (man == 0) {
      u = sign;
    } else {  // subnormal: value = man * 2^-24
      float f = float(man) * 5.9604644775390625e-8f;
      u = sign | f32_to_bits(f);
    }
  } else if (exp == 31) {
    u = sign | 0x7f800000u | (man << 13) | (man ? 0x00400000u : 0u);
  } else {
    u = sign | ((exp + 112u) << 23) | (man << 13);
  }
  return bits_to_f32(u);
}

MAS_HD uint16_t f32_to_f16(float f) {
  uint32_t u = f32_to_bits(f);
  uint32_t sign = (u >> 16) & 0x8000u;
  uint32_t a = u & 0x7fffffffu;
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u);  // NaN
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // overflow (>= 65520) -> inf
  if (a < 0x38800000u) {                                   // below 2^-14: subnormal or zero
    // value / 2^-24 rounded to nearest even, as an integer mantissa
    float v = bits_to_f32(a) * 16777216.0f;  // exact (power-of-two scale)
    // round half to even
    float r = v + 12582912.0f;  // 1.5*2^23 trick: rounds to nearest even integer
    uint32_t m = f32_to_bits(r) - 0x4b400000u;
    return uint16_t(sign | m);
  }
  // normal: rebias exponent and round mantissa (13 dropped bits) to nearest even
  uint32_t r = a + 0x0fffu + ((a >> 13) & 1u);
  r -= (112u << 23);
  return uint16_t(sign | (r >> 13));
}

template <DType DT> struct Elem;
template <> struct Elem<DType::F32> {
  using T = float;
  static MAS_HD float load(float v) { return v; }
  static MAS_HD float store(float v) { return v; }
};
template <> struct Elem<DType::F16> {
  using T = uint16_t;
  static MAS_HD float load(uint16_t v) { return f16_to_f32(v); }
  static MAS_HD uint16_t store(float v) { return f32_to_f16(v); }
};
template <> struct Elem<DType::BF16> {
  using T = uint16_t;
  static MAS_HD float load(uint16_t v) { return bf16_to_f32(v); }
  static MAS_HD uint16_t store(float v) { return f32_to_bf16(v); }
};

// ---- the merge rule for one row, in float32 ---------------------------------------------------
// kind: 0 = normal (out = x*wp + y*ws), 1 = both parts empty (out = 0, lse = -inf),
//       2 = NaN in an LSE (out = NaN, lse = NaN).
struct RowWeights {
  float wp, ws, lse;
  int kind;
};

MAS_HD bool mas_isnan(float x) { return x != x; }

MAS_HD RowWeights row_weights(float p, float s) {
  RowWeights r;
  if (mas_isnan(p) || mas_isnan(s)) {
    r.wp = r.ws = r.lse = kNaN;
    r.kind = 2;
    return r;
  }
  if (p == kPosInf) p = kNegInf;
  if (s == kPosInf) s = kNegInf;
  const float m = p > s ? p : s;
  if (m == kNegInf) {
    r.wp = r.ws = 0.f;
    r.lse = kNegInf;
    r.kind = 1;
    return r;
  }
  // Accurate expf/logf on both sides: the cost is per row, not per element.
  const float ep = expf(p - m), es = expf(s - m);
  const float sum = ep + es;
  const float inv = 1.f / sum;
  r.lse = logf(sum) + m;
  r.wp = ep * inv;
  r.ws = es * inv;
  r.kind = 0;
  return r;
}

// ---- the S-way rule (kernel.md), written once for the CUDA kernel, the CPU paths and, in double,
// the float64 reference --------------------------------------------------------------------------
// An LSE of +inf is read as -inf ("no keys").
template <class F>
MAS_HD F s_part_lse(F l) { return l == F(kPosInf) ? F(kNegInf) : l; }
// Scans the S LSEs lse(0) .. lse(S-1) of one row: m = the largest (after s_part_lse). Returns the
// row's kind: 0 normal (weights exp(s_part_lse(l) - m) / sum, LSE log(sum) + m), 1 every part
// empty (output 0, LSE -inf), 2 a NaN in any LSE (output and LSE NaN).
template <class F, class Get>
MAS_HD int s_row_scan(Get lse, int64_t S, F& m) {
  bool nan = false;
  m = F(kNegInf);
  for (int64_t s = 0; s < S; ++s) {
    const F l = s_part_lse(F(lse(s)));
    nan = nan || l != l;
    m = l > m ? l : m;
  }
  return nan ? 2 : m == F(kNegInf) ? 1 : 0;
}

// Bytes the two-way merge must move (kernel.md): read 2*T*H*D*e + 2*T*H*4, write T*H*D*e + T*H*4.
inline double merge_bytes(DType dt, int64_t T, int64_t H, int64_t D, bool with_lse = true) {
  double e = dtype_size(dt);
  double rows = double(T) * double(H);
  return 3.0 * rows * double(D) * e + rows * 4.0 * (with_lse ? 3.0 : 2.0);
}
inline double merge_s_bytes(DType dt, int64_t S, int64_t T, int64_t H, int64_t D) {
  double e = dtype_size(dt);
  double rows = double(T) * double(H);
  return double(S + 1) * rows * double(D) * e + double(S + 1) * rows * 4.0;
}

}  // namespace mas

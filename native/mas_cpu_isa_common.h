// Local (internal-linkage) copies of the fp16 conversions for the ISA-specific row kernels.
#pragma once
#include <cstdint>
#include <cstring>
namespace {
inline float mas_f16_to_f32_local(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, u;
  if (exp == 0) {
    if (man == 0) u = sign;
    else { float f = float(man) * 5.9604644775390625e-8f; std::memcpy(&u, &f, 4); u |= sign; }
  } else if (exp == 31) {
    u = sign | 0x7f800000u | (man << 13) | (man ? 0x00400000u : 0u);
  } else {
    u = sign | ((exp + 112u) << 23) | (man << 13);
  }
  float f; std::memcpy(&f, &u, 4); return f;
}
inline uint16_t mas_f32_to_f16_local(float f) {
  uint32_t u; std::memcpy(&u, &f, 4);
  uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u);
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);
  if (a < 0x38800000u) {
    float v; std::memcpy(&v, &a, 4); v *= 16777216.0f;
    float r = v + 12582912.0f; uint32_t rb; std::memcpy(&rb, &r, 4);
    return uint16_t(sign | (rb - 0x4b400000u));
  }
  uint32_t r = a + 0x0fffu + ((a >> 13) & 1u);
  r -= (112u << 23);
  return uint16_t(sign | (r >> 13));
}
}  // namespace

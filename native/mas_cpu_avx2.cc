// Vectorised CPU row kernels for AVX2 + FMA + F16C. This file is compiled with those flags
// (CMakeLists.txt) and only called after a run-time CPU check (mas_cpu.cc).
#include <cstdint>
#include <cstring>
#include <immintrin.h>
#include "mas_common.h"
#include "mas_cpu_isa_common.h"
#define MAS_ISA avx2
#define MAS_HAVE_F16C 1
#include "mas_cpu_rows.inc"

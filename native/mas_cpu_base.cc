// Vectorised CPU row kernels, baseline ISA (SSE2 on x86-64; whatever the compiler targets elsewhere).
#include <cstdint>
#include <cstring>
#include "mas_common.h"
#include "mas_cpu_isa_common.h"
#define MAS_ISA base
#include "mas_cpu_rows.inc"

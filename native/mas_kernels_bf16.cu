// Launchers for bf16 (see mas_kernels.inc).
#define MAS_DT ::mas::DType::BF16
#include "mas_kernels.inc"

// Launchers for f16 (see mas_kernels.inc).
#define MAS_DT ::mas::DType::F16
#include "mas_kernels.inc"

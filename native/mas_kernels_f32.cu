// Launchers for f32 (see mas_kernels.inc).
#define MAS_DT ::mas::DType::F32
#include "mas_kernels.inc"

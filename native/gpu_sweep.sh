#!/usr/bin/env bash
# One device-machine call for kernel tuning: every optimized-kernel variant (MAS_OPT_VARIANT, see
# mas_kernels.inc) on the anchor shapes, every dtype, cold % of a same-bytes copy measured beside it,
# plus memcheck of the variants' distinct template shapes. Expects build/native/Release carried.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
B=build/native/Release
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader | tee "$OUT/gpu.txt"
SH=${SWEEP_SHAPES:-512x16x128,4096x16x128,4096x32x128,4096x32x64,4096x32x256,4096x128x128}
for v in ${VARIANTS:-0 1 2 3 4 5 6 7 8 9 10 11 12 13 14}; do
  MAS_OPT_VARIANT=$v timeout 60 $B/mas_bench --shapes $SH --dtypes bf16,fp16,fp32 --cold-iters ${COLD:-40} \
    --steady-reps 5 --no-naive --no-check > "$OUT/sweep_v$v.json" 2>"$OUT/sweep_v$v.err" || echo "v$v rc=$?"
done
for v in ${SAN_VARIANTS:-}; do
  MAS_OPT_VARIANT=$v timeout 100 compute-sanitizer --tool memcheck --error-exitcode 9 \
    $B/mas_bench --shapes 1x32x128,7x3x128,13x5x256,33x2x80,3x256x128,17x128x64,1023x7x64 \
    --dtypes bf16,fp16,fp32 --cold-iters 1 --steady-reps 1 --no-naive > "$OUT/san_v$v.json" 2> "$OUT/san_v$v.txt"
  echo "memcheck v$v rc=$? $(grep -h 'ERROR SUMMARY' $OUT/san_v$v.txt | tail -1)"
done

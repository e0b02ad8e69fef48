#!/usr/bin/env bash
# One device call for the band probe (NOTES.md v6): the cold table (memset and read flush), then
# DRAM bytes per kernel through ncu (application replay, caches and clocks left alone, so the
# memset-dirtied L2 is what each kernel meets). Expects build/probe/band_probe (built here with
# nvcc -O3 -std=c++17 -arch=sm_90 -Inative native/probes/band_probe.cu) carried. Writes under $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
P=build/probe/band_probe
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader | tee "$OUT/gpu.txt"
timeout 200 $P --iters ${ITERS:-40} ${PROBE_SHAPES:+--shapes "$PROBE_SHAPES"} 2>&1 | tee "$OUT/probe.txt"
M=dram__bytes_read.sum,dram__bytes_write.sum,gpu__time_duration.sum,lts__t_sectors_srcunit_tex_op_write.sum
for shape in "bf16 4096x16x128" "bf16 4096x32x128"; do
  for fl in 1 2; do
    for impl in "copy kernel" "v4" "v5" ${NCU_IMPLS:-"bulk R32 NS1 all el" "bulk R32 NS1 all bstel"}; do
      r=$(timeout 60 ncu --cache-control none --clock-control none --replay-mode application -k regex:'copy16|merge' \
        --metrics $M --csv $P --once "$impl" $fl --shapes "$shape" 2>&1 | grep -E '"(dram|gpu|lts)__' \
        | awk -F'","' '{gsub(/"/,"",$NF); printf "%s=%s %s ", $(NF-2), $NF, $(NF-1)}')
      echo "ncu $shape flush=$fl $impl: $r" | tee -a "$OUT/ncu.txt"
    done
  done
done

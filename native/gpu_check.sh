#!/usr/bin/env bash
# One device-machine call: GPU tests through Node, the microbench, compute-sanitizer memcheck (the
# built-in kernels and the example --kernel file, on the test shapes).
# Expects (carried): build/native/Release (built here with CUDA), .gpu/node.xz, .gpu/nm.tar.xz.
# Writes logs to $OUT. Usage: bash native/gpu_check.sh [tests|bench|sanitize|all]...
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
what=${*:-all}
has() { [[ " $what " == *" $1 "* || " $what " == *" all "* ]]; }
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.mem --format=csv 2>&1 | tee "$OUT/gpu.txt"
if [ ! -x /tmp/node ]; then xz -d < .gpu/node.xz > /tmp/node && chmod +x /tmp/node; fi
if [ ! -d node_modules/vitest ]; then tar -xJf .gpu/nm.tar.xz; fi
export PATH=/tmp:$PATH
# A stale node_modules archive fails only when a command imports the missing package (2026-11-30: the
# CLI's `micro --help` loaded, `micro` did not, and the bench step ran nothing); name what is missing.
/tmp/node -e '
  const fs = require("fs"); const deps = Object.keys(JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies || {});
  const miss = deps.filter((d) => !fs.existsSync("node_modules/" + d));
  if (miss.length) console.log(`WARNING: .gpu/nm.tar.xz lacks ${miss.join(", ")} (rebuild it from node_modules)`);'
B=build/native/Release
$B/mas_bench --info | tee "$OUT/info.json"
# The CLI: bin/abserve.js, or the micro command alone when the full CLI does not load.
CLI="bin/abserve.js"
/tmp/node $CLI micro --help > /dev/null 2>&1 || CLI="native/micro_cli.mjs"
EX=native/examples/vllm_baseline_kernel.cu
export ABSERVE_KERNEL_DIR=${ABSERVE_KERNEL_DIR:-/tmp/abserve-kernels}
if has tests; then
  echo "=== vitest harness/micro ==="
  timeout 240 /tmp/node node_modules/vitest/vitest.mjs run ${TEST_FILES:-harness/micro} 2>&1 | tee "$OUT/tests.txt" | tail -40
fi
if has bench; then
  echo "=== abserve micro ==="
  timeout 300 /tmp/node $CLI micro --json ${MICRO_ARGS:---s 4} > "$OUT/micro.json" 2> "$OUT/micro.err"; rc=$?; echo "rc=$rc"
  [ $rc -ne 0 ] && [ $rc -ne 3 ] && { grep -v "^ *at " "$OUT/micro.err" | head -8; }
  /tmp/node $CLI micro --from-json "$OUT/micro.json" > "$OUT/micro.txt" 2>&1
  /tmp/node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (r.hostCost) console.log("hostCost", JSON.stringify(r.hostCost));
    for (const c of r.cases) {
      const cp = c.copy; const o = c.impls.find(i => i.name === "optimized" || i.name === "merge-s");
      if (!o || !cp) { console.log(`${c.dtype} ${c.T}x${c.H}x${c.D} error ${c.error}`); continue; }
      const rows = c.impls.map(i => `${i.name}:${i.coldUs?.toFixed(1)}/${i.steadyUs?.toFixed(2)}${i.diff && (i.diff.exceedOut+i.diff.exceedLse+i.diff.specialMismatch) ? "!BAD" : ""}${i.edge && !i.edge.pass ? "!EDGE" : ""}`).join(" ");
      console.log(`${c.dtype.padEnd(9)} ${c.T}x${c.H}x${c.D} S${c.S} MB ${(c.bytes/1e6).toFixed(1)} copy ${cp.coldUs?.toFixed(1)}/${cp.steadyUs?.toFixed(2)} | ${rows} | opt%copy cold ${(100*(o.bytes/o.coldUs)/(cp.bytes/cp.coldUs)).toFixed(1)} steady ${(100*(o.bytes/o.steadyUs)/(cp.bytes/cp.steadyUs)).toFixed(1)}`);
    }' "$OUT/micro.json" | tee "$OUT/summary.txt"
fi
if has sanitize; then
  echo "=== compute-sanitizer memcheck (mas_bench on the test shapes, with the example --kernel) ==="
  $B/mas_bench --kernel $EX --shapes 1x1x64 --dtypes bf16 --cold-iters 1 --steady-reps 1 --no-naive > /dev/null  # compile outside the sanitizer
  timeout ${SAN_TIMEOUT:-240} compute-sanitizer --tool memcheck --leak-check full --error-exitcode 9 --log-file "$OUT/sanitize_bench.txt" \
    $B/mas_bench --kernel $EX --shapes ${SAN_SHAPES:-1x32x128,7x3x128,13x5x256,33x2x80,5x4x5,3x256x128,17x128x64,9x7x264,1024x32x128} \
    --dtypes bf16,fp16,fp32 --cold-iters 1 --steady-reps 1 --s 3 > "$OUT/sanitize_bench.json" 2> "$OUT/sanitize_bench.err"
  echo "mas_bench memcheck rc=$?"; grep -E "ERROR SUMMARY|LEAK SUMMARY" "$OUT/sanitize_bench.txt" | tail -3
  /tmp/node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); let n = 0, bad = [];
    for (const c of r.cases) for (const i of c.impls || []) { n++; const d = i.diff || {};
      if (i.error || (i.edge && !i.edge.pass) || d.exceedOut || d.exceedLse || d.specialMismatch) bad.push(`${c.dtype} ${c.T}x${c.H}x${c.D} ${i.name}${i.error ? ": " + i.error : ""}`); }
    console.log(`memcheck run: ${n} implementation x shape results, ${bad.length} failing or refused ${bad.join("; ")}`);' "$OUT/sanitize_bench.json"
  echo "=== compute-sanitizer memcheck (mas_bench on 40-260 MB shapes: the L2-hint / evict_last band path) ==="
  timeout ${SAN_TIMEOUT:-240} compute-sanitizer --tool memcheck --error-exitcode 9 --log-file "$OUT/sanitize_band.txt" \
    $B/mas_bench --shapes ${SAN_BAND_SHAPES:-4096x16x128,4096x32x64,6144x32x128} --dtypes bf16,fp32 --cold-iters 1 --steady-reps 1 --no-naive \
    > "$OUT/sanitize_band.json" 2> "$OUT/sanitize_band.err"
  echo "mas_bench band memcheck rc=$?"; grep -E "ERROR SUMMARY" "$OUT/sanitize_band.txt" | tail -1
  echo "=== compute-sanitizer memcheck (GPU vitest: strided views, S-way, device buffers) ==="
  timeout 300 compute-sanitizer --tool memcheck --error-exitcode 9 --target-processes all \
    /tmp/node node_modules/vitest/vitest.mjs run ${SAN_TEST_FILES:-harness/micro/gpu.test.ts} > "$OUT/sanitize_tests.txt" 2>&1
  echo "vitest memcheck rc=$?"; grep -E "ERROR SUMMARY|Tests |passed|failed" "$OUT/sanitize_tests.txt" | tail -5
fi

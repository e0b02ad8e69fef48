#!/usr/bin/env bash
# One device-machine call: GPU tests through Node, the microbench, compute-sanitizer memcheck.
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
B=build/native/Release
$B/mas_bench --info | tee "$OUT/info.json"
if has tests; then
  echo "=== vitest harness/micro ==="
  timeout 240 /tmp/node node_modules/vitest/vitest.mjs run ${TEST_FILES:-harness/micro} 2>&1 | tee "$OUT/tests.txt" | tail -40
fi
if has bench; then
  echo "=== abserve micro ==="
  timeout 300 /tmp/node bin/abserve.js micro --json ${MICRO_ARGS:---s 4} > "$OUT/micro.json" 2> "$OUT/micro.err"; echo "rc=$?"
  /tmp/node bin/abserve.js micro --from-json "$OUT/micro.json" > "$OUT/micro.txt" 2>&1
  /tmp/node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (r.hostCost) console.log("hostCost", JSON.stringify(r.hostCost));
    for (const c of r.cases) {
      const cp = c.copy; const o = c.impls.find(i => i.name === "optimized" || i.name === "merge-s");
      const rows = c.impls.map(i => `${i.name}:${i.coldUs?.toFixed(1)}/${i.steadyUs?.toFixed(2)}${i.diff && (i.diff.exceedOut+i.diff.exceedLse+i.diff.specialMismatch) ? "!BAD" : ""}${i.edge && !i.edge.pass ? "!EDGE" : ""}`).join(" ");
      console.log(`${c.dtype.padEnd(9)} ${c.T}x${c.H}x${c.D} S${c.S} MB ${(c.bytes/1e6).toFixed(1)} copy ${cp.coldUs?.toFixed(1)}/${cp.steadyUs?.toFixed(2)} | ${rows} | opt%copy cold ${(100*(o.bytes/o.coldUs)/(cp.bytes/cp.coldUs)).toFixed(1)} steady ${(100*(o.bytes/o.steadyUs)/(cp.bytes/cp.steadyUs)).toFixed(1)}`);
    }' "$OUT/micro.json" | tee "$OUT/summary.txt"
fi
if has sanitize; then
  echo "=== compute-sanitizer memcheck (mas_bench on the test shapes) ==="
  timeout 240 compute-sanitizer --tool memcheck --leak-check full --error-exitcode 9 \
    $B/mas_bench --shapes 1x32x128,7x3x128,13x5x256,33x2x80,5x4x5,3x256x128,17x128x64,9x7x264,1024x32x128 \
    --dtypes bf16,fp16,fp32 --cold-iters 1 --steady-reps 1 --s 3 > "$OUT/sanitize_bench.json" 2> "$OUT/sanitize_bench.txt"
  echo "mas_bench memcheck rc=$?"; tail -5 "$OUT/sanitize_bench.txt"
  echo "=== compute-sanitizer memcheck (GPU vitest: strided views, S-way, device buffers) ==="
  timeout 300 compute-sanitizer --tool memcheck --error-exitcode 9 --target-processes all \
    /tmp/node node_modules/vitest/vitest.mjs run harness/micro/gpu.test.ts > "$OUT/sanitize_tests.txt" 2>&1
  echo "vitest memcheck rc=$?"; grep -E "ERROR SUMMARY|Tests |passed|failed" "$OUT/sanitize_tests.txt" | tail -5
fi

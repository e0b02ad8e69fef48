#!/usr/bin/env bash
# One device-machine call for kernel tuning: each optimized-kernel variant on the anchor shapes, every
# dtype, cold % of a same-bytes copy measured beside it, plus memcheck of chosen variants. Expects
# build/native/Release and .gpu/node.xz carried. The v3 sweeps used a temporary MAS_OPT_VARIANT switch
# in mas_kernels.inc (v3: removed; v4 brought one back: 0 token grid + MUFU weights, the default,
# 1 row grid + MUFU, 2 token grid + accurate, 3 row grid + accurate = v3). NOTES.md.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
B=build/native/Release
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader | tee "$OUT/gpu.txt"
if [ ! -x /tmp/node ]; then xz -d < .gpu/node.xz > /tmp/node && chmod +x /tmp/node; fi
SH=${SWEEP_SHAPES:-512x16x128,4096x16x128,4096x32x128,4096x32x64,4096x32x256,4096x128x128}
: > "$OUT/sweep.jsonl"
for v in ${VARIANTS:-0 1 2 3 4 5 6 7}; do
  doc=$(MAS_OPT_VARIANT=$v timeout 60 $B/mas_bench --shapes $SH --dtypes bf16,fp16,fp32 --cold-iters ${COLD:-40} \
    --steady-reps 5 --no-naive --no-check 2>>"$OUT/sweep.err") || echo "v$v rc=$?"
  echo "{\"v\":$v,\"r\":$doc}" >> "$OUT/sweep.jsonl"
done
/tmp/node -e '
const L = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(l => JSON.parse(l));
const rows = new Map();
for (const {v, r} of L) for (const c of r.cases) {
  const k = `${c.dtype.slice(0,5)} ${c.T}x${c.H}x${c.D} ${(c.bytes/1e6).toFixed(0)}MB`;
  const o = c.impls.find(i => i.name === "optimized");
  const bad = (o.edge && !o.edge.pass) || o.error ? "!" : "";
  if (!rows.has(k)) rows.set(k, []);
  rows.get(k).push(`v${v}:${(100*c.copy.coldUs/o.coldUs).toFixed(1)}${bad}/${o.steadyUs.toFixed(2)}`);
  if (v === L[0].v) rows.get(k).unshift(`copy ${c.copy.coldUs.toFixed(1)}/${c.copy.steadyUs.toFixed(2)} base%${(100*c.copy.coldUs/c.impls[0].coldUs).toFixed(1)}`);
}
console.log("cold %copy / steady us per variant");
for (const [k, a] of rows) console.log(k.padEnd(26), a.join(" "));
' "$OUT/sweep.jsonl" | tee "$OUT/sweep_summary.txt"
: > "$OUT/san.txt"
for v in ${SAN_VARIANTS:-}; do
  MAS_OPT_VARIANT=$v timeout 100 compute-sanitizer --tool memcheck --error-exitcode 9 --log-file $OUT/san_v$v.log \
    $B/mas_bench --shapes 1x32x128,7x3x128,13x5x256,33x2x80,3x256x128,17x128x64,1023x7x64 \
    --dtypes bf16,fp16,fp32 --cold-iters 1 --steady-reps 1 --no-naive > /tmp/san.json 2>> "$OUT/san.txt"
  rc=$?; bad=$(/tmp/node -e 'const r=JSON.parse(require("fs").readFileSync("/tmp/san.json","utf8"));let n=0;for(const c of r.cases)for(const i of c.impls){const d=i.diff||{};if(i.error||!i.edge.pass||d.exceedOut||d.exceedLse||d.specialMismatch)n++;}console.log(n)' 2>&1)
  echo "memcheck v$v rc=$rc bad_impls=$bad $(grep -h "ERROR SUMMARY" $OUT/san_v$v.log | tail -1)"
done

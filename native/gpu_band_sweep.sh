#!/usr/bin/env bash
# One device call for the 40-128 MB band (v5, NOTES.md): each band mode of MAS_OPT_VARIANT (bits 4-6)
# on the band shapes, every dtype, interleaved over ROUNDS rounds (cold % of a same-bytes copy timed in
# the same process; median over rounds), the first round with the float64 check and the edge table;
# then, if .anchor_src is carried, bench.py per variant beside FlashInfer (copy, flashinfer, abs_opt).
# Expects build/native/Release and .gpu/node.xz carried. Writes under $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
T0=$(date +%s)
B=build/native/Release
[ -x /tmp/node ] || { xz -d < .gpu/node.xz > /tmp/node && chmod +x /tmp/node; }
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader | tee "$OUT/gpu.txt"
SH=${SWEEP_SHAPES:-4096x16x128,4096x32x128,4096x32x64}
VS=${VARIANTS:-6 22 38 54 70 86 102 118}
: > "$OUT/band.jsonl"
for r in $(seq 1 ${ROUNDS:-3}); do
  for v in $VS; do
    chk="--no-check"; [ $r = 1 ] && chk=""
    MAS_OPT_VARIANT=$v timeout 120 $B/mas_bench --shapes $SH --dtypes bf16,fp16,fp32 --cold-iters ${COLD:-60} \
      --steady-reps 5 --no-naive $chk > /tmp/band.json 2>>"$OUT/band.err" || echo "v$v r$r rc=$?"
    /tmp/node -e '
      const r = JSON.parse(require("fs").readFileSync("/tmp/band.json", "utf8"));
      for (const c of r.cases) { const o = c.impls.find(i => i.name === "optimized"); const d = o.diff || {};
        console.log(JSON.stringify({v: +process.argv[1], r: +process.argv[2], k: `${c.dtype.slice(0,5)} ${c.T}x${c.H}x${c.D} ${(c.bytes/1e6).toFixed(0)}MB`,
          cc: c.copy.coldUs, oc: o.coldUs, cs: c.copy.steadyUs, os: o.steadyUs,
          bad: !!(o.error || (o.edge && !o.edge.pass) || d.exceedOut || d.exceedLse || d.specialMismatch)})); }' $v $r >> "$OUT/band.jsonl"
  done
done
/tmp/node -e '
const L = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(l => JSON.parse(l));
const med = a => { a = [...a].sort((x, y) => x - y); const n = a.length; return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2; };
const keys = [...new Set(L.map(x => x.k))], vs = [...new Set(L.map(x => x.v))];
console.log("band sweep: median over rounds of cold %copy (copy/opt), [min-max], steady us; ! = check failed");
for (const k of keys) { const row = [];
  for (const v of vs) { const a = L.filter(x => x.k === k && x.v === v); if (!a.length) continue;
    const p = a.map(x => 100 * x.cc / x.oc);
    row.push(`v${v}:${med(p).toFixed(1)}[${Math.min(...p).toFixed(0)}-${Math.max(...p).toFixed(0)}]/${med(a.map(x => x.os)).toFixed(2)}${a.some(x => x.bad) ? "!" : ""}`); }
  console.log(k.padEnd(22), row.join(" ")); }' "$OUT/band.jsonl" | tee "$OUT/band_summary.txt"
echo "[t+$(( $(date +%s) - T0 ))s] mas_bench sweep done"
if [ -d .anchor_src/bench ] && [ -z "${NO_ANCHOR:-}" ]; then
  bash .anchor_src/bench/build.sh > "$OUT/anchor_build.txt" 2>&1 || { echo "anchor build failed"; tail -5 "$OUT/anchor_build.txt"; exit 0; }
  for v in ${ANCHOR_VARIANTS:-$VS}; do
    [ $(( $(date +%s) - T0 )) -gt ${ANCHOR_DEADLINE:-420} ] && { echo "anchor: out of time before v$v"; break; }
    MAS_OPT_VARIANT=$v PYTHONUNBUFFERED=1 timeout 90 python3 .anchor_src/bench/bench.py --shapes $SH --impls copy,flashinfer,abs_opt \
      --cold-iters ${ACOLD:-50} --steady-reps 10 --no-host --no-edge --no-steadyN --out /tmp/a.json > "$OUT/anchor_v$v.txt" 2>&1
    echo "anchor v$v rc=$?: $(grep -E "4096x" "$OUT/anchor_v$v.txt" | tr -s ' ' | tr '\n' ';' | cut -c1-900)"
  done
fi
echo "[t+$(( $(date +%s) - T0 ))s] done"

#!/usr/bin/env bash
# One device call for the 40-128 MB band (v5, v6: NOTES.md): each band mode of MAS_OPT_VARIANT (bits 4-6)
# on the band shapes, every dtype, interleaved over ROUNDS rounds (cold % of a same-bytes copy timed in
# the same process; median over rounds), the first round with the float64 check and the edge table;
# then, if .anchor_src is carried, bench.py per variant beside FlashInfer (copy, flashinfer, abs_opt).
# Expects build/native/Release carried (python3 for the summaries). Writes under $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
T0=$(date +%s)
B=build/native/Release
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader | tee "$OUT/gpu.txt"
SH=${SWEEP_SHAPES:-4096x16x128,4096x32x128,4096x32x64}
VS=${VARIANTS:-6 22 38 54 70 86 102 118}
# An entry V[bB]: MAS_OPT_VARIANT=V with MAS_EL_BUDGET_MB=B (default 10).
parse() {
  v=${1%%b*}; bud=10
  [[ $1 =~ b([0-9.]+) ]] && bud=${BASH_REMATCH[1]}
}
: > "$OUT/band.jsonl"
for r in $(seq 1 ${ROUNDS:-3}); do
  for e in $VS; do
    parse "$e"
    chk="--no-check"; [ $r = 1 ] && chk=""
    MAS_EL_BUDGET_MB=$bud MAS_OPT_VARIANT=$v timeout 120 $B/mas_bench --shapes $SH --dtypes bf16,fp16,fp32 --cold-iters ${COLD:-60} \
      --steady-reps 5 --no-naive $chk > /tmp/band.json 2>>"$OUT/band.err" || echo "v$e r$r rc=$?"
    python3 - /tmp/band.json $e $r >> "$OUT/band.jsonl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["cases"]:
    o = next(i for i in c["impls"] if i["name"] == "optimized"); d = o.get("diff") or {}
    cs = next((i for i in c["impls"] if i["name"] == "optimized-cs"), {})
    bad = bool(o.get("error") or (o.get("edge") and not o["edge"].get("pass")) or d.get("exceedOut") or d.get("exceedLse") or d.get("specialMismatch"))
    print(json.dumps({"v": sys.argv[2], "r": int(sys.argv[3]), "k": f"{c['dtype'][:5]} {c['T']}x{c['H']}x{c['D']} {c['bytes']/1e6:.0f}MB",
                      "cc": c["copy"]["coldUs"], "oc": o["coldUs"], "cs": c["copy"]["steadyUs"], "os": o["steadyUs"], "csc": cs.get("coldUs"), "bad": bad}))
PY
  done
done
python3 - "$OUT/band.jsonl" <<'PY' | tee "$OUT/band_summary.txt"
import json, sys, statistics
L = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = list(dict.fromkeys(x["k"] for x in L)); vs = list(dict.fromkeys(x["v"] for x in L))
print("band sweep: median over rounds of cold %copy (copy/opt), [min-max], steady us; ! = check failed")
for k in keys:
    row = []
    for v in vs:
        a = [x for x in L if x["k"] == k and x["v"] == v]
        if not a: continue
        p = [100 * x["cc"] / x["oc"] for x in a]
        row.append(f"v{v}:{statistics.median(p):.1f}[{min(p):.0f}-{max(p):.0f}]/{statistics.median([x['os'] for x in a]):.2f}{'!' if any(x['bad'] for x in a) else ''}")
    csc = [100 * x["cc"] / x["csc"] for x in L if x["k"] == k and x.get("csc")]
    if csc: row.append(f"streaming:{statistics.median(csc):.1f}")
    print(k.ljust(22), " ".join(row))
PY
echo "[t+$(( $(date +%s) - T0 ))s] mas_bench sweep done"
if [ -d .anchor_src/bench ] && [ -z "${NO_ANCHOR:-}" ]; then
  bash .anchor_src/bench/build.sh > "$OUT/anchor_build.txt" 2>&1 || { echo "anchor build failed"; tail -5 "$OUT/anchor_build.txt"; exit 0; }
  for e in ${ANCHOR_VARIANTS:-$VS}; do
    parse "$e"
    [ $(( $(date +%s) - T0 )) -gt ${ANCHOR_DEADLINE:-420} ] && { echo "anchor: out of time before v$e"; break; }
    MAS_EL_BUDGET_MB=$bud MAS_OPT_VARIANT=$v PYTHONUNBUFFERED=1 timeout 90 python3 .anchor_src/bench/bench.py --shapes $SH --impls copy,flashinfer,abs_opt \
      --cold-iters ${ACOLD:-50} --steady-reps 10 --no-host --no-edge --no-steadyN --out /tmp/a.json > "$OUT/anchor_v$e.txt" 2>&1
    echo "anchor v$e rc=$?: $(grep -E "^(bfloat|float)" "$OUT/anchor_v$e.txt" | awk '{for(i=3;i<=NF;i++) if ($i ~ /^abs_opt/) {split($i,a,"[()]"); printf "%s ", a[2]}}')"
  done
fi
echo "[t+$(( $(date +%s) - T0 ))s] done"

#!/usr/bin/env bash
# One device call for an L2-policy sweep (NOTES.md v7): each entry of VARIANTS is LABEL or
# LABEL:VAR=V:VAR=V, the environment for the run-time knobs of native/mas_kernels.inc
# (MAS_OPT_VARIANT, MAS_EL_BUDGET_MB, MAS_EL_TAIL, MAS_EL_MAX_MB, MAS_EL_LOAD_MB, MAS_EL_LOAD_MIN_MB; the v7 sweep's MAS_BIG_* knobs are
# in commit 32277c4); all entries interleaved over ROUNDS rounds of mas_bench (cold % of a
# same-bytes copy timed in the same process, median over rounds; round 1 with the float64 check),
# then bench.py (if .anchor_src/build/libanchors.so is carried, built on the host) for the first
# entry and the TOP entries with the best worst-case median over the 128-260 MB 2-byte cases.
# It replaces v5/v6's gpu_band_sweep.sh (its entry `86b8` is `86b8:MAS_OPT_VARIANT=86:MAS_EL_BUDGET_MB=8` here).
# Expects build/native/Release carried (python3 for the summaries). Writes under $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
T0=$(date +%s)
B=build/native/Release
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv,noheader | tee "$OUT/gpu.txt"
SH=${SWEEP_SHAPES:-6144x32x128,4096x32x256,4096x16x128,4096x32x128}
VS=${VARIANTS:-base}
run_env() {  # LABEL:VAR=V:... -> exports into a subshell command
  local e=$1; local IFS=':'; set -- $e; shift; for kv in "$@"; do printf '%s ' "$kv"; done
}
: > "$OUT/sweep.jsonl"
for r in $(seq 1 ${ROUNDS:-3}); do
  for e in $VS; do
    lab=${e%%:*}; envs=$(run_env "$e")
    chk="--no-check"; [ $r = 1 ] && chk=""
    env $envs timeout 120 $B/mas_bench --shapes $SH --dtypes bf16,fp16,fp32 --cold-iters ${COLD:-60} \
      --steady-reps 5 --no-naive $chk > /tmp/sweep.json 2>>"$OUT/sweep.err" || echo "$lab r$r rc=$?"
    python3 - /tmp/sweep.json "$lab" $r >> "$OUT/sweep.jsonl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["cases"]:
    o = next(i for i in c["impls"] if i["name"] == "optimized"); d = o.get("diff") or {}
    bad = bool(o.get("error") or (o.get("edge") and not o["edge"].get("pass")) or d.get("exceedOut") or d.get("exceedLse") or d.get("specialMismatch"))
    print(json.dumps({"v": sys.argv[2], "r": int(sys.argv[3]), "dt": c["dtype"], "mb": c["bytes"] / 1e6,
                      "k": f"{c['dtype']} {c['T']}x{c['H']}x{c['D']} {c['bytes']/1e6:.0f}MB",
                      "cc": c["copy"]["coldUs"], "oc": o["coldUs"], "os": o["steadyUs"], "bad": bad}))
PY
  done
  echo "[t+$(( $(date +%s) - T0 ))s] round $r done"
done
python3 - "$OUT/sweep.jsonl" "${TOP:-2}" > "$OUT/top.txt" 2> "$OUT/summary.txt" <<'PY'
import json, sys, statistics
L = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
keys = list(dict.fromkeys(x["k"] for x in L)); vs = list(dict.fromkeys(x["v"] for x in L))
med = lambda k, v: statistics.median([100 * x["cc"] / x["oc"] for x in L if x["k"] == k and x["v"] == v] or [0])
err = sys.stderr
print("v7 sweep: median over rounds of cold %copy (copy/opt) [min-max] / steady us; ! = check failed", file=err)
for k in keys:
    row = []
    for v in vs:
        a = [x for x in L if x["k"] == k and x["v"] == v]
        if not a: continue
        p = [100 * x["cc"] / x["oc"] for x in a]
        row.append(f"{v}:{statistics.median(p):.1f}[{min(p):.0f}-{max(p):.0f}]/{statistics.median([x['os'] for x in a]):.1f}{'!' if any(x['bad'] for x in a) else ''}")
    print(k.ljust(24), " ".join(row), file=err)
big = [k for k in keys if any(x["k"] == k and x["mb"] > 128 and x["mb"] <= 260 and x["dt"] != "float32" for x in L)]
score = {v: min(med(k, v) for k in big) for v in vs} if big else {}
print("worst big-case median per entry: " + " ".join(f"{v}={s:.1f}" for v, s in score.items()), file=err)
top = [v for v in sorted(score, key=lambda v: -score[v]) if v != vs[0]][: int(sys.argv[2])]
print(" ".join([vs[0]] + top))
PY
cat "$OUT/summary.txt"
echo "[t+$(( $(date +%s) - T0 ))s] mas_bench sweep done; bench.py entries: $(cat $OUT/top.txt)"
if [ -f .anchor_src/build/libanchors.so ] && [ -z "${NO_ANCHOR:-}" ]; then
  for lab in $(cat "$OUT/top.txt"); do
    e=$(for x in $VS; do [ "${x%%:*}" = "$lab" ] && echo "$x"; done); envs=$(run_env "$e")
    [ $(( $(date +%s) - T0 )) -gt ${ANCHOR_DEADLINE:-470} ] && { echo "anchor: out of time before $lab"; break; }
    env $envs PYTHONUNBUFFERED=1 timeout 100 python3 .anchor_src/bench/bench.py --shapes ${ANCHOR_SHAPES:-6144x32x128,4096x32x256,4096x32x128} \
      --impls copy,flashinfer,abs_opt --cold-iters ${ACOLD:-40} --steady-reps 10 --no-host --no-edge --no-steadyN \
      --out "$OUT/anchor_$lab.json" > "$OUT/anchor_$lab.txt" 2>&1
    echo "anchor $lab rc=$?:"; grep -E "^(bfloat|float)" "$OUT/anchor_$lab.txt"
  done
fi
echo "[t+$(( $(date +%s) - T0 ))s] done"

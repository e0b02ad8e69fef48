// Edge-case check: every combination of LSE values {1.5, -0.25, -inf, +inf, NaN} for prefix x
// suffix, compared with the float64 reference (NaN where it has NaN, exact zeros for empty rows,
// rounding-floor error elsewhere). The native implementations run the same check in C++.
import { dtypeTolerance, fromFloat32, readElement, allocDType, type DType } from './dtype.js';
import { mergeAttnStates, referenceMerge, type Impl, type MergeInputs } from './merge.js';
import type { EdgeJson } from './types.js';

export const EDGE_LSE = [1.5, -0.25, -Infinity, Infinity, NaN];

export function edgeInputs(dtype: DType, D: number, H = 2): MergeInputs {
  const T = EDGE_LSE.length ** 2;
  const n = T * H * D;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 12.9898) * 1.75;
  const prefix = fromFloat32(v, dtype);
  for (let i = 0; i < n; i++) v[i] = Math.cos(i * 78.233) * 1.75;
  const suffix = fromFloat32(v, dtype);
  const prefixLse = new Float32Array(T * H), suffixLse = new Float32Array(T * H);
  for (let h = 0; h < H; h++)
    for (let t = 0; t < T; t++) {
      prefixLse[h * T + t] = EDGE_LSE[Math.floor(t / 5)];
      suffixLse[h * T + t] = EDGE_LSE[t % 5];
    }
  return { dtype, T, H, D, prefix, suffix, prefixLse, suffixLse };
}

/** Runs one implementation on the edge inputs and compares with the reference. */
export function edgeCheck(impl: Impl, dtype: DType, D: number): EdgeJson {
  const inp = edgeInputs(dtype, D);
  const n = inp.T * inp.H * inp.D;
  const out = allocDType(dtype, n).fill(dtype === 'float32' ? NaN : 0xffff); // poison
  const r = mergeAttnStates(inp, { impl, out });
  const ref = referenceMerge(inp);
  const tol = dtypeTolerance(dtype);
  let bad = 0, maxAbsOut = 0, maxAbsLse = 0;
  for (let i = 0; i < n; i++) {
    const g = readElement(r.out, i, dtype), w = ref.out[i];
    if (Number.isNaN(w)) { if (!Number.isNaN(g)) bad++; continue; }
    if (w === 0 && Object.is(Math.abs(w), 0) && isEmptyRow(inp, i)) { if (g !== 0) bad++; continue; }
    const e = Math.abs(g - w);
    maxAbsOut = Math.max(maxAbsOut, e);
    if (!(e <= tol * Math.max(1, Math.abs(w)))) bad++;
  }
  for (let i = 0; i < ref.outLse.length; i++) {
    const g = r.outLse![i], w = ref.outLse[i];
    if (Number.isNaN(w) || !Number.isFinite(w)) { if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) bad++; continue; }
    const e = Math.abs(g - w);
    maxAbsLse = Math.max(maxAbsLse, e);
    if (!(e <= 1e-5 * Math.max(1, Math.abs(w)))) bad++;
  }
  return {
    pass: bad === 0, combinations: 25, error: null,
    diff: { maxAbsOut, maxAbsLse, exceedOut: bad, exceedLse: 0, specialMismatch: 0, checked: n + ref.outLse.length },
  };
}

function isEmptyRow(inp: MergeInputs, i: number): boolean {
  const row = Math.floor(i / inp.D);
  const t = Math.floor(row / inp.H), h = row % inp.H;
  const fix = (x: number) => (x === Infinity ? -Infinity : x);
  return fix(inp.prefixLse[h * inp.T + t]) === -Infinity && fix(inp.suffixLse[h * inp.T + t]) === -Infinity;
}

export function edgeCheckTs(dtype: DType, D: number): EdgeJson {
  return edgeCheck('ts', dtype, D);
}

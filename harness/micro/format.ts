// The microbench's printed block, in the spirit of vLLM's benchmark output: a header (device,
// host cost, knobs, --kernel files), then per case the implementations against a same-bytes copy.
import { existsSync } from 'node:fs';
import { BUILTIN_IMPLS, formatEdgeTable } from './edgeTable.js';
import { describeKnobs } from './knobs.js';
import { explainGpuError } from './merge.js';
import type { MicroResult } from './types.js';

const f = (v: number | null | undefined, digits = 1): string => (v == null || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const e = (v: number | null | undefined): string => (v == null || !Number.isFinite(v) ? '-' : v === 0 ? '0' : v.toExponential(2));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

export function describeDevice(r: MicroResult): string {
  const i = r.deviceInfo as Record<string, unknown>;
  if (r.device === 'gpu') {
    const l2 = Number(i.l2Bytes ?? 0) / 2 ** 20;
    const rt = Number(i.runtimeVersion ?? 0), dv = Number(i.driverVersion ?? 0);
    return `${String(i.gpuName)} (sm_${String(i.computeCapability ?? '').replace('.', '')}, ${String(i.sms)} SMs, L2 ${l2.toFixed(0)} MiB), CUDA runtime ${Math.floor(rt / 1000)}.${(rt % 1000) / 10}, driver API ${Math.floor(dv / 1000)}.${(dv % 1000) / 10}`;
  }
  // As --device gpu says it: a box without a driver reads "no NVIDIA GPU or driver", not a hint to
  // upgrade one. A result read from a file was made elsewhere: /dev/nvidiactl is not asked.
  const err = i.gpuError ? String(i.gpuError) : null;
  const explained = r.source === 'addon' ? explainGpuError(err, existsSync('/dev/nvidiactl')) : err;
  const why = explained ? ` (GPU: ${explained})` : '';
  return `CPU, ${String(i.cpuThreads)} hardware threads, ${String(i.cpuIsa)} kernels${why}`;
}

export function formatMicro(r: MicroResult): string {
  const L: string[] = [];
  const W = 60;
  L.push('='.repeat(12) + ' merge_attn_states Microbench ' + '='.repeat(W - 42));
  L.push(`${pad('Device:', 20)}${r.device}`);
  L.push(`${pad('Hardware:', 20)}${describeDevice(r)}`);
  const knobs = describeKnobs(r.deviceInfo, r.device);
  if (knobs) L.push(`${pad('Kernel knobs:', 20)}${knobs}`);
  if (r.hostCost) {
    const h = r.hostCost;
    L.push(`${pad('Host cost / call:', 20)}optimized via addon ${f(h.optimizedAddonUs, 2)} us, empty kernel launch ${f(h.emptyLaunchNativeUs, 2)} us (native loop), ${f(h.emptyLaunchAddonUs, 2)} us (via addon); ratio ${f(h.ratio, 2)}x`);
    for (const k of h.kernels ?? []) L.push(`${pad('', 20)}${k.name} via addon ${f(k.addonUs, 2)} us; ratio ${f(k.ratio, 2)}x`);
  } else if (r.emptyLaunchUs) {
    L.push(`${pad('Empty launch:', 20)}${f(r.emptyLaunchUs, 2)} us (native loop)`);
  }
  for (const k of r.kernels ?? []) L.push(`${pad('Kernel:', 20)}${k.name} = ${k.file} (${k.so})`);
  if (r.partial)
    L.push(`${pad('PARTIAL:', 20)}${r.partial.reason}: ${r.partial.completedCases} of ${r.partial.plannedCases} cases finished; the rest did not run`);
  const lastTable = new Map<string, string>();
  for (const c of r.cases) {
    L.push('-'.repeat(W));
    L.push(`${pad('NUM_TOKENS:', 20)}${c.T}`);
    L.push(`${pad('NUM_HEADS:', 20)}${c.H}`);
    L.push(`${pad('HEAD_SIZE:', 20)}${c.D}`);
    if (c.S > 2) L.push(`${pad('NUM_PARTS:', 20)}${c.S}`);
    L.push(`${pad('DTYPE:', 20)}${c.dtype}`);
    L.push(`${pad('Device:', 20)}${c.device}${c.threads ? ` (${c.threads} threads)` : ''}`);
    if (c.error) {
      L.push(`${pad('Error:', 20)}${c.error}`);
      continue;
    }
    L.push(`${pad('MB moved:', 20)}${f(c.bytes / 1e6, 2)}`);
    const gpu = c.device === 'gpu';
    const nameW = Math.max(14, ...c.impls.map((i) => i.name.length + 2));
    const copyUs = c.copy.coldUs ?? NaN;
    const copyBw = c.copy.bytes / (copyUs * 1e-6) / 1e9;
    const copySteadyBw = c.copy.steadyUs ? c.copy.bytes / (c.copy.steadyUs * 1e-6) / 1e9 : NaN;
    const head = [pad('impl', nameW), lpad(gpu ? 'cold us' : 'time us', 11), ...(gpu ? [lpad('steady us', 10)] : []),
      lpad('speedup', 8), lpad('GB/s', 8), lpad('% copy', 7), ...(gpu ? [lpad('%copy st', 9)] : []),
      lpad('max|dOut|', 10), lpad('max|dLse|', 10), '  check  edge'];
    L.push(head.join(''));
    L.push([pad(gpu ? 'copy (D2D)' : 'memcpy', nameW), lpad(f(copyUs, 2), 11), ...(gpu ? [lpad(f(c.copy.steadyUs, 2), 10)] : []),
      lpad('', 8), lpad(f(copyBw, 0), 8), lpad('100.0', 7), ...(gpu ? [lpad('100.0', 9)] : [])].join(''));
    const base = c.impls[0]?.coldUs ?? NaN;
    for (const im of c.impls) {
      const bw = im.bytes / ((im.coldUs ?? NaN) * 1e-6) / 1e9;
      const bwSt = im.steadyUs ? im.bytes / (im.steadyUs * 1e-6) / 1e9 : NaN;
      const d = im.diff;
      const ok = d ? d.exceedOut === 0 && d.exceedLse === 0 && d.specialMismatch === 0 : undefined;
      L.push([pad(im.name, nameW), lpad(f(im.coldUs, 2), 11), ...(gpu ? [lpad(f(im.steadyUs, 2), 10)] : []),
        lpad(f(base / (im.coldUs ?? NaN), 1) + 'x', 8), lpad(f(bw, 0), 8), lpad(f((100 * bw) / copyBw, 1), 7),
        ...(gpu ? [lpad(f((100 * bwSt) / copySteadyBw, 1), 9)] : []),
        lpad(e(d?.maxAbsOut), 10), lpad(e(d?.maxAbsLse), 10),
        `  ${ok === undefined ? '-   ' : ok ? 'ok  ' : 'FAIL'}   ${im.edge ? (im.edge.pass ? `ok ${im.edge.combinations}/${im.edge.combinations}` : 'FAIL') : '-'}`,
        im.error ? `  error: ${im.error}` : ''].join(''));
    }
    // Edge tables: a --kernel's whenever it differs from the last one printed for it, a built-in's
    // only when it fails.
    for (const im of c.impls) {
      const key = JSON.stringify(im.edge?.cells ?? null);
      if (!im.edge?.cells || (BUILTIN_IMPLS.has(im.name) && im.edge.pass) || lastTable.get(im.name) === key) continue;
      lastTable.set(im.name, key);
      L.push(...formatEdgeTable(`${im.name} (${c.dtype}, D=${c.D})`, im.edge));
    }
  }
  L.push('='.repeat(W));
  L.push('speedup: against the first row (naive on GPU; ts-loop on CPU, scalar in mas_bench output);');
  L.push(`% copy: bandwidth over a same-bytes copy in the same run; check: every element within the`);
  L.push(`dtype's rounding floor of the float64 reference; edge: every +-inf/NaN LSE combination`);
  L.push('matches the reference exactly.');
  return L.join('\n');
}

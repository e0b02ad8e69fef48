// The microbench behind `abserve micro`: runs the native bench (GPU or CPU), adds what only the
// TypeScript side can measure (the plain TS loop on the CPU; host cost per call through the addon
// on the GPU) and formats the result in the spirit of vLLM's printed block.
import { UserError } from '../common/errors.js';
import { allocDType, dtypeId, dtypeTolerance, fromFloat32, readElement, type DType } from './dtype.js';
import { deviceInfo, DeviceBuffers, GPU_IMPL_IDS, referenceMerge, tsLoopMerge, type DeviceReport, type MergeInputs } from './merge.js';
import { loadNative } from './native.js';
import { edgeCheckTs } from './edge.js';
import { BUILTIN_IMPLS, formatEdgeTable } from './edgeTable.js';
import { checkKernelFiles, loadKernels, type LoadedKernel } from './kernels.js';

export interface Shape {
  T: number;
  H: number;
  D: number;
}

/** The published grid: NUM_HEADS 16, HEAD_SIZE 128, tokens 256..8192. */
export const PUBLISHED_SHAPES: Shape[] = [256, 512, 1024, 2048, 4096, 8192].map((T) => ({ T, H: 16, D: 128 }));
/** kernel.md's anchors (cold table, then the steady-state-only rows). */
export const ANCHOR_SHAPES: Shape[] = [
  { T: 512, H: 16, D: 128 }, { T: 4096, H: 16, D: 128 }, { T: 4096, H: 32, D: 128 },
  { T: 4096, H: 128, D: 128 }, { T: 16384, H: 128, D: 128 }, { T: 4096, H: 32, D: 64 },
  { T: 4096, H: 32, D: 256 }, { T: 1, H: 32, D: 128 }, { T: 128, H: 32, D: 128 }, { T: 512, H: 32, D: 128 },
];

export function defaultShapes(device: 'cpu' | 'gpu'): Shape[] {
  if (device === 'cpu') return PUBLISHED_SHAPES;
  const seen = new Set<string>();
  return [...PUBLISHED_SHAPES, ...ANCHOR_SHAPES].filter((s) => {
    const k = `${s.T}x${s.H}x${s.D}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

export function parseShapes(s: string): Shape[] {
  const out: Shape[] = [];
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(\d+)x(\d+)x(\d+)$/.exec(part);
    if (!m) throw new UserError(`--shapes: '${part}' is not TxHxD (e.g. 512x16x128)`);
    const [T, H, D] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!(T > 0 && H > 0 && D > 0)) throw new UserError(`--shapes: '${part}' has a zero size`);
    out.push({ T, H, D });
  }
  if (out.length === 0) throw new UserError('--shapes: no shapes given');
  return out;
}

export interface DiffJson {
  maxAbsOut: number | null;
  maxAbsLse: number | null;
  exceedOut: number;
  exceedLse: number;
  specialMismatch: number;
  checked: number;
}
export interface EdgeJson {
  pass: boolean;
  combinations: number;
  diff?: DiffJson;
  error: string | null;
  /** The five LSE values of the table (native two-way checks only). */
  values?: string[];
  /** cells[i*5+j]: 1 when prefix values[i] x suffix values[j] matches the float64 reference. */
  cells?: number[];
}
export interface ImplJson {
  name: string;
  bytes: number;
  coldUs: number | null;
  coldMinUs: number | null;
  steadyUs: number | null;
  diff?: DiffJson;
  edge?: EdgeJson;
  error: string | null;
}
export interface CaseJson {
  device: 'cpu' | 'gpu';
  dtype: DType;
  T: number;
  H: number;
  D: number;
  S: number;
  bytes: number;
  threads?: number;
  copy: { bytes: number; coldUs: number | null; coldMinUs: number | null; steadyUs: number | null; error: string | null };
  impls: ImplJson[];
  error?: string;
}
export interface HostCost {
  emptyLaunchNativeUs: number;
  emptyLaunchAddonUs: number;
  optimizedAddonUs: number;
  ratio: number;
  shape: Shape;
  dtype: DType;
  /** Each --kernel through the same addon path: host us per call and ratio to the empty launch. */
  kernels?: Array<{ name: string; addonUs: number; ratio: number }>;
}
export interface MicroResult {
  tool: string;
  device: 'cpu' | 'gpu';
  deviceInfo: Record<string, unknown>;
  emptyLaunchUs?: number;
  hostCost?: HostCost;
  cases: CaseJson[];
  source: 'addon' | 'json';
  /** The --kernel files timed beside the built-ins. */
  kernels?: LoadedKernel[];
}

export interface MicroOptions {
  shapes?: Shape[];
  dtypes?: DType[];
  device?: 'auto' | 'cpu' | 'gpu';
  coldIters?: number;
  steadyReps?: number;
  S?: number;
  threads?: number;
  naive?: boolean;
  check?: boolean;
  tsLoop?: boolean;
  hostCost?: boolean;
  cpuMinSeconds?: number;
  /** --kernel files (.cu or .so in the C contract of native/mas_user_kernel.h); GPU only. */
  kernels?: string[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Plain TS loop timed on one shape (median of a few runs, each at most ~0.5 s of work). */
function timeTsLoop(dtype: DType, s: Shape): { us: number; inputs: MergeInputs; out: Float32Array | Uint16Array; outLse: Float32Array } {
  const n = s.T * s.H * s.D;
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const vals = new Float32Array(n);
  for (let i = 0; i < n; i++) vals[i] = rnd() * 4 - 2;
  const prefix = fromFloat32(vals, dtype);
  for (let i = 0; i < n; i++) vals[i] = rnd() * 4 - 2;
  const suffix = fromFloat32(vals, dtype);
  const prefixLse = new Float32Array(s.T * s.H).map(() => rnd() * 16 - 8);
  const suffixLse = new Float32Array(s.T * s.H).map(() => rnd() * 16 - 8);
  const inputs: MergeInputs = { dtype, ...s, prefix, suffix, prefixLse, suffixLse };
  const out = allocDType(dtype, n);
  const outLse = new Float32Array(s.T * s.H);
  const times: number[] = [];
  const start = performance.now();
  do {
    const t0 = performance.now();
    tsLoopMerge(inputs, out, outLse);
    times.push((performance.now() - t0) * 1000);
  } while (times.length < 3 && performance.now() - start < 300);
  return { us: median(times), inputs, out, outLse };
}

function tsDiff(inputs: MergeInputs, out: Float32Array | Uint16Array, outLse: Float32Array): DiffJson {
  const ref = referenceMerge(inputs);
  const tol = dtypeTolerance(inputs.dtype);
  const d: DiffJson = { maxAbsOut: 0, maxAbsLse: 0, exceedOut: 0, exceedLse: 0, specialMismatch: 0, checked: 0 };
  const add = (got: number, want: number, t: number, lse: boolean) => {
    d.checked++;
    if (Number.isNaN(got) !== Number.isNaN(want) || (!Number.isFinite(want) && got !== want && !Number.isNaN(want))) {
      d.specialMismatch++;
      return;
    }
    if (!Number.isFinite(want)) return;
    const e = Math.abs(got - want);
    if (lse) d.maxAbsLse = Math.max(d.maxAbsLse ?? 0, e);
    else d.maxAbsOut = Math.max(d.maxAbsOut ?? 0, e);
    if (e > t * Math.max(1, Math.abs(want))) lse ? d.exceedLse++ : d.exceedOut++;
  };
  for (let i = 0; i < ref.out.length; i++) add(readElement(out, i, inputs.dtype), ref.out[i], tol, false);
  for (let i = 0; i < ref.outLse.length; i++) add(outLse[i], ref.outLse[i], 1e-5, true);
  return d;
}

/** Host cost per call through the addon vs an empty kernel launch, in one process. */
export function measureHostCost(dtype: DType = 'bfloat16', shape: Shape = { T: 512, H: 16, D: 128 }, n = 2000,
  kernels: readonly LoadedKernel[] = []): HostCost {
  const { addon } = loadNative();
  if (!addon) throw new UserError('host cost needs the native addon');
  const bufs = new DeviceBuffers(dtype, 2, shape.T, shape.H, shape.D);
  try {
    bufs.fillRandom(7);
    const id = GPU_IMPL_IDS.optimized;
    const batch = 200;
    const loop = (f: () => void): number => {
      const per: number[] = [];
      for (let w = 0; w < 3; w++) for (let i = 0; i < batch; i++) f(); // warm-up (JIT, module load)
      addon.deviceSync();
      for (let b = 0; b < n / batch; b++) {
        const t0 = performance.now();
        for (let i = 0; i < batch; i++) f();
        per.push(((performance.now() - t0) * 1000) / batch);
        addon.deviceSync();
      }
      return median(per);
    };
    const opt = loop(() => bufs.runId(id));
    const empty = loop(() => addon.launchEmpty());
    const native = addon.emptyLaunchUs(n);
    const ks = kernels.map((k) => {
      const us = loop(() => bufs.runId(k.id));
      return { name: k.name, addonUs: us, ratio: us / native };
    });
    return { emptyLaunchNativeUs: native, emptyLaunchAddonUs: empty, optimizedAddonUs: opt, ratio: opt / native, shape, dtype,
      ...(ks.length ? { kernels: ks } : {}) };
  } finally {
    bufs.free();
  }
}

/** Runs the microbench on this machine through the addon. */
export function runMicro(o: MicroOptions = {}): MicroResult {
  checkKernelFiles(o.kernels ?? []);
  const { addon, error } = loadNative();
  if (!addon) throw new UserError(`abserve micro needs the native addon: ${error}`);
  const info: DeviceReport = deviceInfo();
  const device = o.device === 'gpu' || o.device === 'cpu' ? o.device : info.device;
  if (device === 'gpu' && info.device !== 'gpu') throw new UserError(`--device gpu: no usable GPU (${info.reason})`);
  if (o.kernels?.length && device === 'cpu')
    throw new UserError(`--kernel ${o.kernels[0]}: needs a GPU (${info.device === 'gpu' ? '--device cpu was given' : info.reason})`);
  const kernels = loadKernels(o.kernels ?? []);
  const shapes = o.shapes ?? defaultShapes(device);
  const dtypes = o.dtypes ?? ['bfloat16', 'float16', 'float32'];
  const json = addon.bench(shapes.flatMap((s) => [s.T, s.H, s.D]), dtypes.map(dtypeId), device,
    o.coldIters ?? 20, o.steadyReps ?? 10, o.S ?? 0, o.threads ?? 0, o.naive ?? true, o.check ?? true,
    o.cpuMinSeconds ?? 0.05, true, kernels.map((k) => k.id));
  const r = JSON.parse(json) as MicroResult;
  r.source = 'addon';
  if (kernels.length) r.kernels = kernels;
  if (device === 'cpu' && (o.tsLoop ?? true)) {
    for (const c of r.cases) {
      const t = timeTsLoop(c.dtype, c);
      const impl: ImplJson = { name: 'ts-loop', bytes: c.bytes, coldUs: t.us, coldMinUs: null, steadyUs: null, error: null };
      if (o.check ?? true) impl.diff = tsDiff(t.inputs, t.out, t.outLse);
      impl.edge = edgeCheckTs(c.dtype, c.D);
      c.impls.unshift(impl);
    }
  }
  if (device === 'gpu' && (o.hostCost ?? true)) r.hostCost = measureHostCost(undefined, undefined, undefined, kernels);
  return r;
}

/** Reads the standalone executable's JSON (mas_bench > file.json). */
export function parseMicroJson(text: string, file: string): MicroResult {
  let r: MicroResult;
  try {
    r = JSON.parse(text) as MicroResult;
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (!r || !Array.isArray(r.cases) || (r.device !== 'cpu' && r.device !== 'gpu'))
    throw new UserError(`${file}: not a mas_bench result (needs "device" and "cases")`);
  r.source = 'json';
  return r;
}

// ---- formatting ------------------------------------------------------------------------------------

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
  const why = i.gpuError ? ` (GPU: ${String(i.gpuError)})` : '';
  return `CPU, ${String(i.cpuThreads)} hardware threads, ${String(i.cpuIsa)} kernels${why}`;
}

/**
 * The kernels' run-time knobs that were set for this result (`MAS_OPT_VARIANT`, `MAS_EL_*`,
 * `MAS_CPU_NT`; native/mas_bench.cc records them in deviceInfo.kernelKnobs), as `NAME=value`
 * joined by spaces; '' when none was set (every kernel ran its default, NOTES.md) or when the
 * result predates the field.
 */
export function describeKnobs(r: MicroResult): string {
  const k = (r.deviceInfo as Record<string, unknown>).kernelKnobs;
  if (!k || typeof k !== 'object') return '';
  return Object.entries(k as Record<string, unknown>).map(([n, v]) => `${n}=${String(v)}`).join(' ');
}

export function formatMicro(r: MicroResult): string {
  const L: string[] = [];
  const W = 60;
  L.push('='.repeat(12) + ' merge_attn_states Microbench ' + '='.repeat(W - 42));
  L.push(`${pad('Device:', 20)}${r.device}`);
  L.push(`${pad('Hardware:', 20)}${describeDevice(r)}`);
  const knobs = describeKnobs(r);
  if (knobs) L.push(`${pad('Kernel knobs:', 20)}${knobs}`);
  if (r.hostCost) {
    const h = r.hostCost;
    L.push(`${pad('Host cost / call:', 20)}optimized via addon ${f(h.optimizedAddonUs, 2)} us, empty kernel launch ${f(h.emptyLaunchNativeUs, 2)} us (native loop), ${f(h.emptyLaunchAddonUs, 2)} us (via addon); ratio ${f(h.ratio, 2)}x`);
    for (const k of h.kernels ?? []) L.push(`${pad('', 20)}${k.name} via addon ${f(k.addonUs, 2)} us; ratio ${f(k.ratio, 2)}x`);
  } else if (r.emptyLaunchUs) {
    L.push(`${pad('Empty launch:', 20)}${f(r.emptyLaunchUs, 2)} us (native loop)`);
  }
  for (const k of r.kernels ?? []) L.push(`${pad('Kernel:', 20)}${k.name} = ${k.file} (${k.so})`);
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
  L.push('speedup: against the first row (naive on GPU, ts-loop on CPU); % copy: bandwidth over a same-bytes');
  L.push(`copy in the same run; check: every element within the dtype's rounding floor of the float64`);
  L.push('reference; edge: every +-inf/NaN LSE combination matches the reference exactly.');
  return L.join('\n');
}

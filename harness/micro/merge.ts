// TypeScript API of merge_attn_states: typed arrays in and out, checked shapes and dtypes, the
// CPU/GPU implementations of the native addon, the float64 reference, a plain TypeScript loop, and
// device-resident buffers for timing. Semantics: shared/docs/kernel.md.
import { existsSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import {
  allocDType, dtypeId, f16ToF32, bf16ToF32, f32ToBf16, f32ToF16,
  type AnyDTypeArray, type DType, DTYPES,
} from './dtype.js';
import { loadNative, type NativeAddon, type NativeDeviceCase, type NativeDiff, type Strides } from './native.js';

/** Element strides of a [T,H,D] view: distance between tokens and between heads. */
export interface ViewStrides {
  token: number;
  head: number;
}

export interface MergeInputs {
  dtype: DType;
  T: number;
  H: number;
  D: number;
  /** [T,H,D] (or a strided view, see strides). Float32Array for float32, Uint16Array bits else. */
  prefix: AnyDTypeArray;
  suffix: AnyDTypeArray;
  /** [H,T] float32, natural log. */
  prefixLse: Float32Array;
  suffixLse: Float32Array;
  strides?: { prefix?: ViewStrides; suffix?: ViewStrides; out?: ViewStrides };
}

export type CpuImpl = 'ts' | 'scalar' | 'vector';
export type GpuImpl = 'naive' | 'baseline' | 'optimized';
export type Impl = CpuImpl | GpuImpl;
export const GPU_IMPL_IDS: Record<GpuImpl | 'optimized-cs' | 'merge-s' | 'copy', number> = {
  naive: 0, baseline: 1, optimized: 2, 'optimized-cs': 3, 'merge-s': 4, copy: 5,
};

export interface MergeOptions {
  /** Which implementation; default: GPU 'optimized' when a GPU is usable, else CPU 'vector'. */
  impl?: Impl;
  /** Write the output LSE (default true). */
  withLse?: boolean;
  /** CPU threads for 'vector' (0 = all). */
  threads?: number;
  /** Output array to write into (a strided view when strides.out is given). */
  out?: AnyDTypeArray;
}

export interface MergeResult {
  out: AnyDTypeArray;
  outLse: Float32Array | null;
  device: 'cpu' | 'gpu';
  impl: Impl;
}

export interface DeviceReport {
  /** Where the default implementation runs. */
  device: 'cpu' | 'gpu';
  /** Why not the GPU, when not. */
  reason: string | null;
  addonLoaded: boolean;
  cudaBuilt: boolean;
  gpuName: string | null;
  computeCapability: string | null;
  sms: number;
  l2Bytes: number;
  memBytes: number;
  driverVersion: number;
  runtimeVersion: number;
  cudaArchs: string;
  cpuThreads: number;
  cpuIsa: string;
}

function requireAddon(): NativeAddon {
  const { addon, error } = loadNative();
  if (!addon) throw new UserError(error ?? 'native addon unavailable');
  return addon;
}

let cachedReport: DeviceReport | undefined;

/** What the machine offers; the chosen device is always named. */
/**
 * The CUDA runtime's reason for "no GPU", made readable: on a machine with no NVIDIA device node
 * (`/dev/nvidiactl`) the runtime says cudaErrorInsufficientDriver, which reads like "upgrade the
 * driver"; say there is no NVIDIA GPU or driver instead, keeping the runtime's words.
 */
export function explainGpuError(err: string | null, hasDeviceNode: boolean): string | null {
  if (err && !hasDeviceNode && /cudaErrorInsufficientDriver|cudaErrorNoDevice/.test(err)) return `no NVIDIA GPU or driver on this machine; ${err}`;
  return err;
}

export function deviceInfo(): DeviceReport {
  if (cachedReport) return cachedReport;
  const { addon, error } = loadNative();
  if (!addon) {
    cachedReport = {
      device: 'cpu', reason: error, addonLoaded: false, cudaBuilt: false, gpuName: null,
      computeCapability: null, sms: 0, l2Bytes: 0, memBytes: 0, driverVersion: 0, runtimeVersion: 0,
      cudaArchs: '', cpuThreads: 0, cpuIsa: 'n/a',
    };
    return cachedReport;
  }
  const j = JSON.parse(addon.deviceInfo()) as {
    cudaBuilt: boolean; gpuAvailable: boolean; gpuError: string | null; gpuName: string | null;
    computeCapability: string | null; sms: number; l2Bytes: number; memBytes: number;
    driverVersion: number; runtimeVersion: number; cudaArchs: string; cpuThreads: number; cpuIsa: string;
  };
  const noGpu = process.env.ABSERVE_NO_GPU === '1';
  cachedReport = {
    device: j.gpuAvailable && !noGpu ? 'gpu' : 'cpu',
    reason: noGpu ? 'ABSERVE_NO_GPU=1' : j.gpuAvailable ? null : explainGpuError(j.gpuError, existsSync('/dev/nvidiactl')),
    addonLoaded: true, cudaBuilt: j.cudaBuilt, gpuName: j.gpuName, computeCapability: j.computeCapability,
    sms: j.sms, l2Bytes: j.l2Bytes, memBytes: j.memBytes, driverVersion: j.driverVersion,
    runtimeVersion: j.runtimeVersion, cudaArchs: j.cudaArchs, cpuThreads: j.cpuThreads, cpuIsa: j.cpuIsa,
  };
  return cachedReport;
}

export function gpuAvailable(): boolean {
  return deviceInfo().device === 'gpu';
}

function posInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new UserError(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function checkData(arr: unknown, dtype: DType, name: string): AnyDTypeArray {
  if (dtype === 'float32') {
    if (!(arr instanceof Float32Array))
      throw new UserError(`${name}: float32 data must be a Float32Array, got ${describe(arr)}`);
  } else if (!(arr instanceof Uint16Array)) {
    throw new UserError(`${name}: ${dtype} data must be a Uint16Array of raw bits, got ${describe(arr)}`);
  }
  return arr as AnyDTypeArray;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return typeof v;
  return (v as object).constructor?.name ?? 'object';
}

function viewLen(T: number, H: number, D: number, s: ViewStrides): number {
  return (T - 1) * s.token + (H - 1) * s.head + D;
}

function checkStrides(s: ViewStrides | undefined, H: number, D: number, name: string): ViewStrides {
  if (!s) return { token: H * D, head: D };
  for (const k of ['token', 'head'] as const)
    if (typeof s[k] !== 'number' || !Number.isInteger(s[k]) || s[k] < 0)
      throw new UserError(`strides.${name}.${k} must be a non-negative integer, got ${String(s[k])}`);
  return s;
}

interface Checked {
  dtype: DType;
  T: number;
  H: number;
  D: number;
  sp: ViewStrides;
  ss: ViewStrides;
  so: ViewStrides;
  outLen: number;
}

/** Validates shapes, dtypes, lengths and strides; throws UserError naming the field and value. */
export function validateMerge(inp: MergeInputs, out?: AnyDTypeArray): Checked {
  if (!DTYPES.includes(inp.dtype)) throw new UserError(`dtype must be one of ${DTYPES.join(', ')}, got ${String(inp.dtype)}`);
  const T = posInt(inp.T, 'T'), H = posInt(inp.H, 'H'), D = posInt(inp.D, 'D');
  if (T * H >= 2 ** 31) throw new UserError(`T*H must be below 2^31, got ${T * H}`);
  const sp = checkStrides(inp.strides?.prefix, H, D, 'prefix');
  const ss = checkStrides(inp.strides?.suffix, H, D, 'suffix');
  const so = checkStrides(inp.strides?.out, H, D, 'out');
  if (so.head < D || so.token < (H - 1) * so.head + D)
    throw new UserError(`strides.out (token ${so.token}, head ${so.head}) would make output rows overlap for H=${H}, D=${D}`);
  const p = checkData(inp.prefix, inp.dtype, 'prefix');
  const s = checkData(inp.suffix, inp.dtype, 'suffix');
  if (p.length < viewLen(T, H, D, sp))
    throw new UserError(`prefix has ${p.length} elements, needs ${viewLen(T, H, D, sp)} for T=${T}, H=${H}, D=${D}`);
  if (s.length < viewLen(T, H, D, ss))
    throw new UserError(`suffix has ${s.length} elements, needs ${viewLen(T, H, D, ss)} for T=${T}, H=${H}, D=${D}`);
  for (const [k, v] of [['prefixLse', inp.prefixLse], ['suffixLse', inp.suffixLse]] as const) {
    if (!(v instanceof Float32Array)) throw new UserError(`${k} must be a Float32Array [H,T], got ${describe(v)}`);
    if (v.length !== T * H) throw new UserError(`${k} has ${v.length} values, needs H*T = ${H * T}`);
  }
  const outLen = viewLen(T, H, D, so);
  if (out !== undefined) {
    checkData(out, inp.dtype, 'out');
    if (out.length < outLen) throw new UserError(`out has ${out.length} elements, needs ${outLen}`);
  }
  return { dtype: inp.dtype, T, H, D, sp, ss, so, outLen };
}

function stridesArg(c: Checked): Strides {
  return [c.sp.token, c.sp.head, c.ss.token, c.ss.head, c.so.token, c.so.head];
}

/** Merges two partial attention results. */
export function mergeAttnStates(inp: MergeInputs, opts: MergeOptions = {}): MergeResult {
  const c = validateMerge(inp, opts.out);
  const impl: Impl = opts.impl ?? (gpuAvailable() ? 'optimized' : 'vector');
  const out = opts.out ?? allocDType(c.dtype, c.outLen);
  const outLse = opts.withLse === false ? null : new Float32Array(c.T * c.H);
  if (impl === 'ts') {
    tsLoopMerge(inp, out, outLse, c);
    return { out, outLse, device: 'cpu', impl };
  }
  const addon = requireAddon();
  const args = [dtypeId(c.dtype), c.T, c.H, c.D, inp.prefix, inp.suffix, inp.prefixLse, inp.suffixLse, out, outLse, stridesArg(c)] as const;
  if (impl === 'scalar' || impl === 'vector') {
    addon.mergeCpu(impl, ...args, opts.threads ?? 0);
    return { out, outLse, device: 'cpu', impl };
  }
  if (!(impl in GPU_IMPL_IDS)) throw new UserError(`unknown implementation '${String(impl)}'`);
  if (!gpuAvailable()) throw new UserError(`implementation '${impl}' needs a GPU: ${deviceInfo().reason}`);
  addon.mergeGpu(GPU_IMPL_IDS[impl], ...args);
  return { out, outLse, device: 'gpu', impl };
}

/** float64 reference (native; contiguous [T,H,D] output and [H,T] LSE as Float64Array). */
export function referenceMerge(inp: MergeInputs): { out: Float64Array; outLse: Float64Array } {
  const c = validateMerge(inp);
  const out = new Float64Array(c.T * c.H * c.D);
  const outLse = new Float64Array(c.T * c.H);
  requireAddon().reference(dtypeId(c.dtype), c.T, c.H, c.D, inp.prefix, inp.suffix, inp.prefixLse,
    inp.suffixLse, out, outLse, [c.sp.token, c.sp.head, c.ss.token, c.ss.head, 0, 0]);
  return { out, outLse };
}

/** The plain TypeScript loop (the "straightforward TypeScript" baseline); float32 arithmetic. */
export function tsLoopMerge(inp: MergeInputs, out: AnyDTypeArray, outLse: Float32Array | null, checked?: Checked): void {
  const c = checked ?? validateMerge(inp, out);
  const { T, H, D, sp, ss, so } = c;
  const ld = c.dtype === 'float32' ? (v: number) => v : c.dtype === 'float16' ? f16ToF32 : bf16ToF32;
  const st = c.dtype === 'float32' ? Math.fround : c.dtype === 'float16' ? f32ToF16 : f32ToBf16;
  const P = inp.prefix, S = inp.suffix;
  for (let t = 0; t < T; t++) {
    for (let h = 0; h < H; h++) {
      let p = inp.prefixLse[h * T + t], s = inp.suffixLse[h * T + t];
      let wp: number, ws: number, lse: number, empty = false;
      if (Number.isNaN(p) || Number.isNaN(s)) {
        wp = ws = lse = NaN;
      } else {
        if (p === Infinity) p = -Infinity;
        if (s === Infinity) s = -Infinity;
        const m = p > s ? p : s;
        if (m === -Infinity) {
          wp = ws = 0; lse = -Infinity; empty = true;
        } else {
          const ep = Math.fround(Math.exp(p - m)), es = Math.fround(Math.exp(s - m));
          const sum = Math.fround(ep + es);
          wp = Math.fround(ep / sum); ws = Math.fround(es / sum);
          lse = Math.fround(Math.log(sum) + m);
        }
      }
      if (outLse) outLse[h * T + t] = lse;
      const po = t * sp.token + h * sp.head, so_ = t * ss.token + h * ss.head, oo = t * so.token + h * so.head;
      for (let d = 0; d < D; d++)
        out[oo + d] = empty ? 0 : st(Math.fround(Math.fround(ld(P[po + d]) * wp) + Math.fround(ld(S[so_ + d]) * ws)));
    }
  }
}

// ---- S-way ---------------------------------------------------------------------------------------

export interface MergeSInputs {
  dtype: DType;
  S: number;
  T: number;
  H: number;
  D: number;
  /** [S,T,H,D] contiguous. */
  parts: AnyDTypeArray;
  /** [S,H,T] float32. */
  lses: Float32Array;
}

export function validateMergeS(inp: MergeSInputs): void {
  if (!DTYPES.includes(inp.dtype)) throw new UserError(`dtype must be one of ${DTYPES.join(', ')}, got ${String(inp.dtype)}`);
  const S = posInt(inp.S, 'S'), T = posInt(inp.T, 'T'), H = posInt(inp.H, 'H'), D = posInt(inp.D, 'D');
  if (T * H >= 2 ** 31) throw new UserError(`T*H must be below 2^31, got ${T * H}`);
  const p = checkData(inp.parts, inp.dtype, 'parts');
  if (p.length !== S * T * H * D) throw new UserError(`parts has ${p.length} elements, needs S*T*H*D = ${S * T * H * D}`);
  if (!(inp.lses instanceof Float32Array)) throw new UserError(`lses must be a Float32Array [S,H,T], got ${describe(inp.lses)}`);
  if (inp.lses.length !== S * H * T) throw new UserError(`lses has ${inp.lses.length} values, needs S*H*T = ${S * H * T}`);
}

/** S-way merge in one pass: impl 'scalar' | 'vector' (CPU) or 'optimized' (GPU). */
export function mergeAttnStatesS(inp: MergeSInputs, opts: { impl?: 'scalar' | 'vector' | 'optimized'; withLse?: boolean; threads?: number } = {}): MergeResult {
  validateMergeS(inp);
  const addon = requireAddon();
  const impl = opts.impl ?? (gpuAvailable() ? 'optimized' : 'vector');
  const out = allocDType(inp.dtype, inp.T * inp.H * inp.D);
  const outLse = opts.withLse === false ? null : new Float32Array(inp.T * inp.H);
  if (impl === 'optimized') {
    if (!gpuAvailable()) throw new UserError(`S-way 'optimized' needs a GPU: ${deviceInfo().reason}`);
    addon.mergeSGpu(dtypeId(inp.dtype), inp.S, inp.T, inp.H, inp.D, inp.parts, inp.lses, out, outLse);
    return { out, outLse, device: 'gpu', impl };
  }
  if (impl !== 'scalar' && impl !== 'vector') throw new UserError(`unknown S-way implementation '${String(impl)}'`);
  addon.mergeSCpu(impl, dtypeId(inp.dtype), inp.S, inp.T, inp.H, inp.D, inp.parts, inp.lses, out, outLse, opts.threads ?? 0);
  return { out, outLse, device: 'cpu', impl };
}

export function referenceMergeS(inp: MergeSInputs): { out: Float64Array; outLse: Float64Array } {
  validateMergeS(inp);
  const out = new Float64Array(inp.T * inp.H * inp.D);
  const outLse = new Float64Array(inp.T * inp.H);
  requireAddon().referenceS(dtypeId(inp.dtype), inp.S, inp.T, inp.H, inp.D, inp.parts, inp.lses, out, outLse);
  return { out, outLse };
}

// ---- device-resident buffers -----------------------------------------------------------------------

/**
 * Device buffers for timing: parts [S,T,H,D] (parts 0 and 1 are prefix and suffix of the two-way
 * merge), lses [S,H,T], out and out LSE. Allocate once, run many; free() releases the memory.
 */
export class DeviceBuffers {
  private c: NativeDeviceCase | null;
  constructor(readonly dtype: DType, readonly S: number, readonly T: number, readonly H: number, readonly D: number) {
    posInt(T, 'T'); posInt(H, 'H'); posInt(D, 'D');
    if (!Number.isInteger(S) || S < 2) throw new UserError(`S must be an integer >= 2, got ${S}`);
    if (!gpuAvailable()) throw new UserError(`device buffers need a GPU: ${deviceInfo().reason}`);
    this.c = new (requireAddon().DeviceCase)(dtypeId(dtype), S, T, H, D);
  }
  private get live(): NativeDeviceCase {
    if (!this.c) throw new UserError('device buffers were freed');
    return this.c;
  }
  fillRandom(seed = 1): void { this.live.fillRandom(seed); }
  upload(parts: AnyDTypeArray, lses: Float32Array): void {
    validateMergeS({ dtype: this.dtype, S: this.S, T: this.T, H: this.H, D: this.D, parts, lses });
    this.live.upload(parts, lses);
  }
  /** Asynchronous launch (the host-cost hot path). */
  run(impl: keyof typeof GPU_IMPL_IDS): void { this.live.run(GPU_IMPL_IDS[impl]); }
  runId(id: number): void { this.live.run(id); }
  sync(): void { this.live.sync(); }
  timeCold(impl: keyof typeof GPU_IMPL_IDS, iters: number): Float64Array { return this.live.timeCold(GPU_IMPL_IDS[impl], iters); }
  timeSteady(impl: keyof typeof GPU_IMPL_IDS, calls: number, reps: number): number {
    return this.live.timeSteady(GPU_IMPL_IDS[impl], calls, reps);
  }
  check(impl: keyof typeof GPU_IMPL_IDS): NativeDiff { return this.live.check(GPU_IMPL_IDS[impl]); }
  download(): { out: AnyDTypeArray; outLse: Float32Array } {
    const out = allocDType(this.dtype, this.T * this.H * this.D);
    const outLse = new Float32Array(this.T * this.H);
    this.live.download(out, outLse);
    return { out, outLse };
  }
  bytes(impl: keyof typeof GPU_IMPL_IDS = 'optimized'): number { return this.live.bytes(GPU_IMPL_IDS[impl]); }
  free(): void { this.c?.free(); this.c = null; }
}

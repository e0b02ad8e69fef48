// The microbench behind `abserve micro`: runs the native bench (GPU or CPU) one case at a time, so
// that Ctrl-C keeps the finished cases, and adds what only the TypeScript side can measure (the
// plain TS loop on the CPU; host cost per call through the addon on the GPU). Printing: format.ts;
// reading a saved result: microJson.ts.
import { UserError } from '../common/errors.js';
import { allocDType, dtypeId, dtypeTolerance, fromFloat32, readElement, type DType } from './dtype.js';
import { deviceInfo, DeviceBuffers, GPU_IMPL_IDS, referenceMerge, tsLoopMerge, type DeviceReport, type MergeInputs } from './merge.js';
import { loadNative } from './native.js';
import { edgeCheckTs } from './edge.js';
import { checkKernelFiles, loadKernels, type LoadedKernel } from './kernels.js';
import { checkKnobs } from './knobs.js';
import { checkShapesFit } from './memory.js';
import type { CaseJson, DiffJson, HostCost, ImplJson, MicroOptions, MicroResult, Shape } from './types.js';

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

/**
 * Host cost per call through the addon vs an empty kernel launch, in one process (us per call).
 * The optimized kernel, the empty launch through the addon, the native empty-launch loop and each
 * --kernel are measured in `rounds` interleaved rounds (n/rounds calls each, batches of 200, median
 * per round) and each figure is the median over rounds, the ratio the median of the per-round
 * ratios: measured one after the other, a slow stretch of the host had landed on one side (an H200
 * run gave 1.48x while the same call's GPU test, another process, gave 1.22x).
 */
export function measureHostCost(dtype: DType = 'bfloat16', shape: Shape = { T: 512, H: 16, D: 128 }, n = 2000,
  kernels: readonly LoadedKernel[] = [], rounds = 5): HostCost {
  const { addon } = loadNative();
  if (!addon) throw new UserError('host cost needs the native addon');
  const bufs = new DeviceBuffers(dtype, 2, shape.T, shape.H, shape.D);
  try {
    bufs.fillRandom(7);
    const id = GPU_IMPL_IDS.optimized;
    const batch = 200;
    const perRound = Math.max(batch, Math.round(n / rounds / batch) * batch);
    const loop = (f: () => void): number => {
      const per: number[] = [];
      for (let b = 0; b < perRound / batch; b++) {
        const t0 = performance.now();
        for (let i = 0; i < batch; i++) f();
        per.push(((performance.now() - t0) * 1000) / batch);
        addon.deviceSync();
      }
      return median(per);
    };
    const fns: Array<() => void> = [() => bufs.runId(id), () => addon.launchEmpty(), ...kernels.map((k) => () => bufs.runId(k.id))];
    for (const f of fns) for (let i = 0; i < 3 * batch; i++) f(); // warm-up (JIT, module load)
    addon.deviceSync();
    const opt: number[] = [], empty: number[] = [], native: number[] = [], ks: number[][] = kernels.map(() => []);
    for (let r = 0; r < rounds; r++) {
      opt.push(loop(fns[0]!));
      empty.push(loop(fns[1]!));
      native.push(addon.emptyLaunchUs(perRound));
      kernels.forEach((_, j) => ks[j]!.push(loop(fns[2 + j]!)));
    }
    const ratioOf = (xs: number[]) => median(xs.map((x, r) => x / native[r]!));
    return { emptyLaunchNativeUs: median(native), emptyLaunchAddonUs: median(empty), optimizedAddonUs: median(opt), ratio: ratioOf(opt), shape, dtype,
      ...(kernels.length ? { kernels: kernels.map((k, j) => ({ name: k.name, addonUs: median(ks[j]!), ratio: ratioOf(ks[j]!) })) } : {}) };
  } finally {
    bufs.free();
  }
}

/** One finished case, for a progress line: its index (1-based) of `planned`, and how long it took. */
export interface CaseDone {
  index: number;
  planned: number;
  dtype: DType;
  shape: Shape;
  seconds: number;
}

/** The TS loop row of a CPU case (timed, checked, edge table), put first as the speedup base. */
function addTsLoop(c: CaseJson, check: boolean): void {
  const t = timeTsLoop(c.dtype, c);
  const impl: ImplJson = { name: 'ts-loop', bytes: c.bytes, coldUs: t.us, coldMinUs: null, steadyUs: null, error: null };
  if (check) impl.diff = tsDiff(t.inputs, t.out, t.outLse);
  impl.edge = edgeCheckTs(c.dtype, c.D);
  c.impls.unshift(impl);
}

/**
 * Runs the microbench on this machine through the addon, one native call per dtype x shape case
 * (dtypes outer, as mas_bench orders them). Between cases it yields to the event loop and stops
 * when `signal` has fired: the result then holds the finished cases and `partial` says how many of
 * how many (a case in progress runs to its end; the native call cannot be cut). `onCase` is called
 * after each case. Throws a UserError for bad knobs (knobs.ts), a shape that cannot fit
 * (memory.ts), a missing GPU or addon, a --kernel file that cannot be used, or a case the native
 * side could not allocate.
 */
export async function runMicro(o: MicroOptions = {}, signal?: AbortSignal,
  onCase?: (d: CaseDone) => void): Promise<MicroResult> {
  checkKnobs(process.env);
  checkKernelFiles(o.kernels ?? []);
  const { addon, error } = loadNative();
  if (!addon) throw new UserError(`abserve micro needs the native addon: ${error}`);
  const info: DeviceReport = deviceInfo();
  const device = o.device === 'gpu' || o.device === 'cpu' ? o.device : info.device;
  if (device === 'gpu' && info.device !== 'gpu') throw new UserError(`--device gpu: no usable GPU (${info.reason})`);
  if (o.kernels?.length && device === 'cpu')
    throw new UserError(`--kernel ${o.kernels[0]}: needs a GPU (${info.device === 'gpu' ? '--device cpu was given' : info.reason})`);
  const shapes = o.shapes ?? defaultShapes(device);
  const dtypes = o.dtypes ?? ['bfloat16', 'float16', 'float32'];
  checkShapesFit(shapes, dtypes, o.S ?? 0, device === 'gpu' ? info.memBytes : 0);
  const kernels = loadKernels(o.kernels ?? []);
  const planned = shapes.length * dtypes.length;
  let finished = 0;
  let r: MicroResult | undefined;
  cases: for (const dtype of dtypes)
    for (const s of shapes) {
      if (signal?.aborted) break cases;
      const t0 = performance.now();
      let json: string;
      try {
        json = addon.bench([s.T, s.H, s.D], [dtypeId(dtype)], device, o.coldIters ?? 20, o.steadyReps ?? 10, o.S ?? 0,
          o.threads ?? 0, o.naive ?? true, o.check ?? true, o.cpuMinSeconds ?? 0.05, true, kernels.map((k) => k.id),
          finished === 0); // the empty-launch time once per run, not once per case (2,000 launches, ~10 ms)
      } catch (e) {
        const msg = (e as Error).message;
        if (/out of (host|device) memory|cudaErrorMemoryAllocation|bad_alloc/i.test(msg))
          throw new UserError(`--shapes ${s.T}x${s.H}x${s.D} (${dtype}): ${msg.split('\n')[0]}`);
        throw e;
      }
      const part = JSON.parse(json) as MicroResult;
      if (!r) r = { ...part, cases: [] };
      if (device === 'cpu' && (o.tsLoop ?? true)) for (const c of part.cases) addTsLoop(c, o.check ?? true);
      r.cases.push(...part.cases); // two with --s > 2: the two-way case and the S-way one
      finished++;
      onCase?.({ index: finished, planned, dtype, shape: s, seconds: (performance.now() - t0) / 1000 });
      await new Promise((done) => setImmediate(done)); // let a Ctrl-C reach `signal`
    }
  r ??= { tool: 'abserve-native-bench', device, deviceInfo: JSON.parse(addon.deviceInfo()) as Record<string, unknown>, cases: [], source: 'addon' };
  r.source = 'addon';
  if (kernels.length) r.kernels = kernels;
  if (finished < planned) r.partial = { reason: 'interrupted', completedCases: finished, plannedCases: planned };
  else if (device === 'gpu' && (o.hostCost ?? true)) r.hostCost = measureHostCost(undefined, undefined, undefined, kernels);
  return r;
}

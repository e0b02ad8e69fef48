// The microbench's result shapes: what native/mas_bench.cc writes (the addon and the standalone
// executable alike) plus what the TypeScript side adds. Times in us, sizes in bytes.
import type { DType } from './dtype.js';
import type { LoadedKernel } from './kernels.js';

/** One case's sizes: tokens, heads, head dim. */
export interface Shape {
  T: number;
  H: number;
  D: number;
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
  /** Set when the run stopped early (Ctrl-C): the cases finished before it are all there is. */
  partial?: { reason: string; completedCases: number; plannedCases: number };
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
// Loads the native addon (native/, built by `node native/build.mjs` on `npm ci`). The addon is
// optional at run time: when it is missing or fails to load, callers get the reason and the
// plain TypeScript path still works.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeDeviceCase {
  fillRandom(seed: number): void;
  upload(parts: Float32Array | Uint16Array, lses: Float32Array): void;
  run(impl: number): void;
  sync(): void;
  timeCold(impl: number, iters: number): Float64Array;
  timeSteady(impl: number, calls: number, reps: number): number;
  check(impl: number): NativeDiff;
  download(out: Float32Array | Uint16Array, outLse: Float32Array): void;
  bytes(impl: number): number;
  free(): void;
}

export interface NativeDiff {
  maxAbsOut: number;
  maxAbsLse: number;
  exceedOut: number;
  exceedLse: number;
  specialMismatch: number;
  checked: number;
}

type Data = Float32Array | Uint16Array;
export type Strides = [number, number, number, number, number, number];

export interface NativeAddon {
  deviceInfo(): string;
  mergeCpu(impl: 'scalar' | 'vector', dtype: number, T: number, H: number, D: number, prefix: Data,
    suffix: Data, prefixLse: Float32Array, suffixLse: Float32Array, out: Data, outLse: Float32Array | null,
    strides: Strides | undefined, threads: number): void;
  mergeGpu(impl: number, dtype: number, T: number, H: number, D: number, prefix: Data, suffix: Data,
    prefixLse: Float32Array, suffixLse: Float32Array, out: Data, outLse: Float32Array | null,
    strides: Strides | undefined): void;
  reference(dtype: number, T: number, H: number, D: number, prefix: Data, suffix: Data,
    prefixLse: Float32Array, suffixLse: Float32Array, out: Float64Array, outLse: Float64Array | null,
    strides: Strides | undefined): void;
  mergeSCpu(impl: 'scalar' | 'vector', dtype: number, S: number, T: number, H: number, D: number,
    parts: Data, lses: Float32Array, out: Data, outLse: Float32Array | null, threads: number): void;
  mergeSGpu(dtype: number, S: number, T: number, H: number, D: number, parts: Data, lses: Float32Array,
    out: Data, outLse: Float32Array | null): void;
  referenceS(dtype: number, S: number, T: number, H: number, D: number, parts: Data, lses: Float32Array,
    out: Float64Array, outLse: Float64Array | null): void;
  edgeCheck(impl: string, dtype: number, D: number): string;
  bench(shapes: number[], dtypes: number[], device: string, coldIters: number, steadyReps: number,
    S: number, threads: number, naive: boolean, check: boolean, cpuMinSeconds: number,
    cpuScalar: boolean, kernels?: number[], emptyLaunch?: boolean): string;
  /** Compiles (.cu, local nvcc, the device's sm) or loads (.so) a --kernel file in the C contract of
   * native/mas_user_kernel.h; returns JSON {id, name, so}; throws a one-line reason. */
  loadKernel(file: string): string;
  emptyLaunchUs(n: number): number;
  launchEmpty(): void;
  deviceSync(): void;
  DeviceCase: new (dtype: number, S: number, T: number, H: number, D: number) => NativeDeviceCase;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// ABSERVE_NATIVE_DIR points at another build's Release folder (tests load a CPU-only build).
const releaseDir = process.env.ABSERVE_NATIVE_DIR
  ? path.resolve(process.env.ABSERVE_NATIVE_DIR)
  : path.resolve(here, '../../build/native/Release');
export const ADDON_PATH = path.join(releaseDir, 'abserve_native.node');
export const BENCH_EXE_PATH = path.join(releaseDir, 'mas_bench');
/** native/ in this checkout: the -I folder (mas_user_kernel.h) for compiling --kernel files. */
export const NATIVE_SRC_DIR = path.resolve(here, '../../native');

let cached: { addon: NativeAddon | null; error: string | null } | undefined;

/** The addon, or null with the reason (also when ABSERVE_NO_NATIVE=1 asks to ignore it). */
export function loadNative(): { addon: NativeAddon | null; error: string | null } {
  if (cached) return cached;
  if (process.env.ABSERVE_NO_NATIVE === '1') {
    cached = { addon: null, error: 'ABSERVE_NO_NATIVE=1' };
  } else if (!existsSync(ADDON_PATH)) {
    cached = { addon: null, error: `native addon not built (${ADDON_PATH}); run: node native/build.mjs` };
  } else {
    try {
      // The addon compiles --kernel files against native/mas_user_kernel.h of this checkout.
      process.env.ABSERVE_NATIVE_SRC ??= NATIVE_SRC_DIR;
      const require = createRequire(import.meta.url);
      cached = { addon: require(ADDON_PATH) as NativeAddon, error: null };
    } catch (e) {
      cached = { addon: null, error: `native addon failed to load: ${(e as Error).message}` };
    }
  }
  return cached;
}

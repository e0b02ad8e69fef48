// `abserve micro --kernel FILE`: bring your own merge_attn_states. The files are checked here at
// the edge (exists, .cu or .so, a usable GPU) so that every failure is one line naming the flag and
// the file; the native side compiles a .cu with the local nvcc for the device's architecture (cached)
// or loads a .so, and finds the C entry point of native/mas_user_kernel.h (vLLM's contract).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import { deviceInfo } from './merge.js';
import { loadNative } from './native.js';

/** A loaded --kernel: its implementation id in the addon, the name its rows carry, the library. */
export interface LoadedKernel {
  /** Implementation id (>= 16) accepted by the addon's bench, DeviceCase.run and edgeCheck. */
  id: number;
  /** File name without folder and extension ("#2" appended when two files share one). */
  name: string;
  /** The file as given on the command line. */
  file: string;
  /** The shared library loaded (the cached nvcc output for a .cu). */
  so: string;
}

/**
 * Checks that every --kernel file exists and is a .cu or a .so, before anything needs a GPU.
 * @throws UserError `--kernel FILE: no such file` / `expected a CUDA source (.cu) or a shared library (.so)`
 */
export function checkKernelFiles(files: readonly string[]): void {
  for (const file of files) {
    if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`--kernel ${file}: no such file`);
    const ext = path.extname(file);
    if (ext !== '.cu' && ext !== '.so')
      throw new UserError(`--kernel ${file}: expected a CUDA source (.cu) or a shared library (.so), got '${ext || 'no extension'}'`);
  }
}

/**
 * Validates and loads every --kernel file, in order.
 * @throws UserError `--kernel FILE: <reason>`: no such file, not .cu/.so, needs a GPU (with the
 *   device's reason: no driver, CPU-only build, ABSERVE_NO_GPU=1), nvcc's first error line and the
 *   path of its full log, or a library without the `abserve_merge_attn_states` entry point.
 */
export function loadKernels(files: readonly string[]): LoadedKernel[] {
  checkKernelFiles(files);
  const out: LoadedKernel[] = [];
  for (const file of files) {
    const { addon, error } = loadNative();
    if (!addon) throw new UserError(`--kernel ${file}: needs the native addon (${error})`);
    const info = deviceInfo();
    if (info.device !== 'gpu') throw new UserError(`--kernel ${file}: needs a GPU (${info.reason ?? 'none found'})`);
    let j: { id: number; name: string; so: string };
    try {
      j = JSON.parse(addon.loadKernel(path.resolve(file))) as typeof j;
    } catch (e) {
      throw new UserError(`--kernel ${file}: ${(e as Error).message}`);
    }
    out.push({ ...j, file });
  }
  return out;
}

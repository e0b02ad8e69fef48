// A shape too large for this machine is refused before anything is allocated: the native side
// would otherwise fail deep in an allocation (a stack trace) or, on the CPU, be killed by the
// kernel's out-of-memory killer with no message at all (3000000000x1x1 float32 took 24 GB).
import { totalmem } from 'node:os';
import { UserError } from '../common/errors.js';
import { dtypeBytes, type DType } from './dtype.js';
import type { Shape } from './types.js';

const GB = 1e9;

/**
 * Lower bounds of what one case needs, in bytes: on the host the inputs, one output and the
 * float64 reference (8 bytes an element); on the GPU the inputs, one output and the 512 MB buffer
 * zeroed before each cold call. `S` is the number of parts (2 for the two-way merge).
 */
export function caseBytes(s: Shape, dtype: DType, S: number): { host: number; gpu: number } {
  const n = s.T * s.H * s.D;
  const e = dtypeBytes(dtype);
  const parts = Math.max(S, 2);
  const lse = s.T * s.H * 4 * (parts + 1);
  return { host: n * ((parts + 1) * e + 8) + lse, gpu: n * (parts + 1) * e + lse + 512 * 2 ** 20 };
}

/**
 * Throws a UserError for the first shape x dtype that cannot fit: `--shapes 100000x1000x1000:
 * needs at least 2000.0 GB of host memory for float32 (this machine has 24.0 GB)`. `gpuMemBytes`:
 * the device's memory when the run is on the GPU, else 0. `hostBytes` defaults to os.totalmem().
 */
export function checkShapesFit(shapes: readonly Shape[], dtypes: readonly DType[], S: number, gpuMemBytes: number,
  hostBytes = totalmem()): void {
  for (const s of shapes)
    for (const d of dtypes) {
      const need = caseBytes(s, d, S);
      const name = `--shapes ${s.T}x${s.H}x${s.D}`;
      if (need.host > hostBytes)
        throw new UserError(`${name}: needs at least ${(need.host / GB).toFixed(1)} GB of host memory for ${d} (this machine has ${(hostBytes / GB).toFixed(1)} GB)`);
      if (gpuMemBytes > 0 && need.gpu > gpuMemBytes)
        throw new UserError(`${name}: needs at least ${(need.gpu / GB).toFixed(1)} GB of GPU memory for ${d} (the GPU has ${(gpuMemBytes / GB).toFixed(1)} GB)`);
    }
}

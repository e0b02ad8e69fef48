// --threads for the CPU kernels: the native pool starts one OS thread per part (kept for the
// process's life) and splits the rows evenly, so more threads than the machine runs at once only
// time the scheduler (a 2-core box took --threads 1000 and started 999 threads).
import { availableParallelism } from 'node:os';
import { UserError } from '../common/errors.js';

/**
 * Checks a CPU thread count: an integer from 0 (all hardware threads) to `limit`, by default
 * os.availableParallelism() (the threads this process may run at once). Returns it unchanged.
 * Throws UserError naming the flag, the value and the limit:
 * `--threads: expected an integer from 0 (all) to 2 (this machine's available parallelism), got 1000`.
 */
export function checkThreads(value: number, limit = availableParallelism(), flag = '--threads'): number {
  if (!Number.isInteger(value) || value < 0 || value > limit)
    throw new UserError(`${flag}: expected an integer from 0 (all) to ${limit} (this machine's available parallelism), got ${value}`);
  return value;
}

// Why this file exists: the bootstrap draws millions of bounded integers; Rng.int() validates its
// arguments and rejects on every call. This draws from the same seeded stream with one multiply.
import { Rng } from '../common/rng.js';

export { Rng };

/**
 * Uniform integer in [0, n) from one 32-bit word (multiply-high, Lemire 2019 without the
 * rejection step). The bias is at most n / 2^32 per value (below 3e-5 for n <= 100,000), far under
 * bootstrap Monte Carlo error. n must be a positive integer below 2^32.
 */
export function drawIndex(rng: Rng, n: number): number {
  return Math.floor((rng.nextU32() * n) / 4294967296);
}

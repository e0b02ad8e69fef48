// Seeded PRNG: xoshiro128** (Blackman & Vigna) seeded through splitmix32, plus the draws the
// workload needs (uniform, integer, normal, gamma, exponential).
//
// Why not a library: the whole point is that one seed gives byte-identical prompts and schedules
// for every arm, every run and every future install. A dependency's algorithm or its distribution
// code could change under a version bump; 60 lines we own cannot. It also has to run without
// Math.random, and no small package offers a seeded gamma draw.
//
// Streams: `new Rng(seed, 'arrivals')` and `new Rng(seed, 'prompts')` are independent, so changing
// the dataset (or the tokenizer's fix-up draws) never changes the arrival schedule and vice versa.

const TWO_POW_32 = 4294967296;

/** FNV-1a over the stream name, mixed with both halves of the seed. */
function hashSeed(seed: number, stream: string): number {
  let h = 0x811c9dc5;
  const mix = (byte: number): void => {
    h ^= byte & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0; // negative seeds still give a stable word
  for (let s = 0; s < 32; s += 8) mix(lo >>> s);
  for (let s = 0; s < 32; s += 8) mix(hi >>> s);
  for (let i = 0; i < stream.length; i++) {
    const c = stream.charCodeAt(i);
    mix(c);
    mix(c >>> 8);
  }
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = '') {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer: got ${seed}`);
    // splitmix32 expands one 32-bit word into the 128-bit state (never all zero in practice;
    // guarded below anyway, since xoshiro's all-zero state is a fixed point).
    let x = hashSeed(seed, stream);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi) — hi exclusive, like numpy's integers(). Unbiased (rejection). */
  int(lo: number, hi: number): number {
    const span = hi - lo;
    if (!(span >= 1) || !Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
      throw new RangeError(`int(lo, hi) needs integers with lo < hi: got [${lo}, ${hi})`);
    }
    if (span <= TWO_POW_32) {
      // Rejection sampling on 32 bits: reject the top partial bucket so every value is equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % span);
      let r: number;
      do r = this.nextU32();
      while (r >= limit);
      return lo + (r % span);
    }
    return lo + Math.floor(this.uniform() * span); // spans above 2^32 never occur in practice
  }

  /** Standard normal (Box-Muller; one value per call so the stream position is easy to reason about). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean (inverse CDF). */
  exponential(mean = 1): number {
    return -Math.log(1 - this.uniform()) * mean;
  }

  /**
   * Gamma(shape k, scale theta): mean k*theta, variance k*theta^2. Marsaglia & Tsang (2000);
   * for k < 1 the usual boost Gamma(k) = Gamma(k+1) * U^(1/k).
   */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be > 0: got ${shape}`);
    if (shape < 1) {
      let u = this.uniform();
      while (u === 0) u = this.uniform();
      return this.gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// Element types of the merge and the conversions between float32 and the 16-bit formats.
// fp16 and bf16 values travel as their raw bits in a Uint16Array; these helpers convert with
// round-to-nearest-even, keep NaN a NaN and +-inf an infinity (bit-identical to native/mas_common.h).
import { UserError } from '../common/errors.js';

export type DType = 'float32' | 'float16' | 'bfloat16';
export const DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16'];

/** Array type that carries a tensor of this dtype. */
export type DTypeArray<D extends DType> = D extends 'float32' ? Float32Array : Uint16Array;
export type AnyDTypeArray = Float32Array | Uint16Array;

/** Numeric id the native addon uses. */
export function dtypeId(d: DType): 0 | 1 | 2 {
  return d === 'float32' ? 0 : d === 'float16' ? 1 : 2;
}

export function dtypeBytes(d: DType): 2 | 4 {
  return d === 'float32' ? 4 : 2;
}

const ALIASES: Record<string, DType> = {
  float32: 'float32', fp32: 'float32', f32: 'float32',
  float16: 'float16', fp16: 'float16', f16: 'float16', half: 'float16',
  bfloat16: 'bfloat16', bf16: 'bfloat16',
};

/** Parses a dtype name (float32|fp32, float16|fp16|half, bfloat16|bf16); UserError otherwise. */
export function parseDType(s: string, where = 'dtype'): DType {
  const d = ALIASES[s.trim().toLowerCase()];
  if (!d) throw new UserError(`${where}: unknown dtype '${s}' (want float32, float16 or bfloat16)`);
  return d;
}

/** Output-rounding floor used as the tolerance against the float64 reference (kernel.md). */
export function dtypeTolerance(d: DType): number {
  return d === 'bfloat16' ? 1 / 64 : d === 'float16' ? 1 / 512 : 2e-6;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bf16ToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0];
}

export function f32ToBf16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 31) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

export function f32ToF16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a > 0x7f800000) return sign | 0x7e00;
  if (a >= 0x477ff000) return sign | 0x7c00;
  if (a < 0x38800000) {
    // subnormal or zero: value * 2^24 rounded half to even
    f32[0] = Math.abs(f32[0]) * 16777216;
    const v = f32[0];
    let r = Math.round(v);
    if (Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0) r -= 1;
    return sign | r;
  }
  const r = ((a + 0x0fff + ((a >>> 13) & 1)) >>> 0) - (112 << 23);
  return (sign | (r >>> 13)) & 0xffff;
}

/** float32 values -> an array of the dtype (Float32Array copy, or Uint16Array of bits). */
export function fromFloat32<D extends DType>(values: ArrayLike<number>, d: D): DTypeArray<D> {
  if (d === 'float32') return Float32Array.from(values) as DTypeArray<D>;
  const out = new Uint16Array(values.length);
  const conv = d === 'float16' ? f32ToF16 : f32ToBf16;
  for (let i = 0; i < values.length; i++) out[i] = conv(values[i]);
  return out as DTypeArray<D>;
}

/** An array of the dtype -> float32 values. */
export function toFloat32(values: AnyDTypeArray, d: DType): Float32Array {
  if (d === 'float32') {
    if (!(values instanceof Float32Array)) throw new UserError('float32 data must be a Float32Array');
    return Float32Array.from(values);
  }
  if (!(values instanceof Uint16Array)) throw new UserError(`${d} data must be a Uint16Array of raw bits`);
  const out = new Float32Array(values.length);
  const conv = d === 'float16' ? f16ToF32 : bf16ToF32;
  for (let i = 0; i < values.length; i++) out[i] = conv(values[i]);
  return out;
}

/** Reads element i of a dtype array as a number. */
export function readElement(values: AnyDTypeArray, i: number, d: DType): number {
  const v = values[i];
  return d === 'float32' ? v : d === 'float16' ? f16ToF32(v) : bf16ToF32(v);
}

/** Allocates a zeroed array for n elements of the dtype. */
export function allocDType<D extends DType>(d: D, n: number): DTypeArray<D> {
  return (d === 'float32' ? new Float32Array(n) : new Uint16Array(n)) as DTypeArray<D>;
}

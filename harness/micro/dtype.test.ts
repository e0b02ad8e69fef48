import { describe, expect, it } from 'vitest';
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, fromFloat32, parseDType, toFloat32 } from './dtype.js';
import { UserError } from '../common/errors.js';

describe('fp16 / bf16 conversions', () => {
  it('round-trips every bf16 bit pattern (NaN stays NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = bf16ToF32(h);
      if (Number.isNaN(f)) expect(Number.isNaN(bf16ToF32(f32ToBf16(f)))).toBe(true);
      else expect(f32ToBf16(f)).toBe(h);
    }
  });

  it('round-trips every fp16 bit pattern (NaN stays NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const f = f16ToF32(h);
      if (Number.isNaN(f)) expect(Number.isNaN(f16ToF32(f32ToF16(f)))).toBe(true);
      else expect(f32ToF16(f)).toBe(h);
    }
  });

  it('rounds to nearest even, overflows to infinity, keeps subnormals', () => {
    expect(f32ToBf16(1)).toBe(0x3f80);
    expect(f32ToBf16(1 + 2 ** -8)).toBe(0x3f80); // tie -> even
    expect(f32ToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie -> even (up)
    expect(f32ToBf16(-Infinity)).toBe(0xff80);
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00);
    expect(f32ToF16(-1e6)).toBe(0xfc00);
    expect(f32ToF16(2 ** -24)).toBe(0x0001);
    expect(f32ToF16(2 ** -25)).toBe(0x0000); // tie -> even (zero)
    expect(f32ToF16(3 * 2 ** -25)).toBe(0x0002); // tie -> even (two)
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(f16ToF32(0x7bff)).toBe(65504);
  });

  it('converts arrays both ways and checks the array type', () => {
    const v = [0.5, -2, 3.25, Infinity];
    expect(Array.from(toFloat32(fromFloat32(v, 'bfloat16'), 'bfloat16'))).toEqual(v);
    expect(Array.from(toFloat32(fromFloat32(v, 'float16'), 'float16'))).toEqual(v);
    expect(() => toFloat32(new Float32Array(2), 'float16')).toThrow(UserError);
    expect(() => toFloat32(new Uint16Array(2), 'float32')).toThrow(UserError);
  });

  it('parses dtype names and rejects unknown ones', () => {
    expect(parseDType('bf16')).toBe('bfloat16');
    expect(parseDType('FP16')).toBe('float16');
    expect(() => parseDType('int8')).toThrow(/unknown dtype 'int8'/);
  });
});

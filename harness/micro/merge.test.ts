import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { allocDType, DTYPES, fromFloat32, readElement, toFloat32, type DType } from './dtype.js';
import { edgeCheck, EDGE_LSE } from './edge.js';
import {
  deviceInfo, explainGpuError, mergeAttnStates, mergeAttnStatesS, referenceMerge, referenceMergeS, type CpuImpl, type MergeInputs,
} from './merge.js';
import { loadNative } from './native.js';
import { countMismatches, randomInputs, randomSInputs } from './testutil.js';

const CPU_IMPLS: CpuImpl[] = ['ts', 'scalar', 'vector'];

describe('device report', () => {
  it('always names the device, and a reason when it is the CPU', () => {
    const d = deviceInfo();
    expect(['cpu', 'gpu']).toContain(d.device);
    if (d.device === 'cpu') expect(d.reason).toBeTruthy();
    if (!d.addonLoaded) console.log(`[micro] native addon not loaded: ${d.reason}`);
    else if (d.device === 'cpu') console.log(`[micro] device: cpu (${d.reason})`);
  });

  it('says "no NVIDIA GPU" rather than "driver insufficient" where the machine has no NVIDIA device', () => {
    const err = 'cudaGetDeviceCount: cudaErrorInsufficientDriver (CUDA driver version is insufficient for CUDA runtime version)';
    expect(explainGpuError(err, false)).toBe(`no NVIDIA GPU or driver on this machine; ${err}`);
    // With a device node the driver really is there, and may really be too old: unchanged.
    expect(explainGpuError(err, true)).toBe(err);
    expect(explainGpuError('cudaGetDeviceCount: cudaErrorNoDevice (no CUDA-capable device is detected)', false)).toMatch(/^no NVIDIA GPU or driver/);
    expect(explainGpuError('built without CUDA', false)).toBe('built without CUDA');
    expect(explainGpuError(null, false)).toBeNull();
  });
});

describe('reference and implementations against hand-computed values', () => {
  // p = log 1, s = log 3: weights 1/4 and 3/4; lse = log 4.
  const inp: MergeInputs = {
    dtype: 'float32', T: 1, H: 1, D: 2,
    prefix: new Float32Array([4, 8]), suffix: new Float32Array([0, 4]),
    prefixLse: new Float32Array([0]), suffixLse: new Float32Array([Math.log(3)]),
  };
  it('float64 reference', () => {
    const r = referenceMerge(inp);
    expect(r.out[0]).toBeCloseTo(1, 7); // float32 LSE input: log(3) is rounded
    expect(r.out[1]).toBeCloseTo(5, 7);
    expect(r.outLse[0]).toBeCloseTo(Math.log(4), 7);
  });
  for (const impl of CPU_IMPLS)
    it(`${impl}`, () => {
      const r = mergeAttnStates(inp, { impl });
      expect(r.device).toBe('cpu');
      expect(r.out[0]).toBeCloseTo(1, 6);
      expect(r.out[1]).toBeCloseTo(5, 6);
      expect(r.outLse![0]).toBeCloseTo(Math.log(4), 6);
    });
  it('both parts empty gives zeros and -inf even over NaN data; +inf counts as empty', () => {
    const e: MergeInputs = { ...inp, prefix: new Float32Array([NaN, 1]), suffix: new Float32Array([2, Infinity]),
      prefixLse: new Float32Array([Infinity]), suffixLse: new Float32Array([-Infinity]) };
    for (const impl of CPU_IMPLS) {
      const r = mergeAttnStates(e, { impl });
      expect(Array.from(r.out)).toEqual([0, 0]);
      expect(r.outLse![0]).toBe(-Infinity);
    }
  });
  it('NaN in one LSE makes the row NaN', () => {
    const e: MergeInputs = { ...inp, prefixLse: new Float32Array([-Infinity]), suffixLse: new Float32Array([NaN]) };
    for (const impl of CPU_IMPLS) {
      const r = mergeAttnStates(e, { impl });
      expect(Number.isNaN(r.out[0]) && Number.isNaN(r.out[1]) && Number.isNaN(r.outLse![0])).toBe(true);
    }
  });
});

describe('every +-inf / NaN LSE combination', () => {
  for (const dtype of DTYPES)
    for (const impl of CPU_IMPLS)
      it(`${impl} ${dtype}`, () => {
        for (const D of [64, 128, 72]) {
          const r = edgeCheck(impl, dtype, D);
          expect(r.pass, JSON.stringify(r.diff)).toBe(true);
        }
      });
  it('native edge check (C++) passes for the CPU paths', () => {
    const { addon } = loadNative();
    for (const dtype of DTYPES)
      for (const impl of ['scalar', 'vector', 'scalar-s', 'vector-s']) {
        const r = JSON.parse(addon!.edgeCheck(impl, DTYPES.indexOf(dtype), 128)) as { pass: boolean };
        expect(r.pass, `${impl} ${dtype}`).toBe(true);
      }
  });
  it('an implementation that drops NaN would fail the check', () => {
    // Guard the checker itself: corrupt one NaN row of a correct result and expect a mismatch.
    const inp = randomInputs('float32', 3, 2, 8, 1);
    inp.prefixLse[0] = NaN;
    const r = mergeAttnStates(inp, { impl: 'vector' });
    const ref = referenceMerge(inp);
    expect(countMismatches('float32', 3, 2, 8, r.out, r.outLse, ref)).toBe(0);
    (r.out as Float32Array)[0] = 0;
    expect(countMismatches('float32', 3, 2, 8, r.out, r.outLse, ref)).toBeGreaterThan(0);
    expect(EDGE_LSE.some(Number.isNaN)).toBe(true);
  });
});

describe('random shapes (odd T, generic D, strided views) against float64', () => {
  const shapes: Array<[number, number, number]> = [[1, 1, 64], [7, 3, 128], [13, 5, 256], [33, 2, 80], [5, 4, 5], [3, 129, 64]];
  for (const dtype of DTYPES)
    it(`${dtype}`, () => {
      let seed = 10;
      for (const [T, H, D] of shapes) {
        const inp = randomInputs(dtype, T, H, D, seed++);
        const ref = referenceMerge(inp);
        for (const impl of CPU_IMPLS) {
          const r = mergeAttnStates(inp, { impl, threads: 2 });
          expect(countMismatches(dtype, T, H, D, r.out, r.outLse, ref), `${impl} ${T}x${H}x${D}`).toBe(0);
        }
      }
    });
  it('head/token strides on inputs and output; elements outside the output view stay untouched', () => {
    const [T, H, D] = [9, 3, 64];
    const strides = { prefix: { token: 4 * 80, head: 80 }, suffix: { token: H * D + 16, head: D }, out: { token: H * 96, head: 96 } };
    for (const dtype of DTYPES) {
      const inp = randomInputs(dtype, T, H, D, 99, strides);
      const ref = referenceMerge(inp);
      for (const impl of CPU_IMPLS) {
        const out = allocDType(dtype, (T - 1) * strides.out.token + (H - 1) * 96 + D).fill(dtype === 'float32' ? 7 : 0x1234);
        const r = mergeAttnStates(inp, { impl, out });
        expect(countMismatches(dtype, T, H, D, r.out, r.outLse, ref, strides.out), `${impl} ${dtype}`).toBe(0);
        for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let d = D; d < 96; d++) {
          const i = t * strides.out.token + h * 96 + d;
          if (i < out.length) expect(out[i]).toBe(dtype === 'float32' ? 7 : 0x1234);
        }
      }
    }
  });
  it('without output LSE', () => {
    const inp = randomInputs('bfloat16', 4, 2, 64, 3);
    for (const impl of CPU_IMPLS) expect(mergeAttnStates(inp, { impl, withLse: false }).outLse).toBeNull();
  });
});

describe('S-way merge', () => {
  for (const dtype of DTYPES)
    it(`${dtype}: scalar and vector match float64, including special LSEs`, () => {
      for (const [S, T, H, D] of [[3, 5, 2, 64], [4, 7, 3, 128], [1, 2, 2, 8], [5, 3, 1, 72]] as const) {
        const inp = randomSInputs(dtype, S, T, H, D, S * 100 + T);
        inp.lses[0] = NaN;
        for (let s = 0; s < S; s++) inp.lses[s * H * T + 1] = s % 2 ? Infinity : -Infinity; // row 1: all empty
        if (S > 1) inp.lses[2] = Infinity;
        const ref = referenceMergeS(inp);
        for (const impl of ['scalar', 'vector'] as const) {
          const r = mergeAttnStatesS(inp, { impl });
          expect(countMismatches(dtype, T, H, D, r.out, r.outLse, ref), `${impl} S=${S}`).toBe(0);
          expect(Number.isNaN(r.outLse![0])).toBe(true);
          expect(r.outLse![1]).toBe(-Infinity);
          for (let d = 0; d < D; d++) expect(readElement(r.out, H * D * 0 + 0 * D + d + (1 % H === 0 ? H * D : D), dtype)).not.toBeNaN();
        }
      }
    });
  it('S = 2 equals the two-way merge', () => {
    const two = randomInputs('float32', 6, 3, 64, 5);
    const parts = new Float32Array([...(two.prefix as Float32Array), ...(two.suffix as Float32Array)]);
    const lses = new Float32Array([...two.prefixLse, ...two.suffixLse]);
    const a = mergeAttnStates(two, { impl: 'vector' });
    const b = mergeAttnStatesS({ dtype: 'float32', S: 2, T: 6, H: 3, D: 64, parts, lses }, { impl: 'vector' });
    for (let i = 0; i < a.out.length; i++) expect(b.out[i]).toBeCloseTo(a.out[i], 5);
  });
});

describe('bad input is an error, never a crash', () => {
  const good = () => randomInputs('float32', 4, 2, 8, 1);
  const cases: Array<[string, (i: MergeInputs) => MergeInputs, RegExp]> = [
    ['short prefix', (i) => ({ ...i, prefix: new Float32Array(10) }), /prefix has 10 elements, needs 64/],
    ['short suffix LSE', (i) => ({ ...i, suffixLse: new Float32Array(3) }), /suffixLse has 3 values, needs H\*T = 8/],
    ['wrong data type for bf16', (i) => ({ ...i, dtype: 'bfloat16' as DType }), /bfloat16 data must be a Uint16Array/],
    ['wrong data type for fp32', (i) => ({ ...i, prefix: new Uint16Array(64) }), /float32 data must be a Float32Array/],
    ['unknown dtype', (i) => ({ ...i, dtype: 'int8' as DType }), /dtype must be one of/],
    ['zero-sized T', (i) => ({ ...i, T: 0 }), /T must be a positive integer, got 0/],
    ['fractional D', (i) => ({ ...i, D: 2.5 }), /D must be a positive integer/],
    ['LSE not float32', (i) => ({ ...i, prefixLse: [1, 2] as unknown as Float32Array }), /prefixLse must be a Float32Array/],
    ['overlapping output', (i) => ({ ...i, strides: { out: { token: 8, head: 4 } } }), /would make output rows overlap/],
    ['negative stride', (i) => ({ ...i, strides: { prefix: { token: -1, head: 8 } } }), /strides.prefix.token/],
  ];
  for (const [name, mut, msg] of cases)
    it(name, () => {
      for (const impl of CPU_IMPLS) {
        let err: unknown;
        try { mergeAttnStates(mut(good()), { impl }); } catch (e) { err = e; }
        expect(err).toBeInstanceOf(UserError);
        expect((err as Error).message).toMatch(msg);
      }
    });
  it('short output array', () => {
    expect(() => mergeAttnStates(good(), { impl: 'vector', out: new Float32Array(5) })).toThrow(/out has 5 elements/);
  });
  it('S-way mismatched lengths', () => {
    const s = randomSInputs('float16', 3, 2, 2, 8, 1);
    expect(() => mergeAttnStatesS({ ...s, S: 4 }, { impl: 'vector' })).toThrow(/parts has 96 elements, needs S\*T\*H\*D = 128/);
    expect(() => mergeAttnStatesS({ ...s, lses: new Float32Array(2) }, { impl: 'vector' })).toThrow(/lses has 2 values/);
    expect(() => mergeAttnStatesS({ ...s, S: 0 }, { impl: 'vector' })).toThrow(/S must be a positive integer/);
  });
  it('the native layer itself rejects garbage with a TypeError', () => {
    const { addon } = loadNative();
    const f = new Float32Array(4);
    expect(() => addon!.mergeCpu('vector', 0, 2, 2, 2, f, f, f, f, f, null, undefined, 0)).toThrow(TypeError);
    expect(() => addon!.mergeCpu('vector', 7, 1, 1, 1, f, f, f, f, f, null, undefined, 0)).toThrow(/dtype/);
    expect(() => addon!.mergeCpu('vector', 0, 0, 1, 1, f, f, f, f, f, null, undefined, 0)).toThrow(/T must be/);
    expect(() => addon!.mergeCpu('nope' as 'vector', 0, 1, 1, 1, f, f, new Float32Array(1), new Float32Array(1), f, null, undefined, 0)).toThrow(/scalar' or 'vector/);
    expect(() => addon!.mergeCpu('vector', 1, 1, 1, 1, f, f, f, f, f, null, undefined, 0)).toThrow(/Uint16Array/);
    expect(() => addon!.edgeCheck('vector', 0, 0)).toThrow(/D must be/);
  });
  it('GPU implementations say why when there is no GPU', () => {
    if (deviceInfo().device === 'gpu') return;
    expect(() => mergeAttnStates(good(), { impl: 'optimized' })).toThrow(/needs a GPU/);
  });
});

describe('conversion helpers feed the merge', () => {
  it('bf16 input converted from float32 merges to the float32 result within bf16 rounding', () => {
    const f = randomInputs('float32', 5, 2, 64, 8);
    const b: MergeInputs = { ...f, dtype: 'bfloat16', prefix: fromFloat32(f.prefix, 'bfloat16'), suffix: fromFloat32(f.suffix, 'bfloat16') };
    const rf = toFloat32(mergeAttnStates(f, { impl: 'vector' }).out, 'float32');
    const rb = toFloat32(mergeAttnStates(b, { impl: 'vector' }).out, 'bfloat16');
    let max = 0;
    for (let i = 0; i < rf.length; i++) max = Math.max(max, Math.abs(rf[i] - rb[i]));
    expect(max).toBeLessThan(3 / 64);
    expect(max).toBeGreaterThan(0);
  });
});

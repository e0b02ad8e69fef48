// GPU correctness: runs where a GPU is usable, prints why it is skipped elsewhere.
import { describe, expect, it } from 'vitest';
import { allocDType, DTYPES, type DType } from './dtype.js';
import { edgeCheck } from './edge.js';
import { DeviceBuffers, deviceInfo, mergeAttnStates, mergeAttnStatesS, referenceMerge, referenceMergeS, type GpuImpl } from './merge.js';
import { countMismatches, randomInputs, randomSInputs } from './testutil.js';
import { loadNative } from './native.js';
import { runMicro } from './bench.js';

const info = deviceInfo();
const noGpu = info.device !== 'gpu';
if (noGpu) console.log(`[micro] GPU tests skipped: ${info.reason}`);
const IMPLS: GpuImpl[] = ['naive', 'baseline', 'optimized'];

describe('GPU implementations', () => {
  it.skipIf(noGpu)(`device is named (${info.gpuName ?? 'none'})`, () => {
    expect(info.gpuName).toBeTruthy();
  });
  for (const dtype of DTYPES)
    it.skipIf(noGpu)(`every +-inf / NaN combination, ${dtype}`, () => {
      for (const impl of IMPLS)
        for (const D of [64, 128, 256, 72, 5]) {
          const r = edgeCheck(impl, dtype, D);
          expect(r.pass, `${impl} D=${D} ${JSON.stringify(r.diff)}`).toBe(true);
        }
      const { addon } = loadNative();
      for (const impl of ['naive', 'baseline', 'optimized', 'optimized-cs', 'merge-s'])
        expect((JSON.parse(addon!.edgeCheck(impl, DTYPES.indexOf(dtype), 128)) as { pass: boolean }).pass, impl).toBe(true);
    });
  for (const dtype of DTYPES)
    it.skipIf(noGpu)(`random shapes, odd T, generic D, H up to 256, strided views: ${dtype}`, () => {
      const shapes: Array<[number, number, number]> = [[1, 32, 128], [7, 3, 128], [13, 5, 256], [33, 2, 80], [5, 4, 5], [3, 256, 128], [17, 128, 64], [9, 7, 264]];
      let seed = 1;
      for (const [T, H, D] of shapes) {
        const inp = randomInputs(dtype, T, H, D, seed++);
        const ref = referenceMerge(inp);
        for (const impl of IMPLS) {
          const r = mergeAttnStates(inp, { impl });
          expect(r.device).toBe('gpu');
          expect(countMismatches(dtype, T, H, D, r.out, r.outLse, ref), `${impl} ${T}x${H}x${D}`).toBe(0);
        }
      }
      const strides = { prefix: { token: 4 * 136, head: 136 }, suffix: { token: 3 * 128 + 8, head: 128 }, out: { token: 3 * 144, head: 144 } };
      const inp = randomInputs(dtype, 11, 3, 128, 77, strides);
      const ref = referenceMerge(inp);
      for (const impl of IMPLS) {
        const out = allocDType(dtype, 10 * 432 + 2 * 144 + 128);
        const r = mergeAttnStates(inp, { impl, out });
        expect(countMismatches(dtype, 11, 3, 128, r.out, r.outLse, ref, strides.out), `${impl} strided`).toBe(0);
      }
    });
  for (const dtype of DTYPES)
    it.skipIf(noGpu)(`S-way merge on the GPU: ${dtype}`, () => {
      for (const [S, T, H, D] of [[3, 5, 2, 64], [4, 7, 3, 128], [5, 3, 1, 72], [8, 2, 130, 256]] as const) {
        const inp = randomSInputs(dtype, S, T, H, D, S + T);
        inp.lses[0] = NaN;
        for (let s = 0; s < S; s++) inp.lses[s * H * T + 1] = s % 2 ? Infinity : -Infinity;
        const ref = referenceMergeS(inp);
        const r = mergeAttnStatesS(inp, { impl: 'optimized' });
        expect(countMismatches(dtype, T, H, D, r.out, r.outLse, ref), `S=${S}`).toBe(0);
      }
    });
  // The 40-260 MB band (native/mas_kernels.inc, NOTES.md v5-v9): L2::128B hint loads and evict_last
  // stores on the last-launched blocks' lines only, and above 128 MB evict_first loads on the blocks
  // writing the last 30 MB, so the blocks on either side of each boundary take different load and
  // store paths; all must write every element.
  it.skipIf(noGpu)('the 40-260 MB band path matches float64 at 51, 152 and 203 MB', () => {
    const shapes: [DType, number, number, number][] = [
      ['bfloat16', 4096, 16, 128], ['float16', 6144, 32, 128], ['float32', 3072, 32, 128], ['bfloat16', 4096, 32, 256],
    ];
    for (const [dtype, T, H, D] of shapes) {
      const b = new DeviceBuffers(dtype, 2, T, H, D);
      try {
        b.fillRandom(5);
        const d = b.check('optimized');
        expect(d.exceedOut + d.exceedLse + d.specialMismatch, `${dtype} ${T}x${H}x${D}`).toBe(0);
        expect(d.checked).toBe(T * H * (D + 1));
      } finally {
        b.free();
      }
    }
  });

  it.skipIf(noGpu)('device-resident buffers: run many, check against float64 on a large shape', () => {
    for (const dtype of DTYPES) {
      const b = new DeviceBuffers(dtype, 2, 1024, 32, 128);
      try {
        b.fillRandom(3);
        for (const impl of ['naive', 'baseline', 'optimized', 'optimized-cs'] as const) {
          const d = b.check(impl);
          expect(d.exceedOut + d.exceedLse + d.specialMismatch, `${impl} ${dtype}`).toBe(0);
          expect(d.checked).toBe(1024 * 32 * 129);
        }
        for (let i = 0; i < 50; i++) b.run('optimized');
        b.sync();
        expect(b.timeCold('optimized', 3).length).toBe(3);
        expect(b.timeSteady('copy', 10, 2)).toBeGreaterThan(0);
      } finally {
        b.free();
      }
      expect(() => b.run('optimized')).toThrow(/freed/);
    }
  });
  it.skipIf(noGpu)('the empty-launch time is measured only when asked (runMicro asks on its first case)', async () => {
    const { addon } = loadNative();
    const one = (emptyLaunch?: boolean) => JSON.parse(addon!.bench([8, 2, 64], [2], 'gpu', 1, 1, 0, 0, false, false, 0.01, false,
      [], emptyLaunch)) as { emptyLaunchUs?: number; cases: unknown[] };
    expect(one().emptyLaunchUs).toBeGreaterThan(0);
    expect(one(true).emptyLaunchUs).toBeGreaterThan(0);
    const skipped = one(false);
    expect(skipped.emptyLaunchUs).toBeUndefined();
    expect(skipped.cases.length).toBe(1);
    const r = await runMicro({ shapes: [{ T: 8, H: 2, D: 64 }, { T: 9, H: 2, D: 64 }], dtypes: ['float32'], coldIters: 1, steadyReps: 1, naive: false, hostCost: false });
    expect(r.cases.length).toBe(2);
    expect(r.emptyLaunchUs).toBeGreaterThan(0);
  });
});

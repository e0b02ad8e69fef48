// --kernel on a GPU: the example kernel (a port of the vLLM-design baseline) compiles with the local
// nvcc, loads, passes the float64 check and every +-inf/NaN cell, and is timed beside the built-ins,
// through the addon and through the standalone mas_bench. A kernel with vLLM's own empty-row
// behaviour shows WRONG in exactly those cells; a broken file ends in one line. Skips on CPU machines.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../common/errors.js';
import { runMicro } from './bench.js';
import { formatMicro } from './format.js';
import { loadKernels } from './kernels.js';
import { deviceInfo } from './merge.js';
import { BENCH_EXE_PATH } from './native.js';
import { testTempDir } from '../common/testTmp.js';

const info = deviceInfo();
const noGpu = info.device !== 'gpu';
if (noGpu) console.log(`[micro] --kernel GPU tests skipped: ${info.reason}`);
const EXAMPLE = 'native/examples/vllm_baseline_kernel.cu';
// Made only where the tests run: a file whose tests are all skipped runs no afterAll.
const dir = noGpu ? tmpdir() : testTempDir('abserve-kernel-test-');
process.env.ABSERVE_KERNEL_DIR ??= dir;

describe('--kernel on the GPU', () => {
  it.skipIf(noGpu)('the example kernel: checked, every edge cell ok, timed beside the built-ins', async () => {
    const r = await runMicro({
      kernels: [EXAMPLE], shapes: [{ T: 64, H: 4, D: 128 }, { T: 7, H: 3, D: 64 }, { T: 33, H: 2, D: 256 }],
      coldIters: 2, steadyReps: 1, naive: false, hostCost: true,
    });
    expect(r.kernels?.map((k) => k.name)).toEqual(['vllm_baseline_kernel']);
    expect(r.cases.length).toBe(9);
    for (const c of r.cases) {
      const k = c.impls.find((i) => i.name === 'vllm_baseline_kernel')!;
      expect(k, `${c.dtype} ${c.T}x${c.H}x${c.D}`).toBeTruthy();
      expect(k.error).toBeNull();
      expect(k.diff!.exceedOut + k.diff!.exceedLse + k.diff!.specialMismatch).toBe(0);
      expect(k.diff!.checked).toBe(c.T * c.H * (c.D + 1));
      expect(k.edge!.cells).toEqual(Array(25).fill(1));
      expect(k.coldUs).toBeGreaterThan(0);
      expect(k.steadyUs).toBeGreaterThan(0);
    }
    expect(r.hostCost!.kernels![0].addonUs).toBeGreaterThan(0);
    const text = formatMicro(r);
    expect(text).toContain('edge table, vllm_baseline_kernel');
    console.log(text.split('\n').slice(0, 24).join('\n'));
  }, 240_000);

  it.skipIf(noGpu)("vLLM's own empty-row rule (copy the prefix) shows WRONG in exactly the four both-empty cells", async () => {
    const src = readFileSync(EXAMPLE, 'utf8').replace(
      'from_f(rv[i], empty ? 0.f : to_f(av[i]) * wp + to_f(bv[i]) * ws)',
      'from_f(rv[i], empty ? to_f(av[i]) : to_f(av[i]) * wp + to_f(bv[i]) * ws)');
    expect(src).toContain('empty ? to_f(av[i])');
    const file = path.join(dir, 'copies_prefix.cu');
    writeFileSync(file, src);
    const r = await runMicro({ kernels: [EXAMPLE, file], shapes: [{ T: 16, H: 2, D: 128 }], dtypes: ['bfloat16'], coldIters: 1, steadyReps: 1, naive: false, hostCost: false });
    const k = r.cases[0].impls.find((i) => i.name === 'copies_prefix')!;
    expect(k.diff!.exceedOut).toBe(0); // random finite LSEs: right
    const wrong = k.edge!.cells!.flatMap((c, i) => (c ? [] : [[k.edge!.values![Math.floor(i / 5)], k.edge!.values![i % 5]].join(' x ')]));
    expect(wrong.sort()).toEqual(['+inf x +inf', '+inf x -inf', '-inf x +inf', '-inf x -inf']);
    expect(formatMicro(r)).toMatch(/edge table, copies_prefix .*21\/25 ok/);
  }, 240_000);

  it.skipIf(noGpu)('a file that does not compile, or lacks the entry point, ends in one line', () => {
    const bad = path.join(dir, 'broken.cu');
    writeFileSync(bad, 'extern "C" int abserve_merge_attn_states( this is not C++ ;\n');
    let m = '';
    try {
      loadKernels([bad]);
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      m = (e as Error).message;
    }
    expect(m).toMatch(/^--kernel .*broken\.cu: nvcc failed \(exit \d+\): .*error.*\(full log: .*\.log\)$/);
    const none = path.join(dir, 'no_entry.cu');
    writeFileSync(none, 'extern "C" int something_else() { return 0; }\n');
    expect(() => loadKernels([none])).toThrow(/does not export abserve_merge_attn_states/);
  }, 240_000);

  it.skipIf(noGpu)('the standalone mas_bench takes --kernel too', async () => {
    const r = await execa(BENCH_EXE_PATH, ['--kernel', EXAMPLE, '--shapes', '64x4x128', '--dtypes', 'bf16', '--no-naive',
      '--cold-iters', '2', '--steady-reps', '1'], { env: { ABSERVE_KERNEL_DIR: dir }, reject: false, timeout: 200_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { cases: Array<{ impls: Array<{ name: string; edge: { pass: boolean }; diff: { exceedOut: number } }> }> };
    const k = j.cases[0].impls.find((i) => i.name === 'vllm_baseline_kernel')!;
    expect(k.edge.pass).toBe(true);
    expect(k.diff.exceedOut).toBe(0);
  }, 240_000);
});

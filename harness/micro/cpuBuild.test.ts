// The addon must build CPU-only where nvcc is absent. CI machines have nvcc, so the default build
// is the CUDA one; this builds the CPU-only variant into a temporary folder (ABSERVE_NO_CUDA=1)
// and runs a merge through it in a child process, checked against the float64 reference.
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const PROBE = `
import { deviceInfo, mergeAttnStates, referenceMerge } from './harness/micro/merge.ts';
const T = 9, H = 3, D = 80, n = T * H * D;
const rnd = (k) => Float32Array.from({ length: k }, (_, i) => Math.sin(i * 12.9898) * 2);
const inp = { dtype: 'float32', T, H, D, prefix: rnd(n), suffix: rnd(n).reverse(),
  prefixLse: rnd(T * H), suffixLse: rnd(T * H).map((x) => -x) };
inp.prefixLse[0] = -Infinity; inp.suffixLse[0] = -Infinity;
const r = mergeAttnStates(inp, { impl: 'vector' });
const ref = referenceMerge(inp);
let maxDiff = 0;
for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(r.out[i] - ref.out[i]));
const info = deviceInfo();
console.log(JSON.stringify({ device: info.device, addonLoaded: info.addonLoaded, cudaBuilt: info.cudaBuilt, maxDiff, lse0: String(r.outLse[0]) }));
`;

describe('CPU-only build', () => {
  it('builds without CUDA and computes the merge through the addon', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'abserve-cpu-build-'));
    const build = await execa(process.execPath, ['native/build.mjs'], {
      cwd: root, reject: false, timeout: 300_000,
      env: { ABSERVE_NO_CUDA: '1', ABSERVE_BUILD_DIR: dir },
    });
    expect(build.exitCode, build.stderr + build.stdout).toBe(0);
    expect(build.stdout).toMatch(/built cpu addon/);
    const probe = await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
      cwd: root, reject: false, timeout: 60_000,
      env: { ABSERVE_NATIVE_DIR: path.join(dir, 'Release') },
    });
    expect(probe.exitCode, probe.stderr).toBe(0);
    const r = JSON.parse(probe.stdout.trim().split('\n').pop()!);
    expect(r).toMatchObject({ device: 'cpu', addonLoaded: true, cudaBuilt: false, lse0: '-Infinity' });
    expect(r.maxDiff).toBeLessThan(1e-5);
  }, 320_000);
});

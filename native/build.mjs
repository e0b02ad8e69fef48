#!/usr/bin/env node
// Builds the native addon and the standalone bench (`npm ci` runs this through package.json's
// "install" script). CPU-only where nvcc is absent or ABSERVE_NO_CUDA=1; with CUDA (sm_80, sm_89,
// sm_90) where nvcc is present. Never downloads anything: package.json's binary.napi_versions makes
// cmake-js use node-api-headers from node_modules.
//
// Environment: ABSERVE_NO_CUDA=1 (CPU only), CUDACXX=/path/to/nvcc, ABSERVE_CUDA_ARCHS="80-real;90",
// ABSERVE_SKIP_NATIVE=1 (skip the build entirely), ABSERVE_BUILD_JOBS=N, ABSERVE_BUILD_DIR=folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
// ABSERVE_BUILD_DIR: build somewhere else (the CPU-only build test uses a temporary folder).
const out = process.env.ABSERVE_BUILD_DIR ? path.resolve(process.env.ABSERVE_BUILD_DIR) : path.join(root, 'build', 'native');
const log = (m) => console.log(`[abserve native] ${m}`);

if (process.env.ABSERVE_SKIP_NATIVE === '1') {
  log('ABSERVE_SKIP_NATIVE=1: not building the addon');
  process.exit(0);
}

function findNvcc() {
  if (process.env.ABSERVE_NO_CUDA === '1') return { nvcc: null, why: 'ABSERVE_NO_CUDA=1' };
  const candidates = [process.env.CUDACXX];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'nvcc'));
  candidates.push('/usr/local/cuda/bin/nvcc');
  for (const c of candidates) {
    if (!c || !existsSync(c)) continue;
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return { nvcc: c, why: '' };
    } catch {
      /* try the next one */
    }
  }
  return { nvcc: null, why: 'nvcc not found (PATH, CUDACXX, /usr/local/cuda/bin)' };
}

async function build(cuda, nvcc) {
  const require = createRequire(path.join(root, 'package.json'));
  const { BuildSystem } = require('cmake-js');
  const mode = cuda ? `cuda:${nvcc}:${process.env.ABSERVE_CUDA_ARCHS ?? ''}` : 'cpu';
  const stamp = path.join(out, 'abserve-build-mode');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') !== mode) rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const cMakeOptions = { ABSERVE_CUDA: cuda ? 'ON' : 'OFF', CMAKE_BUILD_TYPE: 'Release' };
  if (cuda) {
    cMakeOptions.CMAKE_CUDA_COMPILER = nvcc;
    if (process.env.ABSERVE_CUDA_ARCHS) cMakeOptions.ABSERVE_CUDA_ARCHS = process.env.ABSERVE_CUDA_ARCHS;
  }
  const bs = new BuildSystem({
    directory: here,
    out,
    cMakeOptions,
    parallel: Number(process.env.ABSERVE_BUILD_JOBS ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length)),
    logLevel: 'warn',
  });
  // The N-API project description lives in the repository's package.json, one folder up from
  // CMakeLists.txt; tell cmake-js so it uses node-api-headers instead of downloading Node's headers.
  bs.options.isNodeApi = true;
  await bs.build();
  writeFileSync(stamp, mode);
}

const t0 = Date.now();
const { nvcc, why } = findNvcc();
let built = 'cpu';
if (nvcc) {
  log(`building with CUDA (${nvcc})`);
  try {
    await build(true, nvcc);
    built = 'cuda';
  } catch (e) {
    log(`CUDA build failed (${e?.message ?? e}); building the CPU-only addon instead`);
  }
} else {
  log(`building CPU-only: ${why}`);
}
if (built === 'cpu') {
  try {
    await build(false, null);
  } catch (e) {
    console.error(`[abserve native] build failed: ${e?.message ?? e}`);
    console.error('[abserve native] needs cmake >= 3.18 and a C++17 compiler; set ABSERVE_SKIP_NATIVE=1 to skip');
    process.exit(1);
  }
}
log(`built ${built} addon in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${path.relative(root, path.join(out, 'Release'))}`);

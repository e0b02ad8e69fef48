// manifest.json: everything needed to trust or reproduce a results folder: the scenario as
// resolved, abserve's version and git commit, host, Node, the GPU (nvidia-smi, when present),
// each arm's server environment, and a hash of the prompts and schedule proving that every arm
// ran the same workload.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { RequestSpec } from '../records/spec.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** sha256 (hex) of every request's prompt, max_tokens and scheduled send time (ms), in order:
 *  equal hashes mean byte-identical prompts on an identical schedule. */
export function workloadHash(specs: readonly RequestSpec[]): string {
  const h = createHash('sha256');
  for (const s of specs) {
    h.update(JSON.stringify([s.index, s.warmup, s.prompt, s.maxTokens, s.scheduledMs]));
    h.update('\n');
  }
  return h.digest('hex');
}

async function quiet(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const r = await execa(cmd, args, { cwd: ROOT, timeout: 5000, reject: false });
    return r.exitCode === 0 ? String(r.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Host facts for the manifest. Never throws: what cannot be read is left out. */
export async function hostFacts(): Promise<Record<string, unknown>> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const [commit, dirty, gpu] = await Promise.all([
    quiet('git', ['rev-parse', 'HEAD']),
    quiet('git', ['status', '--porcelain', '--untracked-files=no']),
    quiet('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']),
  ]);
  return {
    abserve_version: pkg.version,
    git_commit: commit ?? null,
    git_dirty: dirty === undefined ? null : dirty !== '',
    node: process.version,
    host: os.hostname(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? null,
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    gpu: gpu ? gpu.split('\n') : null,
  };
}

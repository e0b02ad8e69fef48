// Reads a results folder back (manifest.json and every runs/*/run.json), so `abserve report DIR`
// regenerates comparison.json, report.md and report.html from what was saved, and a folder left by
// an interrupted run can be reported on like any other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import type { RunData } from './runData.js';

export interface SavedAb {
  dir: string;
  manifest: Record<string, unknown>;
  runs: RunData[];
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not readable as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Loads a results folder written by `abserve ab`. Throws UserError naming the path when it is
 *  not one (no manifest.json) or a file is unreadable. Runs come back in run order; the manifest
 *  as settledManifest reads it (a run whose process is gone is `interrupted`, not `running`). */
export function loadAbResults(dir: string): SavedAb {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: not a folder`);
  const mf = path.join(dir, 'manifest.json');
  if (!existsSync(mf)) {
    // A run folder of an A/B (runs/NN-arm-repK) holds result.json: compare takes it.
    const hint = existsSync(path.join(dir, 'result.json'))
      ? `; it holds one run (result.json): compare two runs with abserve compare ${dir} <other run>`
      : '; is it a results folder of abserve ab?';
    throw new UserError(`${dir}: no manifest.json here${hint}`);
  }
  const manifest = settledManifest(readJson(mf) as Record<string, unknown>);
  const runsDir = path.join(dir, 'runs');
  const runs: RunData[] = [];
  if (existsSync(runsDir)) {
    for (const name of readdirSync(runsDir).sort()) {
      const f = path.join(runsDir, name, 'run.json');
      if (existsSync(f)) runs.push(readJson(f) as RunData);
    }
  }
  runs.sort((a, b) => a.order - b.order);
  return { dir, manifest, runs };
}

/** Whether process `pid` exists on this host (EPERM: it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * A manifest as it stands: one that says `running` while the pid it names is gone from this host
 * (the run was SIGKILLed or crashed before it could write its end) comes back as status
 * `interrupted` with a partial_reason saying so, and `stale_running: true`; the file itself is not
 * rewritten. A manifest from another host, one without a pid (older abserve), or one whose process
 * is alive comes back unchanged.
 */
export function settledManifest(m: Record<string, unknown>, alive: (pid: number) => boolean = pidAlive): Record<string, unknown> {
  if (m.status !== 'running' || typeof m.pid !== 'number' || !Number.isSafeInteger(m.pid) || m.pid <= 0) return m;
  if (m.host !== os.hostname() || alive(m.pid)) return m;
  return { ...m, status: 'interrupted', partial_reason: `interrupted: the run's process (pid ${m.pid}) is gone: killed?`, stale_running: true };
}

/** The arms (A first) and alpha recorded in a manifest. */
export function manifestDesign(m: Record<string, unknown>): { scenario: string; arms: string[]; alpha: number; seed: number; createdAt: string } {
  const s = (m.scenario ?? {}) as { name?: string; alpha?: number; seed?: number; runArms?: { name: string }[] };
  return {
    scenario: s.name ?? 'unknown',
    arms: (s.runArms ?? []).map((a) => a.name),
    alpha: s.alpha ?? 0.05,
    seed: (s.seed ?? 0) + 1,
    createdAt: typeof m.created_at === 'string' ? m.created_at : new Date().toISOString(),
  };
}

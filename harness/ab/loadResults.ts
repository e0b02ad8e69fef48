// Reads a results folder back (manifest.json and every runs/*/run.json), so `abserve report DIR`
// regenerates comparison.json, report.md and report.html from what was saved, and a folder left by
// an interrupted run can be reported on like any other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import { aggregate } from '../metrics/index.js';
import type { RequestRecord } from '../records/record.js';
import { toRunData, type RunData } from './runData.js';

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
  let manifest = settledManifest(readJson(mf) as Record<string, unknown>);
  const runsDir = path.join(dir, 'runs');
  const runs: RunData[] = [];
  const killed: RunData[] = [];
  if (existsSync(runsDir)) {
    for (const name of readdirSync(runsDir).sort()) {
      const f = path.join(runsDir, name, 'run.json');
      if (existsSync(f)) runs.push(readJson(f) as RunData);
      else if (manifest.stale_running === true) {
        // The run in flight when the process was killed: it never wrote run.json, but its finished
        // requests are in requests.jsonl (appended as they finished). Kept as a run cut short by the
        // interrupt, as Ctrl-C keeps it: listed, not compared.
        const cut = killedRun(path.join(runsDir, name), name, planned(manifest));
        if (cut) killed.push(cut);
      }
    }
  }
  runs.push(...killed);
  runs.sort((a, b) => a.order - b.order);
  if (killed.length > 0) {
    const where = killed.map((r) => `run ${r.order + 1} (${r.arm} rep ${r.rep}) cut short: ${r.completed + r.failed} requests finished, kept, not compared`);
    manifest = { ...manifest, partial_reason: `${String(manifest.partial_reason)}; ${where.join('; ')}` };
  }
  return { dir, manifest, runs };
}

/** Measured requests per run in a manifest's scenario (undefined when it does not say). */
function planned(m: Record<string, unknown>): number | undefined {
  const n = (m.scenario as { workload?: { numPrompts?: unknown } } | undefined)?.workload?.numPrompts;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * A run folder `runs/NN-ARM-repK` without run.json (its process was SIGKILLed mid-run), rebuilt
 * from its requests.jsonl as a run cut short by an interrupt: partial, with the counts as a cut.
 * Undefined for a folder whose name is not a run's or that holds no requests.jsonl; a torn last
 * line (the kill came mid-write) is skipped.
 */
export function killedRun(runDir: string, name: string, of: number | undefined): RunData | undefined {
  const m = /^(\d+)-(.+)-rep(\d+)$/.exec(name);
  const file = path.join(runDir, 'requests.jsonl');
  if (!m || !existsSync(file)) return undefined;
  const records: RequestRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const { metrics: _m, ...rec } = JSON.parse(line) as RequestRecord & { metrics?: unknown };
      records.push(rec);
    } catch {
      // the line being written when the process died
    }
  }
  const measured = records.filter((r) => !r.warmup);
  const finished = measured.length;
  const startedAt = measured.reduce((t, r) => Math.min(t, r.sentAt), Number.POSITIVE_INFINITY);
  const endedAt = measured.reduce((t, r) => Math.max(t, r.endAt ?? r.sentAt), Number.NEGATIVE_INFINITY);
  const cut = { cause: 'interrupted', interrupted: true, finished, of: of ?? finished, cancelled: Math.max(0, (of ?? finished) - finished) };
  const reason = `interrupted (process killed); ${finished} of ${cut.of} requests completed, ${cut.cancelled} cancelled`;
  const result = aggregate(records, {
    model: '', endpoint: '', baseUrl: '', numPrompts: cut.of, requestRate: Number.POSITIVE_INFINITY, burstiness: 1,
    startedAt: finished > 0 ? startedAt : 0, endedAt: finished > 0 ? endedAt : 0, date: '', metadata: {}, partial: true, partialReason: reason,
  });
  return toRunData({ arm: m[2]!, rep: Number(m[3]), order: Number(m[1]) - 1 }, result, records, undefined, cut);
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
  return { ...m, status: 'interrupted', partial_reason: `interrupted: the run's process (pid ${m.pid}) is gone (killed or crashed)`, stale_running: true };
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

// Server instances of an A/B: when a run gets a fresh one, the engine's per-instance noise seed,
// and where results go. Shared by live runs (runAb) and virtual-time runs (simulated).
import path from 'node:path';
import type { Scenario } from '../scenario/index.js';
import type { ArmServerConfig } from '../target/types.js';

/**
 * Whether every run gets its own server instance. Always on the embedded engine (a start costs
 * about a second): each repetition is then an independent instance, which is what the
 * hierarchical bootstrap assumes when it resamples repetitions. Elsewhere as the scenario says
 * (fresh_server); runs that share an instance are noted in the comparison.
 */
export function freshPerRun(s: Scenario): boolean {
  return s.freshServer || s.target.kind === 'engine';
}

/** The default results folder: results/<YYYYMMDD-HHMMSS>-<scenario>. */
export function defaultResultDir(s: Scenario, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '');
  return path.join('results', `${stamp}-${s.name}`);
}


/**
 * On the embedded engine every server start gets its own noise seed derived from the scenario's
 * seed and the start's number (unless the arm fixes one): instances differ like servers do, and
 * the whole A/B is reproducible from the scenario.
 */
export function engineSeeded(s: Scenario, arm: ArmServerConfig, start: number): ArmServerConfig {
  if (s.target.kind !== 'engine' || arm.serverArgs.includes('--noise-seed')) return arm;
  return { ...arm, serverArgs: [...arm.serverArgs, '--noise-seed', String((s.seed * 1000 + start) % 2 ** 31)] };
}

/** The engine's --time-scale in a scenario's target args (1 when absent). */
export function engineTimeScale(s: Scenario): number {
  if (s.target.kind !== 'engine') return 1;
  const args = s.target.args;
  const i = args.lastIndexOf('--time-scale');
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : 1;
}

/** What a reader must know to read live engine latencies: they are scaled. */
export function timeScaleNotes(s: Scenario): string[] {
  const k = engineTimeScale(s);
  if (k === 1) return [];
  return [`engine time_scale ${k}: every latency here is the modelled time x ${k} (divide by ${k} for the modelled times); ratios B/A and verdicts are unaffected`];
}

// One step's bookkeeping, shared by the real-time engine loop and the offline simulator so both
// charge exactly the same simulated time for the same schedule.
import { stepCost, type CostOptions } from './costModel.js';
import type { CostProfile } from './profiles.js';
import { summarize, type Scheduler, type StepPlan } from './scheduler.js';

/** The engine's own accounting, in simulated (charged) time; tests assert on these, not wall time. */
export interface EngineStats {
  steps: number;
  /** Sum of step times charged (after timeScale / fixed step). */
  simulatedMs: number;
  /** Merge-op share of simulatedMs. */
  mergeMs: number;
  /** Steps with at least one chunk that has cached context. */
  mergeSteps: number;
  mergeChunks: number;
  mergeTokens: number;
  prefillTokens: number;
  decodeTokens: number;
  /** Output tokens produced (decodes + first tokens of completed prompts). */
  outputTokens: number;
  /** Real-time loop only: steps that ended later than scheduled by more than the lag limit. */
  lateSteps: number;
  /** Real-time loop only: worst lag of a step end behind its scheduled time, ms. */
  maxLagMs: number;
}

export function newStats(): EngineStats {
  return {
    steps: 0,
    simulatedMs: 0,
    mergeMs: 0,
    mergeSteps: 0,
    mergeChunks: 0,
    mergeTokens: 0,
    prefillTokens: 0,
    decodeTokens: 0,
    outputTokens: 0,
    lateSteps: 0,
    maxLagMs: 0,
  };
}

export interface PlannedStep {
  plan: StepPlan;
  durationMs: number;
}

/** Plans the next step and charges its cost to `stats`; null when the scheduler is idle. */
export function planStep(
  scheduler: Scheduler,
  profile: CostProfile,
  cost: CostOptions,
  stats: EngineStats,
): PlannedStep | null {
  const plan = scheduler.schedule();
  if (!plan) return null;
  const summary = summarize(plan);
  const c = stepCost(profile, summary, cost);
  stats.steps++;
  stats.simulatedMs += c.totalMs;
  stats.mergeMs += c.mergeMs;
  stats.mergeChunks += summary.mergeChunks;
  stats.mergeTokens += summary.mergeTokens;
  if (summary.mergeChunks > 0) stats.mergeSteps++;
  stats.prefillTokens += summary.prefillTokens;
  stats.decodeTokens += summary.decodeSeqs;
  return { plan, durationMs: c.totalMs };
}

// Offline, virtual-time run of the engine (same scheduler, same cost model, no HTTP, no timers):
// for calibrating profiles against published results and for exact step-accounting tests.
// Closed loop like vLLM's benchmark with --request-rate inf --max-concurrency C: a new request is
// sent the moment one finishes; requests arriving during a step join at the next step.
import type { CostOptions } from './costModel.js';
import type { CostProfile } from './profiles.js';
import { Scheduler, type SchedulerConfig } from './scheduler.js';
import { newStats, planStep, type EngineStats } from './stepper.js';

export interface SimRequest {
  promptTokens: number;
  outputTokens: number;
}

export interface SimRecord {
  sentMs: number;
  /** Emit time of each output token (step end), ms. */
  tokenMs: number[];
}

export interface SimResult {
  records: SimRecord[];
  durationMs: number;
  stats: EngineStats;
}

export function simulateClosedLoop(
  profile: CostProfile,
  limits: SchedulerConfig,
  cost: CostOptions,
  requests: readonly SimRequest[],
  concurrency: number,
): SimResult {
  const sched = new Scheduler(limits);
  const stats = newStats();
  const records: SimRecord[] = requests.map(() => ({ sentMs: 0, tokenMs: [] }));
  let next = 0;
  let inFlight = 0;
  const send = (t: number): void => {
    while (inFlight < concurrency && next < requests.length) {
      const r = requests[next];
      records[next].sentMs = t;
      sched.add({ id: next, promptTokens: r.promptTokens, outputTokens: r.outputTokens });
      next++;
      inFlight++;
    }
  };
  let t = 0;
  send(t);
  for (;;) {
    const step = planStep(sched, profile, cost, stats);
    if (!step) break;
    t += step.durationMs;
    for (const ev of sched.commit(step.plan)) {
      records[ev.id].tokenMs.push(t);
      stats.outputTokens++;
      if (ev.finished) inFlight--;
    }
    send(t);
  }
  return { records, durationMs: t, stats };
}

export interface SimSummary {
  meanTtftMs: number;
  medianTtftMs: number;
  p99TtftMs: number;
  meanTpotMs: number;
  meanItlMs: number;
  medianItlMs: number;
  p99ItlMs: number;
  durationS: number;
}

// Percentiles the way numpy's default (linear interpolation) computes them, as vLLM's benchmark does.
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** vLLM benchmark definitions over a simulation (TTFT, TPOT per request, ITL pooled). */
export function summarizeSim(r: SimResult): SimSummary {
  const ttft: number[] = [];
  const tpot: number[] = [];
  const itl: number[] = [];
  for (const rec of r.records) {
    const n = rec.tokenMs.length;
    if (n === 0) continue;
    ttft.push(rec.tokenMs[0] - rec.sentMs);
    if (n > 1) tpot.push((rec.tokenMs[n - 1] - rec.tokenMs[0]) / (n - 1));
    for (let i = 1; i < n; i++) itl.push(rec.tokenMs[i] - rec.tokenMs[i - 1]);
  }
  const st = [...ttft].sort((a, b) => a - b);
  const si = [...itl].sort((a, b) => a - b);
  return {
    meanTtftMs: mean(ttft),
    medianTtftMs: percentile(st, 50),
    p99TtftMs: percentile(st, 99),
    meanTpotMs: tpot.length ? mean(tpot) : NaN,
    meanItlMs: itl.length ? mean(itl) : NaN,
    medianItlMs: percentile(si, 50),
    p99ItlMs: percentile(si, 99),
    durationS: r.durationMs / 1000,
  };
}

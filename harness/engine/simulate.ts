// Offline, virtual-time run of the engine (same scheduler, same cost model, no HTTP, no timers):
// for calibrating profiles against published results and for exact step-accounting tests.
// Closed loop like vLLM's benchmark with --request-rate inf --max-concurrency C: a new request is
// sent the moment one finishes; requests arriving during a step join at the next step.
import type { RequestRecord } from '../records/record.js';
import { aggregate } from '../metrics/aggregate.js';
import type { AggregateOptions, BenchResult } from '../metrics/types.js';
import type { CostOptions } from './costModel.js';
import type { CostProfile } from './profiles.js';
import { Pipeline, type MicroBatch } from './pipeline.js';
import type { SchedulerConfig } from './scheduler.js';
import { newStats, type EngineStats } from './stepper.js';

/** One request of a simulated run: prompt and exact output length, tokens. */
export interface SimRequest {
  promptTokens: number;
  outputTokens: number;
}

/**
 * A simulated run. `records` are RequestRecords in virtual time (ms from the run start): sentAt
 * when the closed loop sent it, one token event per output token at the end of the step that made
 * it, usage counts equal to the token counts, so metrics/ derives TTFT/TPOT/ITL/E2EL exactly as
 * it does for a real run.
 */
export interface SimResult {
  records: RequestRecord[];
  /** Virtual ms from the first send to the last token. */
  durationMs: number;
  stats: EngineStats;
}

function simRecord(index: number, r: SimRequest): RequestRecord {
  return {
    index,
    warmup: false,
    scheduledAt: 0,
    sentAt: 0,
    tokenTimes: [],
    tokenCounts: [],
    usageCompletionTokens: r.outputTokens,
    usagePromptTokens: r.promptTokens,
    clientOutputTokens: r.outputTokens,
    expectedPromptTokens: r.promptTokens,
    text: '',
    reasoningText: '',
    success: true,
  };
}

/**
 * Runs `requests` through the scheduler and cost model in virtual time, at most `concurrency` in
 * flight (vLLM's --request-rate inf --max-concurrency C). Deterministic unless `cost.noise` is set.
 */
export function simulateClosedLoop(
  profile: CostProfile,
  limits: SchedulerConfig,
  cost: CostOptions,
  requests: readonly SimRequest[],
  concurrency: number,
  onBatch?: (b: MicroBatch) => void,
): SimResult {
  const stats = newStats();
  const pipe = new Pipeline(profile, limits, cost, stats, profile.pipelineStages ?? 1, onBatch);
  const records = requests.map((r, i) => simRecord(i, r));
  let next = 0;
  let inFlight = 0;
  const send = (t: number): void => {
    while (inFlight < concurrency && next < requests.length) {
      const r = requests[next];
      records[next].sentAt = t;
      records[next].scheduledAt = t;
      pipe.add({ id: next, promptTokens: r.promptTokens, outputTokens: r.outputTokens });
      next++;
      inFlight++;
    }
  };
  let t = 0;
  send(t);
  pipe.kick(t);
  for (let done = pipe.fire(); done; done = pipe.fire()) {
    t = done.t;
    for (const ev of done.events) {
      const rec = records[ev.id];
      rec.tokenTimes.push(t);
      rec.tokenCounts.push(1);
      stats.outputTokens++;
      if (ev.finished) {
        rec.endAt = t;
        inFlight--;
      }
    }
    send(t);
    pipe.kick(t);
  }
  return { records, durationMs: t, stats };
}

/** The numbers the published blocks carry and calibration fits; ms, except durationS (s). */
export interface SimSummary {
  meanTtftMs: number;
  medianTtftMs: number;
  p99TtftMs: number;
  meanTpotMs: number;
  medianTpotMs: number;
  p99TpotMs: number;
  meanItlMs: number;
  medianItlMs: number;
  p99ItlMs: number;
  durationS: number;
}

/** A simulated run through metrics.aggregate(): the one definition of every metric (design.md). */
export function aggregateSim(r: SimResult, label = 'simulated', opts?: AggregateOptions): BenchResult {
  return aggregate(
    r.records,
    {
      model: 'abserve-engine',
      endpoint: '/v1/completions',
      baseUrl: 'simulated',
      label,
      numPrompts: r.records.length,
      requestRate: Infinity,
      burstiness: 1,
      startedAt: 0,
      endedAt: r.durationMs,
      date: new Date(0).toISOString(),
      metadata: {},
      partial: false,
    },
    { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'], metricPercentiles: [99], ...opts },
  );
}

const p99 = (s: BenchResult['ttft']): number => s.percentiles.find((x) => x.p === 99)?.value ?? NaN;

/** The vLLM block's headline numbers of a simulation, computed by metrics/ (aggregateSim). */
export function summarizeSim(r: SimResult): SimSummary {
  const b = aggregateSim(r);
  return {
    meanTtftMs: b.ttft.mean,
    medianTtftMs: b.ttft.median,
    p99TtftMs: p99(b.ttft),
    meanTpotMs: b.tpot.mean,
    medianTpotMs: b.tpot.median,
    p99TpotMs: p99(b.tpot),
    meanItlMs: b.itl.mean,
    medianItlMs: b.itl.median,
    p99ItlMs: p99(b.itl),
    durationS: b.durationS,
  };
}

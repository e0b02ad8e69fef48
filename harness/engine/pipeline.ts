// Pipeline parallelism the way vLLM V0 runs it (PP=3 x TP=8 in the published runs): one scheduler
// ("virtual engine") per stage, each with the full limits; a new request goes to the virtual
// engine with the fewest unfinished requests; each virtual engine keeps one micro-batch in flight
// and plans its next step when that micro-batch has left the last stage (it needs the sampled
// tokens). A micro-batch spends stepTime/stages on each stage; stages serve micro-batches FIFO.
// So a step's latency (stepTime) and the pipeline's throughput (up to `stages` micro-batches per
// stepTime) differ, and a decode's inter-token gap includes the stage times of every micro-batch
// ahead of it at each stage: a prefill chunk of another virtual engine delays it.
//
// Pure (virtual ms, no clock): the offline simulator drives it, and it reduces exactly to
// back-to-back steps with one stage.
import type { CostOptions } from './costModel.js';
import type { CostProfile } from './profiles.js';
import { Scheduler, type SchedulerConfig, type SeqSpec, type StepPlan, type TokenEvent } from './scheduler.js';
import { planStep, type EngineStats } from './stepper.js';

interface InFlight {
  plan: StepPlan;
  startAt: number;
  doneAt: number;
}

/** What an observer sees of each planned micro-batch (tests assert the scheduling invariants). */
export interface MicroBatch {
  engine: number;
  plan: StepPlan;
  /** Virtual ms: submitted to the first stage, left the last stage. */
  startAt: number;
  doneAt: number;
  /** Full step time (sum over stages), ms. */
  durationMs: number;
}

export class Pipeline {
  private readonly engines: { sched: Scheduler; flight: InFlight | null }[];
  private readonly stageFree: number[];
  private readonly where = new Map<number, number>();

  constructor(
    private readonly profile: CostProfile,
    limits: SchedulerConfig,
    private readonly cost: CostOptions,
    private readonly stats: EngineStats,
    readonly stages = profile.pipelineStages ?? 1,
    private readonly onBatch?: (b: MicroBatch) => void,
  ) {
    if (!(Number.isInteger(stages) && stages >= 1)) throw new Error(`pipeline: stages must be an integer >= 1, got ${stages}`);
    this.engines = Array.from({ length: stages }, () => ({ sched: new Scheduler(limits), flight: null }));
    this.stageFree = new Array<number>(stages).fill(0);
  }

  get numRunning(): number {
    return this.engines.reduce((n, e) => n + e.sched.numRunning, 0);
  }

  get numWaiting(): number {
    return this.engines.reduce((n, e) => n + e.sched.numWaiting, 0);
  }

  /** Micro-batches between their first stage's start and their last stage's end (<= stages). */
  get inFlight(): number {
    return this.engines.filter((e) => e.flight !== null).length;
  }

  /** Queues a sequence on the virtual engine with the fewest unfinished requests (lowest index on ties). */
  add(spec: SeqSpec): void {
    let best = 0;
    const load = (i: number): number => this.engines[i].sched.numRunning + this.engines[i].sched.numWaiting;
    for (let i = 1; i < this.engines.length; i++) if (load(i) < load(best)) best = i;
    this.engines[best].sched.add(spec);
    this.where.set(spec.id, best);
  }

  abort(id: number): void {
    const e = this.where.get(id);
    if (e === undefined) return;
    this.engines[e].sched.abort(id);
    this.where.delete(id);
  }

  /** Every idle virtual engine with work plans a step and submits it at time `t`, in engine order. */
  kick(t: number): void {
    this.engines.forEach((e, engine) => {
      if (e.flight) return;
      const step = planStep(e.sched, this.profile, this.cost, this.stats);
      if (!step) return;
      const perStage = step.durationMs / this.stages;
      let end = t;
      for (let k = 0; k < this.stages; k++) {
        end = Math.max(end, this.stageFree[k]) + perStage;
        this.stageFree[k] = end;
      }
      e.flight = { plan: step.plan, startAt: t, doneAt: end };
      this.onBatch?.({ engine, plan: step.plan, startAt: t, doneAt: end, durationMs: step.durationMs });
    });
  }

  /** Virtual time of the next micro-batch completion; null when nothing is in flight. */
  nextAt(): number | null {
    let best: number | null = null;
    for (const e of this.engines) if (e.flight && (best === null || e.flight.doneAt < best)) best = e.flight.doneAt;
    return best;
  }

  /**
   * Completes the earliest micro-batch (lowest engine on ties): commits its plan and returns the
   * tokens it produced. Call kick() after queuing new arrivals to start the next steps.
   */
  fire(): { t: number; events: TokenEvent[] } | null {
    let idx = -1;
    this.engines.forEach((e, i) => {
      if (e.flight && (idx < 0 || e.flight.doneAt < this.engines[idx].flight!.doneAt)) idx = i;
    });
    if (idx < 0) return null;
    const e = this.engines[idx];
    const { plan, doneAt } = e.flight!;
    e.flight = null;
    const events = e.sched.commit(plan);
    for (const ev of events) if (ev.finished) this.where.delete(ev.id);
    return { t: doneAt, events };
  }
}

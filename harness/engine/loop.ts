// The real-time engine loop: runs scheduler steps back to back while there is work, each lasting
// its cost-model time, and hands every produced token to its request's sink when the step ends.
//
// Timing: step ends are absolute deadlines (next = previous deadline + step time), so timer
// lateness never accumulates into drift. setTimeout carries the bulk of each wait; only the last
// ms (default 1 ms, at most a quarter of the step) are polled with setImmediate, which still lets
// socket I/O run, because libuv timers have millisecond granularity and fire up to ~1 ms late.
// Spinning trades CPU for precision; the load generator shares the box, so the window stays small.
// Steps under ~4 ms therefore jitter by up to ~1 ms (the mean rate stays exact). If the loop falls
// far behind (GC, overload), it re-bases on the current time instead of bursting steps to catch
// up, and counts a late step.
import { now } from '../common/clock.js';
import type { CostOptions } from './costModel.js';
import type { CostProfile } from './profiles.js';
import { Scheduler, type SchedulerConfig } from './scheduler.js';
import { newStats, planStep, type EngineStats, type PlannedStep } from './stepper.js';

export interface TokenSink {
  /** Called at the end of the step that produced output token `index` (0-based). */
  onToken(index: number, finished: boolean): void;
}

export interface LoopOptions {
  profile: CostProfile;
  limits: SchedulerConfig;
  cost: CostOptions;
  /**
   * Poll the last this-many ms of each wait with setImmediate; 0: setTimeout only. Default:
   * 1 ms but at most a quarter of the step, so fast (time-scaled) steps don't burn a core.
   */
  spinMs?: number;
  /** A step ending later than this behind schedule re-bases the clock (default 20 ms). */
  maxLagMs?: number;
}

export class EngineLoop {
  private readonly scheduler: Scheduler;
  private readonly sinks = new Map<number, TokenSink>();
  private readonly st: EngineStats = newStats();
  private nextId = 1;
  /** True while a step is planned or pending start; false when idle. */
  private active = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly spinMs: number | undefined;
  private readonly maxLagMs: number;

  constructor(private readonly opts: LoopOptions) {
    this.scheduler = new Scheduler(opts.limits);
    this.spinMs = opts.spinMs;
    this.maxLagMs = opts.maxLagMs ?? 20;
  }

  get numRunning(): number {
    return this.scheduler.numRunning;
  }

  get numWaiting(): number {
    return this.scheduler.numWaiting;
  }

  stats(): EngineStats {
    return { ...this.st };
  }

  /** Queues a sequence; it joins at the next step start (now, if the engine is idle). */
  submit(promptTokens: number, outputTokens: number, sink: TokenSink): number {
    if (this.stopped) throw new Error('engine loop stopped');
    const id = this.nextId++;
    this.scheduler.add({ id, promptTokens, outputTokens });
    this.sinks.set(id, sink);
    if (!this.active) {
      this.active = true;
      // setImmediate: requests parsed in the same I/O phase start in the same first step.
      setImmediate(() => this.begin(now()));
    }
    return id;
  }

  abort(id: number): void {
    this.scheduler.abort(id);
    this.sinks.delete(id);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private begin(startAt: number): void {
    if (this.stopped) return;
    const step = planStep(this.scheduler, this.opts.profile, this.opts.cost, this.st);
    if (!step) {
      this.active = false;
      return;
    }
    this.wait(step, startAt + step.durationMs, true);
  }

  /** `fromBegin`: never end a step synchronously inside begin(), so zero-length steps can't recurse. */
  private wait(step: PlannedStep, due: number, fromBegin = false): void {
    if (this.stopped) return;
    const remaining = due - now();
    const spin = this.spinMs ?? Math.min(1, 0.25 * step.durationMs);
    const sleep = remaining - spin;
    // Sleep when a timer can help (>= 1 ms of it, or always when spinning is off); poll the rest.
    if (sleep > 0 && (sleep >= 1 || spin === 0)) {
      this.timer = setTimeout(() => this.wait(step, due), sleep);
    } else if (remaining > 0 || fromBegin) {
      setImmediate(() => this.wait(step, due));
    } else {
      this.end(step, due);
    }
  }

  private end(step: PlannedStep, due: number): void {
    // Lag of this step's end behind its deadline (timer precision), before the emit work.
    const lag = now() - due;
    if (lag > this.st.maxLagMs) this.st.maxLagMs = lag;
    for (const ev of this.scheduler.commit(step.plan)) {
      this.st.outputTokens++;
      const sink = this.sinks.get(ev.id);
      if (ev.finished) this.sinks.delete(ev.id);
      try {
        sink?.onToken(ev.index, ev.finished);
      } catch {
        // A broken sink (socket gone mid-write) must not stop the engine for everyone else.
        this.abort(ev.id);
      }
    }
    // Emitting overlaps the next step (as the CPU side does on a GPU server), so the next deadline
    // stays on the absolute schedule unless we are hopelessly behind.
    if (now() - due > this.maxLagMs) {
      this.st.lateSteps++;
      this.begin(now());
    } else {
      this.begin(due);
    }
  }
}

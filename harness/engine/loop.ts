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
import { Pipeline } from './pipeline.js';
import type { CostProfile } from './profiles.js';
import type { SchedulerConfig } from './scheduler.js';
import { newStats, type EngineStats } from './stepper.js';

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

/**
 * Drives the pipeline (pipeline.ts; one stage = plain back-to-back steps) in real time: the
 * pipeline's virtual ms are clock ms, so a micro-batch's completion is an absolute deadline.
 */
export class EngineLoop {
  private readonly pipe: Pipeline;
  private readonly sinks = new Map<number, TokenSink>();
  private readonly st: EngineStats = newStats();
  private nextId = 1;
  /** True while a completion is awaited or a kick is pending; false when idle. */
  private active = false;
  private kickPending = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly spinMs: number | undefined;
  private readonly maxLagMs: number;
  /** Step time of the micro-batch awaited (for the spin window). */
  private lastStepMs = 0;

  constructor(private readonly opts: LoopOptions) {
    this.pipe = new Pipeline(opts.profile, opts.limits, opts.cost, this.st, opts.profile.pipelineStages ?? 1, (b) => {
      this.lastStepMs = b.durationMs;
    });
    this.spinMs = opts.spinMs;
    this.maxLagMs = opts.maxLagMs ?? 20;
  }

  get numRunning(): number {
    return this.pipe.numRunning;
  }

  get numWaiting(): number {
    return this.pipe.numWaiting;
  }

  stats(): EngineStats {
    return { ...this.st };
  }

  /** Queues a sequence; it joins at its virtual engine's next step start (now, if that one is idle). */
  submit(promptTokens: number, outputTokens: number, sink: TokenSink): number {
    if (this.stopped) throw new Error('engine loop stopped');
    const id = this.nextId++;
    this.pipe.add({ id, promptTokens, outputTokens });
    this.sinks.set(id, sink);
    if (!this.kickPending && this.pipe.inFlight < this.pipe.stages) {
      this.kickPending = true;
      // setImmediate: requests parsed in the same I/O phase start in the same first step.
      setImmediate(() => {
        this.kickPending = false;
        if (this.stopped) return;
        this.pipe.kick(now());
        if (!this.active) this.await(true);
      });
    }
    return id;
  }

  abort(id: number): void {
    this.pipe.abort(id);
    this.sinks.delete(id);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Waits for the next micro-batch completion; idle when none is in flight. */
  private await(fromBegin = false): void {
    const due = this.pipe.nextAt();
    if (due === null) {
      this.active = false;
      return;
    }
    this.active = true;
    this.wait(due, fromBegin);
  }

  /** `fromBegin`: never end a step synchronously inside a kick, so zero-length steps can't recurse. */
  private wait(due: number, fromBegin = false): void {
    if (this.stopped) return;
    const remaining = due - now();
    const spin = this.spinMs ?? Math.min(1, 0.25 * this.lastStepMs);
    const sleep = remaining - spin;
    // Sleep when a timer can help (>= 1 ms of it, or always when spinning is off); poll the rest.
    if (sleep > 0 && (sleep >= 1 || spin === 0)) {
      this.timer = setTimeout(() => this.wait(due), sleep);
    } else if (remaining > 0 || fromBegin) {
      setImmediate(() => this.wait(due));
    } else {
      this.end(due);
    }
  }

  private end(due: number): void {
    // Lag of this step's end behind its deadline (timer precision), before the emit work.
    const lag = now() - due;
    if (lag > this.st.maxLagMs) this.st.maxLagMs = lag;
    const done = this.pipe.fire()!;
    for (const ev of done.events) {
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
      this.pipe.kick(now());
    } else {
      this.pipe.kick(due);
    }
    this.await();
  }
}

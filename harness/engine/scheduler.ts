// Continuous-batching scheduler in the style of vLLM with chunked prefill (no prefix caching, no
// KV-capacity preemption). Pure: no clock, no I/O; the engine loop and the offline simulator both
// drive it with schedule() at a step's start and commit() at its end.
//
// Policy per step, with a token budget of maxNumBatchedTokens:
//   1. decode-first: every running sequence whose prompt is fully computed gets 1 token;
//   2. sequences admitted earlier whose prompt is only partly computed get their next chunk;
//   3. the waiting queue is admitted FCFS while running < maxNumSeqs and budget remains, each with
//      a chunk of min(remaining prompt, remaining budget).
// A step that computes the last chunk of a prompt also samples that sequence's first output token
// (as vLLM does), so "tokens produced" = decodes + prompts completed in the step.

export interface SchedulerConfig {
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
}

export interface SeqSpec {
  id: number;
  promptTokens: number;
  /** Exact number of output tokens to produce (EOS length or max_tokens, decided upstream). */
  outputTokens: number;
}

interface Seq extends SeqSpec {
  /** Prompt tokens already in the KV cache. */
  computed: number;
  /** Output tokens produced so far. */
  generated: number;
}

export interface DecodeItem {
  id: number;
  /** KV length attended by this token: prompt + tokens generated so far. */
  contextLen: number;
}

export interface PrefillItem {
  id: number;
  /** Prompt position this chunk starts at (> 0 means the chunk attends to cached context). */
  start: number;
  tokens: number;
  /** True when the chunk finishes the prompt, so the step also yields the first output token. */
  completesPrompt: boolean;
}

export interface StepPlan {
  decodes: DecodeItem[];
  prefills: PrefillItem[];
}

/** What the cost model needs to know about a step. */
export interface StepSummary {
  prefillTokens: number;
  decodeSeqs: number;
  /** Sum of KV lengths attended: decodes' context plus each chunk's end position. */
  contextTokens: number;
  /** Prefill tokens in chunks that have cached context (start > 0): these pay the merge op. */
  mergeTokens: number;
  /** Number of such chunks. */
  mergeChunks: number;
  /** Tokens of each such chunk, in plan order (merge calls are timed per chunk shape). */
  mergeChunkTokens: number[];
  /**
   * Causal attention work of the prefill chunks: a chunk of n tokens starting at s attends
   * n*s cached plus n*(n+1)/2 own positions (token x position pairs).
   */
  prefillAttnPairs: number;
  /** Longest KV length in the step (decode context or chunk end): decides CUDA graph vs eager. */
  maxContextLen: number;
}

export interface TokenEvent {
  id: number;
  /** 0-based index of the output token produced. */
  index: number;
  /** True for the sequence's last token; the sequence has left the scheduler. */
  finished: boolean;
}

export function summarize(plan: StepPlan): StepSummary {
  let prefillTokens = 0;
  let contextTokens = 0;
  let mergeTokens = 0;
  let mergeChunks = 0;
  let prefillAttnPairs = 0;
  let maxContextLen = 0;
  const mergeChunkTokens: number[] = [];
  for (const d of plan.decodes) {
    contextTokens += d.contextLen;
    if (d.contextLen > maxContextLen) maxContextLen = d.contextLen;
  }
  for (const p of plan.prefills) {
    prefillTokens += p.tokens;
    contextTokens += p.start + p.tokens;
    prefillAttnPairs += p.tokens * p.start + (p.tokens * (p.tokens + 1)) / 2;
    if (p.start + p.tokens > maxContextLen) maxContextLen = p.start + p.tokens;
    if (p.start > 0) {
      mergeTokens += p.tokens;
      mergeChunks++;
      mergeChunkTokens.push(p.tokens);
    }
  }
  return {
    prefillTokens,
    decodeSeqs: plan.decodes.length,
    contextTokens,
    mergeTokens,
    mergeChunks,
    mergeChunkTokens,
    prefillAttnPairs,
    maxContextLen,
  };
}

export class Scheduler {
  private readonly waiting: Seq[] = [];
  /** Admission order; a sequence leaves when finished or aborted. */
  private running: Seq[] = [];
  private readonly byId = new Map<number, Seq>();

  constructor(readonly config: SchedulerConfig) {
    if (!(config.maxNumSeqs >= 1) || !(config.maxNumBatchedTokens >= 1)) {
      throw new Error('scheduler: maxNumSeqs and maxNumBatchedTokens must be >= 1');
    }
  }

  get numRunning(): number {
    return this.running.length;
  }

  get numWaiting(): number {
    return this.waiting.length;
  }

  hasWork(): boolean {
    return this.running.length > 0 || this.waiting.length > 0;
  }

  add(spec: SeqSpec): void {
    if (this.byId.has(spec.id)) throw new Error(`scheduler: duplicate sequence id ${spec.id}`);
    if (!(spec.promptTokens >= 1) || !(spec.outputTokens >= 1)) {
      throw new Error(`scheduler: sequence ${spec.id} needs >= 1 prompt and output token`);
    }
    const seq: Seq = { ...spec, computed: 0, generated: 0 };
    this.byId.set(seq.id, seq);
    this.waiting.push(seq);
  }

  /** Drops a sequence wherever it is (client went away); its slot is free for the next step. */
  abort(id: number): boolean {
    const seq = this.byId.get(id);
    if (!seq) return false;
    this.byId.delete(id);
    const w = this.waiting.indexOf(seq);
    if (w >= 0) this.waiting.splice(w, 1);
    else this.running = this.running.filter((s) => s !== seq);
    return true;
  }

  /** Plans the next step and admits waiting sequences; null when there is nothing to do. */
  schedule(): StepPlan | null {
    let budget = this.config.maxNumBatchedTokens;
    const decodes: DecodeItem[] = [];
    const prefills: PrefillItem[] = [];

    for (const s of this.running) {
      if (budget === 0) break;
      if (s.computed < s.promptTokens) continue;
      decodes.push({ id: s.id, contextLen: s.promptTokens + s.generated });
      budget--;
    }
    for (const s of this.running) {
      if (budget === 0) break;
      if (s.computed >= s.promptTokens) continue;
      budget -= this.chunk(s, budget, prefills);
    }
    while (budget > 0 && this.waiting.length > 0 && this.running.length < this.config.maxNumSeqs) {
      const s = this.waiting.shift()!;
      this.running.push(s);
      budget -= this.chunk(s, budget, prefills);
    }
    if (decodes.length === 0 && prefills.length === 0) return null;
    return { decodes, prefills };
  }

  private chunk(s: Seq, budget: number, out: PrefillItem[]): number {
    const tokens = Math.min(s.promptTokens - s.computed, budget);
    out.push({ id: s.id, start: s.computed, tokens, completesPrompt: s.computed + tokens === s.promptTokens });
    return tokens;
  }

  /**
   * Applies a planned step once its time has passed: advances prompts, produces one token per
   * decode and per completed prompt, and retires finished sequences. Sequences aborted since
   * schedule() are skipped.
   */
  commit(plan: StepPlan): TokenEvent[] {
    const events: TokenEvent[] = [];
    let anyFinished = false;
    const produce = (s: Seq): void => {
      const index = s.generated++;
      const finished = s.generated >= s.outputTokens;
      if (finished) {
        this.byId.delete(s.id);
        anyFinished = true;
      }
      events.push({ id: s.id, index, finished });
    };
    for (const d of plan.decodes) {
      const s = this.byId.get(d.id);
      if (s) produce(s);
    }
    for (const p of plan.prefills) {
      const s = this.byId.get(p.id);
      if (!s) continue;
      s.computed += p.tokens;
      if (p.completesPrompt) produce(s);
    }
    if (anyFinished) this.running = this.running.filter((s) => this.byId.has(s.id));
    return events;
  }
}

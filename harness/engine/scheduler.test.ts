import { describe, expect, it } from 'vitest';
import { Scheduler, summarize, type StepPlan } from './scheduler.js';

/** Runs steps until idle, returning every plan (commit applied after each). */
function drain(s: Scheduler, max = 10_000): StepPlan[] {
  const plans: StepPlan[] = [];
  for (let i = 0; i < max; i++) {
    const p = s.schedule();
    if (!p) return plans;
    plans.push(p);
    s.commit(p);
  }
  throw new Error('scheduler did not drain');
}

describe('Scheduler', () => {
  it('chunks a long prompt by the token budget and produces the first token with the last chunk', () => {
    const s = new Scheduler({ maxNumSeqs: 8, maxNumBatchedTokens: 10 });
    s.add({ id: 1, promptTokens: 25, outputTokens: 3 });
    const p1 = s.schedule()!;
    expect(p1.prefills).toEqual([{ id: 1, start: 0, tokens: 10, completesPrompt: false }]);
    expect(s.commit(p1)).toEqual([]);
    const p2 = s.schedule()!;
    expect(p2.prefills).toEqual([{ id: 1, start: 10, tokens: 10, completesPrompt: false }]);
    expect(s.commit(p2)).toEqual([]);
    const p3 = s.schedule()!;
    expect(p3.prefills).toEqual([{ id: 1, start: 20, tokens: 5, completesPrompt: true }]);
    expect(s.commit(p3)).toEqual([{ id: 1, index: 0, finished: false }]);
    // Then one decode per step, context = prompt + generated so far.
    const p4 = s.schedule()!;
    expect(p4).toEqual({ decodes: [{ id: 1, contextLen: 26 }], prefills: [] });
    expect(s.commit(p4)).toEqual([{ id: 1, index: 1, finished: false }]);
    const p5 = s.schedule()!;
    expect(p5.decodes).toEqual([{ id: 1, contextLen: 27 }]);
    expect(s.commit(p5)).toEqual([{ id: 1, index: 2, finished: true }]);
    expect(s.schedule()).toBeNull();
    expect(s.hasWork()).toBe(false);
  });

  it('schedules decodes first, then gives the rest of the budget to prefill (FCFS)', () => {
    const s = new Scheduler({ maxNumSeqs: 8, maxNumBatchedTokens: 8 });
    s.add({ id: 1, promptTokens: 3, outputTokens: 5 });
    s.add({ id: 2, promptTokens: 4, outputTokens: 5 });
    const p1 = s.schedule()!;
    expect(p1.decodes).toEqual([]);
    expect(p1.prefills.map((p) => [p.id, p.tokens])).toEqual([
      [1, 3],
      [2, 4],
    ]);
    s.commit(p1);
    s.add({ id: 3, promptTokens: 20, outputTokens: 1 });
    s.add({ id: 4, promptTokens: 2, outputTokens: 1 });
    const p2 = s.schedule()!;
    // Two decodes take 2 of 8 tokens; the waiting head gets the other 6; #4 must wait (FCFS).
    expect(p2.decodes.map((d) => d.id)).toEqual([1, 2]);
    expect(p2.prefills).toEqual([{ id: 3, start: 0, tokens: 6, completesPrompt: false }]);
    s.commit(p2);
    const p3 = s.schedule()!;
    // The partly prefilled #3 continues before #4 is admitted.
    expect(p3.decodes.map((d) => d.id)).toEqual([1, 2]);
    expect(p3.prefills).toEqual([{ id: 3, start: 6, tokens: 6, completesPrompt: false }]);
  });

  it('caps running sequences at maxNumSeqs; a finished one frees its slot', () => {
    const s = new Scheduler({ maxNumSeqs: 2, maxNumBatchedTokens: 100 });
    s.add({ id: 1, promptTokens: 5, outputTokens: 1 });
    s.add({ id: 2, promptTokens: 5, outputTokens: 3 });
    s.add({ id: 3, promptTokens: 5, outputTokens: 1 });
    const p1 = s.schedule()!;
    expect(p1.prefills.map((p) => p.id)).toEqual([1, 2]);
    expect(s.numRunning).toBe(2);
    expect(s.numWaiting).toBe(1);
    const ev = s.commit(p1);
    expect(ev).toEqual([
      { id: 1, index: 0, finished: true },
      { id: 2, index: 0, finished: false },
    ]);
    const p2 = s.schedule()!;
    expect(p2.decodes.map((d) => d.id)).toEqual([2]);
    expect(p2.prefills.map((p) => p.id)).toEqual([3]);
  });

  it('never exceeds the token budget or maxNumSeqs over a random workload, and emits every token', () => {
    const s = new Scheduler({ maxNumSeqs: 5, maxNumBatchedTokens: 37 });
    let x = 12345;
    const rand = (n: number): number => ((x = (x * 1103515245 + 12345) % 2 ** 31), 1 + (x % n));
    const want = new Map<number, number>();
    for (let id = 0; id < 40; id++) {
      const out = rand(20);
      want.set(id, out);
      s.add({ id, promptTokens: rand(120), outputTokens: out });
    }
    const got = new Map<number, number>();
    for (;;) {
      const p = s.schedule();
      if (!p) break;
      const sum = summarize(p);
      expect(sum.prefillTokens + sum.decodeSeqs).toBeLessThanOrEqual(37);
      expect(s.numRunning).toBeLessThanOrEqual(5);
      for (const e of s.commit(p)) {
        expect(e.index).toBe(got.get(e.id) ?? 0);
        got.set(e.id, e.index + 1);
      }
    }
    expect(got).toEqual(want);
  });

  it('counts merge tokens only for chunks with cached context (not a prompt\'s first chunk)', () => {
    const s = new Scheduler({ maxNumSeqs: 8, maxNumBatchedTokens: 16 });
    s.add({ id: 1, promptTokens: 40, outputTokens: 1 }); // chunks 16 (first), 16, 8
    s.add({ id: 2, promptTokens: 8, outputTokens: 1 }); // first chunk only: 8 (step 3)
    const sums = drain(s).map(summarize);
    expect(sums.map((x) => x.prefillTokens)).toEqual([16, 16, 16]);
    expect(sums.map((x) => x.mergeTokens)).toEqual([0, 16, 8]);
    expect(sums.map((x) => x.mergeChunks)).toEqual([0, 1, 1]);
    // Context attended by a chunk is its end position: 16, 32, 40 + 8.
    expect(sums.map((x) => x.contextTokens)).toEqual([16, 32, 48]);
  });

  it('abort frees a running slot and drops the sequence from the next commit', () => {
    const s = new Scheduler({ maxNumSeqs: 1, maxNumBatchedTokens: 100 });
    s.add({ id: 1, promptTokens: 5, outputTokens: 100 });
    s.add({ id: 2, promptTokens: 5, outputTokens: 1 });
    const p1 = s.schedule()!;
    expect(p1.prefills.map((p) => p.id)).toEqual([1]);
    expect(s.abort(1)).toBe(true);
    expect(s.commit(p1)).toEqual([]);
    const p2 = s.schedule()!;
    expect(p2.prefills.map((p) => p.id)).toEqual([2]);
    expect(s.abort(99)).toBe(false);
  });
});

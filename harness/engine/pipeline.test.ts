import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng.js';
import { Pipeline, type MicroBatch } from './pipeline.js';
import { getProfile, type CostProfile } from './profiles.js';
import { simulateClosedLoop } from './simulate.js';
import { newStats } from './stepper.js';

const tiny = getProfile('tiny');

describe('pipeline parallelism', () => {
  it('overlaps micro-batches of different virtual engines: latency is the step, throughput x stages', () => {
    // Three 32-token prompts, one output token each, budget 32: one step per request of exactly
    // 3 ms (fixed step), so 1 ms per stage.
    const reqs = [0, 1, 2].map(() => ({ promptTokens: 32, outputTokens: 1 }));
    const run = (stages: number) =>
      simulateClosedLoop({ ...tiny, pipelineStages: stages }, { maxNumSeqs: 8, maxNumBatchedTokens: 32 }, { merge: 'cuda', timeScale: 1, fixedStepMs: 3 }, reqs, 3);
    // One stage: back to back, 3, 6, 9. Three stages: one request per virtual engine, each enters
    // the first stage 1 ms after the previous one: 3, 4, 5.
    expect(run(1).records.map((r) => r.tokenTimes[0])).toEqual([3, 6, 9]);
    expect(run(3).records.map((r) => r.tokenTimes[0])).toEqual([3, 4, 5]);
  });

  it('a decode waits for every micro-batch ahead of it in the ring', () => {
    // Two stages. Engine 0 decodes (1 ms steps: 0.5 ms per stage), engine 1 prefills a long
    // prompt in 9 ms chunk steps (4.5 ms per stage). Steady state: the chunk holds stage 0 for 4.5,
    // the decode follows it (0.5) and then waits for the chunk to leave stage 1 (4.5 more) -> done
    // 9.5 after the chunk started; the chunk re-enters stage 0 at 9, so the next decode again
    // queues behind it: every gap is 9 ms, the chunk's whole step, not the decode's 1 ms.
    const costly: CostProfile = { ...tiny, fixedMs: 1, perPrefillTokenMs: 8 / 32, perDecodeSeqMs: 0, perContextTokenMs: 0, mergeCudaPerTokenMs: 0, pipelineStages: 2 };
    const r = simulateClosedLoop(costly, { maxNumSeqs: 8, maxNumBatchedTokens: 32 }, { merge: 'cuda', timeScale: 1 }, [
      { promptTokens: 1, outputTokens: 4 },
      { promptTokens: 32 * 4, outputTokens: 1 },
    ], 2);
    const gaps = r.records[0].tokenTimes.slice(1).map((t, i) => t - r.records[0].tokenTimes[i]);
    expect(gaps.at(-1)).toBeCloseTo(9, 9);
    // Without the prefill the decode runs its own 1 ms steps.
    const alone = simulateClosedLoop(costly, { maxNumSeqs: 8, maxNumBatchedTokens: 32 }, { merge: 'cuda', timeScale: 1 }, [{ promptTokens: 1, outputTokens: 4 }], 1);
    expect(alone.records[0].tokenTimes.at(-1)! - alone.records[0].tokenTimes.at(-2)!).toBeCloseTo(1, 9);
  });

  it('property: random arrivals keep every scheduling invariant', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rng = new Rng(seed, 'pipeline-test');
      const stages = rng.int(1, 5);
      const limits = { maxNumSeqs: rng.int(1, 6), maxNumBatchedTokens: rng.int(8, 80) };
      const prof: CostProfile = { ...tiny, pipelineStages: stages };
      const batches: MicroBatch[] = [];
      const pipe = new Pipeline(prof, limits, { merge: 'cuda', timeScale: 1 }, newStats(), stages, (b) => batches.push(b));
      const n = rng.int(5, 40);
      const arrivals = Array.from({ length: n }, () => rng.uniform() * 20).sort((a, b) => a - b);
      const specs = arrivals.map((_, id) => ({ id, promptTokens: rng.int(1, 150), outputTokens: rng.int(1, 12) }));
      const tokens = new Map<number, { index: number; t: number }[]>();
      let next = 0;
      for (;;) {
        const due = pipe.nextAt();
        if (next < n && (due === null || arrivals[next] <= due)) {
          const t = arrivals[next];
          pipe.add(specs[next++]);
          pipe.kick(t);
        } else if (due !== null) {
          const done = pipe.fire()!;
          for (const ev of done.events) (tokens.get(ev.id) ?? tokens.set(ev.id, []).get(ev.id)!).push({ index: ev.index, t: done.t });
          pipe.kick(done.t);
        } else break;
        expect(pipe.inFlight).toBeLessThanOrEqual(stages);
      }
      const chunks = new Map<number, number>();
      for (const b of batches) {
        const used = b.plan.decodes.length + b.plan.prefills.reduce((s, p) => s + p.tokens, 0);
        expect(used).toBeLessThanOrEqual(limits.maxNumBatchedTokens);
        expect(b.plan.decodes.length + b.plan.prefills.length).toBeLessThanOrEqual(limits.maxNumSeqs);
        for (const p of b.plan.prefills) {
          expect(p.start).toBe(chunks.get(p.id) ?? 0); // chunks in order, no gap, no overlap
          chunks.set(p.id, p.start + p.tokens);
        }
        // At most `stages` micro-batches overlap any instant (checked at each batch's start).
        expect(batches.filter((o) => o.startAt <= b.startAt && b.startAt < o.doneAt).length).toBeLessThanOrEqual(stages);
      }
      for (const s of specs) {
        expect(chunks.get(s.id)).toBe(s.promptTokens);
        const got = tokens.get(s.id)!;
        expect(got.map((x) => x.index)).toEqual(Array.from({ length: s.outputTokens }, (_, i) => i));
        for (let i = 1; i < got.length; i++) expect(got[i].t).toBeGreaterThan(got[i - 1].t);
      }
    }
  });
});

describe('pipeline in the real-time engine', () => {
  it('serves concurrent requests across virtual engines with exact step accounting', async () => {
    const { startEngine } = await import('./server.js');
    // 20 ms steps: all three arrive before any finishes, so each gets its own virtual engine.
    const eng = await startEngine({ profile: { ...tiny, pipelineStages: 3 }, maxNumBatchedTokens: 32, fixedStepMs: 20, noise: false, env: {} });
    try {
      const post = (n: number) =>
        fetch(`${eng.url}/v1/completions`, {
          method: 'POST',
          body: JSON.stringify({ prompt: Array.from({ length: 32 }, (_, i) => i), max_tokens: n, ignore_eos: true }),
        }).then((r) => r.json() as Promise<{ usage: { completion_tokens: number } }>);
      const out = await Promise.all([post(3), post(4), post(5)]);
      expect(out.map((o) => o.usage.completion_tokens)).toEqual([3, 4, 5]);
      // One request per virtual engine: 1 prefill step + (n - 1) decode steps each.
      expect(eng.stats().steps).toBe(3 + 4 + 5);
      expect(eng.stats().outputTokens).toBe(12);
    } finally {
      await eng.close();
    }
  });
});

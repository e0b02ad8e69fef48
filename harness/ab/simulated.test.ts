// The A/B pipeline end to end on the engine's noise model, in virtual time (deterministic, no
// host jitter): the engine's per-instance offset and per-step jitter, interleaved repetitions on
// fresh instances, the hierarchical bootstrap and the verdicts.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/index.js';
import { summarizeAb } from './compare.js';
import { simulateAbRuns } from './simulated.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testTempDir } from '../common/testTmp.js';

const dir = testTempDir('abserve-sim-');

function scenario(o: { reps: number; seed: number; stepScale?: number; aa?: boolean; prompts?: number; outLen?: number }) {
  return parseScenario(
    `
name: sim
target: { engine: { profile: r1-l20-approx } }
workload: { random_token_ids: true, random_input_len: 1024, random_output_len: ${o.outLen ?? 64}, num_prompts: ${o.prompts ?? 16}, max_concurrency: 16, ignore_eos: true }
arms:
  - name: base
  - name: slow
    engine: { step_scale: ${o.stepScale ?? 1} }
repetitions: ${o.reps}
aa: ${o.aa ?? false}
seed: ${o.seed}
`,
    'sim.yaml',
  );
}

async function compare(s: ReturnType<typeof scenario>, resamples = 1000) {
  const runs = simulateAbRuns(s);
  const arms = s.aa ? ['base', 'base-aa'] : ['base', 'slow'];
  const out = await summarizeAb({ dir, scenario: s.name, createdAt: '', arms, alpha: 0.05, runs, manifest: {}, partial: false, resamples });
  return out.comparison!;
}

describe('A/B on the engine noise model (virtual time)', () => {
  it('calls a planted 5% slower step slower, with 5% inside the interval', async () => {
    // 30 fresh instances per arm: with the engine's 5% per-instance spread, the MDE of this design
    // is about 3.5%, so a 5% effect is found with power > 0.95.
    const c = await compare(scenario({ reps: 30, seed: 3, stepScale: 1.05 }));
    for (const metric of ['tpot', 'itl', 'e2el']) {
      const m = c.metrics.find((x) => x.metric === metric && x.statistic === 'mean')!;
      expect(m.verdict, metric).toBe('slower');
      expect(m.ratioCi[0], metric).toBeLessThanOrEqual(1.05);
      expect(m.ratioCi[1], metric).toBeGreaterThanOrEqual(1.05);
      expect(m.mdePct, metric).toBeLessThan(5);
    }
    expect(c.runToRunCovered).toBe(true);
  });

  it('calls an A/A run no significant difference on every mean', async () => {
    const c = await compare(scenario({ reps: 6, seed: 11, aa: true }));
    for (const m of c.metrics.filter((x) => x.statistic === 'mean')) expect(m.verdict, m.metric).toBe('no_significant_difference');
  });

  it('keeps the A/A false-positive rate near alpha over many seeds (engine noise included)', async () => {
    // 60 A/A designs of 3 repetitions x 8 requests; TPOT mean called significant at alpha 0.05.
    // Binomial(60, 0.05): mean 3, sd 1.7; allow up to 3 sd above.
    let significant = 0;
    const draws = 60;
    for (let seed = 1000; seed < 1000 + draws; seed++) {
      const c = await compare(scenario({ reps: 3, seed, aa: true, prompts: 8, outLen: 32 }), 400);
      const m = c.metrics.find((x) => x.metric === 'tpot' && x.statistic === 'mean')!;
      if (m.verdict !== 'no_significant_difference') significant++;
    }
    expect(significant).toBeLessThanOrEqual(8);
  }, 60_000);

  it('is exactly reproducible from the scenario seed', () => {
    const a = simulateAbRuns(scenario({ reps: 2, seed: 5 }));
    const b = simulateAbRuns(scenario({ reps: 2, seed: 5 }));
    const c = simulateAbRuns(scenario({ reps: 2, seed: 6 }));
    expect(a).toEqual(b);
    expect(a[0]!.requests[0]!.ttft).not.toBe(c[0]!.requests[0]!.ttft);
  });
});

describe('the notes of a comparison', () => {
  it('say "Mann-Whitney p below alpha" in plain words (no "<", which report.md would show as &lt;)', async () => {
    // An A/A with per-instance offsets: the rank test, treating requests as independent, finds
    // "differences" that the hierarchical bootstrap correctly does not.
    const c = await compare(scenario({ reps: 3, seed: 11, aa: true }), 400);
    const eager = c.metrics.filter((m) => m.mannWhitneyP !== null && m.mannWhitneyP < 0.05 && m.verdict === 'no_significant_difference');
    expect(eager.length).toBeGreaterThan(0);
    const note = c.notes.find((n) => n.startsWith('Mann-Whitney'));
    expect(note).toMatch(/^Mann-Whitney p below 0\.05 where the verdict is no difference \(/);
    for (const n of c.notes) expect(n, n).not.toMatch(/[<>]/);
  });
});

describe('the reports of a simulated A/B', () => {
  it('say "simulated" in the heading, not only in a note', async () => {
    const s = scenario({ reps: 2, seed: 5 });
    const out = testTempDir('abserve-sim-report-');
    await summarizeAb({ dir: out, scenario: s.name, createdAt: '', arms: ['base', 'slow'], alpha: 0.05, runs: simulateAbRuns(s), manifest: { simulated: true }, partial: false, resamples: 200 });
    expect(readFileSync(path.join(out, 'report.md'), 'utf8').split('\n')[0]).toBe('# abserve A/B (simulated: a prediction, not a measurement): sim');
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('<h1>abserve A/B (simulated: a prediction, not a measurement): sim</h1>');
    // A measured A/B keeps the plain heading.
    await summarizeAb({ dir: out, scenario: s.name, createdAt: '', arms: ['base', 'slow'], alpha: 0.05, runs: simulateAbRuns(s), manifest: {}, partial: false, resamples: 200 });
    expect(readFileSync(path.join(out, 'report.md'), 'utf8').split('\n')[0]).toBe('# abserve A/B: sim');
  });
});

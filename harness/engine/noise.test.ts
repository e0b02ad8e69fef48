import { describe, expect, it } from 'vitest';
import { StepNoise } from './noise.js';
import { getProfile, type CostProfile } from './profiles.js';
import { simulateClosedLoop, type SimResult } from './simulate.js';

const tiny = getProfile('tiny');
const limits = { maxNumSeqs: 8, maxNumBatchedTokens: 64 };
const reqs = Array.from({ length: 12 }, (_, i) => ({ promptTokens: 100 + 10 * i, outputTokens: 20 }));
const sim = (cost: Parameters<typeof simulateClosedLoop>[2], profile: CostProfile = tiny): SimResult =>
  simulateClosedLoop(profile, limits, cost, reqs, 4);
const noisy = (seed: number, profile: CostProfile = tiny) => new StepNoise(profile.noise, seed);

const sd = (xs: number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('engine noise', () => {
  it('noise off is exactly deterministic', () => {
    const a = sim({ merge: 'cuda', timeScale: 1 });
    const b = sim({ merge: 'cuda', timeScale: 1 });
    expect(a.records).toEqual(b.records);
    expect(a.stats.simulatedMs).toBe(b.stats.simulatedMs);
  });

  it('a fixed seed reproduces every token time; another seed does not', () => {
    const a = sim({ merge: 'cuda', timeScale: 1, noise: noisy(7) });
    const b = sim({ merge: 'cuda', timeScale: 1, noise: noisy(7) });
    const c = sim({ merge: 'cuda', timeScale: 1, noise: noisy(8) });
    expect(a.records).toEqual(b.records);
    expect(c.records).not.toEqual(a.records);
    // Noise changes times, never the schedule: same number of steps and tokens.
    expect(c.stats.steps).toBe(a.stats.steps);
    expect(c.stats.outputTokens).toBe(a.stats.outputTokens);
  });

  it('per-step factors have the configured spread and mean 1', () => {
    const n = new StepNoise({ stepSigma: 0.02, runSigma: 0 }, 3);
    const logs = Array.from({ length: 20000 }, () => Math.log(n.next()));
    expect(sd(logs)).toBeGreaterThan(0.02 * 0.95);
    expect(sd(logs)).toBeLessThan(0.02 * 1.05);
    const mean = logs.reduce((a, b) => a + Math.exp(b), 0) / logs.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.001);
  });

  it('different seeds differ run to run by about the profile run sigma', () => {
    // Total simulated time across 400 engine instances: its log-spread is the run sigma, plus the
    // averaged-out step jitter (0.02 / sqrt(steps)), i.e. within a few percent of runSigma.
    const base = sim({ merge: 'cuda', timeScale: 1 }).stats.simulatedMs;
    const logs = Array.from({ length: 400 }, (_, s) => Math.log(sim({ merge: 'cuda', timeScale: 1, noise: noisy(1000 + s) }).stats.simulatedMs / base));
    const { runSigma } = tiny.noise;
    // sd of a 400-sample sd estimate is ~ sigma / sqrt(800) = 3.5%: allow 15%.
    expect(sd(logs)).toBeGreaterThan(runSigma * 0.85);
    expect(sd(logs)).toBeLessThan(runSigma * 1.15);
    // Mean 1: the average instance is as fast as the deterministic one.
    expect(Math.abs(logs.reduce((a, b) => a + b, 0) / logs.length)).toBeLessThan(0.015);
  });

  it('zero coefficients are the deterministic engine', () => {
    const quiet: CostProfile = { ...tiny, noise: { stepSigma: 0, runSigma: 0 } };
    const a = sim({ merge: 'fallback', timeScale: 1 }, quiet);
    const b = sim({ merge: 'fallback', timeScale: 1, noise: noisy(5, quiet) }, quiet);
    expect(b.records).toEqual(a.records);
  });

  it('step-scale multiplies every step, with noise off and with the same noise seed', () => {
    const off = sim({ merge: 'cuda', timeScale: 1 });
    const offSlow = sim({ merge: 'cuda', timeScale: 1, stepScale: 1.05 });
    expect(offSlow.stats.simulatedMs).toBeCloseTo(1.05 * off.stats.simulatedMs, 9);
    expect(offSlow.stats.mergeMs).toBeCloseTo(1.05 * off.stats.mergeMs, 9);
    const on = sim({ merge: 'cuda', timeScale: 1, noise: noisy(11) });
    const onSlow = sim({ merge: 'cuda', timeScale: 1, stepScale: 1.05, noise: noisy(11) });
    onSlow.records.forEach((r, i) => r.tokenTimes.forEach((t, j) => expect(t).toBeCloseTo(1.05 * on.records[i].tokenTimes[j], 6)));
  });

  it('step-scale applies to fixed steps, which never draw noise', () => {
    const fixed = sim({ merge: 'cuda', timeScale: 1, fixedStepMs: 2, stepScale: 1.5, noise: noisy(1) });
    expect(fixed.stats.simulatedMs).toBeCloseTo(3 * fixed.stats.steps, 9);
  });
});

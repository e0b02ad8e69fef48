// Synthetic, seeded AbReportData for the report renderers' tests (and for eyeballing the page).
// stats/ computes the real Comparison; here its numbers are only plausible, shaped by hand so each
// verdict (faster, slower, no difference) and each optional part (server /metrics, failures,
// accuracy, partial) appears. Never used outside tests.
import type { Comparison, MetricComparison, Statistic, Verdict } from '../stats/types.js';
import type { AbReportData, ReportRepetition } from './abReportTypes.js';

/** Fixture knobs. */
export interface FixtureOptions {
  /** Repetitions per arm (default 2). */
  reps?: number;
  /** Requests per repetition (default 32). */
  requests?: number;
  /** Put hostile strings in an arm name, a note, a failure kind and the manifest (default false). */
  hostile?: boolean;
  /** Mark the run (and its last repetition) partial (default false). */
  partial?: boolean;
  /** Include server /metrics series (default true). */
  server?: boolean;
}

/** The hostile strings the escaping tests plant. */
export const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  script: '</script><script>window.pwned=1</script>',
} as const;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function stat(xs: number[], s: Statistic): number {
  const v = [...xs].sort((x, y) => x - y);
  if (s === 'mean') return v.reduce((a, b) => a + b, 0) / v.length;
  const q = s === 'median' ? 0.5 : s === 'p90' ? 0.9 : 0.99;
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  return v[lo] + (h - lo) * ((v[Math.min(lo + 1, v.length - 1)] ?? v[lo]) - v[lo]);
}

function repetition(arm: string, rep: number, order: number, slow: number, n: number, r: () => number, server: boolean): ReportRepetition {
  const ttft = Array.from({ length: n }, () => (400 + 300 * r() ** 2) * slow);
  const tpot = Array.from({ length: n }, () => (20 + 4 * r()) * (2 - slow));
  const itl = Array.from({ length: n * 20 }, () => (15 + 10 * r() ** 3) * (2 - slow));
  const e2el = ttft.map((t, i) => t + tpot[i] * 255);
  const t_s = Array.from({ length: 12 }, (_, i) => i);
  const running = t_s.map((t) => (t < 10 ? Math.min(16, 4 + t * 3) : 0));
  const timeline = { t_s, output_tok_s: running.map((c) => c * (45 + 5 * r())), running };
  const srv = server ? { t_s, running: running.map((c) => Math.max(0, c - 1)), waiting: running.map((c) => Math.max(0, c - 12)) } : undefined;
  const failed = rep === 1 && arm !== 'A' ? 2 : 0;
  return { rep, arm, order, partial: false, ttft, tpot, itl, e2el, timeline, server: srv, failures: failed ? { timeout: 1, http_5xx: 1 } : {}, completed: n, failed };
}

/** A complete, deterministic AbReportData with two arms. */
export function syntheticReportData(opts: FixtureOptions = {}): AbReportData {
  const reps = opts.reps ?? 2;
  const n = opts.requests ?? 32;
  const armA = 'A';
  const armB = opts.hostile ? `B ${HOSTILE.img}${HOSTILE.script}` : 'B (merge op off)';
  const r = rng(42);
  const repetitions: ReportRepetition[] = [];
  const order = ['A', 'B', 'B', 'A'];
  for (let i = 0; i < reps * 2; i++) {
    const isA = order[i % 4] === 'A';
    const rep = Math.floor(i / 2) + 1;
    repetitions.push(repetition(isA ? armA : armB, rep, i, isA ? 1 : 0.95, n, r, opts.server ?? true));
  }
  if (opts.partial) repetitions[repetitions.length - 1].partial = true;
  if (opts.hostile) repetitions[1].failures[HOSTILE.script] = 3;

  const verdicts: Record<string, Verdict> = { ttft: 'faster', tpot: 'slower', itl: 'no_significant_difference', e2el: 'no_significant_difference' };
  const metrics: MetricComparison[] = [];
  for (const metric of ['ttft', 'tpot', 'itl', 'e2el'] as const) {
    for (const s of ['mean', 'median', 'p90', 'p99'] as Statistic[]) {
      const of = (arm: string) => repetitions.filter((x) => x.arm === arm);
      const a = stat(of(armA).flatMap((x) => x[metric]), s);
      const b = stat(of(armB).flatMap((x) => x[metric]), s);
      const diff = b - a;
      const v = verdicts[metric];
      const half = v === 'no_significant_difference' ? Math.abs(diff) + 0.05 * a : Math.abs(diff) / 2;
      metrics.push({
        metric, statistic: s, unit: 'ms', higherIsBetter: false, a, b, diff,
        diffCi: [diff - half, diff + half], ratio: b / a, ratioCi: [(b - half) / a, (b + half) / a],
        pValue: v === 'no_significant_difference' ? 0.41 : 0.0004, mannWhitneyP: 0.03,
        paired: s === 'mean' ? { n: n * reps, meanDiff: diff, ci: [diff - half, diff + half], pValue: 0.01 } : null,
        perRepetition: { a: of(armA).map((x) => stat(x[metric], s)), b: of(armB).map((x) => stat(x[metric], s)) },
        mde: 0.06 * a, mdePct: 6, verdict: v,
      });
    }
  }
  const comparison: Comparison = {
    arms: { a: armA, b: armB }, alpha: 0.05, confidence: 0.95, resamples: 2000, seed: 7,
    repetitions: { a: reps, b: reps }, runToRunCovered: reps > 1, metrics,
    notes: opts.hostile ? [`note from file ${HOSTILE.img}`] : [],
  };
  return {
    title: 'abserve A/B: smoke',
    scenario: 'smoke',
    createdAt: '2026-11-29T21:00:00.000Z',
    partial: opts.partial ?? false,
    partialReason: opts.partial ? 'interrupted by SIGINT after 3 of 4 runs' : undefined,
    arms: [armA, armB],
    comparison,
    repetitions,
    manifest: {
      abserve: '0.1.0', git: 'e578f2f', node: 'v20.20.0', host: { name: 'ci', cpus: 2 },
      workloadHash: 'sha256:0f3c', gpu: opts.hostile ? HOSTILE.script : null,
      arms: { [armA]: { env: {} }, [armB]: { env: { VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' } } },
    },
    notes: opts.hostile ? [`engine said ${HOSTILE.script}`] : [],
    accuracy: {
      headers: ['subject', 'A', 'B', 'B-A'],
      rows: [['STEM', '0.812', '0.806', '-0.006'], ['Humanities', '0.774', '0.779', '+0.005']],
      verdict: 'No significant accuracy loss (McNemar p=0.62).',
    },
  };
}

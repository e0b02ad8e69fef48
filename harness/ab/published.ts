// The published claim the project starts from, so `npm start` can print it beside its own
// interval: vLLM PR 16173's DeepSeek-R1 runs on 24 x L20, one run of 32 (4K/1K) or 16 (8K/64)
// requests per arm, merge op CUDA kernel vs Triton fallback (harness/engine/published-r1-l20/).
import type { Scenario } from '../scenario/index.js';
import type { Comparison } from '../stats/types.js';

/** One published A/B claim, A = without-op (the Triton fallback, the reference), B = with-op (the CUDA kernel, the change), ms. */
export interface PublishedClaim {
  scenario: string;
  requests: number;
  metric: 'ttft';
  statistic: 'mean';
  withOp: number;
  withoutOp: number;
}

/** The two published mean-TTFT claims (Mean TTFT lines of the four result blocks). */
export const PUBLISHED: Record<'4k-1k' | '8k-64', PublishedClaim> = {
  '4k-1k': { scenario: '4096 in / 1024 out, concurrency 16', requests: 32, metric: 'ttft', statistic: 'mean', withOp: 5654.02, withoutOp: 5687.8 },
  '8k-64': { scenario: '8192 in / 64 out, concurrency 16', requests: 16, metric: 'ttft', statistic: 'mean', withOp: 14534.5, withoutOp: 15188.7 },
};

/**
 * Lines putting a published claim beside this run's comparison (A = without-op, B = with-op):
 * the published B/A has no interval (one run per arm); ours has one, so it says whether a change
 * of that size is visible at all with this design.
 */
export function claimBeside(p: PublishedClaim, c: Comparison): string[] {
  const pubRatio = p.withOp / p.withoutOp;
  const m = c.metrics.find((x) => x.metric === p.metric && x.statistic === p.statistic);
  const lines = [
    `published (${p.scenario}, 1 run x ${p.requests} requests per arm): mean TTFT without-op ${p.withoutOp.toFixed(2)} ms, ` +
      `with-op ${p.withOp.toFixed(2)} ms: with-op / without-op = ${pubRatio.toFixed(4)} (${((pubRatio - 1) * 100).toFixed(1)}%), no interval possible`,
  ];
  if (m) {
    lines.push(
      `this run (${c.repetitions.a} + ${c.repetitions.b} repetitions): ${c.arms.b} / ${c.arms.a} = ${m.ratio.toFixed(4)} ` +
        `[${m.ratioCi[0].toFixed(4)}, ${m.ratioCi[1].toFixed(4)}], ${m.verdict.replace(/_/g, ' ')}; ` +
        (Number.isFinite(m.mdePct)
          ? `smallest detectable change ${m.mdePct.toFixed(1)}%` +
            (Math.abs(pubRatio - 1) * 100 < m.mdePct ? ': the published change is below what this design can resolve' : '')
          : `smallest detectable change ${m.mde.toPrecision(2)} ms (A within noise of 0, no %)`),
    );
  }
  return lines;
}

/**
 * The published claim a scenario reproduces, if it is one of the published shapes (random
 * 4096/1024 or 8192/64 tokens) with arms named without-op (A, first) and with-op (B).
 */
export function publishedClaimKey(s: Scenario): keyof typeof PUBLISHED | undefined {
  const names = s.arms.map((a) => a.name);
  if (s.aa || names[0] !== 'without-op' || names[1] !== 'with-op') return undefined;
  const w = s.workload;
  if (w.datasetName !== 'random') return undefined;
  if (w.randomInputLen === 4096 && w.randomOutputLen === 1024) return '4k-1k';
  if (w.randomInputLen === 8192 && w.randomOutputLen === 64) return '8k-64';
  return undefined;
}

/** The notes putting the published claim `key` (if any) beside a comparison; for summarizeAb. */
export function claimNotes(key: string | null | undefined): ((c: Comparison) => string[]) | undefined {
  const claim = key === '4k-1k' || key === '8k-64' ? PUBLISHED[key] : undefined;
  return claim ? (c) => claimBeside(claim, c) : undefined;
}

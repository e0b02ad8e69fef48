// RunData of both arms -> the stats/ input: per metric, per arm, per repetition, one unit per
// request (its TTFT, TPOT or E2EL; all its ITL gaps), keyed by workload index so requests pair
// across arms; throughputs as run-level metrics (one unit per repetition).
import type { MetricInput } from '../stats/arms.js';
import type { ArmSample, RepetitionSample, Statistic } from '../stats/types.js';
import type { RunData, RunRequest } from './runData.js';

const STATS: Statistic[] = ['mean', 'median', 'p90', 'p99'];

type Extract = (r: RunRequest) => number[] | null;

/** Latency metrics (ms, lower is faster), vLLM's names. */
export const LATENCIES: ReadonlyArray<{ metric: string; extract: Extract }> = [
  { metric: 'ttft', extract: (r) => [r.ttft] },
  { metric: 'tpot', extract: (r) => (r.tpot === null ? null : [r.tpot]) },
  { metric: 'itl', extract: (r) => (r.itl.length > 0 ? r.itl : null) },
  { metric: 'e2el', extract: (r) => [r.e2el] },
];

/** Run-level throughputs (higher is faster), vLLM's JSON names. */
export const THROUGHPUTS: ReadonlyArray<{ metric: string; unit: 'tok/s' | 'req/s'; value: (d: RunData) => number }> = [
  { metric: 'output_throughput', unit: 'tok/s', value: (d) => d.outputThroughput },
  { metric: 'request_throughput', unit: 'req/s', value: (d) => d.requestThroughput },
];

function byRep(runs: readonly RunData[], arm: string): RunData[] {
  return runs.filter((r) => r.arm === arm).sort((a, b) => a.rep - b.rep);
}

function latencySample(runs: RunData[], arm: string, extract: Extract): ArmSample {
  return {
    arm,
    repetitions: runs.map((d): RepetitionSample => {
      const units: number[][] = [];
      const keys: number[] = [];
      for (const r of d.requests) {
        const v = extract(r);
        if (v === null) continue;
        units.push(v);
        keys.push(r.index);
      }
      return { units, keys };
    }).filter((s) => s.units.length > 0),
  };
}

/**
 * The comparison input for arms `a` and `b` from every run of both. Repetitions without a single
 * successful request are left out (a run that only failed has no latency to compare; its
 * failures are reported apart). Throws nothing; stats/ rejects an arm with no data.
 */
export function metricInputs(runs: readonly RunData[], a: string, b: string): MetricInput[] {
  const ra = byRep(runs, a);
  const rb = byRep(runs, b);
  const out: MetricInput[] = [];
  for (const l of LATENCIES) {
    const sa = latencySample(ra, a, l.extract);
    const sb = latencySample(rb, b, l.extract);
    if (sa.repetitions.length === 0 || sb.repetitions.length === 0) continue;
    out.push({ metric: l.metric, unit: 'ms', higherIsBetter: false, statistics: STATS, a: sa, b: sb });
  }
  for (const t of THROUGHPUTS) {
    const sa: ArmSample = { arm: a, repetitions: ra.filter((d) => d.completed > 0).map((d) => ({ units: [[t.value(d)]] })) };
    const sb: ArmSample = { arm: b, repetitions: rb.filter((d) => d.completed > 0).map((d) => ({ units: [[t.value(d)]] })) };
    if (sa.repetitions.length === 0 || sb.repetitions.length === 0) continue;
    out.push({ metric: t.metric, unit: t.unit, higherIsBetter: true, statistics: ['mean'], a: sa, b: sb });
  }
  return out;
}

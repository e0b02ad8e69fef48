// Which charts report.html shows, built from AbReportData: per latency metric a CDF, a histogram
// and the per-repetition values; over time the client's output throughput and running requests,
// and the server's running and waiting requests when /metrics was scraped.
import { inRunOrder, metricLabel, type LatencyMetric } from '../abReportFormat.js';
import type { AbReportData, ReportRepetition } from '../abReportTypes.js';
import { alignSeries, armColor, cdfOnGrid, histogramOnBins, perRepetitionSeries, repDash, type ChartSpec } from './chartData.js';

function armIndex(d: AbReportData, arm: string): number {
  const i = d.arms.indexOf(arm);
  return i >= 0 ? i : d.arms.length;
}

function pooled(d: AbReportData, arm: string, metric: LatencyMetric): number[] {
  return d.repetitions.filter((r) => r.arm === arm).flatMap((r) => r[metric]);
}

/** The three charts of one latency metric: CDF per arm, histogram per arm, per-repetition values.
 *  Ids are `chart-<metric>-cdf`, `-hist`, `-reps`. */
export function metricCharts(d: AbReportData, metric: LatencyMetric): ChartSpec[] {
  const label = metricLabel(metric);
  const samples = d.arms.map((a) => pooled(d, a, metric));
  const cdf = cdfOnGrid(samples);
  const hist = histogramOnBins(samples);
  const reps = perRepetitionSeries(d.comparison, metric);
  const names = [d.comparison.arms.a, d.comparison.arms.b];
  return [
    {
      id: `chart-${metric}-cdf`, title: `${label} CDF`, xLabel: `${label} (ms)`, yLabel: metric === 'itl' ? 'fraction of gaps' : 'fraction of requests', kind: 'line',
      x: cdf.x, series: d.arms.map((a, i) => ({ label: a, color: armColor(i), data: cdf.ys[i] })),
    },
    {
      id: `chart-${metric}-hist`, title: `${label} histogram`, xLabel: `${label} (ms), last bin includes the tail`, yLabel: metric === 'itl' ? '% of gaps' : '% of requests', kind: 'step',
      x: hist.x, series: d.arms.map((a, i) => ({ label: a, color: armColor(i), data: hist.ys[i] })),
    },
    {
      id: `chart-${metric}-reps`, title: `${label} per repetition`, xLabel: 'repetition', yLabel: `${label} (ms)`, kind: 'points',
      x: reps.x,
      series: reps.series.map((s) => repSeries(names[s.arm]!, s.arm, s.statistic, s.data, reps.x.length)),
    },
  ];
}

/** `#rrggbb` mixed halfway with white: the lighter tint of an arm's colour. */
export function lighter(color: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1]!, 16);
  const mix = (c: number) => Math.round((c + 255) / 2).toString(16).padStart(2, '0');
  return `#${mix(n >> 16)}${mix((n >> 8) & 255)}${mix(n & 255)}`;
}

/**
 * One per-repetition series. Across several repetitions the mean is a solid line and the p99 a
 * dashed one; a line needs two points, so with one repetition per arm (`abserve compare`) a dash is
 * invisible and the p99 points get the lighter tint of the arm's colour instead, and say so.
 */
function repSeries(arm: string, armNo: number, statistic: string, data: (number | null)[], points: number): ChartSpec['series'][number] {
  const mean = statistic === 'mean';
  if (points <= 1) {
    return { label: `${arm} ${statistic}${mean ? ' (dark)' : ' (light)'}`, color: mean ? armColor(armNo) : lighter(armColor(armNo)), data };
  }
  return { label: `${arm} ${statistic}${mean ? ' (solid)' : ' (dashed)'}`, color: armColor(armNo), dash: mean ? undefined : [6, 4], data };
}

function timeChart(d: AbReportData, id: string, title: string, yLabel: string, pick: (r: ReportRepetition) => { t: number[]; y: number[] } | undefined): ChartSpec | null {
  // A repetition without samples (a saved result read by `abserve compare` has no timeline) draws
  // nothing; a chart none of whose repetitions has any is left out rather than drawn blank.
  const reps = inRunOrder(d.repetitions).filter((r) => (pick(r)?.t.length ?? 0) > 0);
  if (reps.length === 0) return null;
  const al = alignSeries(reps.map((r) => pick(r)!));
  return {
    id, title, xLabel: 'time since run start (s)', yLabel, kind: 'line', x: al.x,
    series: reps.map((r, i) => ({ label: `${r.arm} rep ${r.rep}`, color: armColor(armIndex(d, r.arm)), dash: repDash(r.rep), data: al.ys[i] })),
  };
}

/** Time-series charts, one series per repetition (colour = arm, dash = repetition): client output
 *  throughput and running requests; server running and waiting requests when any repetition has
 *  /metrics data. */
export function timelineCharts(d: AbReportData): ChartSpec[] {
  const charts = [
    timeChart(d, 'chart-client-throughput', 'Output throughput (client)', 'output tok/s', (r) => ({ t: r.timeline.t_s, y: r.timeline.output_tok_s })),
    timeChart(d, 'chart-client-running', 'Requests in flight, mean over each 1 s (client)', 'requests', (r) => ({ t: r.timeline.t_s, y: r.timeline.running })),
    timeChart(d, 'chart-server-running', 'Running requests (server /metrics)', 'requests', (r) => r.server && { t: r.server.t_s, y: r.server.running }),
    timeChart(d, 'chart-server-waiting', 'Waiting requests (server /metrics)', 'requests', (r) => r.server && { t: r.server.t_s, y: r.server.waiting }),
  ];
  return charts.filter((c): c is ChartSpec => c !== null);
}

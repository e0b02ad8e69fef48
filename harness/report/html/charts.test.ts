// Which charts report.html gets for `abserve compare` (saved results: one repetition per arm, no
// timeline): no blank 'Over time' charts, and per-repetition points whose mean and p99 differ visibly.
import { describe, expect, it } from 'vitest';
import { syntheticReportData } from '../abReportFixture.js';
import { lighter, metricCharts, timelineCharts } from './charts.js';

/** The fixture as `abserve compare` makes it: one repetition per arm, empty timelines, no /metrics. */
function compareLike() {
  const d = syntheticReportData({ reps: 1, server: false });
  for (const r of d.repetitions) r.timeline = { t_s: [], output_tok_s: [], running: [] };
  return d;
}

describe('report charts for saved-run comparisons', () => {
  it('leaves out time-series charts that have no samples, keeps those that have', () => {
    expect(timelineCharts(compareLike()).map((c) => c.id)).toEqual([]);
    const full = syntheticReportData({ reps: 1, server: false });
    expect(timelineCharts(full).map((c) => c.id)).toEqual(['chart-client-throughput', 'chart-client-running']);
    // One repetition with samples and one without: the chart stays, with the one series that has data.
    full.repetitions[0]!.timeline = { t_s: [], output_tok_s: [], running: [] };
    const kept = timelineCharts(full);
    expect(kept.map((c) => c.series.length)).toEqual([1, 1]);
  });

  it('one point per series: mean and p99 get different colours (a dash cannot show on one point)', () => {
    const reps = metricCharts(compareLike(), 'ttft').find((c) => c.id === 'chart-ttft-reps')!;
    expect(reps.x).toEqual([1]);
    const colour = Object.fromEntries(reps.series.map((s) => [s.label, s.color]));
    expect(colour).toEqual({
      'A mean (dark)': '#1f77b4', 'B (merge op off) mean (dark)': '#e6550d',
      'A p99 (light)': lighter('#1f77b4'), 'B (merge op off) p99 (light)': lighter('#e6550d'),
    });
    expect(new Set(Object.values(colour)).size).toBe(4);
    expect(lighter('#1f77b4')).toBe('#8fbbda');
  });

  it('several repetitions keep solid mean and dashed p99 lines in the arm colour', () => {
    const reps = metricCharts(syntheticReportData({ reps: 3 }), 'ttft').find((c) => c.id === 'chart-ttft-reps')!;
    const p99 = reps.series.find((s) => s.label === 'A p99 (dashed)')!;
    expect(p99.color).toBe('#1f77b4');
    expect(p99.dash).toEqual([6, 4]);
  });
});

// report.html's per-repetition table of a latency metric: each repetition's mean and median per
// arm, in run order, and their spread, so a reader sees how much runs of one arm differ (the
// run-to-run variance the intervals account for) next to the A vs B difference.
import { num, rowsOf } from '../abReportFormat.js';
import type { AbReportData } from '../abReportTypes.js';
import { escapeHtml as h } from './escape.js';

/** The statistics the table shows, in print order. */
const SHOWN = ['mean', 'median'] as const;

/**
 * `<table class="data reps" id="reps-<metric>">`: a row per statistic (mean, median) and arm, a
 * column per repetition (1-based, in that arm's run order, from the comparison's perRepetition:
 * the repetitions it compared), then "spread" = max - min over the row. Values in the metric's
 * unit (ms for latencies). Empty string when the comparison has no mean or median row of `metric`.
 */
export function perRepetitionTableHtml(d: AbReportData, metric: string): string {
  const rows = rowsOf(d.comparison, metric).filter((m) => (SHOWN as readonly string[]).includes(m.statistic));
  if (rows.length === 0) return '';
  const n = Math.max(...rows.flatMap((m) => [m.perRepetition.a.length, m.perRepetition.b.length]));
  const arms = [
    { key: 'a', name: d.comparison.arms.a, cls: 'arm-a' },
    { key: 'b', name: d.comparison.arms.b, cls: 'arm-b' },
  ] as const;
  const body = rows.flatMap((m) =>
    arms.map(({ key, name, cls }) => {
      const xs = m.perRepetition[key];
      const cells = Array.from({ length: n }, (_, i) => `<td>${i < xs.length ? num(xs[i]) : ''}</td>`).join('');
      const spread = xs.length > 1 ? num(Math.max(...xs) - Math.min(...xs)) : '';
      return `<tr><td class="l">${m.statistic}</td><td class="wrap"><span class="${cls}">${key.toUpperCase()}</span> ${h(name)}</td>${cells}<td>${spread}</td></tr>`;
    }),
  );
  const unit = rows[0]!.unit;
  const heads = Array.from({ length: n }, (_, i) => `<th>rep ${i + 1}</th>`).join('');
  return `<h3>Per repetition (${h(unit)})</h3><div class="table-scroll"><table class="data reps" id="reps-${h(metric)}">
<thead><tr><th class="l">statistic</th><th class="l">arm</th>${heads}<th>spread (max−min)</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody></table></div>`;
}

// The HTML of report.html's non-chart parts: header and partial banner, notes, the per-metric
// A vs B table, the runs table, failure tallies, accuracy table and manifest summary. Every
// string from the data passes through escapeHtml here; numbers are formatted by abReportFormat.
import type { MetricComparison } from '../../stats/types.js';
import {
  allNotes, failuresByArm, inRunOrder, interval, failureOf, mdeText, metricLabel, num, partialScope, pValue, pEquals, rowsOf, signed, verdictBasisText, verdictText,
} from '../abReportFormat.js';
import type { AbReportData } from '../abReportTypes.js';
import type { ChartSpec } from './chartData.js';
import { escapeHtml as h } from './escape.js';

/** report.html's partial-run banner (both the report with a comparison and the one without). */
export function partialBannerHtml(partialReason: string | undefined): string {
  const error = failureOf(partialReason);
  if (error !== undefined) return `<div class="banner" id="partial-banner">The A/B failed: ${h(error)}. ${partialScope(partialReason)}</div>`;
  return `<div class="banner" id="partial-banner">Partial run: ${h(partialReason ?? 'the run was interrupted')}. ${partialScope(partialReason)}</div>`;
}

/** Title, scenario, date, arms, and the partial-run banner when the run was interrupted. */
export function headerHtml(d: AbReportData): string {
  const c = d.comparison;
  const banner = d.partial ? partialBannerHtml(d.partialReason) : '';
  return `<header>
<h1>${h(d.title)}</h1>
<p class="meta">Scenario <b>${h(d.scenario)}</b> · started <b>${h(d.createdAt)}</b> · A = <span class="arm-a">${h(c.arms.a)}</span> (${c.repetitions.a} rep.) · B = <span class="arm-b">${h(c.arms.b)}</span> (${c.repetitions.b} rep.) · ${Math.round(c.confidence * 100)}% hierarchical-bootstrap CIs, ${c.resamples} resamples, alpha ${c.alpha}</p>
${banner}
</header>`;
}

/** The notes list; empty string when there are none. */
export function notesHtml(d: AbReportData): string {
  const notes = allNotes(d);
  if (notes.length === 0) return '';
  return `<ul class="notes" id="notes">${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>`;
}

/** Which column decides the verdict (and why the paired column may disagree), once above the tables. */
export function verdictBasisHtml(d: AbReportData): string {
  return `<p class="meta" id="verdict-basis">${h(verdictBasisText(d.comparison))}</p>`;
}

function verdictClass(m: MetricComparison): string {
  return m.verdict === 'faster' ? 'verdict-faster' : m.verdict === 'slower' ? 'verdict-slower' : 'verdict-none';
}

function pairedHtml(m: MetricComparison): string {
  const p = m.paired;
  if (!p) return 'n/a';
  return `${signed(p.meanDiff)} <span class="ci">${interval(p.ci)}<br>n=${p.n}, ${h(pEquals(p.pValue))}</span>`;
}

/** The A vs B table of one metric: a row per statistic with CIs, p-values, paired difference,
 *  verdict (coloured) and the MDE on no-difference rows. */
export function comparisonTableHtml(d: AbReportData, metric: string): string {
  const rows = rowsOf(d.comparison, metric);
  const pct = `${Math.round(d.comparison.confidence * 100)}%`;
  const body = rows
    .map((m, i) => {
      const none = m.verdict === 'no_significant_difference';
      // The rank test and the paired difference are per metric, not per statistic: shown once.
      const perMetric = i === 0;
      return `<tr><td class="l">${m.statistic}</td><td>${num(m.a)}</td><td>${num(m.b)}</td>` +
        `<td>${signed(m.diff)} <span class="ci">${interval(m.diffCi)}</span></td>` +
        `<td>${num(m.ratio, 4)} <span class="ci">${interval(m.ratioCi, 4)}</span></td>` +
        `<td>${h(pValue(m.pValue))}</td><td>${perMetric ? h(pValue(m.mannWhitneyP)) : '″'}</td>` +
        // The paired difference is of means: no value for median or percentiles (a ditto mark read as the mean's).
        `<td${m.statistic === 'mean' ? '' : ' title="paired per-request difference: of the mean only"'}>${m.statistic === 'mean' ? pairedHtml(m) : '-'}</td>` +
        `<td class="l ${verdictClass(m)}">${verdictText(m.verdict, d.comparison.runToRunCovered)}</td><td>${none ? h(mdeText(m)) : ''}</td></tr>`;
    })
    .join('\n');
  const unit = rows[0]?.unit ?? '';
  return `<div class="table-scroll"><table class="data cmp" data-metric="${h(metric)}">
<thead><tr><th class="l">${h(metricLabel(metric))} (${h(unit)})</th><th>A</th><th>B</th><th>B−A [${pct} CI]</th><th>B/A [${pct} CI]</th><th>p</th><th>Mann-Whitney p</th><th title="the mean of per-request differences B-A over the repetitions both arms ran; not the verdict's test">paired diff of means [CI]</th><th class="l" title="from the B−A and B/A intervals">verdict (from the CIs)</th><th>MDE (80% power)</th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
}

/** A grid of chart containers (the page script fills them). */
export function chartGridHtml(charts: ChartSpec[]): string {
  return `<div class="charts">${charts
    .map((c) => `<div class="chart-box"><h4>${h(c.title)}</h4><div class="chart" id="${h(c.id)}"></div></div>`)
    .join('')}</div>`;
}

function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** One row per repetition in run order: arm, counts, partial flag, and each latency's mean (ms). */
export function runsTableHtml(d: AbReportData): string {
  const rows = inRunOrder(d.repetitions)
    .map((r) => `<tr><td>${r.order + 1}</td><td class="wrap">${h(r.arm)}</td><td>${r.rep}</td><td>${r.completed}</td><td>${r.failed}</td>` +
      `<td class="l">${r.partial ? 'cut short' : 'complete'}</td><td>${num(mean(r.ttft))}</td><td>${num(mean(r.tpot))}</td><td>${num(mean(r.itl))}</td><td>${num(mean(r.e2el))}</td></tr>`)
    .join('\n');
  return `<div class="table-scroll"><table class="data" id="runs"><thead><tr><th>order</th><th class="l">arm</th><th>repetition</th><th>completed</th><th>failed</th><th class="l">status</th><th>mean TTFT (ms)</th><th>mean TPOT (ms)</th><th>mean ITL (ms)</th><th>mean E2EL (ms)</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

/** Failure kinds x arms, summed over repetitions. */
export function failuresHtml(d: AbReportData): string {
  const { kinds, byArm } = failuresByArm(d);
  if (kinds.length === 0) return '<p id="failures">No failed requests.</p>';
  const arms = [...byArm.keys()];
  const rows = kinds.map((k) => `<tr><td class="l">${h(k)}</td>${arms.map((a) => `<td>${byArm.get(a)?.get(k) ?? 0}</td>`).join('')}</tr>`).join('\n');
  return `<table class="data" id="failures"><thead><tr><th class="l">failure kind</th>${arms.map((a) => `<th class="wrap">${h(a)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** The accuracy table and its verdict; empty string when absent. */
export function accuracyHtml(d: AbReportData): string {
  const acc = d.accuracy;
  if (!acc) return '';
  return `<h2>Accuracy</h2><table class="data" id="accuracy"><thead><tr>${acc.headers.map((x) => `<th class="l">${h(x)}</th>`).join('')}</tr></thead>
<tbody>${acc.rows.map((r) => `<tr>${r.map((x) => `<td class="l">${h(x)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
<p id="accuracy-verdict"><strong>${h(acc.verdict)}</strong></p>${
    acc.notes?.length ? `<ul id="accuracy-notes">${acc.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''
  }${
    acc.flipped?.length
      ? `<details id="accuracy-flipped"><summary>Flipped questions (${acc.flipped.length}${acc.flipped.length > 50 ? ', first 50' : ''})</summary><ul>${acc.flipped.slice(0, 50).map((f) => `<li>${h(f)}</li>`).join('')}</ul></details>`
      : ''
  }`;
}

/** Flatten a JSON-ish object into [dotted path, value text] pairs, `depth` levels deep; deeper
 *  values and long texts are shortened to `maxLen` characters. */
export function flattenManifest(obj: Record<string, unknown>, depth = 3, maxLen = 240): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: unknown, path: string, level: number) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && level < depth && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, path ? `${path}.${k}` : k, level + 1);
      return;
    }
    let text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
    if (text.length > maxLen) text = `${text.slice(0, maxLen)}… (${text.length} chars)`;
    out.push([path, text]);
  };
  walk(obj, '', 0);
  return out;
}

/** The manifest as a key/value table inside an open <details>. */
export function manifestHtml(d: AbReportData): string {
  const rows = flattenManifest(d.manifest)
    .map(([k, v]) => `<tr><td class="l">${h(k)}</td><td class="wrap">${h(v)}</td></tr>`)
    .join('\n');
  return `<details open><summary>manifest.json (summary)</summary><table class="data" id="manifest"><tbody>
${rows}
</tbody></table></details>`;
}

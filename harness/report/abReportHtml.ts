// report.html: one self-contained file that works offline and fetches nothing. uPlot's script and
// stylesheet are read from node_modules at render time and inlined; the chart data travel as JSON
// in a non-executed <script> element; a Content-Security-Policy forbids every network fetch.
// Layout: header (+ partial banner), notes, per latency metric the A vs B table, the
// per-repetition table (mean and median per arm and run) and the CDF, histogram and
// per-repetition charts, other metrics' tables, throughput and running/waiting over time, runs,
// failures, accuracy, manifest.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { LATENCY_METRICS, metricLabel, metricOrder } from './abReportFormat.js';
import type { AbReportData } from './abReportTypes.js';
import { metricCharts, timelineCharts } from './html/charts.js';
import type { ChartSpec } from './html/chartData.js';
import { escapeHtml as h, jsonForScript } from './html/escape.js';
import { PAGE_SCRIPT } from './html/pageScript.js';
import { perRepetitionTableHtml } from './html/perRepetition.js';
import {
  accuracyHtml, chartGridHtml, comparisonTableHtml, failuresHtml, headerHtml, manifestHtml, notesHtml, runsTableHtml, verdictBasisHtml,
} from './html/sections.js';
import { REPORT_CSS } from './html/styles.js';

/** uPlot's minified browser build and stylesheet, as text. */
export interface UplotAssets {
  js: string;
  css: string;
}

let cached: UplotAssets | undefined;

/** Read uPlot's IIFE build and CSS from the installed package (cached after the first call). */
export function loadUplotAssets(): UplotAssets {
  if (cached) return cached;
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  const js = readFileSync(path.join(dir, 'uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(path.join(dir, 'uPlot.min.css'), 'utf8');
  // Inlined verbatim into <script>/<style>: make sure nothing in them can close the element.
  if (/<\/script|<!--/i.test(js) || /<\/style/i.test(css)) throw new Error('uPlot assets contain an element-closing sequence; cannot inline');
  cached = { js, css };
  return cached;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Render report.html as one string (UTF-8 HTML5 document, ~60 KB plus the data). */
export function renderAbHtml(d: AbReportData): string {
  const uplot = loadUplotAssets();
  const charts: ChartSpec[] = [];
  const body: string[] = [headerHtml(d), notesHtml(d), verdictBasisHtml(d)];
  const metrics = metricOrder(d.comparison);
  for (const metric of LATENCY_METRICS) {
    const hasRows = metrics.includes(metric);
    const hasData = d.repetitions.some((r) => r[metric].length > 0);
    if (!hasRows && !hasData) continue;
    const mc = metricCharts(d, metric).filter((c) => c.x.length > 0);
    charts.push(...mc);
    body.push(`<section id="metric-${metric}"><h2>${h(metricLabel(metric))}</h2>`);
    if (hasRows) body.push(comparisonTableHtml(d, metric), perRepetitionTableHtml(d, metric));
    body.push(chartGridHtml(mc), '</section>');
  }
  const others = metrics.filter((m) => !(LATENCY_METRICS as readonly string[]).includes(m));
  if (others.length > 0) {
    body.push('<section id="metric-other"><h2>Throughput</h2>', ...others.map((m) => comparisonTableHtml(d, m)), '</section>');
  }
  const tl = timelineCharts(d);
  charts.push(...tl);
  if (tl.length > 0) {
    body.push('<section id="over-time"><h2>Over time</h2><p class="meta">One line per repetition: colour = arm, dash = repetition.</p>', chartGridHtml(tl), '</section>');
  }
  body.push('<section><h2>Runs</h2>', runsTableHtml(d), '</section>');
  body.push('<section><h2>Failures</h2>', failuresHtml(d), '</section>');
  body.push(accuracyHtml(d));
  body.push('<section><h2>Manifest</h2>', manifestHtml(d), '</section>');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(d.title)}</title>
<style>${uplot.css}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
${body.filter(Boolean).join('\n')}
<script type="application/json" id="abreport-data">${jsonForScript({ charts })}</script>
<script>${uplot.js}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

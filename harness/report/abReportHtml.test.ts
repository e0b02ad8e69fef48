// String-level checks of report.html (the browser test checks what it does when loaded).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE, syntheticReportData } from './abReportFixture.js';
import { renderAbHtml } from './abReportHtml.js';
import { renderAbMarkdown } from './abReportMarkdown.js';
import { flattenManifest } from './html/sections.js';

function embeddedCharts(html: string): { id: string; series: { label: string; data: unknown[] }[] }[] {
  const m = html.match(/<script type="application\/json" id="abreport-data">([\s\S]*?)<\/script>/);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]).charts;
}

describe('renderAbHtml', () => {
  const d = syntheticReportData();
  const html = renderAbHtml(d);

  it('is self-contained: uPlot inlined, nothing loaded from elsewhere, CSP forbids fetches', () => {
    const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
    expect(html).toContain(readFileSync(path.join(dist, 'uPlot.iife.min.js'), 'utf8'));
    expect(html).toContain(readFileSync(path.join(dist, 'uPlot.min.css'), 'utf8'));
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]*\s(src|href)=/i);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none';/);
  });

  it('escapes the p-values: a p under 0.001 is "&lt;0.001" in the markup, never a raw "<0.001"', () => {
    expect(d.comparison.metrics.some((m) => m.pValue !== null && m.pValue < 0.001)).toBe(true);
    expect(html).toContain('<td>&lt;0.001</td>');
    expect(html).not.toMatch(/<0\.001/);
  });

  it('has a container for every chart spec and a CDF, histogram and repetition chart per latency metric', () => {
    const charts = embeddedCharts(html);
    for (const c of charts) expect(html).toContain(`<div class="chart" id="${c.id}">`);
    for (const m of ['ttft', 'tpot', 'itl', 'e2el']) {
      for (const k of ['cdf', 'hist', 'reps']) expect(charts.map((c) => c.id)).toContain(`chart-${m}-${k}`);
    }
    const cdf = charts.find((c) => c.id === 'chart-ttft-cdf')!;
    expect(cdf.series.map((s) => s.label)).toEqual(d.arms);
  });

  it('charts server running/waiting only when /metrics data exist', () => {
    expect(embeddedCharts(html).map((c) => c.id)).toContain('chart-server-waiting');
    const ids = embeddedCharts(renderAbHtml(syntheticReportData({ server: false }))).map((c) => c.id);
    expect(ids).toContain('chart-client-throughput');
    expect(ids).not.toContain('chart-server-running');
    expect(ids).not.toContain('chart-server-waiting');
  });

  it('colours verdicts and shows the MDE on no-difference rows only', () => {
    const ttft = html.slice(html.indexOf('data-metric="ttft"'), html.indexOf('data-metric="tpot"'));
    expect(ttft.match(/verdict-faster/g)).toHaveLength(4);
    expect(ttft).not.toContain('±');
    const itl = html.slice(html.indexOf('data-metric="itl"'), html.indexOf('data-metric="e2el"'));
    expect(itl.match(/verdict-none/g)).toHaveLength(4);
    expect(itl.match(/±[\d.]+ ms \(6\.0%\)/g)).toHaveLength(4);
  });

  it('puts non-latency metrics (throughputs) in their own tables after the latencies', () => {
    const base = d.comparison.metrics.find((m) => m.metric === 'ttft' && m.statistic === 'mean')!;
    const tput = { ...base, metric: 'output_throughput', unit: 'tok/s' as const, higherIsBetter: true, a: 700, b: 740 };
    const withTput = { ...d, comparison: { ...d.comparison, metrics: [tput, ...d.comparison.metrics] } };
    const out = renderAbHtml(withTput);
    expect(out.indexOf('data-metric="output_throughput"')).toBeGreaterThan(out.indexOf('data-metric="e2el"'));
    expect(out).toContain('<th class="l">Output token throughput (tok/s)</th>');
    const md = renderAbMarkdown(withTput);
    expect(md.indexOf('### Output token throughput (tok/s)')).toBeGreaterThan(md.indexOf('### E2EL (ms)'));
    expect(md).toContain('| mean | 700.00 | 740.00 |');
  });

  it('shows the partial banner only for a partial run', () => {
    expect(html).not.toContain('id="partial-banner"');
    expect(renderAbHtml(syntheticReportData({ partial: true }))).toContain('id="partial-banner">Partial run: interrupted by SIGINT');
  });

  it('escapes hostile strings everywhere, in text and in the embedded JSON', () => {
    const out = renderAbHtml(syntheticReportData({ hostile: true }));
    expect(out).not.toContain(HOSTILE.img);
    expect(out).not.toContain('<script>window.pwned');
    expect(out.match(/<script/g)).toHaveLength(3);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const labels = embeddedCharts(out).flatMap((c) => c.series.map((s) => s.label));
    expect(labels).toContain(`B ${HOSTILE.img}${HOSTILE.script}`); // survives the JSON round trip intact
  });
});

describe('flattenManifest', () => {
  it('flattens nested objects to dotted paths and shortens long values', () => {
    const rows = flattenManifest({ a: { b: { c: 1, d: { e: [1, 2] } } }, s: 'x'.repeat(300), empty: {} }, 3, 20);
    expect(rows).toContainEqual(['a.b.c', '1']);
    expect(rows).toContainEqual(['a.b.d', '{"e":[1,2]}']);
    expect(rows).toContainEqual(['empty', '{}']);
    expect(rows.find(([k]) => k === 's')![1]).toBe(`${'x'.repeat(20)}… (300 chars)`);
  });
});

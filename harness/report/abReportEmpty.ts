// The report of an A/B that has nothing to compare (an arm without a successful request, or a run
// stopped before both arms finished one): report.md and report.html still exist and say why, and
// list every finished run with its counts, so no finished request is missing from the reports.
import { partialBannerMarkdown } from './abReportMarkdown.js';
import { escapeHtml as h } from './html/escape.js';
import { partialBannerHtml } from './html/sections.js';
import { REPORT_CSS } from './html/styles.js';

/** One finished run as the no-comparison report lists it. Times in ms, throughput tok/s. */
export interface EmptyReportRun {
  order: number;
  arm: string;
  rep: number;
  completed: number;
  failed: number;
  partial: boolean;
  /** Mean TTFT of the successful requests; null without any. */
  meanTtftMs: number | null;
  /** null (or NaN) when the run has none, e.g. read back from a run.json that saved NaN. */
  outputThroughput: number | null;
  /** "http_500 x3, timeout x1"; "none". */
  failures: string;
}

export interface EmptyReportData {
  title: string;
  notes: string[];
  runs: EmptyReportRun[];
  /** An interrupted (or cut short) run: the same banner as the report with a comparison. */
  partial?: boolean;
  partialReason?: string;
}

/** A number with `digits` decimals, "-" when there is none. */
const fixed = (x: number | null, digits: number) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits));

const HEAD = ['order', 'arm', 'repetition', 'completed', 'failed', 'status', 'mean TTFT (ms)', 'output tok/s', 'failures'];

function cells(r: EmptyReportRun): string[] {
  return [
    String(r.order + 1), r.arm, String(r.rep), String(r.completed), String(r.failed), r.partial ? 'cut short' : 'complete',
    fixed(r.meanTtftMs, 2), fixed(r.outputThroughput, 1), r.failures,
  ];
}

/** report.md when there is no comparison. */
export function renderEmptyMarkdown(d: EmptyReportData): string {
  const md = (s: string) => s.replace(/[|\\`*_<>]/g, (c) => `\\${c}`);
  const lines = [`# ${md(d.title)}`, ''];
  if (d.partial) lines.push(partialBannerMarkdown(d.partialReason), '');
  lines.push('**No comparison.**', '', ...d.notes.map((n) => `- ${md(n)}`), '');
  if (d.runs.length > 0) {
    lines.push('## Runs', '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`);
    for (const r of d.runs) lines.push(`| ${cells(r).map(md).join(' | ')} |`);
  } else lines.push('No run has results.');
  return lines.join('\n') + '\n';
}

/** report.html when there is no comparison: self-contained, no script, every string escaped. */
export function renderEmptyHtml(d: EmptyReportData): string {
  const rows = d.runs.map((r) => `<tr>${cells(r).map((c, i) => `<td${i === 1 || i === 5 || i === 8 ? ' class="l"' : ''}>${h(c)}</td>`).join('')}</tr>`).join('\n');
  const table = d.runs.length > 0
    ? `<h2>Runs</h2><table class="data" id="runs"><thead><tr>${HEAD.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>\n${rows}\n</tbody></table>`
    : '<p>No run has results.</p>';
  const banner = d.partial ? partialBannerHtml(d.partialReason) : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${h(d.title)}</title><style>${REPORT_CSS}</style></head>
<body><h1>${h(d.title)}</h1>${banner}<p><strong>No comparison.</strong></p>
<ul id="notes">${d.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>
${table}
</body></html>
`;
}

// report.html's own stylesheet (uPlot's stylesheet is inlined beside it): readable tables, verdict
// colours (green = B faster, red = B slower, grey = no significant difference), a chart grid, and
// a partial-run banner that cannot be missed.

/** CSS text for report.html. */
export const REPORT_CSS = `
:root { --a: #1f77b4; --b: #e6550d; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; padding: 24px 32px 64px; max-width: 1500px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.meta b { color: var(--fg); font-weight: 600; }
.arm-a { color: var(--a); font-weight: 600; }
.arm-b { color: var(--b); font-weight: 600; }
.banner { background: #fff1e5; border: 2px solid #d4700a; color: #7a3b00; padding: 10px 14px; border-radius: 6px; margin: 12px 0; font-weight: 600; }
.notes { background: #f6f8fa; border-left: 4px solid #8c959f; padding: 8px 14px 8px 28px; margin: 12px 0; }
.notes li { margin: 2px 0; }
table.data { font-size: 12.5px; border-collapse: collapse; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
table.data th, table.data td { border: 1px solid var(--line); padding: 3px 5px; text-align: right; white-space: nowrap; }
table.data th { background: #f6f8fa; font-weight: 600; }
table.data td.l, table.data th.l { text-align: left; }
table.data td.wrap, table.data th.wrap { white-space: normal; word-break: break-word; max-width: 420px; text-align: left; }
.verdict-faster { background: #dafbe1; color: #116329; font-weight: 600; }
.verdict-slower { background: #ffebe9; color: #a40e26; font-weight: 600; }
.verdict-none { color: var(--muted); }
.ci { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px 20px; }
.chart-box h4 { margin: 4px 0; font-size: 13px; font-weight: 600; }
.chart { min-height: 230px; }
.table-scroll { overflow-x: auto; }
details summary { cursor: pointer; color: var(--muted); }
.chart .u-legend { font-size: 12px; text-align: left; max-width: 100%; }
.chart .u-legend .u-series { display: inline-block; max-width: 100%; }
.chart .u-legend .u-series th { font-weight: 500; white-space: normal; overflow-wrap: anywhere; }
`;

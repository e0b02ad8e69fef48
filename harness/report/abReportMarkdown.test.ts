import { describe, expect, it } from 'vitest';
import { HOSTILE, syntheticReportData } from './abReportFixture.js';
import { mdText, renderAbMarkdown } from './abReportMarkdown.js';

function section(md: string, heading: string): string {
  const start = md.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n#', start + heading.length);
  return md.slice(start, next < 0 ? undefined : next);
}

describe('renderAbMarkdown', () => {
  const d = syntheticReportData();
  const md = renderAbMarkdown(d);

  it('has a table per latency metric with a row per statistic, CIs, p-values and verdicts', () => {
    for (const h of ['### TTFT (ms)', '### TPOT (ms)', '### ITL (ms)', '### E2EL (ms)']) {
      const rows = section(md, h).split('\n').filter((l) => /^\| (mean|median|p90|p99) \|/.test(l));
      expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| mean', '| median', '| p90', '| p99']);
    }
    const m = d.comparison.metrics.find((x) => x.metric === 'ttft' && x.statistic === 'mean')!;
    const row = section(md, '### TTFT').split('\n').find((l) => l.startsWith('| mean |'))!;
    const cells = row.split(' | ');
    expect(cells[1]).toBe(m.a.toFixed(2));
    expect(cells[2]).toBe(m.b.toFixed(2));
    expect(cells[3]).toBe(`${m.diff.toFixed(2)} [${m.diffCi[0].toFixed(2)}, ${m.diffCi[1].toFixed(2)}]`);
    expect(cells[4]).toBe(`${m.ratio.toFixed(4)} [${m.ratioCi[0].toFixed(4)}, ${m.ratioCi[1].toFixed(4)}]`);
    expect(cells[5]).toBe('<0.001');
    expect(cells[6]).toBe('0.030');
    expect(cells[7]).toMatch(/n=64 p=0\.010$/);
    expect(row.endsWith('| **B faster** |  |')).toBe(true); // MDE cell empty: only on no-difference rows
    expect(section(md, '### TPOT')).toContain('**B slower**');
  });

  it('prints the MDE on every no-difference row', () => {
    const rows = section(md, '### ITL').split('\n').filter((l) => l.includes('no significant difference'));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toMatch(/\| ±\d+\.\d\d ms \(6\.0%\) \|$/);
  });

  it('lists each repetition\'s value per metric and statistic', () => {
    const s = section(md, '## Per-repetition values');
    const m = d.comparison.metrics.find((x) => x.metric === 'tpot' && x.statistic === 'p90')!;
    expect(s).toContain(`| TPOT p90 (ms) | ${m.perRepetition.a.map((v) => v.toFixed(2)).join(', ')} | ${m.perRepetition.b.map((v) => v.toFixed(2)).join(', ')} |`);
  });

  it('tallies failures per arm over repetitions', () => {
    const s = section(md, '## Failures');
    expect(s).toContain('| timeout | 0 | 1 |');
    expect(s).toContain('| http\\_5xx | 0 | 1 |');
    expect(renderAbMarkdown({ ...d, repetitions: d.repetitions.map((r) => ({ ...r, failures: {} })) })).toContain('No failed requests.');
  });

  it('lists runs in run order', () => {
    const rows = section(md, '## Runs').split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows.map((r) => r.split(' | ')[1])).toEqual(['A', 'B (merge op off)', 'B (merge op off)', 'A']);
  });

  it('includes the accuracy table and verdict when present, and omits the section otherwise', () => {
    expect(section(md, '## Accuracy')).toContain('| STEM | 0.812 | 0.806 | -0.006 |');
    expect(md).toContain('No significant accuracy loss');
    expect(renderAbMarkdown({ ...d, accuracy: undefined })).not.toContain('## Accuracy');
  });

  it('warns about a partial run first and notes a single repetition per arm', () => {
    expect(md).not.toContain('partial run');
    const one = syntheticReportData({ reps: 1, partial: true });
    const out = renderAbMarkdown(one);
    expect(out.indexOf('**Warning: partial run.**')).toBeLessThan(out.indexOf('## A vs B'));
    expect(out).toContain('interrupted by SIGINT after 3 of 4 runs. Only finished');
    expect(section(out, '## Notes')).toContain('- 1 repetition per arm: run-to-run variance not covered');
  });

  it('does not repeat a run-to-run note the comparison already carries', () => {
    const one = syntheticReportData({ reps: 1 });
    one.comparison.notes = ['Single repetition per arm: run-to-run variance is not covered.'];
    const notes = section(renderAbMarkdown(one), '## Notes').split('\n').filter((l) => l.startsWith('- '));
    // The accuracy verdict leads the notes; then the one run-to-run note, once.
    expect(notes[0]).toMatch(/^- accuracy: /);
    expect(notes.slice(1)).toHaveLength(1);
  });

  it('never lets outside strings become markup or break a table', () => {
    const out = renderAbMarkdown(syntheticReportData({ hostile: true }));
    expect(out).not.toMatch(/<img|<script|<\/script/i);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const evil = renderAbMarkdown({ ...d, notes: ['a | b\nc'] });
    expect(evil).toContain('- a \\| b c');
  });
});

describe('mdText', () => {
  it('escapes HTML, Markdown punctuation and line breaks', () => {
    expect(mdText('<b>*x*</b> | `y`\n_z_')).toBe('&lt;b&gt;\\*x\\*&lt;/b&gt; \\| \\`y\\` \\_z\\_');
  });
});

describe('renderAbMarkdown: which column decides the verdict', () => {
  it('says the verdict is the CIs\' and the paired column is per request; median/p90/p99 show - there, not a ditto mark', () => {
    const d = syntheticReportData({ reps: 2 });
    d.comparison.repetitions = { a: 1, b: 2 };
    const md = renderAbMarkdown(d);
    expect(md).toContain('The verdict comes from the run-level comparison: the B-A and B/A intervals');
    expect(md).toContain('(A 1, B 2): the paired column uses the 1 both ran');
    const rows = section(md, '### TTFT (ms)').split('\n').filter((l) => /^\| (median|p90|p99) \|/.test(l));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r.split(' | ')[7]).toBe('-');
    expect(section(md, '### TTFT (ms)')).toContain('paired diff of means [CI] (per request) | verdict (from the CIs)');
    expect(md).toMatch(/n=\d+ p=0\.010/);
  });
});

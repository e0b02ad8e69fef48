// formatComparison: one aligned row per metric and statistic, "-" and "[no interval]" where a value
// does not exist, the MDE only beside "no significant difference", notes at the end.
import { describe, expect, it } from 'vitest';
import { compareArms } from './arms.js';
import { Rng } from './draw.js';
import { formatComparison, formatNumber, formatP } from './format.js';
import { syntheticArm } from './synthetic.js';

describe('formatComparison', () => {
  const rng = new Rng(3, 'format');
  const shape = { repetitions: 1, requests: 400, runSd: 0, noiseSd: 0.1 };
  const c = compareArms(
    {
      a: 'base',
      b: 'fused',
      metrics: [
        { metric: 'ttft', unit: 'ms', higherIsBetter: false, statistics: ['mean', 'p99'], a: syntheticArm(rng, { arm: 'base', ...shape }), b: syntheticArm(rng, { arm: 'fused', ...shape, shift: -0.2 }) },
        { metric: 'tpot', unit: 'ms', higherIsBetter: false, statistics: ['median'], a: syntheticArm(rng, { arm: 'base', ...shape }), b: syntheticArm(rng, { arm: 'fused', ...shape }) },
        { metric: 'output_throughput', unit: 'tok/s', higherIsBetter: true, statistics: ['mean'], a: { arm: 'base', repetitions: [{ units: [[900]] }] }, b: { arm: 'fused', repetitions: [{ units: [[950]] }] } },
      ],
    },
    { resamples: 300 },
  );
  const text = formatComparison(c);
  const lines = text.split('\n');

  it('prints a title, a header and one row per metric x statistic, columns aligned', () => {
    expect(lines[0]).toMatch(/B "fused" vs A "base": 95% CI.*300 resamples.*repetitions A 1 \/ B 1 \(run-to-run variance not covered\)/);
    expect(lines[1]).toMatch(/^metric\s+stat\s+A\s+B\s+B-A \[95% CI\]\s+B\/A\s+p\s+MW p\s+verdict\s+MDE \(80%\)$/);
    const rows = lines.slice(2, 6);
    expect(rows.map((r) => r.split(/\s{2,}/)[1])).toEqual(['mean', 'p99', 'median', 'mean']);
    // the verdict column starts at the same offset on every row
    const at = lines[1].indexOf('verdict');
    for (const r of rows) expect(r.slice(at)).toMatch(/^(faster|slower|no sig\. diff|withheld)/);
  });
  it('shows the MDE only on no-difference rows and marks missing values', () => {
    const [ttftMean, , tpot, tput] = lines.slice(2, 6);
    // 20% faster: no MDE column; one repetition per arm, so starred "within this run only".
    expect(ttftMean).toMatch(/faster\*\s*$/);
    expect(text).toContain('* within this run only: with one repetition per arm');
    expect(tpot).toMatch(/no sig\. diff\s+\d+\.\d+ \(\d+\.\d%\)$/);
    expect(tput).toMatch(/\+50\.00 \[no interval\]\s+1\.056\s+-\s+-\s+withheld\s+n\/a$/);
  });
  it('ends with the notes', () => {
    expect(lines.filter((l) => l.startsWith('note: '))).toEqual(c.notes.map((n) => `note: ${n}`));
    expect(c.notes.length).toBe(2);
  });
  it('number and p-value formats', () => {
    expect([formatNumber(NaN), formatNumber(5687.8), formatNumber(12.345), formatNumber(0.01234)]).toEqual(['-', '5687.8', '12.35', '0.012']);
    expect([formatP(null), formatP(0.0004), formatP(0.04567)]).toEqual(['-', '<0.001', '0.046']);
  });
});

describe('formatNumber near zero', () => {
  it('shows a nonzero value under 0.001 with two significant digits, not as -0.000', () => {
    expect(formatNumber(-0.0003)).toBe('-0.00030');
    expect(formatNumber(0.00042)).toBe('0.00042');
    expect(formatNumber(0)).toBe('0.00');
    expect(formatNumber(-0.227)).toBe('-0.227');
  });
});

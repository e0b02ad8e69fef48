// The report's number formats: a nonzero interval bound never prints as 0.00 or -0.00.
import { describe, expect, it } from 'vitest';
import { syntheticReportData } from './abReportFixture.js';
import { interval, mdeText, num, partialScope, signed } from './abReportFormat.js';
import { comparisonTableHtml } from './html/sections.js';

describe('num / interval near zero', () => {
  it('keeps two significant digits where the fixed decimals would round a nonzero value to zero', () => {
    expect(num(-0.003)).toBe('-0.0030');
    expect(num(0.004, 2)).toBe('0.0040');
    expect(num(0.006, 2)).toBe('0.01');
    expect(num(0)).toBe('0.00');
    expect(interval([-0.227, -0.0004])).toBe('[-0.23, -0.00040]');
    expect(signed(0.002)).toBe('+0.0020');
    expect(num(0.00004, 4)).toBe('0.000040');
  });
});

describe('partialScope', () => {
  it('after an interrupt: finished runs compared, the cut run kept; after a run limit: finished requests counted', () => {
    expect(partialScope('interrupted; in run 2 (b rep 1), 0 of 4 requests completed')).toBe('Only finished runs are compared; a run cut short is kept in its folder, not compared.');
    expect(partialScope(undefined)).toBe('Only finished runs are compared; a run cut short is kept in its folder, not compared.');
    expect(partialScope('run timeout (1500 ms) reached; 3 of 40 requests completed')).toBe('Only finished requests are counted.');
  });
});

describe('mdeText', () => {
  const m = syntheticReportData().comparison.metrics.find((x) => x.metric === 'itl' && x.statistic === 'mean')!;
  it('gives the MDE with its percentage of A', () => {
    expect(mdeText({ ...m, mde: 1.2, mdePct: 6 })).toBe('±1.20 ms (6.0%)');
  });
  it('a baseline within noise of zero: the MDE in ms, no percentage (it read 200000.0%), in report.html too', () => {
    const tiny = { ...m, a: 0.001, mde: 0.002, mdePct: NaN, baselineNearZero: true };
    expect(mdeText(tiny)).toBe('±0.0020 ms (A within noise of 0, no %)');
    const d = syntheticReportData();
    d.comparison.metrics = d.comparison.metrics.map((x) => (x.metric === 'itl' ? { ...x, a: 0.001, mde: 0.002, mdePct: 200000, baselineNearZero: true } : x));
    const html = comparisonTableHtml(d, 'itl');
    expect(html).toContain('±0.0020 ms (A within noise of 0, no %)');
    expect(html).not.toContain('200000');
  });
});

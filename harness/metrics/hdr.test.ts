import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, histogramFromMs, mergeHistograms } from './hdr.js';

describe('HDR histogram encode/decode', () => {
  it('round-trips counts and values within 3 significant digits', () => {
    const ms = [0.25, 1, 1, 12.345, 95.3, 11861.09, 250000];
    const h = histogramFromMs(ms);
    const s = encodeHistogram(h);
    expect(s.startsWith('HIST')).toBe(true); // HdrHistogram V2 compressed, base64
    const d = decodeHistogram(s);
    expect(d.totalCount).toBe(7);
    expect(d.minNonZeroValue).toBe(250); // 0.25 ms = 250 us, exactly representable
    // 250000 ms = 2.5e8 us: equivalent-value bucket within 0.1 %
    expect(Math.abs(d.maxValue - 2.5e8) / 2.5e8).toBeLessThan(1e-3);
    expect(d.getValueAtPercentile(50)).toBeGreaterThanOrEqual(12345 * 0.999);
    expect(d.getValueAtPercentile(50)).toBeLessThanOrEqual(12345 * 1.001);
  });

  it('decoded histograms merge (runs add up)', () => {
    const a = decodeHistogram(encodeHistogram(histogramFromMs([1, 2, 3])));
    const b = decodeHistogram(encodeHistogram(histogramFromMs([4000])));
    a.add(b);
    expect(a.totalCount).toBe(4);
    expect(a.maxValue).toBeGreaterThanOrEqual(4_000_000 * 0.999);
    const m = mergeHistograms([encodeHistogram(histogramFromMs([1])), encodeHistogram(histogramFromMs([9000, 2]))]);
    expect(m.totalCount).toBe(3);
  });

  it('clamps negative values and skips non-finite ones', () => {
    const h = histogramFromMs([-0.001, Number.NaN, Infinity, 5]);
    expect(h.totalCount).toBe(2);
    expect(h.minNonZeroValue).toBe(5000);
  });
});

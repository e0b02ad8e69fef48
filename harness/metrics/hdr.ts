// HdrHistogram storage for latency metrics: microseconds, 3 significant digits, auto-resizing.
// Histograms are for storage, merging across runs and plots; printed aggregates come from the
// exact values (numpyStats), because HDR buckets would shift vLLM-comparable numbers.
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

export function newLatencyHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Record millisecond values as whole microseconds; negative values (clock skew) clamp to 0. */
export function histogramFromMs(valuesMs: Iterable<number>): Histogram {
  const h = newLatencyHistogram();
  for (const v of valuesMs) {
    if (Number.isFinite(v)) h.recordValue(Math.max(0, Math.round(v * 1000)));
  }
  return h;
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decoded histograms come back fixed-range; re-enable auto-resize so they can absorb others. */
export function decodeHistogram(base64: string): Histogram {
  const h = hdr.decodeFromCompressedBase64(base64, 64, false);
  h.autoResize = true;
  return h;
}

/** Merge stored histograms (e.g. one metric over repetitions of an arm) into a new one. */
export function mergeHistograms(encoded: Iterable<string>): Histogram {
  const out = newLatencyHistogram();
  for (const s of encoded) out.add(decodeHistogram(s));
  return out;
}

/** Encode ms values straight to the stored form; the histogram is not kept. */
export function encodeMs(valuesMs: Iterable<number>): string {
  return encodeHistogram(histogramFromMs(valuesMs));
}

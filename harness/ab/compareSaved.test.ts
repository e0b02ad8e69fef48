import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { writeRunResults } from '../report/writeResults.js';
import { summarizeAb } from './compare.js';
import { aggregateRows, designMismatches, loadSavedRun, partialSides } from './compareSaved.js';
import type { ImportedRun } from '../report/vllmImport.js';
import { testTempDir } from '../common/testTmp.js';

const dir = testTempDir('abserve-compare-');

/** A saved `abserve bench` run: 40 requests, TTFT around `ttft` ms, 8 tokens 20 ms apart. */
async function savedRun(name: string, ttft: number): Promise<string> {
  const records = Array.from({ length: 40 }, (_, i) => {
    const t0 = ttft + ((i * 37) % 11) - 5;
    return rec({ index: i, sentAt: 0, tokenTimes: Array.from({ length: 8 }, (_, k) => t0 + 20 * k) });
  });
  const result = aggregate(records, runInfo({ numPrompts: 40, endedAt: 2000 }), { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
  const files = await writeRunResults(path.join(dir, name), result, records, { name });
  return files.json;
}

describe('abserve compare: saved runs', () => {
  it('compares two abserve bench runs request by request, with an interval and a verdict', async () => {
    const a = loadSavedRun(await savedRun('a', 100), 'A');
    const b = loadSavedRun(await savedRun('b', 130), 'B');
    expect(a.data?.requests).toHaveLength(40);
    const out = await summarizeAb({ dir, scenario: 'compare', createdAt: '', arms: ['A', 'B'], alpha: 0.05, runs: [a.data!, { ...b.data!, order: 1 }], manifest: {}, partial: false, write: false });
    const ttft = out.comparison!.metrics.find((m) => m.metric === 'ttft' && m.statistic === 'mean')!;
    expect(ttft.diff).toBeCloseTo(30, 0);
    expect(ttft.verdict).toBe('slower');
    expect(ttft.paired?.n).toBe(40);
    expect(out.comparison!.runToRunCovered).toBe(false);
    expect(out.files.comparison).toBeNull(); // write: false
  });

  it('reads a printed vLLM block as aggregates only, and compares the statistics both sides carry', () => {
    const block = (ttft: number) => `============ Serving Benchmark Result ============
Successful requests:                     32
Benchmark duration (s):                  200.00
Total input tokens:                      131072
Total generated tokens:                  32768
Request throughput (req/s):              0.16
Output token throughput (tok/s):         163.84
Total Token throughput (tok/s):          819.20
---------------Time to First Token----------------
Mean TTFT (ms):                          ${ttft}
Median TTFT (ms):                        3958.66
P99 TTFT (ms):                           11861.09
==================================================
`;
    writeFileSync(path.join(dir, 'a.txt'), block(5654.02));
    writeFileSync(path.join(dir, 'b.txt'), block(5687.8));
    const a = loadSavedRun(path.join(dir, 'a.txt'), 'A');
    const b = loadSavedRun(path.join(dir, 'b.txt'), 'B');
    expect(a.data).toBeNull();
    expect(designMismatches(a.run, b.run)).toEqual([]);
    writeFileSync(path.join(dir, 'c.txt'), block(5654.02).replace('Total generated tokens:                  32768', 'Total generated tokens:                  2048'));
    expect(designMismatches(a.run, loadSavedRun(path.join(dir, 'c.txt'), 'C').run)).toEqual(['output tokens per request: A 1024 vs B 64']);
    const rows = aggregateRows(a.run, b.run);
    const mean = rows.find((r) => r.metric === 'ttft' && r.statistic === 'mean')!;
    expect(mean.diff).toBeCloseTo(33.78, 2);
    expect(rows.some((r) => r.metric === 'tpot')).toBe(false); // not in the block: not invented
  });

  it('refuses an A/B results folder and a folder without exactly one result, naming the path', () => {
    const ab = mkdtempSync(path.join(dir, 'ab-'));
    writeFileSync(path.join(ab, 'manifest.json'), '{}');
    expect(() => loadSavedRun(ab, 'A')).toThrow(/abserve report/);
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    expect(() => loadSavedRun(empty, 'A')).toThrow(new RegExp(`${empty}: expected one result .json`));
    expect(() => loadSavedRun(path.join(dir, 'missing.json'), 'A')).toThrow(/no such file/);
  });
});

describe('abserve compare: a partial side says its counts once, from the file', () => {
  const run = (o: Partial<ImportedRun>): ImportedRun =>
    ({ source: 'x.json', origin: 'abserve', completed: 20, failed: 0, numPrompts: 20, durationS: 1, totalInputTokens: 1, totalOutputTokens: 1, metrics: {}, extra: {}, ...o }) as ImportedRun;

  it('drops the counts bench appends to the reason and states the file\'s', () => {
    const b = run({ partial: true, partialReason: 'interrupted; 249 of 3000 requests completed, 2751 cancelled', completed: 249, numPrompts: 3000 });
    expect(partialSides(run({}), b, ['A', 'B'])).toEqual(['B (B) is a partial run (interrupted): 249 of 3000 requests completed, 2751 cancelled; A 20 of 20']);
  });

  it('trusts the file where the reason\'s counts disagree with it (reason 3 of 4, file 0 completed)', () => {
    const a = run({ partial: true, partialReason: 'run timeout (5 s); 3 of 4 requests completed, 1 cancelled', completed: 0, failed: 1, numPrompts: 4 });
    const [line] = partialSides(a, run({}), ['a', 'b']);
    expect(line).toBe('A (a) is a partial run (run timeout (5 s)): 0 of 4 requests completed, 1 failed, 3 cancelled; B 20 of 20');
    expect(line).not.toContain('3 of 4');
  });

  it('drops bench\'s newer counts too (finished, with succeeded and failed)', () => {
    const b = run({ partial: true, partialReason: 'server refused every connection; 3 of 4 requests finished (0 succeeded, 3 failed), 1 cancelled', completed: 0, failed: 3, numPrompts: 4 });
    expect(partialSides(run({}), b, ['A', 'B'])).toEqual(['B (B) is a partial run (server refused every connection): 0 of 4 requests completed, 3 failed, 1 cancelled; A 20 of 20']);
  });

  it('keeps a reason that carries no counts as the cause', () => {
    const b = run({ partial: true, partialReason: 'crashed', completed: 5, numPrompts: undefined, failed: undefined });
    expect(partialSides(run({}), b, ['A', 'B'])).toEqual(['B (B) is a partial run (crashed): 5 requests completed; A 20 of 20']);
  });
});

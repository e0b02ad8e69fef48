import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate, FIT_METRICS } from '../engine/calibrate.js';
import { getProfile, R1_L20_PP3_TP8_START } from '../engine/profiles.js';
import { DEFAULT_PUBLISHED, formatFitTable, publishedTargets } from './calibrate.js';
import { testTempDir } from '../common/testTmp.js';

describe('abserve calibrate', () => {
  const targets = publishedTargets(DEFAULT_PUBLISHED);

  it('reads the four published blocks as scenarios and arms from their own numbers', () => {
    expect(targets.map((t) => `${t.scenario.name}/${t.arm}`)).toEqual(['4k-1k/cuda', '4k-1k/fallback', '8k-64/cuda', '8k-64/fallback']);
    expect(targets[0].scenario).toEqual({ name: '4k-1k', numPrompts: 32, inputLen: 4096, outputLen: 1024, concurrency: 16 });
    expect(targets[3].scenario).toEqual({ name: '8k-64', numPrompts: 16, inputLen: 8192, outputLen: 64, concurrency: 16 });
    expect(targets[3].published.meanTtftMs).toBe(15188.7);
  });

  it('rerunning the fit gives back the stored r1-l20-pp3-tp8 profile, every number within 15%', () => {
    const fit = calibrate(R1_L20_PP3_TP8_START, targets);
    expect(fit.profile).toEqual(getProfile('r1-l20-pp3-tp8'));
    expect(fit.rows).toHaveLength(4 * FIT_METRICS.length);
    for (const r of fit.rows) expect(Math.abs(r.errorPct), `${r.scenario} ${r.arm} ${r.metric}`).toBeLessThanOrEqual(15);
    const table = formatFitTable(fit.rows);
    expect(table.split('\n')[1]).toMatch(/^4k-1k\s+cuda\s+meanTtft \(ms\)\s+5654\.02\s+\d+\.\d\d\s+[+-]\d+\.\d$/);
  }, 60_000);

  it("takes vLLM --save-result JSON as well, the arm from the file name", () => {
    const dir = testTempDir('abserve-cal-');
    const run = (ttft: number) => ({
      completed: 4, duration: 10, total_input_tokens: 400, total_output_tokens: 40, max_concurrency: 2,
      mean_ttft_ms: ttft, median_ttft_ms: ttft, p99_ttft_ms: ttft * 2, mean_tpot_ms: 9, median_itl_ms: 8,
    });
    writeFileSync(join(dir, 'small-with-op.json'), JSON.stringify(run(100)));
    writeFileSync(join(dir, 'small-without-op.json'), JSON.stringify(run(110)));
    const t = publishedTargets(dir);
    expect(t.map((x) => [x.scenario.name, x.arm, x.published.meanTtftMs])).toEqual([
      ['small', 'cuda', 100],
      ['small', 'fallback', 110],
    ]);
    expect(t[0].scenario).toEqual({ name: 'small', numPrompts: 4, inputLen: 100, outputLen: 10, concurrency: 2 });
  });

  it('a folder without blocks is a one-line error naming the flag', () => {
    expect(() => publishedTargets('/nonexistent-dir')).toThrow('--published: cannot read /nonexistent-dir (ENOENT)');
  });
});

import { fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatImportTable, importFiles, writeRuns } from './import.js';
import { testTempDir } from '../common/testTmp.js';

const PUBLISHED = fileURLToPath(new URL('../engine/published-r1-l20', import.meta.url));

describe('abserve import', () => {
  it('tabulates the published blocks with their own numbers', () => {
    const runs = importFiles([join(PUBLISHED, '4k-1k.with-op.txt'), join(PUBLISHED, '8k-64.without-op.txt')]);
    const lines = formatImportTable(runs).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/4k-1k\.with-op\.txt\s+32\s+-\s+206\.65\s+5654\.02\s+3958\.66\s+11861\.09\s+95\.30\s+89\.62\s+no/);
    expect(lines[2]).toContain('15188.70');
  });

  it('a missing file is one line naming it', () => {
    expect(() => importFiles(['/nonexistent/x.txt'])).toThrow('import: cannot read /nonexistent/x.txt (ENOENT)');
  });

  it('a detailed vLLM JSON becomes abserve result files recomputed by metrics/', async () => {
    const dir = testTempDir('abserve-import-');
    const src = join(dir, 'run.json');
    writeFileSync(
      src,
      JSON.stringify({
        completed: 2, failed: 0, duration: 2, total_input_tokens: 20, total_output_tokens: 5, max_concurrency: 2,
        input_lens: [10, 10], output_lens: [3, 2], ttfts: [0.1, 0.3], itls: [[0.05, 0.05], [0.1]], latencies: [0.2, 0.4],
        errors: ['', ''], mean_ttft_ms: 200,
      }),
    );
    // Written into the source's own folder: the vLLM file must survive.
    const before = readFileSync(src, 'utf8');
    const files = await writeRuns(dir, importFiles([src]));
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['run.imported.json', 'run.abserve.json', 'run.abserve.requests.jsonl']);
    expect(readFileSync(src, 'utf8')).toBe(before);
    const j = JSON.parse(readFileSync(files[1], 'utf8')) as Record<string, number>;
    expect(j.mean_ttft_ms).toBeCloseTo(200, 9);
    expect(j.mean_tpot_ms).toBeCloseTo((50 + 100) / 2, 9);
    expect(j.total_output_tokens).toBe(5);
    expect(readFileSync(files[2], 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

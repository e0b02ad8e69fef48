// What a vLLM user trial of `abserve compare` found: it could not read `abserve import` output,
// warned only on token counts, ignored labels, and took request throughput from a block's
// 2-decimal rounding. Inputs are real: the published R1 blocks through import's own writer, and
// results written by abserve's own result writer.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importFiles, writeRuns } from '../cli/import.js';
import { aggregate } from '../metrics/aggregate.js';
import type { RunInfo } from '../metrics/types.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { writeRunResults } from '../report/writeResults.js';
import { aggregateRows, armNames, designMismatches, formatAggregateRows, loadSavedRun } from './compareSaved.js';
import { testTempDir } from '../common/testTmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PUBLISHED = path.join(ROOT, 'harness/engine/published-r1-l20');
const dir = testTempDir('abserve-compare-trial-');

/** The four published blocks as `abserve import --result-dir` writes them. */
async function imported(): Promise<string> {
  const out = path.join(dir, 'imp');
  mkdirSync(out, { recursive: true });
  const files = readdirSync(PUBLISHED).filter((f) => f.endsWith('.txt')).map((f) => path.join(PUBLISHED, f));
  await writeRuns(out, importFiles(files));
  return out;
}

/** A saved `abserve bench` result with the given run settings. */
async function bench(name: string, info: Partial<RunInfo>): Promise<string> {
  const records = Array.from({ length: 10 }, (_, i) => rec({ index: i, sentAt: 0, tokenTimes: [20 + i, 30 + i, 40 + i] }));
  const result = aggregate(records, runInfo({ numPrompts: 10, endedAt: 500, ...info }), { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
  return (await writeRunResults(path.join(dir, name), result, records, { name })).json;
}

describe('compare reads what import writes', () => {
  it('loads <name>.imported.json with the numbers of the block', async () => {
    const imp = await imported();
    const a = loadSavedRun(path.join(imp, '8k-64.without-op.imported.json'), 'A');
    expect(a.run.completed).toBe(16);
    expect(a.run.durationS).toBe(42.55);
    expect(a.run.maxConcurrency).toBe(16);
    expect(a.run.metrics.ttft?.mean).toBe(15188.7);
    expect(a.data).toBeNull(); // a block: aggregates only
    const b = loadSavedRun(path.join(imp, '8k-64.with-op.imported.json'), 'B');
    expect(designMismatches(a.run, b.run)).toEqual([]);
    expect(aggregateRows(a.run, b.run).find((r) => r.metric === 'ttft' && r.statistic === 'mean')!.diff).toBeCloseTo(14534.5 - 15188.7, 6);
  });

  it('a folder of several imported runs names them and says how to pick; a folder of one is read', async () => {
    const imp = await imported();
    expect(() => loadSavedRun(imp, 'A')).toThrow(
      `${imp}: an \`abserve import\` folder holding 4 runs (4k-1k.with-op.imported.json, 4k-1k.without-op.imported.json, 8k-64.with-op.imported.json, 8k-64.without-op.imported.json); ` +
        `name one file per side, e.g. abserve compare ${path.join(imp, '4k-1k.with-op.imported.json')} ${path.join(imp, '4k-1k.without-op.imported.json')}`,
    );
    const one = path.join(dir, 'one');
    mkdirSync(one);
    await writeRuns(one, importFiles([path.join(PUBLISHED, '8k-64.with-op.txt')]));
    expect(loadSavedRun(one, 'A').file).toBe(path.join(one, '8k-64.with-op.imported.json'));
  });

  it('an imported.json of another schema version or with a bad field is one line naming file and field', () => {
    const f = path.join(dir, 'bad.imported.json');
    writeFileSync(f, JSON.stringify({ schema: 'abserve-import/9', run: {} }));
    expect(() => loadSavedRun(f, 'A')).toThrow(`${f}: field 'schema': want 'abserve-import/1', got "abserve-import/9"`);
    writeFileSync(f, JSON.stringify({ schema: 'abserve-import/1', run: { source: 'vllm-text', completed: 'x' } }));
    expect(() => loadSavedRun(f, 'A')).toThrow(`${f}: run: field 'completed': want a number, got "x"`);
  });
});

describe('compare warns on every recorded setting that differs', () => {
  it('endpoint, max_concurrency, request_rate, burstiness, ignore_eos, num_prompts: one `A ... vs B ...` each', async () => {
    const a = loadSavedRun(await bench('set-a', { metadata: { ignore_eos: 'true' } }), 'A');
    const b = loadSavedRun(await bench('set-b', {
      endpoint: '/v1/chat/completions', maxConcurrency: 4, requestRate: 8, burstiness: 0.5, numPrompts: 12, metadata: { ignore_eos: 'false' },
    }), 'B');
    expect(designMismatches(a.run, b.run)).toEqual([
      'endpoint: A /v1/completions vs B /v1/chat/completions',
      'max_concurrency: A none vs B 4',
      'request_rate: A inf vs B 8',
      'burstiness: A 1 vs B 0.5',
      'ignore_eos: A true vs B false',
      'num_prompts: A 10 vs B 12',
    ]);
    expect(designMismatches(a.run, a.run)).toEqual([]);
  });

  it('warns on ignore_eos from what abserve bench records, without --metadata', async () => {
    const a = loadSavedRun(await bench('eos-on', { ignoreEos: true }), 'A');
    const b = loadSavedRun(await bench('eos-off', { ignoreEos: false }), 'B');
    expect(designMismatches(a.run, b.run)).toContain('ignore_eos: A true vs B false');
    expect(designMismatches(a.run, a.run)).toEqual([]);
  });

  it('a setting one side does not record (a printed block) is not compared; prompt length is', async () => {
    const imp = await imported();
    const block = loadSavedRun(path.join(imp, '8k-64.with-op.imported.json'), 'A').run; // concurrency 16, 8192-token prompts
    const ours = loadSavedRun(await bench('set-c', {}), 'B').run;
    // The block records neither model, endpoint, rate, burstiness, ignore_eos nor num_prompts.
    expect(designMismatches(block, ours)).toEqual([
      'max_concurrency: A 16 vs B none',
      'prompt tokens per request: A 8192 vs B 100',
      'output tokens per request: A 64 vs B 3',
    ]);
  });
});

describe('compare names arms after the runs', () => {
  it('label when there is one, else the file name; equal names get (A)/(B)', async () => {
    const imp = await imported();
    const labelled = loadSavedRun(await bench('lab', { label: 'mylabel' }), 'A');
    const unlabelled = loadSavedRun(path.join(imp, '8k-64.with-op.imported.json'), 'B');
    expect(armNames(labelled, unlabelled)).toEqual(['mylabel', '8k-64.with-op']);
    expect(armNames(unlabelled, labelled)).toEqual(['8k-64.with-op', 'mylabel']);
    expect(armNames(labelled, labelled)).toEqual(['mylabel (A)', 'mylabel (B)']);
  });
});

describe('aggregate-only compare of printed blocks', () => {
  it('throughputs come from completed requests and duration, not the 2-decimal rounding; units in the names', async () => {
    const imp = await imported();
    const a = loadSavedRun(path.join(imp, '8k-64.without-op.imported.json'), 'A').run;
    const b = loadSavedRun(path.join(imp, '8k-64.with-op.imported.json'), 'B').run;
    expect(a.requestThroughput).toBe(0.38); // as printed
    const rows = aggregateRows(a, b);
    const req = rows.find((r) => r.metric === 'request_throughput')!;
    expect(req.a).toBeCloseTo(16 / 42.55, 10);
    expect(req.b).toBeCloseTo(16 / 41.58, 10);
    expect(req.ratio).toBeCloseTo(42.55 / 41.58, 10); // 1.0233, not 1.0000
    expect(rows.find((r) => r.metric === 'output_throughput')!.a).toBeCloseTo(1024 / 42.55, 10);
    const table = formatAggregateRows(rows, 'A', 'B');
    expect(table).toMatch(/^request_throughput \(req\/s\) +value +0\.376 +0\.385 +\+0\.009 +1\.0233$/m);
    expect(table).toMatch(/^output_throughput \(tok\/s\) +value /m);
    expect(table).toMatch(/^ttft \(ms\) +mean +15188\.7 +14534\.5 +-654\.2 +0\.9569$/m);
  });
});

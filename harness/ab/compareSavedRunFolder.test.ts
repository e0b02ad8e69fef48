// `abserve compare` on a run folder of `abserve ab` (runs/NN-ARM-repN/: result.json and run.json):
// the folder names its result.json; other folders with several .json files stay ambiguous.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { writeRunResults } from '../report/writeResults.js';
import { loadSavedRun } from './compareSaved.js';
import { testTempDir } from '../common/testTmp.js';

const dir = testTempDir('abserve-compare-folder-');

/** A run folder as runOne writes it: result.json (vLLM layout) beside run.json (a JSON, not a result). */
async function runFolder(name: string): Promise<string> {
  const folder = path.join(dir, name);
  const records = Array.from({ length: 12 }, (_, i) => rec({ index: i, sentAt: 0, tokenTimes: [50 + i, 70 + i, 90 + i] }));
  const result = aggregate(records, runInfo({ numPrompts: 12, endedAt: 500 }), { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
  await writeRunResults(folder, result, records, { name: 'result' });
  writeFileSync(path.join(folder, 'run.json'), JSON.stringify({ order: 0, arm: 'without-op', rep: 1, requests: [] }) + '\n');
  return folder;
}

describe('compare: abserve ab run folders', () => {
  it('reads result.json from a run folder that also holds run.json', async () => {
    const folder = await runFolder('01-without-op-rep1');
    const run = loadSavedRun(folder, 'A');
    expect(run.file).toBe(path.join(folder, 'result.json'));
    expect(run.data?.requests).toHaveLength(12);
  });

  it('says what a --simulate run folder (run.json alone) is, instead of a missing vLLM field', () => {
    const sim = path.join(dir, 'sim', 'runs', '01-a-rep1');
    mkdirSync(sim, { recursive: true });
    writeFileSync(path.join(sim, 'run.json'), JSON.stringify({ order: 0, arm: 'a', rep: 1, requests: [] }) + '\n');
    expect(() => loadSavedRun(sim, 'A')).toThrow(`${sim}: a run folder without result.json (an \`abserve ab --simulate\` run); compare its A/B folder with: abserve report ${path.join(dir, 'sim')}`);
  });

  it('still refuses a folder with several .json files and no result.json, naming the path', () => {
    const other = path.join(dir, 'two');
    mkdirSync(other);
    writeFileSync(path.join(other, 'a.json'), '{}');
    writeFileSync(path.join(other, 'b.json'), '{}');
    expect(() => loadSavedRun(other, 'A')).toThrow(`${other}: expected one result .json in the folder, found 2 (a.json, b.json); name the file`);
  });
});

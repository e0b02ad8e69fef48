// `abserve report` on a folder that is not an A/B's: one line, and for one run's folder a pointer
// to `abserve compare`, which takes it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';
import { loadAbResults } from './loadResults.js';

describe('loadAbResults on a folder without manifest.json', () => {
  it('points a run folder (result.json) to abserve compare, any other folder to what it expects', () => {
    const dir = testTempDir('abserve-load-');
    const run = path.join(dir, '01-without-op-rep1');
    mkdirSync(run);
    writeFileSync(path.join(run, 'result.json'), '{}');
    expect(() => loadAbResults(run)).toThrow(`${run}: no manifest.json here; it holds one run (result.json): compare two runs with abserve compare ${run} <other run>`);
    expect(() => loadAbResults(dir)).toThrow(`${dir}: no manifest.json here; is it a results folder of abserve ab?`);
  });
});

import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareResultDir } from './resultDir.js';
import { testTempDir } from '../common/testTmp.js';

const root = testTempDir('abserve-rd-');

describe('the results folder of an A/B', () => {
  it('is created with logs/, nested folders included', () => {
    const d = path.join(root, 'a', 'b');
    prepareResultDir(d);
    expect(readdirSync(d)).toEqual(['logs']);
  });

  it('never reuses a folder that holds a run (it would mix two runs)', () => {
    const d = path.join(root, 'used');
    prepareResultDir(d);
    writeFileSync(path.join(d, 'manifest.json'), '{}');
    expect(() => prepareResultDir(d)).toThrow(`results folder ${d}: already holds a run (manifest.json); choose another --result-dir, or remove it`);
    // ...unless that run failed before any run finished: nothing there to keep.
    writeFileSync(path.join(d, 'manifest.json'), JSON.stringify({ status: 'failed', error: 'no server' }));
    expect(() => prepareResultDir(d)).not.toThrow();
    writeFileSync(path.join(d, 'manifest.json'), JSON.stringify({ status: 'failed', runs_finished: 2 }));
    expect(() => prepareResultDir(d)).toThrow(/already holds a run/);
  });

  it('refuses an empty --result-dir (it wrote manifest.json and runs/ into the current folder)', () => {
    const before = readdirSync(process.cwd());
    expect(() => prepareResultDir('')).toThrow(/^--result-dir: got an empty value$/);
    expect(readdirSync(process.cwd())).toEqual(before);
  });

  it('fails in one line when a part of the path is a file, or cannot be made', () => {
    const f = path.join(root, 'afile');
    writeFileSync(f, 'x');
    expect(() => prepareResultDir(path.join(f, 'sub'))).toThrow(`${f} is a file, not a folder`);
    expect(() => prepareResultDir('/proc/abserve-nope/x')).toThrow(/results folder \/proc\/abserve-nope\/x: cannot create \/proc\/abserve-nope \(E[A-Z]+\)/);
  });
});

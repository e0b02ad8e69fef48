// `abserve report` on a folder that is not an A/B's: one line, and for one run's folder a pointer
// to `abserve compare`, which takes it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { requestLine } from '../report/writeResults.js';
import { summarizeAb } from './compare.js';
import { loadAbResults, manifestDesign, settledManifest } from './loadResults.js';
import { toRunData } from './runData.js';

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

describe('a manifest left saying running (abserve ab SIGKILLed)', () => {
  const manifest = (over: Record<string, unknown>) => ({ scenario: { name: 's' }, status: 'running', host: os.hostname(), ...over });

  it('is interrupted when its pid is gone from this host, without rewriting the file', async () => {
    // A pid that certainly existed and is gone: a child that has exited.
    const child = spawn(process.execPath, ['-e', '']);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const dead = child.pid!;
    const dir = testTempDir('abserve-load-');
    const file = path.join(dir, 'manifest.json');
    const text = JSON.stringify(manifest({ pid: dead }));
    writeFileSync(file, text);
    const saved = loadAbResults(dir);
    expect(saved.manifest).toMatchObject({ status: 'interrupted', partial_reason: `interrupted: the run's process (pid ${dead}) is gone (killed or crashed)` });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('stays running while the process lives, on another host, or without a pid (older manifests)', () => {
    const gone = () => false;
    expect(settledManifest(manifest({ pid: process.pid })).status).toBe('running');
    expect(settledManifest(manifest({ pid: 12345, host: `not-${os.hostname()}` }), gone).status).toBe('running');
    expect(settledManifest(manifest({}), gone).status).toBe('running');
    expect(settledManifest(manifest({ pid: 12345, status: 'complete' }), gone).status).toBe('complete');
    expect(settledManifest(manifest({ pid: 12345 }), gone).status).toBe('interrupted');
  });
});

describe('a run in flight when abserve ab was SIGKILLed (requests.jsonl, no run.json)', () => {
  it('is read back from requests.jsonl as a run cut short: named in the reason, listed as cut short, not compared', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const dir = testTempDir('abserve-load-killed-');
    const arms = [{ name: 'without-op' }, { name: 'with-op' }];
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      scenario: { name: 'smoke', runArms: arms, workload: { numPrompts: 40 } }, status: 'running', host: os.hostname(), pid: child.pid,
    }));
    const records = (n: number) => Array.from({ length: n }, (_, i) => rec({ index: i, sentAt: i, tokenTimes: [i + 30, i + 40, i + 50] }));
    // Run 1 finished (run.json); run 2 had 12 requests in requests.jsonl when the process died,
    // the 13th line torn mid-write; a warmup line is not a measured request.
    const run1 = path.join(dir, 'runs', '01-without-op-rep1');
    mkdirSync(run1, { recursive: true });
    const r1 = records(40);
    writeFileSync(path.join(run1, 'run.json'), JSON.stringify(toRunData({ arm: 'without-op', rep: 1, order: 0 }, aggregate(r1, runInfo({ numPrompts: 40, endedAt: 100 })), r1, undefined)));
    const run2 = path.join(dir, 'runs', '02-with-op-rep1');
    mkdirSync(run2, { recursive: true });
    const lines = [requestLine(rec({ index: 0, warmup: true, tokenTimes: [5] })), ...records(12).map(requestLine)];
    writeFileSync(path.join(run2, 'requests.jsonl'), lines.join('\n') + '\n{"index":12,"warm');

    const saved = loadAbResults(dir);
    expect(saved.runs.map((r) => [r.order, r.arm, r.rep, r.partial, r.completed])).toEqual([[0, 'without-op', 1, false, 40], [1, 'with-op', 1, true, 12]]);
    expect(saved.runs[1]!.cut).toEqual({ cause: 'interrupted', interrupted: true, finished: 12, of: 40, cancelled: 28 });
    const reason = String(saved.manifest.partial_reason);
    expect(reason).toBe(`interrupted: the run's process (pid ${child.pid}) is gone (killed or crashed); run 2 (with-op rep 1) cut short: 12 requests finished, kept, not compared`);

    const d = manifestDesign(saved.manifest);
    const out = await summarizeAb({ dir, scenario: d.scenario, createdAt: d.createdAt, arms: d.arms, alpha: 0.05, runs: saved.runs, manifest: saved.manifest, partial: true, partialReason: reason });
    expect(out.notes).toContain('no comparison: arm "with-op" has only a run cut short by the interrupt (kept in the folder, not compared), so there is nothing to compare');
    expect(out.notes.join('\n')).not.toContain('had not run yet');
    const html = readFileSync(out.files.html!, 'utf8');
    expect(html).toMatch(/<tr><td>2<\/td><td class="l">with-op<\/td><td>1<\/td><td>12<\/td><td>0<\/td><td class="l">cut short<\/td>/);
    expect(html).not.toMatch(/[?.]\./);
    expect(readFileSync(out.files.markdown!, 'utf8')).toContain('| 2 | with-op | 1 | 12 | 0 | cut short |');
  });
});

// `abserve report` on a folder that is not an A/B's: one line, and for one run's folder a pointer
// to `abserve compare`, which takes it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';
import { loadAbResults, settledManifest } from './loadResults.js';

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
    expect(saved.manifest).toMatchObject({ status: 'interrupted', partial_reason: `interrupted: the run's process (pid ${dead}) is gone: killed?` });
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

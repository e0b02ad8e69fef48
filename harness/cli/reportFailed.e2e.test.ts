// `abserve report` on the folder of an A/B that failed (manifest status `failed` with its error):
// it says the A/B failed and why, never "partial run", and exits 1.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/abserve.js');
const abserve = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, timeout: 120_000, cwd: ROOT, env: { NO_COLOR: '1' } });
const ERROR = 'target url http://127.0.0.1:9/v1: connect ECONNREFUSED 127.0.0.1:9';

describe('abserve report on a failed A/B', () => {
  it('before any run finished: one line quoting the manifest\'s error, exit 1, no report files', async () => {
    const dir = path.join(testTempDir('abserve-report-failed-'), 'ab');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
      status: 'failed', error: ERROR, created_at: '2026-01-01T00:00:00Z',
      scenario: { name: 'smoke', alpha: 0.05, seed: 1, runArms: [{ name: 'without-op' }, { name: 'with-op' }] },
    }));
    const r = await abserve(['report', dir]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`abserve: ${dir}: the A/B failed before any run finished: ${ERROR}`]);
    expect(r.stdout).not.toContain('partial');
    for (const f of ['report.md', 'report.html', 'comparison.json']) expect(existsSync(path.join(dir, f)), f).toBe(false);
  }, 60_000);

  it('after some runs finished: reports them under the failure and its error, not as a partial run, exit 1', async () => {
    const dir = path.join(testTempDir('abserve-report-failed-runs-'), 'ab');
    const ab = await abserve(['ab', 'scenarios/smoke.yaml', '--result-dir', dir, '--resamples', '200']);
    expect(ab.exitCode, ab.stderr).toBe(0);
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, status: 'failed', error: `${ERROR}\n  (while starting arm with-op)` }));
    const r = await abserve(['report', dir]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`abserve: ${dir}: the A/B failed: ${ERROR} (while starting arm with-op) (the runs that finished before it are reported)`]);
    expect(r.stdout).toContain(`note: the A/B failed: ${ERROR} (while starting arm with-op); only the runs that finished before the failure are compared`);
    expect(r.stdout).not.toMatch(/partial run|run status: failed/);
    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toContain('**Warning: the A/B failed.**');
    expect(md).toContain('ECONNREFUSED');
    expect(md).not.toMatch(/partial run|run status: failed/);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('The A/B failed: ');
    expect(html).not.toContain('Partial run:');
  }, 180_000);
});

// `abserve compare` on two run folders that `abserve ab` wrote (its help says a folder is accepted).
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/abserve.js');
const abserve = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, timeout: 120_000, cwd: ROOT, env: { NO_COLOR: '1' } });

describe('abserve compare on abserve ab run folders', () => {
  it('compares runs/01-... with runs/02-... through their result.json', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'abserve-compare-e2e-')), 'ab');
    const ab = await abserve(['ab', 'scenarios/smoke.yaml', '--result-dir', out, '--resamples', '200']);
    expect(ab.exitCode, ab.stderr).toBe(0);
    const a = path.join(out, 'runs', '01-without-op-rep1');
    const b = path.join(out, 'runs', '02-with-op-rep1');
    const r = await abserve(['compare', a, b]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`A (without-op): ${path.join(a, 'result.json')}\nB (with-op): ${path.join(b, 'result.json')}`);
    expect(r.stdout).toMatch(/^ttft \(ms\) +mean /m);
  }, 180_000);
});

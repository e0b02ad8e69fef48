// `abserve micro` as a user runs it: every bad input is one line and exit 2 (flags with empty
// values, --from-json with run flags or a truncated file, a shape too large for the machine, a
// kernel knob the kernels would misread), and Ctrl-C keeps and prints the finished cases, marked
// partial, with exit 3.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const dir = testTempDir('abserve-micro-e2e-');

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const CASE = { device: 'cpu', dtype: 'float32', T: 1, H: 1, D: 8, S: 2, bytes: 100, copy: { bytes: 100, coldUs: 1, coldMinUs: 1, steadyUs: null, error: null } };

const ERRORS: Array<[string, string[], RegExp, Record<string, string>?]> = [
  ['--from-json with no file', ['micro', '--from-json'], /^abserve: --from-json: needs a result file/],
  ['--from-json with run flags', ['micro', '--from-json', 'x.json', '--shapes', '8x1x8', '--no-naive'], /^abserve: --from-json formats a saved result; --shapes, --naive would do nothing with it$/],
  ['--shapes empty', ['micro', '--shapes', ''], /^abserve: --shapes: got an empty value/],
  ['--dtypes with no dtype', ['micro', '--dtypes', ','], /^abserve: --dtypes: no dtype in ','/],
  ['--kernel with no file', ['micro', '--kernel'], /^abserve: --kernel: needs a file/],
  ['--threads above the machine', ['micro', '--threads', '1000'], /^abserve: --threads: expected an integer from 0 \(all\) to \d+ \(this machine's available parallelism\), got 1000$/],
  ['--kernel a directory', ['micro', '--kernel', tmpdir()], /^abserve: --kernel .*: is a directory/],
  ['a shape larger than the machine', ['micro', '--device', 'cpu', '--shapes', '100000x1000x1000', '--dtypes', 'float32'],
    /^abserve: --shapes 100000x1000x1000: needs at least \d+\.\d GB of host memory for float32 \(this machine has \d+\.\d GB\)$/],
  ['a knob the kernels would misread', ['micro', '--device', 'cpu', '--shapes', '8x1x8'], /^abserve: MAS_OPT_VARIANT: expected an integer 0-127, got 'abc'$/, { MAS_OPT_VARIANT: 'abc' }],
  ['a truncated result file', ['micro', '--from-json', file('nodevinfo.json', '{"device":"cpu","cases":[]}')], /: not a mas_bench result \(needs a "deviceInfo" object\)$/],
  ['a case without impls', ['micro', '--from-json', file('noimpls.json', JSON.stringify({ device: 'cpu', deviceInfo: {}, cases: [CASE] }))],
    /: not a mas_bench result \(cases\[0\] has no "impls" list\)$/],
  ['a file that is not JSON', ['micro', '--from-json', file('bad.txt', 'not json\n')], /bad\.txt: not JSON \(Unexpected token .*\)$/],
];

describe('abserve micro: user errors', () => {
  it.each(ERRORS)('%s', async (_name, args, message, env) => {
    const r = await execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000, env });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('still formats a complete file (the checks accept what micro --json writes)', async () => {
    const made = await execa(process.execPath, [BIN, 'micro', '--device', 'cpu', '--shapes', '8x2x8', '--dtypes', 'float32', '--json'], { reject: false, timeout: 60_000 });
    expect(made.exitCode, made.stderr).toBe(0);
    const saved = file('ok.json', made.stdout);
    const r = await execa(process.execPath, [BIN, 'micro', '--from-json', saved], { reject: false, timeout: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('NUM_TOKENS:         8');
  }, 90_000);
});

describe('abserve micro: Ctrl-C', () => {
  it('prints the finished cases marked partial and exits 3', async () => {
    const shapes = Array(12).fill('2048x16x128').join(',');
    const p = execa(process.execPath, [BIN, 'micro', '--device', 'cpu', '--shapes', shapes, '--dtypes', 'float32', '--json'], { reject: false, timeout: 120_000 });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      p.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (/micro: 1\/12 /.test(err)) resolve();
      });
      p.catch(reject);
      setTimeout(() => reject(new Error(`no progress line: ${err}`)), 90_000);
    });
    p.kill('SIGINT');
    const r = await p;
    expect(r.exitCode, r.stderr).toBe(3);
    const j = JSON.parse(r.stdout) as { partial: { reason: string; completedCases: number; plannedCases: number }; cases: unknown[] };
    expect(j.partial.reason).toBe('interrupted');
    expect(j.partial.plannedCases).toBe(12);
    expect(j.partial.completedCases).toBeGreaterThanOrEqual(1);
    expect(j.partial.completedCases).toBeLessThan(12);
    expect(j.cases).toHaveLength(j.partial.completedCases);
    expect(r.stderr).toMatch(/SIGINT: stopping; the finished cases are printed/);
    expect(r.stderr).toMatch(/interrupted; \d+ of 12 cases finished \(printed, marked partial\)/);
  }, 150_000);
});

describe('abserve micro: GPU-only flags on the CPU', () => {
  it('runs, and says on stderr which flags did nothing', async () => {
    const r = await execa(process.execPath, [BIN, 'micro', '--device', 'cpu', '--shapes', '8x2x8', '--dtypes', 'float32', '--cold-iters', '3', '--no-naive'], { reject: false, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('abserve micro: note: --cold-iters, --naive only apply on a GPU; this run was on the CPU');
  }, 90_000);
});

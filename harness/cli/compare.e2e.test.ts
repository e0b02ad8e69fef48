// `abserve compare` on two run folders that `abserve ab` wrote (its help says a folder is accepted).
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { writeRunResults } from '../report/writeResults.js';
import { testTempDir } from '../common/testTmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/abserve.js');
const abserve = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, timeout: 120_000, cwd: ROOT, env: { NO_COLOR: '1' } });

describe('abserve compare on abserve ab run folders', () => {
  it('compares runs/01-... with runs/02-... through their result.json', async () => {
    const out = path.join(testTempDir('abserve-compare-e2e-'), 'ab');
    const ab = await abserve(['ab', 'scenarios/smoke.yaml', '--result-dir', out, '--resamples', '200']);
    expect(ab.exitCode, ab.stderr).toBe(0);
    const a = path.join(out, 'runs', '01-without-op-rep1');
    const b = path.join(out, 'runs', '02-with-op-rep1');
    const r = await abserve(['compare', a, b]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`A = without-op: ${path.join(a, 'result.json')}\nB = with-op: ${path.join(b, 'result.json')}`);
    expect(r.stdout).toMatch(/^ttft \(ms\) +mean /m);
  }, 180_000);
});

describe('abserve compare on what import and bench --save-result write', () => {
  it('reads `abserve import --result-dir` output, names the arms by file, and warns on nothing for like-for-like blocks', async () => {
    const out = testTempDir('abserve-compare-imp-');
    const pub = path.join(ROOT, 'harness/engine/published-r1-l20');
    const imp = await abserve(['import', path.join(pub, '8k-64.without-op.txt'), path.join(pub, '8k-64.with-op.txt'), '--result-dir', out]);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const r = await abserve(['compare', path.join(out, '8k-64.without-op.imported.json'), path.join(out, '8k-64.with-op.imported.json')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`A = 8k-64.without-op: ${path.join(out, '8k-64.without-op.imported.json')}`);
    expect(r.stdout).not.toContain('warning');
    expect(r.stdout).toMatch(/^request_throughput \(req\/s\) +value +0\.376 +0\.385 +\+0\.009 +1\.0233$/m);
    const folder = await abserve(['compare', out, out]);
    expect(folder.exitCode).toBe(2);
    expect(folder.stderr.trim().split('\n')).toHaveLength(1);
    expect(folder.stderr).toContain('an `abserve import` folder holding 2 runs');
  }, 60_000);

  it('labels name the arms in the terminal and in report.md; differing settings warn one line each', async () => {
    const dir = testTempDir('abserve-compare-label-');
    const save = async (name: string, info: Parameters<typeof runInfo>[0]) => {
      const records = Array.from({ length: 20 }, (_, i) => rec({ index: i, sentAt: 0, tokenTimes: [30 + i, 40 + i, 50 + i] }));
      const result = aggregate(records, runInfo({ numPrompts: 20, endedAt: 500, ...info }), { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
      return (await writeRunResults(path.join(dir, name), result, records, { name })).json;
    };
    const a = await save('base', { label: 'mylabel' });
    const b = await save('other-run', { maxConcurrency: 4, endpoint: '/v1/chat/completions' });
    const r = await abserve(['compare', a, b, '--result-dir', path.join(dir, 'cmp')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`A = mylabel: ${a}\nB = other-run: ${b}`);
    expect(r.stdout).toContain('warning: not like for like: endpoint: A /v1/completions vs B /v1/chat/completions\nwarning: not like for like: max_concurrency: A none vs B 4\n');
    expect(r.stdout).toContain('B "other-run" vs A "mylabel"');
    const md = readFileSync(path.join(dir, 'cmp', 'report.md'), 'utf8');
    expect(md).toContain('Scenario: compare mylabel vs other-run');
    expect(md).toContain('A = mylabel (1 repetition(s)), B = other-run (1 repetition(s))');
    expect(readFileSync(path.join(dir, 'cmp', 'report.html'), 'utf8')).not.toContain('id="over-time"');
  }, 60_000);
});

describe('abserve compare --result-dir: a folder it cannot or must not write', () => {
  it('one line and exit 2 for a path that cannot be made (it hung under /proc), a file, an A/B folder, an empty value', async () => {
    const dir = testTempDir('abserve-compare-rd-');
    const save = async (name: string) => {
      const records = Array.from({ length: 8 }, (_, i) => rec({ index: i, sentAt: 0, tokenTimes: [30 + i, 40 + i] }));
      const result = aggregate(records, runInfo({ numPrompts: 8, endedAt: 200 }), { percentileMetrics: ['ttft'] });
      return (await writeRunResults(path.join(dir, name), result, records, { name })).json;
    };
    const [a, b] = [await save('a'), await save('b')];
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    const ab = path.join(dir, 'an-ab');
    mkdirSync(ab);
    writeFileSync(path.join(ab, 'manifest.json'), '{"status":"complete"}');
    writeFileSync(path.join(ab, 'report.md'), 'the A/B report');
    const cases: Array<[string, RegExp]> = [
      ['/proc/abserve-nope', /^abserve: --result-dir \/proc\/abserve-nope: cannot create \/proc\/abserve-nope \(\w+\)$/],
      [file, /^abserve: --result-dir .*a-file: .*a-file is a file, not a folder$/],
      [ab, /^abserve: --result-dir .*an-ab: holds an A\/B \(manifest\.json\), whose reports abserve report writes; choose another folder$/],
      ['', /^abserve: --result-dir: got an empty value$/],
    ];
    for (const [target, message] of cases) {
      const r = await execa(process.execPath, [BIN, 'compare', a, b, '--result-dir', target], { reject: false, timeout: 20_000 });
      expect(r.timedOut, target).toBe(false);
      expect(r.exitCode, `${target}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
    }
    expect(readFileSync(path.join(ab, 'report.md'), 'utf8')).toBe('the A/B report');
    const self = await execa(process.execPath, [BIN, 'compare', a, a], { reject: false, timeout: 20_000 });
    expect(self.exitCode, self.stderr).toBe(0);
    expect(self.stdout).toContain(`warning: A and B are the same file (${a}): every difference is zero by construction`);
    const other = await execa(process.execPath, [BIN, 'compare', a, b], { reject: false, timeout: 20_000 });
    expect(other.stdout).not.toContain('same file');
  }, 120_000);
});

describe('abserve compare with a run cut short (partial: true)', () => {
  it('refuses by default in one line naming the file and the counts; --allow-partial compares with a warning in the output, comparison.json and report.md', async () => {
    const dir = testTempDir('abserve-compare-partial-');
    const save = async (name: string, n: number, partial: boolean) => {
      const records = Array.from({ length: n }, (_, i) => rec({ index: i, sentAt: 0, tokenTimes: [30 + i, 40 + i, 50 + i] }));
      const info = runInfo({ numPrompts: 64, endedAt: 500, ...(partial ? { partial: true, partialReason: `interrupted; ${n} of 64 requests completed, ${64 - n} cancelled` } : {}) });
      const result = aggregate(records, info, { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
      return (await writeRunResults(path.join(dir, name), result, records, { name })).json;
    };
    const full = await save('full', 64, false);
    const part = await save('part', 16, true);
    const r = await abserve(['compare', full, part]);
    expect(r.exitCode, r.stdout).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^abserve: compare: B \(part\) is a partial run \(interrupted\): 16 of 64 requests completed, 48 cancelled; A 64 of 64; /);
    expect(r.stderr).toContain(`${part} was cut short`);
    expect(r.stderr).toContain('--allow-partial');

    const out = path.join(dir, 'cmp');
    const ok = await abserve(['compare', full, part, '--allow-partial', '--result-dir', out]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const warning = 'WARNING: PARTIAL INPUT (--allow-partial): B (part) is a partial run (interrupted): 16 of 64 requests completed, 48 cancelled; A 64 of 64;';
    expect(ok.stdout).toContain(warning);
    // Prominent: before the table, not among the notes at the bottom.
    expect(ok.stdout.indexOf(warning)).toBeLessThan(ok.stdout.indexOf('B "part" vs A "full"'));
    const c = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8'));
    expect(c.notes.some((n: string) => n.startsWith('PARTIAL INPUT (--allow-partial): B (part) is a partial run'))).toBe(true);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('PARTIAL INPUT (--allow-partial): B (part) is a partial run');
    // Two complete runs: no warning.
    const clean = await abserve(['compare', full, full]);
    expect(clean.stdout).not.toContain('PARTIAL');
  }, 60_000);
});

describe('abserve compare with a side that has no successful request', () => {
  it('--allow-partial with an arm that measured nothing exits 1 with one line, not 0 under a note', async () => {
    const dir = testTempDir('abserve-compare-empty-');
    const ok = Array.from({ length: 20 }, (_, i) => rec({ index: i, sentAt: 0, tokenTimes: [30 + i, 40 + i, 50 + i] }));
    const full = aggregate(ok, runInfo({ numPrompts: 20, endedAt: 500 }), { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
    const a = (await writeRunResults(path.join(dir, 'without-op'), full, ok, { name: 'without-op' })).json;
    const bad = Array.from({ length: 3 }, (_, i) => rec({ index: i, sentAt: 0, success: false, failure: { kind: 'http_5xx' as const, message: 'HTTP 500' } }));
    const info = runInfo({ numPrompts: 20, endedAt: 500, partial: true, partialReason: 'interrupted; 3 of 20 requests completed, 17 cancelled' });
    const cut = aggregate(bad, info, { percentileMetrics: ['ttft', 'tpot', 'itl', 'e2el'] });
    const b = (await writeRunResults(path.join(dir, 'with-op'), cut, bad, { name: 'with-op' })).json;
    const r = await abserve(['compare', a, b, '--allow-partial']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['abserve: compare: no comparison: arm "with-op" has no successful request']);
  }, 60_000);
});

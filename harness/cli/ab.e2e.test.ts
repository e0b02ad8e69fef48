// `abserve ab`, `abserve report` and a bad scenario, as a user runs them: child processes, the
// embedded engine started per run by the target, a results folder on disk.
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/abserve.js');
const abserve = (args: string[], timeout = 90_000) =>
  execa(process.execPath, [BIN, ...args], { reject: false, timeout, cwd: ROOT, env: { NO_COLOR: '1' } });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'abserve-ab-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('abserve ab scenarios/smoke.yaml', () => {
  it('leaves a complete results folder with CIs, p-values, verdicts and MDEs, and reports that regenerate', async () => {
    const out = path.join(dir, 'smoke');
    const r = await abserve(['ab', 'scenarios/smoke.yaml', '--result-dir', out, '--resamples', '500']);
    expect(r.exitCode, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/B "with-op" vs A "without-op"/);
    expect(r.stdout).toContain(`report:  ${path.join(out, 'report.html')}`);

    for (const f of ['manifest.json', 'comparison.json', 'report.md', 'report.html']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const runs = readdirSync(path.join(out, 'runs')).sort();
    expect(runs).toEqual(['01-without-op-rep1', '02-with-op-rep1', '03-with-op-rep2', '04-without-op-rep2']);
    for (const run of runs) {
      for (const f of ['result.json', 'run.json', 'requests.jsonl', 'metrics.jsonl']) expect(existsSync(path.join(out, 'runs', run, f)), `${run}/${f}`).toBe(true);
      const lines = readFileSync(path.join(out, 'runs', run, 'requests.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(9); // 8 measured + 1 warmup, appended as they finished
      expect(JSON.parse(lines[0]!).requestId).toMatch(/^smoke-/);
      const vllm = JSON.parse(readFileSync(path.join(out, 'runs', run, 'result.json'), 'utf8'));
      expect(vllm.completed).toBe(8);
    }
    // One engine instance per run, plus the throwaway one that warmed the client up.
    expect(readdirSync(path.join(out, 'logs')).sort()).toEqual([
      'server-00-without-op-client-warmup.log', 'server-01-without-op.log', 'server-02-with-op.log', 'server-03-with-op.log', 'server-04-without-op.log',
    ]);

    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    expect(manifest.workload_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.arms['without-op'].env.VLLM_DISABLE_MERGE_ATTN_CUDA_OP).toBe('1');
    expect(manifest.node).toBe(process.version);

    const c = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8'));
    expect(c.arms).toEqual({ a: 'without-op', b: 'with-op' });
    expect(c.repetitions).toEqual({ a: 2, b: 2 });
    const ttft = c.metrics.find((m: { metric: string; statistic: string }) => m.metric === 'ttft' && m.statistic === 'mean');
    expect(ttft.diffCi[0]).toBeLessThanOrEqual(ttft.diff);
    expect(ttft.diffCi[1]).toBeGreaterThanOrEqual(ttft.diff);
    expect(ttft.pValue).toBeGreaterThan(0);
    expect(ttft.pValue).toBeLessThanOrEqual(1);
    expect(['faster', 'slower', 'no_significant_difference']).toContain(ttft.verdict);
    expect(ttft.mde).toBeGreaterThan(0);
    expect(ttft.perRepetition.a).toHaveLength(2);
    expect(ttft.paired.n).toBe(16);

    // The report regenerates from the saved runs alone, to the same numbers.
    const before = readFileSync(path.join(out, 'comparison.json'), 'utf8');
    await rm(path.join(out, 'report.html'));
    const again = await abserve(['report', out]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    const c2 = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8'));
    expect(c2.metrics.map((m: { diff: number }) => m.diff)).toEqual(JSON.parse(before).metrics.map((m: { diff: number }) => m.diff));
    // ...and keeps what the run noted (here: output equivalence), which only the run could know.
    expect(c2.notes.some((n: string) => n.startsWith('output equivalence'))).toBe(true);
    expect(c2.notes).toEqual(JSON.parse(before).notes);
  }, 120_000);

  it('stdout closed after its first line (ab ... | head -1): the A/B runs to its end, manifest complete, exit 0', async () => {
    const out = path.join(dir, 'piped');
    const child = execa(process.execPath, [BIN, 'ab', 'scenarios/smoke.yaml', '--result-dir', out, '--resamples', '200', '--disable-progress'], {
      reject: false, cwd: ROOT, env: { NO_COLOR: '1' }, timeout: 90_000, buffer: { stdout: false },
    });
    // Read the plan line, then close our end of the pipe as head does: every later write is EPIPE.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdout!.destroy();
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('complete');
    for (const f of ['comparison.json', 'report.md', 'report.html']) expect(existsSync(path.join(out, f)), f).toBe(true);
    expect(readdirSync(path.join(out, 'runs'))).toHaveLength(4);
    for (const srv of manifest.servers) expect(() => process.kill(srv.pid, 0), `engine pid ${srv.pid}`).toThrow();
  }, 120_000);

  it('a bad scenario gets one line per problem naming the file, the field and the value, and exit 2', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: x\ntarget: { engine: { profile: tiny } }\nworkload: { num_prompts: -3 }\narms: [{ name: a, nmae: b }]\nrepetitions: 2\n');
    const r = await abserve(['ab', bad]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${bad}: workload.num_prompts:`);
    expect(r.stderr).toContain('-3');
    expect(r.stderr).toContain(`${bad}: arms[0].nmae: unknown field`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const missing = await abserve(['ab', path.join(dir, 'nope.yaml')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('nope.yaml');
  });

  it('Ctrl-C keeps the finished runs, writes a partial report, stops every engine and exits 3', async () => {
    const out = path.join(dir, 'interrupted');
    const child = execa(process.execPath, [BIN, 'ab', 'scenarios/smoke.yaml', '--repetitions', '20', '--result-dir', out, '--resamples', '200'], {
      reject: false, cwd: ROOT, env: { NO_COLOR: '1' }, timeout: 90_000,
    });
    // Wait until two runs have finished, then interrupt.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const runs = existsSync(path.join(out, 'runs')) ? readdirSync(path.join(out, 'runs')).filter((r) => existsSync(path.join(out, 'runs', r, 'run.json'))) : [];
      if (runs.length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stdout).toContain('PARTIAL');
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('partial');
    expect(manifest.runs_finished).toBeGreaterThanOrEqual(2);
    // A run cut short is kept but not counted as complete.
    const saved = readdirSync(path.join(out, 'runs')).filter((d) => existsSync(path.join(out, 'runs', d, 'run.json')))
      .map((d) => JSON.parse(readFileSync(path.join(out, 'runs', d, 'run.json'), 'utf8')) as { partial: boolean });
    const cut = saved.filter((x) => x.partial).length;
    expect(manifest.partial_reason).toContain(`; ${saved.length - cut} of 40 runs complete${cut ? `, ${cut} cut short (kept)` : ''}`);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(/partial/i);
    // No engine outlives abserve: every engine it started is gone.
    expect(manifest.servers.length).toBeGreaterThanOrEqual(2);
    for (const srv of manifest.servers) {
      expect(() => process.kill(srv.pid, 0), `engine pid ${srv.pid}`).toThrow();
    }
  }, 120_000);

  it('SIGKILLed: the manifest names its pid and host, and report says the run is interrupted, not running', async () => {
    const out = path.join(dir, 'killed');
    const child = execa(process.execPath, [BIN, 'ab', 'scenarios/smoke.yaml', '--repetitions', '20', '--result-dir', out, '--resamples', '200'], {
      reject: false, cwd: ROOT, env: { NO_COLOR: '1' }, timeout: 90_000,
    });
    // Kill it once two runs are saved: it cannot write its end, so the manifest keeps `running`.
    const deadline = Date.now() + 60_000;
    const saved = () => (existsSync(path.join(out, 'runs')) ? readdirSync(path.join(out, 'runs')).filter((r) => existsSync(path.join(out, 'runs', r, 'run.json'))) : []);
    while (saved().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(saved().length).toBeGreaterThanOrEqual(2);
    child.kill('SIGKILL');
    await child;
    const text = readFileSync(path.join(out, 'manifest.json'), 'utf8');
    const manifest = JSON.parse(text);
    expect(manifest).toMatchObject({ status: 'running', pid: child.pid, host: hostname() });
    const r = await abserve(['report', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`interrupted: the run's process (pid ${child.pid}) is gone (killed or crashed)`);
    expect(r.stdout).not.toContain('run status: running');
    expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(`the run's process (pid ${child.pid}) is gone (killed or crashed)`);
    expect(readFileSync(path.join(out, 'manifest.json'), 'utf8')).toBe(text); // the user's file as it was
    // The engines it started watch their parent and stop themselves (parentWatch: about 1 s).
    const gone = Date.now() + 10_000;
    const alive = () => manifest.servers.filter((srv: { pid: number }) => { try { process.kill(srv.pid, 0); return true; } catch { return false; } });
    while (alive().length > 0 && Date.now() < gone) await new Promise((res) => setTimeout(res, 100));
    expect(alive()).toEqual([]);
  }, 120_000);

  it('Ctrl-C before any request of run 1 finished: comparison.json and reports marked partial, exit 3, and report regenerates', async () => {
    // 400 output tokens at 50 ms a step: no request of run 1 finishes within 20 s.
    const scenario = path.join(dir, 'slow.yaml');
    writeFileSync(scenario, [
      'name: slow',
      'target: { engine: { profile: tiny, fixed_step_ms: 50 } }',
      'workload: { random_token_ids: true, random_input_len: 32, random_output_len: 400, num_prompts: 4, max_concurrency: 4, ignore_eos: true }',
      'arms: [{ name: without-op }, { name: with-op }]',
      'repetitions: 2',
      'warmup: 0',
      '',
    ].join('\n'));
    const out = path.join(dir, 'interrupted-early');
    const child = execa(process.execPath, [BIN, 'ab', scenario, '--result-dir', out, '--resamples', '200', '--disable-progress'], {
      reject: false, cwd: ROOT, env: { NO_COLOR: '1' }, timeout: 90_000,
    });
    // Interrupt half a second after run 1 started (its folder exists).
    const run1 = path.join(out, 'runs', '01-without-op-rep1');
    const deadline = Date.now() + 60_000;
    while (!existsSync(run1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr + r.stdout).toBe(3);
    expect(r.stdout).toContain('run 1: without-op#1  no request finished before the interrupt  (partial)');
    expect(r.stdout).toContain('PARTIAL: interrupted; in run 1 (without-op rep 1), 0 of 4 requests completed, 4 cancelled; 0 of 4 runs complete, 1 cut short (kept)');
    expect(r.stdout).toContain('note: no comparison: no request finished in arm "without-op" before the interrupt');
    expect(r.stdout + r.stderr).not.toContain('no request succeeded');
    expect(r.stdout + r.stderr).not.toContain('(none)');

    const expectPartial = () => {
      const c = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8'));
      expect(c.partial).toBe(true);
      expect(c.partialReason).toMatch(/^interrupted; /);
      expect(c.metrics).toEqual([]);
      expect(c.noComparison).toMatch(/^no request finished in arm "without-op" before the interrupt; .*, so there is nothing to compare$/);
      expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toContain('> **Warning: partial run.** interrupted; ');
      expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('<div class="banner" id="partial-banner">Partial run: interrupted; ');
    };
    expectPartial();
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')).status).toBe('partial');

    // `abserve report` regenerates the same from the folder.
    for (const f of ['comparison.json', 'report.md', 'report.html']) await rm(path.join(out, f));
    const again = await abserve(['report', out]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('note: no comparison: no request finished in arm "without-op" before the interrupt');
    expectPartial();
  }, 120_000);
});

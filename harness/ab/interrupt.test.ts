// Ctrl-C before any request of an arm finished: not the "measured nothing" failure but a partial
// outcome like any interrupted run (comparison.json and reports written, marked partial); an arm
// whose finished requests all failed stays that failure, interrupt or not.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario, type Scenario } from '../scenario/index.js';
import { deadArmScenario } from './deadArm.testkit.js';
import { runAb, type AbEvent } from './runAb.js';
import { loadAbResults } from './loadResults.js';
import { summarizeAb } from './compare.js';
import { testTempDir } from '../common/testTmp.js';

const dir = testTempDir('abserve-ab-interrupt-');
const read = (f: string) => readFileSync(f, 'utf8');

/** Arms a and b on the tiny engine at `stepMs` a decode step, 2 repetitions, no warm-up. */
function twoArms(name: string, stepMs: number, outputLen: number, prompts: number, concurrency: number): Scenario {
  return parseScenario(
    `
name: ${name}
target: { engine: { profile: tiny, fixed_step_ms: ${stepMs} } }
workload: { random_token_ids: true, random_input_len: 32, random_output_len: ${outputLen}, num_prompts: ${prompts}, max_concurrency: ${concurrency}, ignore_eos: true }
arms: [{ name: a }, { name: b }]
repetitions: 2
warmup: 0
`,
    `${name}.yaml`,
  );
}

/** Runs `s` under `dir/name`, calling `abortWhen` on every event with the abort to trigger. */
function interrupted(s: Scenario, name: string, abortWhen: (e: AbEvent, abort: () => void) => void) {
  const ac = new AbortController();
  return runAb(s, {
    resultDir: path.join(dir, name), signal: ac.signal, resamples: 200, clientWarmup: false,
    onEvent: (e) => abortWhen(e, () => ac.abort()),
  });
}

describe('an A/B interrupted before an arm has a finished request', () => {
  it('is a partial outcome with comparison.json and both reports, each marked partial', async () => {
    // 400 output tokens at 50 ms a step: no request finishes within 20 s; the interrupt comes 300 ms
    // into run 1.
    const s = twoArms('slow', 50, 400, 4, 4);
    const out = await interrupted(s, 'slow', (e, abort) => { if (e.type === 'run-start') setTimeout(abort, 300); });
    expect(out.runs.map((r) => [r.arm, r.completed, r.failed, r.partial])).toEqual([['a', 0, 0, true]]);
    // The cut run's cause and counts as data in run.json, from which the A/B's reason is built.
    const runJson = JSON.parse(read(path.join(out.dir, 'runs', '01-a-rep1', 'run.json')));
    expect(runJson.cut).toEqual({ cause: 'interrupted', interrupted: true, finished: 0, of: 4, cancelled: 4 });
    expect(out.measuredNothing).toBeUndefined();
    expect(out.partial).toBe(true);
    expect(out.partialReason).toMatch(/^interrupted; in run 1 \(\S+ rep 1\), 0 of 4 requests completed, 4 cancelled; 0 of 4 runs complete, 1 cut short \(kept\)$/);
    expect(out.comparison).toBeNull();
    expect(JSON.parse(read(path.join(out.dir, 'manifest.json'))).status).toBe('partial');

    expect(out.files.comparison).toBe(path.join(out.dir, 'comparison.json'));
    const c = JSON.parse(read(out.files.comparison!));
    expect(c).toMatchObject({ arms: { a: 'a', b: 'b' }, partial: true, partialReason: out.partialReason, metrics: [], repetitions: { a: 0, b: 0 } });
    const why = 'no request finished in arm "a" before the interrupt; arm "b" had not run yet when the run was interrupted, so there is nothing to compare';
    expect(c.noComparison).toBe(why);
    expect(c.notes).toContain(`no comparison: ${why}`);
    expect(out.notes).toContain(`no comparison: ${why}`);

    const md = read(path.join(out.dir, 'report.md'));
    expect(md).toContain(`> **Warning: partial run.** ${out.partialReason}. Only finished runs are compared; a run cut short is kept in its folder, not compared.`);
    expect(md).toContain('no request finished in arm "a" before the interrupt');
    expect(md).toMatch(/\| 1 \| a \| 1 \| 0 \| 0 \| cut short \| - \|/);
    const html = read(path.join(out.dir, 'report.html'));
    expect(html).toContain(`<div class="banner" id="partial-banner">Partial run: ${out.partialReason}. Only finished runs are compared; a run cut short is kept in its folder, not compared.</div>`);
  }, 60_000);

  it('an arm whose finished requests all failed still measured nothing (a failure), with comparison.json written', async () => {
    const out = await interrupted(deadArmScenario('a', 2, 'warmup: 0'), 'dead', (e, abort) => { if (e.type === 'run-end') abort(); });
    expect(out.runs.map((r) => [r.arm, r.completed, r.failed])).toEqual([['a', 0, 4]]);
    expect(out.measuredNothing).toBe(true);
    expect(out.emptyArm).toBe('a');
    expect(out.partial).toBe(true);
    expect(existsSync(path.join(out.dir, 'comparison.json'))).toBe(true);
    expect(out.notes.join('\n')).toContain('arm "a" has no successful request (every finished one failed)');
  }, 60_000);

  it('a run cut short by the interrupt is listed but not compared (its early requests are not a sample)', async () => {
    // ABBA, 2 repetitions: a#1, b#1 complete; the interrupt comes once b#2 has 2 finished requests.
    const s = twoArms('cut', 10, 16, 8, 2);
    const out = await interrupted(s, 'cut', (e, abort) => { if (e.type === 'progress' && e.run.order === 2 && e.progress.done >= 2) abort(); });
    const cutRun = out.runs.find((r) => r.order === 2)!;
    expect(cutRun.partial).toBe(true);
    expect(cutRun.completed).toBeGreaterThanOrEqual(2);
    expect(cutRun.completed).toBeLessThan(8);
    expect(out.partial).toBe(true);
    expect(out.comparison).not.toBeNull();
    // b's cut-short b#2 is not one of its repetitions: one each, not b = 2.
    expect(out.comparison!.repetitions).toEqual({ a: 1, b: 1 });
    const md = read(path.join(out.dir, 'report.md'));
    expect(md).toMatch(/\| 3 \| b \| 2 \|/); // still listed in the runs table
    expect(cutRun.cut).toMatchObject({ cause: 'interrupted', interrupted: true, of: 8 });
    // A folder from before the structured `cut` (run.json with partialReason text only) reads the same.
    const old = loadAbResults(out.dir).runs.map(({ cut: _, ...r }) => r);
    expect(old.find((r) => r.order === 2)!.partialReason).toMatch(/^interrupted; /);
    const again = await summarizeAb({
      dir: out.dir, scenario: 'cut', createdAt: new Date().toISOString(), arms: ['a', 'b'], alpha: 0.05, runs: old,
      manifest: {}, partial: true, partialReason: out.partialReason, resamples: 200, write: false,
    });
    expect(again.comparison!.repetitions).toEqual({ a: 1, b: 1 });
  }, 60_000);
});

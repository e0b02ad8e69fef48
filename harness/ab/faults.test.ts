// An arm whose engine injects faults: the A/B counts each failure by kind, exactly as the engine
// assigned them (deterministic per seed and x-request-id), and says the failure rates differ.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFaults, resolveFaults } from '../engine/faults.js';
import { parseScenario, engineFlags } from '../scenario/index.js';
import { deadArmScenario } from './deadArm.testkit.js';
import { runAb } from './runAb.js';
import { testTempDir } from '../common/testTmp.js';

const dir = testTempDir('abserve-faults-');

describe('A/B against an arm with injected faults', () => {
  it('tallies every failure by kind, exactly, and notes the differing failure rates', async () => {
    const s = parseScenario(
      `
name: faulty
target: { engine: { profile: tiny } }
workload: { random_token_ids: true, random_input_len: 32, random_output_len: 8, num_prompts: 40, max_concurrency: 8, ignore_eos: true }
arms:
  - name: good
  - name: bad
    engine: { faults: { http_500: 0.3, http_429: 0.2, seed: 3, retry_after_s: 1 } }
repetitions: 1
`,
      'faulty.yaml',
    );
    expect(engineFlags(s.arms[1]!.engine)).toEqual(['--fault-http-500', '0.3', '--fault-http-429', '0.2', '--fault-seed', '3', '--fault-retry-after', '1']);
    const out = await runAb(s, { resultDir: path.join(dir, 'a'), resamples: 200 });
    const plan = resolveFaults({ shares: { http_500: 0.3, http_429: 0.2 }, seed: 3 });
    const keys = Array.from({ length: 40 }, (_, i) => `faulty-bad-rep1-${i}`);
    const want = expectedFaults(plan, keys);
    const bad = out.runs.find((r) => r.arm === 'bad')!;
    expect(bad.failures).toEqual(Object.fromEntries(Object.entries({ http_500: want.http_500, http_429: want.http_429 }).filter(([, n]) => n > 0)));
    expect(bad.failed).toBe(want.http_500 + want.http_429);
    expect(bad.completed).toBe(40 - bad.failed);
    expect(out.runs.find((r) => r.arm === 'good')!.failed).toBe(0);
    expect(out.comparison!.notes.join('\n')).toMatch(/failure rates differ .*good 0\/40 .*bad \d+\/40/);
  }, 60_000);

  it('an arm whose every request fails measured nothing: said with its first error, never "complete"', async () => {
    const out = await runAb(deadArmScenario('b', 1), { resultDir: path.join(dir, 'dead'), resamples: 200 });
    expect(out.measuredNothing).toBe(true);
    expect(out.emptyArm).toBe('b');
    expect(out.firstFailure).toMatch(/HTTP 500: injected fault/);
    expect(JSON.parse(readFileSync(path.join(out.dir, 'manifest.json'), 'utf8')).status).toBe('measured-nothing');
    // The reports still exist and list the finished runs with their failures.
    expect(readFileSync(path.join(out.dir, 'report.html'), 'utf8')).toContain('http_500 x4');
    expect(readFileSync(path.join(out.dir, 'report.md'), 'utf8')).toMatch(/No comparison[\s\S]*\| 2 \| b \| 1 \| 0 \| 4 \|/);
  }, 60_000);

  it('a workload the server refuses stops at the client warm-up with the server\'s message', async () => {
    const s = parseScenario(
      `
name: toolong
target: { engine: { profile: tiny } }
workload: { random_token_ids: true, random_input_len: 5000, random_output_len: 8, num_prompts: 4, ignore_eos: true }
arms: [{ name: a }, { name: b }]
repetitions: 1
`,
      'toolong.yaml',
    );
    await expect(runAb(s, { resultDir: path.join(dir, 'toolong') })).rejects.toThrow(/^toolong\.yaml: initial test request failed .*maximum context length is 4096/);
  }, 60_000);

  it('a typo in one arm\'s server_args is found before any run', async () => {
    const s = parseScenario(
      `
name: typo
target: { engine: { profile: tiny } }
workload: { random_token_ids: true, random_input_len: 32, random_output_len: 8, num_prompts: 4, ignore_eos: true }
arms: [{ name: a }, { name: b, server_args: [--bogus-flag] }]
repetitions: 1
`,
      'typo.yaml',
    );
    const d = path.join(dir, 'typo');
    await expect(runAb(s, { resultDir: d })).rejects.toThrow(/^arm b: its engine would not start: Unknown argument: --bogus-flag/);
    expect(existsSync(path.join(d, 'runs'))).toBe(false);
  }, 60_000);
});

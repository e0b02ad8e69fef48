// Output equivalence inside an A/B: an arm whose engine diverges from token 2 is flagged against
// the A/A floor; identical arms are not.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/index.js';
import { runAb } from './runAb.js';
import { testTempDir } from '../common/testTmp.js';

const dir = testTempDir('abserve-eq-');
const scenario = (bArgs: string) =>
  parseScenario(
    `
name: eq
target: { engine: { profile: tiny } }
endpoint: /v1/chat/completions
workload: { random_input_len: 32, random_output_len: 12, num_prompts: 8, ignore_eos: true }
arms:
  - name: a
  - name: b
    server_args: [${bArgs}]
repetitions: 2
`,
    'eq.yaml',
  );

describe('output equivalence in the A/B', () => {
  it('flags an arm that diverges more than A/A, and writes output-diff.json', async () => {
    const out = await runAb(scenario('"--diverge-prob", "1", "--diverge-at", "2"'), { resultDir: path.join(dir, 'div'), resamples: 200 });
    expect(out.notes.find((n) => n.startsWith('output equivalence'))).toMatch(/B DIVERGES more than A\/A: A vs B 0\/16 identical .* A vs A 8\/8/);
    expect(existsSync(path.join(out.dir, 'output-diff.json'))).toBe(true);
  }, 60_000);

  it('does not flag identical arms', async () => {
    const out = await runAb(scenario(''), { resultDir: path.join(dir, 'same'), resamples: 200 });
    expect(out.notes.find((n) => n.startsWith('output equivalence'))).toMatch(/B within A\/A: A vs B 16\/16 identical/);
  }, 60_000);
});

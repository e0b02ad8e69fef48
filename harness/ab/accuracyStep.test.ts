// The scenario's accuracy step through runAb: both arms asked the (made-up) C-Eval fixture on their
// own engines, compared question by question, and the table in the report.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/index.js';
import { runAb } from './runAb.js';
import { testTempDir } from '../common/testTmp.js';

const FIXTURE = fileURLToPath(new URL('../accuracy/fixtures/ceval-mini', import.meta.url));
const dir = testTempDir('abserve-acc-');

const scenario = (when: string, dataDir = FIXTURE) =>
  parseScenario(
    `
name: acc
target: { engine: { profile: tiny } }
workload: { random_token_ids: true, random_input_len: 32, random_output_len: 8, num_prompts: 4, ignore_eos: true }
arms:
  - name: a
  - name: b
    env: { VLLM_DISABLE_MERGE_ATTN_CUDA_OP: "1" }
repetitions: 1
accuracy: { data_dir: ${JSON.stringify(dataDir)}, split: val, max_tokens: 8, when: ${when} }
`,
    'acc.yaml',
  );

describe('the accuracy step of a scenario', () => {
  for (const when of ['after', 'during']) {
    it(`asks both arms (${when}) and puts the paired comparison in the report`, async () => {
      const out = await runAb(scenario(when), { resultDir: path.join(dir, when), resamples: 200 });
      expect(out.partial).toBe(false);
      const c = JSON.parse(readFileSync(path.join(out.dir, 'accuracy-comparison.json'), 'utf8'));
      expect(c.paired).toBe(12); // every fixture question, asked of both arms
      expect(c.arms).toEqual({ a: 'a', b: 'b' });
      for (const arm of ['a', 'b']) expect(existsSync(path.join(out.dir, 'accuracy', arm, 'answers.jsonl')), arm).toBe(true);
      expect(out.accuracy?.rows[0]?.[0]).toBe('Overall (per question; macro below)');
      expect(readFileSync(path.join(out.dir, 'report.md'), 'utf8')).toContain('McNemar');
    }, 60_000);
  }

  it('fits max_tokens to the engine\'s context when the scenario gives none (8192 would fail every question)', async () => {
    const s = parseScenario(
      `
name: acc-fit
target: { engine: { profile: tiny } }
workload: { random_token_ids: true, random_input_len: 32, random_output_len: 8, num_prompts: 4, ignore_eos: true }
arms:
  - name: a
    server_args: [--answer-key, ${JSON.stringify(FIXTURE)}]
  - name: b
    server_args: [--answer-key, ${JSON.stringify(FIXTURE)}, --answer-accuracy, "0.5"]
repetitions: 1
accuracy: { data_dir: ${JSON.stringify(FIXTURE)}, split: val, when: after }
`,
      'acc-fit.yaml',
    );
    const out = await runAb(s, { resultDir: path.join(dir, 'fit'), resamples: 200 });
    const c = JSON.parse(readFileSync(path.join(out.dir, 'accuracy-comparison.json'), 'utf8'));
    expect(c.paired).toBe(12);
    expect(c.overall.accA).toBe(1); // not one question failed for max_tokens
    expect(c.overall.accB).toBeLessThan(1);
    // The reports carry the verdict up front, the comparison's notes and every flipped question.
    expect(out.accuracy?.flipped).toHaveLength(c.flipped.length);
    expect(out.accuracy?.notes).toEqual(c.notes);
    expect(out.accuracy?.rows[0]?.[0]).toBe('Overall (per question; macro below)');
    const md = readFileSync(path.join(out.dir, 'report.md'), 'utf8');
    expect(md).toContain(`Flipped questions (${c.flipped.length}):`);
    // Each flipped question names the arms (a, b here), not the letters A/B that read as answers.
    const f0 = c.flipped[0];
    expect(md).toContain(`- ${f0.key.replace(/_/g, '\\_')}: gold ${f0.gold}, a: ${f0.a.letter ?? '-'} (${f0.a.outcome}), b: ${f0.b.letter ?? '-'} (${f0.b.outcome})`);
    for (const n of c.notes) expect(md).toContain(n.slice(0, 30));
    const html = readFileSync(path.join(out.dir, 'report.html'), 'utf8');
    expect(html.indexOf('accuracy: ')).toBeLessThan(html.indexOf('id="accuracy"'));
    expect(html).toContain('id="accuracy-flipped"');
  }, 60_000);

  it('refuses a missing data_dir before starting anything', async () => {
    const s = { ...scenario('after'), accuracy: { ...scenario('after').accuracy!, dataDir: undefined } };
    const target = path.join(dir, 'never');
    await expect(runAb(s, { resultDir: target })).rejects.toThrow(/accuracy\.data_dir: required/);
    expect(existsSync(target)).toBe(false);
    // A folder that is not C-Eval is found before any server starts, too.
    await expect(runAb(scenario('after', path.join(dir, 'nope')), { resultDir: target })).rejects.toThrow(/^acc\.yaml: accuracy\.data_dir: .*nope/);
    expect(existsSync(target)).toBe(false);
  });
});

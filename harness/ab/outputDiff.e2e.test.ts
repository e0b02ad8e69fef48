// `abserve eval diff` end to end: identical chat requests through abserve's streaming client against
// in-process engines, two baseline instances and one planted to diverge from token 5
// (--diverge-prob 1 --diverge-at 5); their records saved in an `abserve ab` results layout and as
// run folders; C-Eval runs against engines in answering mode as eval folders. B is flagged against
// A/A; an A/A comparison is not.
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAccuracy } from '../accuracy/index.js';
import { loadAnswerKey } from '../cli/engineAnswerFlags.js';
import { createClient } from '../client/index.js';
import { now } from '../common/clock.js';
import { startEngine, type EngineHandle } from '../engine/index.js';
import { judgeOutputDiff, outputDiff } from './outputDiff.js';
import { loadDiffInputs } from './outputDiffLoad.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const DATA = path.join(import.meta.dirname, '..', 'accuracy', 'fixtures', 'ceval-mini');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abserve-diff-'));
const engines: EngineHandle[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});
const engine = (o: Parameters<typeof startEngine>[0] = {}) => startEngine({ profile: 'tiny', fixedStepMs: 0, ...o }).then((e) => (engines.push(e), e));

/** Sends the same 16 chat requests (greedy, no seed: the text follows the prompt) and saves the
 *  records as `dir/requests.jsonl`, one JSON record a line as `abserve ab` writes them. */
async function runTo(e: EngineHandle, dir: string): Promise<void> {
  const client = createClient({ baseUrl: e.url, endpoint: '/v1/chat/completions', model: 'abserve-engine', extraBody: { temperature: 0, min_tokens: 20 }, requestTimeoutMs: 10_000, stallTimeoutMs: 10_000 });
  try {
    const recs = await Promise.all(
      Array.from({ length: 16 }, (_, index) => client.send({ index, warmup: false, prompt: `tell me about item ${index}`, promptTokens: 5, maxTokens: 30, scheduledMs: 0 }, now())),
    );
    expect(recs.every((r) => r.success && r.text.split(' ').length > 5)).toBe(true);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'requests.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  } finally {
    await client.close();
  }
}

describe('abserve eval diff', () => {
  const ab = path.join(tmp, 'ab');
  const aa = path.join(tmp, 'aa');
  beforeAll(async () => {
    const [a1, a2, a3, b] = await Promise.all([engine({ noiseSeed: 1 }), engine({ noiseSeed: 2 }), engine({ noiseSeed: 3 }), engine({ noiseSeed: 4, diverge: { prob: 1, at: 5 } })]);
    // A results folder as abserve ab lays it out (ABBA): A rep1, B rep1, B rep2, A rep2; arms from the manifest.
    for (const [root, bEngine] of [
      [ab, b],
      [aa, a3],
    ] as const) {
      fs.mkdirSync(root, { recursive: true });
      fs.writeFileSync(path.join(root, 'manifest.json'), JSON.stringify({ arms: { base: {}, changed: {} } }));
      await runTo(a1, path.join(root, 'runs', '01-base-rep1'));
      await runTo(bEngine, path.join(root, 'runs', '02-changed-rep1'));
      await runTo(bEngine, path.join(root, 'runs', '03-changed-rep2'));
      await runTo(a2, path.join(root, 'runs', '04-base-rep2'));
    }
  }, 30_000);

  it('flags the diverging arm from a results folder (CLI), with the first divergence at token 5', async () => {
    const r = await execa(process.execPath, [BIN, 'eval', 'diff', ab, '--out', ab], { reject: false, timeout: 30_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('A = base rep1+rep2, B = changed rep1+rep2, A/A = base rep1+rep2 in pairs');
    expect(r.stdout).toMatch(/B DIVERGES more than A\/A: A vs B 0\/32 identical \(0\.0%\), A vs A 16\/16 \(100\.0%\), one-sided Fisher exact p = /);
    expect(r.stdout).toContain('first divergence, tokens (whitespace): median 5, p10 5, p90 5, min 5, max 5');
    const saved = JSON.parse(fs.readFileSync(path.join(ab, 'output-diff.json'), 'utf8'));
    expect(saved).toMatchObject({ verdict: 'diverges', ab: { pairs: 32, identical: 0 }, aa: { pairs: 16, identical: 16 } });
  }, 30_000);

  it('does not flag an arm that is a second baseline instance', () => {
    const inputs = loadDiffInputs(aa, undefined);
    const r = judgeOutputDiff(outputDiff(inputs.a, inputs.b), inputs.aa && outputDiff(inputs.aa.first, inputs.aa.second));
    expect(r.verdict).toBe('within_aa');
    expect(r.ab).toMatchObject({ pairs: 32, identical: 32 });
    // Arms picked by name, either way round.
    expect(loadDiffInputs(ab, undefined, { armA: 'changed', armB: 'base' }).labels.a).toBe('changed rep1+rep2');
  });

  it('compares two run folders, with --aa for the floor', () => {
    const runs = path.join(ab, 'runs');
    const i = loadDiffInputs(path.join(runs, '01-base-rep1'), path.join(runs, '02-changed-rep1'), { aa: path.join(runs, '04-base-rep2') });
    const r = judgeOutputDiff(outputDiff(i.a, i.b), outputDiff(i.aa!.first, i.aa!.second));
    expect(r).toMatchObject({ verdict: 'diverges', ab: { pairs: 16, identical: 0 }, aa: { identical: 16 } });
    expect(judgeOutputDiff(outputDiff(i.a, i.b), null).verdict).toBe('differs_no_aa');
  });

  it('compares two abserve eval folders (answering engines, one diverging inside its reasoning)', async () => {
    const key = loadAnswerKey(DATA);
    const dirs: string[] = [];
    for (const [name, diverge] of [['a1', undefined], ['a2', undefined], ['b', { prob: 1, at: 3 }]] as const) {
      const e = await engine({ answering: { key, reasoning: 'think', accuracy: 0.7 }, ...(diverge ? { diverge } : {}) });
      const outDir = path.join(tmp, `eval-${name}`);
      await runAccuracy({ dataDir: DATA, baseUrl: e.url, model: 'abserve-engine', maxTokens: 256, concurrency: 4, seed: 0, outDir });
      dirs.push(outDir);
    }
    const i = loadDiffInputs(dirs[0], dirs[2], { aa: dirs[1] });
    const r = judgeOutputDiff(outputDiff(i.a, i.b), outputDiff(i.aa!.first, i.aa!.second));
    expect(r).toMatchObject({ verdict: 'diverges', ab: { pairs: 12, identical: 0 }, aa: { pairs: 12, identical: 12 } });
    // Engine tokens 0-6 are '<think>' (one per character) and are never rewritten, so the first
    // changed token is the first reasoning word: whitespace token 1 after '<think>'.
    expect(r.ab.firstDivergenceTokens).toMatchObject({ min: 1, max: 1 });
    expect(r.ab.divergent[0].a.startsWith(i.a.find((x) => x.key === r.ab.divergent[0].key)!.text.split(/\s+/)[1])).toBe(true);
  });

  it('refuses what it cannot compare, in one line', async () => {
    const r = await execa(process.execPath, [BIN, 'eval', 'diff', path.join(tmp, 'eval-a1'), path.join(ab, 'runs', '01-base-rep1')], { reject: false, timeout: 30_000 });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/RUN_B .*01-base-rep1: a run folder, but RUN_A is an eval folder; compare like with like$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => loadDiffInputs(path.join(tmp, 'eval-a1'), undefined)).toThrow(/^RUN_B: missing; with one folder, RUN_A must be an abserve ab results folder/);
    expect(() => loadDiffInputs(ab, undefined, { armB: 'nope' })).toThrow('--arm-b nope: ');
    expect(() => loadDiffInputs(path.join(tmp, 'none'), undefined)).toThrow(/^RUN_A .*none: not a folder$/);
  }, 30_000);
});

// Answering mode end to end: the accuracy runner (what `abserve eval` runs) against an in-process
// engine whose answer key is the ceval-mini fixture, loaded by the CLI's loader. Accuracy 1 scores
// 100% and 0 scores 0, with reasoning in reasoning_content and inline <think> (with and without the
// opening tag) separated correctly, streamed and not; planted truncation counts as truncated.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAccuracy } from '../accuracy/index.js';
import { answerOptions, loadAnswerKey } from '../cli/engineAnswerFlags.js';
import type { AnsweringOptions } from './answering.js';
import { startEngine } from './server.js';
import { spawnEngine } from '../target/engineProcess.js';

const DATA = path.join(import.meta.dirname, '..', 'accuracy', 'fixtures', 'ceval-mini');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abserve-answering-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const KEY = loadAnswerKey(DATA);

async function evalAgainst(answering: Omit<AnsweringOptions, 'key'>, stream: boolean, name: string) {
  const engine = await startEngine({ profile: 'tiny', noise: false, fixedStepMs: 0, answering: { key: KEY, ...answering } });
  try {
    return await runAccuracy({ dataDir: DATA, baseUrl: engine.url, model: 'abserve-engine', maxTokens: 512, concurrency: 4, seed: 0, stream, shots: 1, outDir: path.join(tmp, name) });
  } finally {
    await engine.close();
  }
}

describe('engine answering mode under abserve eval', () => {
  it('loads the key of both splits', () => {
    expect(KEY.length).toBe(3 * 2 + 12); // dev 2 per subject, val 12
    expect(KEY.find((e) => e.key === 'accountant/0')?.answer).toBe('C');
  });

  it.each([
    ['field', false],
    ['field', true],
    ['think', false],
    ['think', true],
  ] as const)('accuracy 1 gets every question right and 0 none: reasoning %s, stream %s', async (reasoning, stream) => {
    const right = await evalAgainst({ accuracy: 1, reasoning }, stream, `right-${reasoning}-${stream}`);
    expect(right.summary.overall).toMatchObject({ n: 12, correct: 12, wrong: 0, unparsed: 0, truncated: 0, failed: 0, micro: 1, macro: 1 });
    for (const r of right.records) {
      expect(r.reasoningChars).toBeGreaterThan(50); // the thinking was found, and kept apart from the answer
      expect(r.answerChars).toBe('答案：X'.length);
      expect(r.finishReason).toBe('stop');
      if (reasoning === 'field') expect(r.reasoning).toMatch(/^[a-z ]+$/);
      else expect(r.output).toMatch(/^<think>\n[a-z ]+\n<\/think>\n\n答案：[A-D]$/);
    }
    const wrong = await evalAgainst({ accuracy: 0, reasoning }, stream, `wrong-${reasoning}-${stream}`);
    expect(wrong.summary.overall).toMatchObject({ n: 12, correct: 0, wrong: 12, micro: 0, macro: 0 });
  });

  it('a missing opening tag is still graded; planted truncation and unparsed answers are counted as such', async () => {
    const noTag = await evalAgainst({ reasoning: 'think', missingOpenTagProb: 1 }, false, 'notag');
    expect(noTag.summary.overall.correct).toBe(12);
    expect(noTag.records.every((r) => !r.output!.includes('<think>') && r.reasoningChars > 50)).toBe(true);
    const cut = await evalAgainst({ reasoning: 'think', truncateProb: 1 }, true, 'cut');
    expect(cut.summary.overall).toMatchObject({ truncated: 12, correct: 0, wrong: 0 });
    expect(cut.records.every((r) => r.finishReason === 'length' && r.unclosedThinking)).toBe(true);
    const unparsed = await evalAgainst({ unparsedProb: 1 }, false, 'unparsed');
    expect(unparsed.summary.overall).toMatchObject({ unparsed: 12, correct: 0, wrong: 0 });
  });

  it('a max_tokens shorter than the answer cuts it with finish_reason length', async () => {
    const engine = await startEngine({ profile: 'tiny', noise: false, fixedStepMs: 0, answering: { key: KEY, reasoning: 'field', reasoningWords: 30 } });
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: engine.url, model: 'abserve-engine', maxTokens: 10, concurrency: 4, seed: 0, limit: 1, outDir: path.join(tmp, 'short') });
      expect(run.summary.overall).toMatchObject({ n: 3, truncated: 3 });
      expect(run.records.every((r) => r.completionTokens === 10 && r.finishReason === 'length')).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('abserve engine --answer-key ... (spawned as a scenario target starts it) answers through its flags', async () => {
    const engine = await spawnEngine(['--profile', 'tiny', '--fixed-step-ms', '0', '--answer-key', DATA, '--answer-accuracy', '0', '--answer-reasoning', 'field', '--answer-seed', '3']);
    try {
      expect(engine.logTail()).toContain('answering 18 questions (accuracy 0, seed 3, reasoning field)');
      const run = await runAccuracy({ dataDir: DATA, baseUrl: engine.url, model: 'abserve-engine', maxTokens: 256, concurrency: 4, seed: 0, limit: 1, outDir: path.join(tmp, 'spawned') });
      expect(run.summary.overall).toMatchObject({ n: 3, wrong: 3 });
      expect(run.records.every((r) => r.reasoning !== null && r.reasoningChars > 50)).toBe(true);
    } finally {
      await engine.stop();
    }
  }, 30_000);

  it('flags: one-line errors naming the flag', () => {
    expect(() => answerOptions({ 'answer-key': DATA, 'answer-accuracy': 2 })).toThrow(/^--answer-accuracy: want a probability in \[0, 1\], got 2$/);
    expect(() => answerOptions({ 'answer-accuracy': 0.5 })).toThrow('--answer-accuracy: needs --answer-key DIR');
    expect(() => answerOptions({ 'answer-key': path.join(tmp, 'nope') })).toThrow(/^--answer-key .*nope: no such file or folder$/);
    expect(() => answerOptions({ 'answer-key': path.join(DATA, 'val') })).toThrow('holds neither dev/ nor val/');
    expect(() => answerOptions({ 'diverge-prob': 1, 'diverge-at': -1 })).toThrow(/^--diverge-at: want an integer token index >= 0, got -1$/);
    expect(() => answerOptions({ 'diverge-at': 3 })).toThrow('--diverge-at: needs --diverge-prob P');
    expect(answerOptions({ 'diverge-prob': 0.5 })).toEqual({ diverge: { prob: 0.5, at: 0, seed: undefined } });
  });
});

// Macro (evalscope's mean of rounded subject scores) against micro (question-weighted).
import { describe, expect, it } from 'vitest';
import { groupScore, lengthStats, round4, scoreSubjects, summarize } from './score.js';
import { formatRun } from './format.js';
import type { AccuracyInfo, AnswerRecord, Outcome } from './types.js';

function rec(subject: string, i: number, outcome: Outcome, completionTokens: number | null = null): AnswerRecord {
  return {
    key: `${subject}/${i}`, subject, id: String(i), promptHash: 'h', model: 'm', output: '', reasoning: null,
    reasoningChars: 0, answerChars: 0, reasoningTokens: null, promptTokens: null, completionTokens,
    letter: null, method: 'none', unclosedThinking: false, gold: 'A', outcome, correct: outcome === 'correct',
    finishReason: 'stop', latencyMs: 1, ttftMs: null, attempts: 1, error: null,
  };
}
const many = (subject: string, correct: number, n: number) =>
  Array.from({ length: n }, (_, i) => rec(subject, i, i < correct ? 'correct' : 'wrong'));

describe('scoring', () => {
  it('rounds subject scores to 4 decimals before the macro mean', () => {
    // 1/7 -> 0.1429 and 1/1 -> 1: macro 0.57145, not the unrounded 0.5714285...
    const s = scoreSubjects([...many('logic', 1, 7), ...many('law', 1, 1)]);
    expect(s.map((x) => [x.subject, x.score])).toEqual([['logic', 0.1429], ['law', 1]]);
    const g = groupScore('all', s);
    expect(g.macro).toBeCloseTo(0.57145, 12);
    expect(g.micro).toBe(2 / 8);
  });
  it('reproduces the shape of the published figure: a mean of 52 four-decimal scores', () => {
    // 0.90197884615385 * 52 = 46.9029 (to 1e-10): a sum of 4-decimal numbers, as evalscope computes it.
    expect(Math.abs(0.90197884615385 * 52 - 46.9029)).toBeLessThan(1e-9);
    expect(round4(2 / 3)).toBe(0.6667);
  });
  it('groups by category and keeps outcome counts', () => {
    const records = [...many('accountant', 3, 4), ...many('logic', 1, 2), rec('logic', 9, 'truncated'), rec('law', 0, 'failed')];
    const sum = summarize(records);
    expect(sum.categories.map((c) => [c.name, c.subjects, c.n])).toEqual([['Humanities', 2, 4], ['Other', 1, 4]]);
    expect(sum.overall).toMatchObject({ n: 8, correct: 4, wrong: 2, truncated: 1, failed: 1, subjects: 3, scoredSubjects: 2 });
    // law's only question failed: law is not scored (evalscope scores answered questions only).
    expect(sum.overall.macro).toBeCloseTo((0.75 + 0.3333) / 2, 12);
    expect(sum.overall.micro).toBe(4 / 7);
  });
  it('a partial run cut by a dead server: failed requests are counted, not scored, as in a complete run', () => {
    // 6 answered (4 correct), then the server went away: 4 connection failures before the run stopped.
    const answeredPart = [...many('logic', 3, 4), ...many('law', 1, 2)];
    const failed = Array.from({ length: 4 }, (_, i) => rec('law', 10 + i, 'failed'));
    const partial = summarize([...answeredPart, ...failed]).overall;
    expect(partial).toMatchObject({ n: 10, correct: 4, failed: 4 });
    expect(partial.micro).toBe(4 / 6); // it was 4 / 10: the dead server read as wrong answers
    expect(summarize(answeredPart).overall.micro).toBe(partial.micro);
    expect(summarize([...answeredPart, ...failed]).subjects.map((s) => [s.subject, s.score])).toEqual([['logic', 0.75], ['law', 0.5]]);
    const text = formatRun({ info: { model: 'm', partial: true, partialReason: 'server unreachable', warnings: [] } as unknown as AccuracyInfo, records: [], summary: summarize([...answeredPart, ...failed]) });
    expect(text).toContain('Overall (micro, question-weighted): 0.6667 (4 correct of 6 answered; 4 failed, not scored)');
    expect(text).toMatch(/\| OVERALL +\| +6 \| 0\.6250 /);
  });
  it('refuses records of unknown subjects', () => {
    expect(() => scoreSubjects([rec('astrology', 0, 'correct')])).toThrow(/unknown subject\(s\) astrology/);
  });
  it('length statistics skip nulls', () => {
    expect(lengthStats([null, 3, 1, 2, null, 10])).toEqual({ count: 4, mean: 4, p50: 2, p90: 10, max: 10 });
    expect(lengthStats([null])).toBeNull();
  });
});

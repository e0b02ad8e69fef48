// Paired comparison: interval and MDE numbers, a planted 5-point regression on 1346-question
// synthetic sets, the A/A false-positive rate, and the refusals.
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/rng.js';
import { compareAccuracy } from './compare.js';
import { formatComparison } from './format.js';
import { normalQuantile, pairedDiffCi, pairedMde } from './pairedStats.js';
import { summarize } from './score.js';
import { SUBJECTS } from './subjects.js';
import type { AccuracyInfo, AccuracyRun, AnswerRecord, Outcome } from './types.js';

function info(label: string, partial = false): AccuracyInfo {
  return {
    schema: 'abserve.accuracy/1', label, model: 'm', baseUrl: 'x', dataDir: 'd', split: 'val', shots: 0, maxTokens: 8192,
    temperature: 0, seed: 0, concurrency: 1, stream: false, promptVersion: 'p', planned: 0, missingSubjects: [],
    startedAt: '', finishedAt: '', partial, partialReason: partial ? 'interrupted' : null, warnings: [],
  };
}

/** A run whose question i (subject cycling over the 52) has the given outcome. */
function run(label: string, outcomes: Outcome[], partial = false): AccuracyRun {
  const records: AnswerRecord[] = outcomes.map((outcome, i) => {
    const subject = SUBJECTS[i % SUBJECTS.length].key;
    return {
      key: `${subject}/${i}`, subject, id: String(i), promptHash: 'h', model: 'm', output: '', reasoning: null,
      reasoningChars: 100, answerChars: 5, reasoningTokens: null, promptTokens: 10, completionTokens: 50,
      letter: outcome === 'correct' ? 'A' : outcome === 'wrong' ? 'B' : null, method: 'statement', unclosedThinking: false,
      gold: 'A', outcome, correct: outcome === 'correct', finishReason: 'stop', latencyMs: 1, ttftMs: null, attempts: 1, error: null,
    };
  });
  return { info: info(label, partial), records, summary: summarize(records) };
}
const oc = (right: boolean): Outcome => (right ? 'correct' : 'wrong');

/** Two arms on 1346 questions of mixed difficulty (88% easy, p = 0.97; 12% hard, p = 0.3); B's
 *  per-question probability is lowered by `drop`. Arms are independent given the question. */
function synthetic(seed: number, drop: number): [AccuracyRun, AccuracyRun] {
  const rng = new Rng(seed, 'accuracy-compare');
  const a: Outcome[] = [];
  const b: Outcome[] = [];
  for (let i = 0; i < 1346; i++) {
    const p = rng.uniform() < 0.88 ? 0.97 : 0.3;
    a.push(oc(rng.uniform() < p));
    b.push(oc(rng.uniform() < p - drop));
  }
  return [run('A', a), run('B', b)];
}

describe('paired statistics', () => {
  it('normal quantile', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621234, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
  });
  it('Agresti-Min interval: hand-computed and Agresti CDA Table 11.1 (-0.059, -0.021)', () => {
    const [lo, hi] = pairedDiffCi(10, 20, 100);
    expect(lo).toBeCloseTo(-0.007241887, 8);
    expect(hi).toBeCloseTo(0.203320319, 8);
    const [l2, h2] = pairedDiffCi(150, 86, 1600);
    expect(l2).toBeCloseTo(-0.059, 3);
    expect(h2).toBeCloseTo(-0.021, 3);
  });
  it("MDE solves Connor's equation and never drops below the exact floor", () => {
    const n = 1346;
    const psi = 0.1;
    const d = pairedMde(n, psi);
    const lhs = n * d * d;
    const rhs = (1.959963985 * Math.sqrt(psi) + 0.841621234 * Math.sqrt(psi - d * d)) ** 2;
    expect(lhs).toBeCloseTo(rhs, 6);
    expect(d).toBeGreaterThan(0.02);
    expect(d).toBeLessThan(0.025);
    expect(pairedMde(n, 0)).toBeCloseTo(6 / n, 12);
    expect(pairedMde(n, 0.2)).toBeGreaterThan(d);
  });
});

describe('compareAccuracy', () => {
  it('flags a planted 5-point drop on 1346-question sets', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const [a, b] = synthetic(seed, 0.05);
      const c = compareAccuracy(a, b);
      expect(c.verdict, `seed ${seed}: ${c.verdictText}`).toBe('b_less_accurate');
      expect(c.overall.ci[1]).toBeLessThan(0);
      expect(c.mde).toBeLessThan(0.04);
    }
  });
  it('keeps the A/A false-positive rate near alpha over many seeds', () => {
    let flagged = 0;
    const seeds = 400;
    for (let seed = 1; seed <= seeds; seed++) {
      const [a, b] = synthetic(1000 + seed, 0);
      if (compareAccuracy(a, b).verdict !== 'no_significant_difference') flagged++;
    }
    // Continuity-corrected McNemar is a little conservative: expect roughly 2-5% at alpha 0.05.
    expect(flagged / seeds).toBeGreaterThan(0.01);
    expect(flagged / seeds).toBeLessThan(0.08);
  });
  it('does not flag an identical run and states the detectable drop', () => {
    const [a] = synthetic(5, 0);
    const c = compareAccuracy(a, { ...a, info: info('B') });
    expect(c.verdict).toBe('no_significant_difference');
    expect(c.flipped).toEqual([]);
    expect(c.overall.mcnemar.pValue).toBe(1);
    expect(c.verdictText).toMatch(/^no significant difference: \+0\.0 points .* detects a drop of 0\.4 points or more/);
  });
  it('scores the macro of both arms on the paired questions only (a failing B is not scored on its failures)', () => {
    // Question i is subject i: 4 questions in 4 subjects. B's request for question 3 failed.
    const a = run('A', ['correct', 'correct', 'correct', 'correct']);
    const b = run('B', ['correct', 'correct', 'correct', 'failed']);
    expect(b.summary.overall.macro).toBe(1); // the whole run: the failure is not scored (evalscope)
    const c = compareAccuracy(a, b);
    expect(c.paired).toBe(3);
    expect(c.macro).toEqual({ a: 1, b: 1 });
    expect(formatComparison(c)).toContain('Macro (evalscope AverageAccuracy) over the 3 paired questions: A 1.0000, B 1.0000');
  });

  it('lists flips, tables by subject and category, and leaves failed requests out', () => {
    const a = run('A', ['correct', 'correct', 'wrong', 'correct', 'failed', 'unparsed']);
    const b = run('B', ['correct', 'wrong', 'correct', 'truncated', 'correct', 'correct']);
    const c = compareAccuracy(a, b);
    expect(c.paired).toBe(5);
    expect(c.excludedFailed).toBe(1);
    expect(c.overall).toMatchObject({ n: 5, aOnly: 2, bOnly: 2, diff: 0 });
    expect(c.overall.mcnemar).toMatchObject({ method: 'exact', pValue: 1 });
    expect(c.flipped.map((f) => [f.key, f.a.outcome, f.b.outcome])).toEqual([
      ['operating_system/1', 'correct', 'wrong'],
      ['computer_architecture/2', 'wrong', 'correct'],
      ['college_programming/3', 'correct', 'truncated'],
      ['college_chemistry/5', 'unparsed', 'correct'],
    ]);
    expect(c.subjects.map((s) => s.name)).toHaveLength(5);
    expect(c.categories.map((g) => [g.name, g.n])).toEqual([['STEM', 5]]);
    expect(c.notes.some((n) => /1 question\(s\) left out/.test(n))).toBe(true);
  });
  it('formats the arms by name: the header gives each its letter once, flipped questions name the arms, not A/B', () => {
    const a = run('eval-off', ['correct', 'correct', 'unparsed']);
    const b = run('eval-on', ['correct', 'wrong', 'correct']);
    const text = formatComparison(compareAccuracy(a, b, 0.05, { a: 'eval-off', b: 'eval-on' }));
    expect(text).toMatch(/^Accuracy eval-off \(A\) vs eval-on \(B\): 3 paired questions$/m);
    // One line per question; answer letters never stand beside a bare arm letter.
    expect(text).toMatch(/^ {2}operating_system\/1 {2}gold A {2}eval-off: A \(correct\) {2}eval-on: B \(wrong\)$/m);
    expect(text).toMatch(/^ {2}computer_architecture\/2 {2}gold A {2}eval-off: - \(unparsed\) {2}eval-on: A \(correct\)$/m);
    // Equal names come from armNames already lettered ("eval-try (A)"): not "eval-try (A) (A)".
    const same = formatComparison(compareAccuracy(a, b, 0.05, { a: 'eval-try (A)', b: 'eval-try (B)' }));
    expect(same).toMatch(/^Accuracy eval-try \(A\) vs eval-try \(B\): 3 paired questions$/m);
    expect(same).toMatch(/^ {2}operating_system\/1 {2}gold A {2}eval-try \(A\): A \(correct\) {2}eval-try \(B\): B \(wrong\)$/m);
  });
  it('refuses different question sets and settings, allows a partial subset', () => {
    const a = run('A', ['correct', 'correct', 'wrong']);
    expect(() => compareAccuracy(a, run('B', ['correct', 'correct']))).toThrow(/different questions: 1 only in A, 0 only in B/);
    expect(compareAccuracy(a, run('B', ['correct', 'wrong'], true)).paired).toBe(2);
    expect(() => compareAccuracy(a, { ...a, info: { ...info('B'), shots: 5 } })).toThrow(/shots is 0 in A and 5 in B/);
    const other = run('B', ['correct', 'correct', 'wrong']);
    other.records[0] = { ...other.records[0], gold: 'C' };
    expect(() => compareAccuracy(a, other)).toThrow(/computer_network\/0 has answer A in A and C in B/);
  });
  it('keeps the verdict on McNemar and notes when the interval disagrees (A 12/12, B 8/12)', () => {
    const a = run('A', Array<Outcome>(12).fill('correct'));
    const b = run('B', [...Array<Outcome>(8).fill('correct'), ...Array<Outcome>(4).fill('wrong')]);
    const c = compareAccuracy(a, b);
    expect(c.overall).toMatchObject({ aOnly: 4, bOnly: 0 });
    expect(c.overall.mcnemar.pValue).toBeCloseTo(0.125, 12);
    expect(c.overall.ci[0]).toBeCloseTo(-0.561, 3);
    expect(c.overall.ci[1]).toBeCloseTo(-0.011, 3);
    expect(c.verdict).toBe('no_significant_difference');
    expect(c.notes[0]).toBe(
      "the 95% interval (-56.1 to -1.1 points) excludes 0 but McNemar's exact test does not reject (p = 0.1250 >= 0.05); the verdict follows McNemar. " +
        'With 4 discordant pairs the test is conservative and the interval approximate, so they can disagree: more questions are needed to settle it',
    );
    const text = formatComparison(c);
    expect(text).toMatch(/^Verdict: no significant difference: -33\.3 points \(95% CI -56\.1 to -1\.1\), McNemar p = 0\.1250/m);
    expect(text).toMatch(/^note: the 95% interval \(-56\.1 to -1\.1 points\) excludes 0 but McNemar's exact test does not reject/m);

    // When they agree (significant drop, interval below 0; no difference, interval across 0): no such note.
    const big = compareAccuracy(run('A', Array<Outcome>(40).fill('correct')), run('B', [...Array<Outcome>(30).fill('correct'), ...Array<Outcome>(10).fill('wrong')]));
    expect(big.verdict).toBe('b_less_accurate');
    expect(big.overall.ci[1]).toBeLessThan(0);
    expect(big.notes.some((n) => /verdict follows McNemar/.test(n))).toBe(false);
    const none = compareAccuracy(a, run('B', [...Array<Outcome>(11).fill('correct'), 'wrong']));
    expect(none.verdict).toBe('no_significant_difference');
    expect(none.overall.ci[0]).toBeLessThan(0);
    expect(none.overall.ci[1]).toBeGreaterThan(0);
    expect(none.notes).toEqual([]);
  });
  it('refuses to give a verdict from zero paired questions (every request failed in one arm)', () => {
    expect(() => compareAccuracy(run('A', ['failed', 'failed', 'failed']), run('B', ['correct', 'wrong', 'correct']))).toThrow(
      /no question to compare: 3 question\(s\) failed in A or B/,
    );
  });
});

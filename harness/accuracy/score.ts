// Scores from answer records: per subject, per category and overall, both the way evalscope
// reports them (macro: mean of 4-decimal subject scores) and question-weighted (micro). A question
// whose request failed is not scored, as in evalscope (evalscope/evaluator/evaluator.py,
// DefaultEvaluator.get_answers: a failed prediction stops the run, or with `ignore_errors` is left
// out before scoring; it is never graded wrong): every score's denominator is the answered
// questions, and failures are counted and reported beside them. Partial and complete runs alike.
import { CATEGORIES, SUBJECTS, subjectByKey } from './subjects.js';
import type { AccuracySummary, AnswerRecord, Counts, GroupScore, LengthStats, SubjectScore } from './types.js';

/** Rounds to 4 decimals, as evalscope rounds subset scores before averaging them. */
export function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function emptyCounts(): Counts {
  return { n: 0, correct: 0, wrong: 0, unparsed: 0, truncated: 0, failed: 0 };
}

function add(into: Counts, from: Counts): void {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += from[k];
}

/** Questions that got an answer to grade (every outcome but `failed`): the scores' denominator. */
export function answered(c: Counts): number {
  return c.n - c.failed;
}

/** Per-subject counts and scores (score = correct / answered, 4 decimals; 0 when nothing was
 *  answered), in the built-in table's order; subjects without records are absent. */
export function scoreSubjects(records: readonly AnswerRecord[]): SubjectScore[] {
  const by = new Map<string, Counts>();
  for (const r of records) {
    const c = by.get(r.subject) ?? emptyCounts();
    c.n++;
    c[r.outcome]++;
    by.set(r.subject, c);
  }
  const known = SUBJECTS.filter((s) => by.has(s.key));
  const unknown = [...by.keys()].filter((k) => !subjectByKey(k)).sort();
  if (unknown.length) throw new RangeError(`scoreSubjects: unknown subject(s) ${unknown.join(', ')}`);
  return known.map((s) => {
    const c = by.get(s.key)!;
    const a = answered(c);
    return { subject: s.key, chinese: s.chinese, category: s.category, ...c, score: a > 0 ? round4(c.correct / a) : 0 };
  });
}

/** Macro (mean of the rounded scores of the subjects with an answered question; `scoredSubjects`
 *  of them) and micro (correct / answered questions) over a group of subjects; 0 when nothing was
 *  answered. Failed requests are in the counts, in neither denominator (see the file comment). */
export function groupScore(name: string, subjects: readonly SubjectScore[]): GroupScore {
  const counts = emptyCounts();
  for (const s of subjects) add(counts, s);
  const scored = subjects.filter((s) => answered(s) > 0);
  const macro = scored.length ? scored.reduce((a, s) => a + s.score, 0) / scored.length : 0;
  const a = answered(counts);
  return { name, subjects: subjects.length, scoredSubjects: scored.length, ...counts, macro, micro: a > 0 ? counts.correct / a : 0 };
}

/** mean, p50, p90 (nearest rank) and max of the non-null values; null when there are none. */
export function lengthStats(values: readonly (number | null)[]): LengthStats | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const rank = (p: number) => v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
  return { count: v.length, mean: v.reduce((a, b) => a + b, 0) / v.length, p50: rank(50), p90: rank(90), max: v[v.length - 1] };
}

/** Everything the report prints, from the records alone. */
export function summarize(records: readonly AnswerRecord[]): AccuracySummary {
  const subjects = scoreSubjects(records);
  const categories = CATEGORIES.map((c) => groupScore(c, subjects.filter((s) => s.category === c))).filter((g) => g.subjects > 0);
  const answered = records.filter((r) => r.outcome !== 'failed');
  return {
    subjects,
    categories,
    overall: groupScore('Overall', subjects),
    lengths: {
      completionTokens: lengthStats(answered.map((r) => r.completionTokens)),
      reasoningTokens: lengthStats(answered.map((r) => r.reasoningTokens)),
      reasoningChars: lengthStats(answered.map((r) => r.reasoningChars)),
      answerChars: lengthStats(answered.map((r) => r.answerChars)),
    },
  };
}

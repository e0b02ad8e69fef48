// Scores from answer records: per subject, per category and overall, both the way evalscope
// reports them (macro: mean of 4-decimal subject scores) and question-weighted (micro).
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

/** Per-subject counts and scores, in the built-in table's order; subjects without records are absent. */
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
    return { subject: s.key, chinese: s.chinese, category: s.category, ...c, score: round4(c.correct / c.n) };
  });
}

/** Macro (mean of rounded subject scores) and micro (correct / n) over a group of subjects. */
export function groupScore(name: string, subjects: readonly SubjectScore[]): GroupScore {
  const counts = emptyCounts();
  for (const s of subjects) add(counts, s);
  const macro = subjects.length ? subjects.reduce((a, s) => a + s.score, 0) / subjects.length : 0;
  return { name, subjects: subjects.length, ...counts, macro, micro: counts.n ? counts.correct / counts.n : 0 };
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

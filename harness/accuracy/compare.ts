// A vs B on the same questions: pair each question's outcome in both runs, test the discordant
// pairs with McNemar, put an interval on the accuracy difference, and say what the design could
// have detected. Arms are A (baseline) and B (change); differences are B - A.
import { UserError } from '../common/errors.js';
import { mcnemar, type McNemarResult } from '../stats/mcnemar.js';
import type { Letter } from './dataset.js';
import { pairedDiffCi, pairedMde } from './pairedStats.js';
import { lengthStats } from './score.js';
import { CATEGORIES, SUBJECTS } from './subjects.js';
import type { AccuracyRun, AnswerRecord, LengthStats, Outcome } from './types.js';
import { summarize } from './score.js';

/** Paired result for a group of questions (one subject, one category, or all). Accuracies and
 *  differences are fractions of the paired questions (micro); `aOnly` / `bOnly` are McNemar's
 *  discordant counts (right in A only / right in B only). */
export interface PairedGroup {
  name: string;
  n: number;
  accA: number;
  accB: number;
  /** accB - accA. */
  diff: number;
  /** Agresti-Min interval for diff at 1 - alpha. */
  ci: [number, number];
  aOnly: number;
  bOnly: number;
  mcnemar: McNemarResult;
}

/** A question answered differently (right in one arm only). */
export interface Flip {
  key: string;
  subject: string;
  gold: Letter;
  a: { letter: Letter | null; outcome: Outcome };
  b: { letter: Letter | null; outcome: Outcome };
}

export type AccuracyVerdict = 'b_less_accurate' | 'b_more_accurate' | 'no_significant_difference';

export interface AccuracyComparison {
  arms: { a: string; b: string };
  alpha: number;
  /** Questions paired (in both runs, failed in neither). */
  paired: number;
  /** Questions left out because a request failed in A or B (a server problem, not an answer). */
  excludedFailed: number;
  overall: PairedGroup;
  categories: PairedGroup[];
  /** Per subject; their p-values are not corrected for multiplicity and only point where to look. */
  subjects: PairedGroup[];
  /** evalscope-style macro scores (mean of rounded subject scores) over the paired questions, so A
   *  and B are scored on the same set (each whole run's had put a partial or failing run's
   *  questions, failures counted wrong, beside the other's full set). */
  macro: { a: number; b: number };
  /** Smallest accuracy drop (fraction) McNemar at alpha would detect with 80% power on these
   *  questions, at the observed discordance (Connor 1987; see pairedMde). */
  mde: number;
  verdict: AccuracyVerdict;
  /** One line, e.g. "B is less accurate: -3.1 points (95% CI -4.6 to -1.6), McNemar p = 0.0001". */
  verdictText: string;
  flipped: Flip[];
  /** Output length per arm over the paired questions (a run that loops or thinks longer shows here). */
  lengths: {
    completionTokens: { a: LengthStats | null; b: LengthStats | null };
    reasoningChars: { a: LengthStats | null; b: LengthStats | null };
  };
  notes: string[];
}

function group(name: string, pairs: [AnswerRecord, AnswerRecord][], alpha: number): PairedGroup {
  const n = pairs.length;
  let ra = 0;
  let rb = 0;
  let aOnly = 0;
  let bOnly = 0;
  for (const [a, b] of pairs) {
    if (a.correct) ra++;
    if (b.correct) rb++;
    if (a.correct && !b.correct) aOnly++;
    if (b.correct && !a.correct) bOnly++;
  }
  return {
    name,
    n,
    accA: n ? ra / n : 0,
    accB: n ? rb / n : 0,
    diff: n ? (rb - ra) / n : 0,
    ci: pairedDiffCi(aOnly, bOnly, n, alpha),
    aOnly,
    bOnly,
    mcnemar: mcnemar({ b: aOnly, c: bOnly }),
  };
}

const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** Compares two runs question by question.
 *  @param alpha two-sided significance level, default 0.05.
 *  @param arms the arms' names (`abserve eval compare` names them by label, else run folder);
 *  default: each run's label, else "A" / "B".
 *  @throws UserError when the runs asked different questions (split, shots, prompt version, or
 *  question sets differ; a partial run may be a subset of a complete one). */
export function compareAccuracy(a: AccuracyRun, b: AccuracyRun, alpha = 0.05, arms?: { a: string; b: string }): AccuracyComparison {
  if (!(alpha > 0 && alpha < 1)) throw new UserError(`alpha: must be in (0, 1): got ${alpha}`);
  for (const f of ['split', 'shots', 'promptVersion'] as const) {
    if (a.info[f] !== b.info[f]) throw new UserError(`runs asked different questions: ${f} is ${JSON.stringify(a.info[f])} in A and ${JSON.stringify(b.info[f])} in B`);
  }
  const notes: string[] = [];
  const byKey = new Map(b.records.map((r) => [r.key, r]));
  const aKeys = new Set(a.records.map((r) => r.key));
  const onlyA = a.records.filter((r) => !byKey.has(r.key)).length;
  const onlyB = b.records.filter((r) => !aKeys.has(r.key)).length;
  // A question answered only in A is fine when B stopped early (B partial), and vice versa.
  if ((onlyA && !b.info.partial) || (onlyB && !a.info.partial)) {
    throw new UserError(`runs asked different questions: ${onlyA} only in A, ${onlyB} only in B (compare runs of the same data, subjects and limit)`);
  }
  if (onlyA || onlyB) notes.push(`a partial run: ${onlyA + onlyB} question(s) answered in one run only are left out`);
  const pairs: [AnswerRecord, AnswerRecord][] = [];
  let excludedFailed = 0;
  for (const ra of a.records) {
    const rb = byKey.get(ra.key);
    if (!rb) continue;
    if (ra.gold !== rb.gold) throw new UserError(`runs asked different questions: ${ra.key} has answer ${ra.gold} in A and ${rb.gold} in B`);
    if (ra.outcome === 'failed' || rb.outcome === 'failed') excludedFailed++;
    else pairs.push([ra, rb]);
  }
  if (excludedFailed) notes.push(`${excludedFailed} question(s) left out: the request failed in A or B`);
  if (a.info.model !== b.info.model) notes.push(`model names differ: ${a.info.model} vs ${b.info.model}`);
  if (a.info.maxTokens !== b.info.maxTokens) notes.push(`max_tokens differ: ${a.info.maxTokens} vs ${b.info.maxTokens}`);

  if (pairs.length === 0) {
    throw new UserError(
      `no question to compare: ${excludedFailed} question(s) failed in A or B and none was answered in both; look at the runs' answers.jsonl for the errors`,
    );
  }
  const overall = group('Overall', pairs, alpha);
  const bySubject = new Map<string, [AnswerRecord, AnswerRecord][]>();
  for (const pr of pairs) {
    const list = bySubject.get(pr[0].subject);
    if (list) list.push(pr);
    else bySubject.set(pr[0].subject, [pr]);
  }
  const present = SUBJECTS.filter((s) => bySubject.has(s.key));
  const subjects = present.map((s) => group(s.key, bySubject.get(s.key)!, alpha));
  const categories = CATEGORIES.map((c) => group(c, present.filter((s) => s.category === c).flatMap((s) => bySubject.get(s.key)!), alpha)).filter(
    (g) => g.n > 0,
  );
  const mde = pairedMde(overall.n, overall.n ? (overall.aOnly + overall.bOnly) / overall.n : 0, alpha);

  const conf = Math.round((1 - alpha) * 100);
  const ciText = `${conf}% CI ${pts(overall.ci[0])} to ${pts(overall.ci[1])}`;
  const p = overall.mcnemar.pValue;
  const pStr = p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
  const pText = `McNemar p = ${pStr}`;
  let verdict: AccuracyVerdict = 'no_significant_difference';
  let verdictText = `no significant difference: ${pts(overall.diff)} points (${ciText}), ${pText}; this design detects a drop of ${(100 * mde).toFixed(1)} points or more with 80% power`;
  if (p < alpha && overall.diff < 0) {
    verdict = 'b_less_accurate';
    verdictText = `B is less accurate: ${pts(overall.diff)} points (${ciText}), ${pText}`;
  } else if (p < alpha && overall.diff > 0) {
    verdict = 'b_more_accurate';
    verdictText = `B is more accurate: ${pts(overall.diff)} points (${ciText}), ${pText}`;
  }

  // The verdict is McNemar's; the Agresti-Min interval is an approximation that can exclude 0 while
  // the test does not reject (or the reverse) when the discordant pairs are few. Say so when they do.
  const ciExcludesZero = overall.ci[0] > 0 || overall.ci[1] < 0;
  if (ciExcludesZero !== p < alpha) {
    const d = overall.aOnly + overall.bOnly;
    const test = overall.mcnemar.method === 'exact' ? "McNemar's exact test" : "McNemar's continuity-corrected test";
    const clash = ciExcludesZero
      ? `the ${conf}% interval (${pts(overall.ci[0])} to ${pts(overall.ci[1])} points) excludes 0 but ${test} does not reject (p = ${pStr} >= ${alpha})`
      : `${test} rejects (p = ${pStr} < ${alpha}) but the ${conf}% interval (${pts(overall.ci[0])} to ${pts(overall.ci[1])} points) includes 0`;
    notes.unshift(
      `${clash}; the verdict follows McNemar. With ${d} discordant pair${d === 1 ? '' : 's'} the test is conservative and the interval ` +
        'approximate, so they can disagree: more questions are needed to settle it',
    );
  }

  const flipped: Flip[] = pairs
    .filter(([x, y]) => x.correct !== y.correct)
    .map(([x, y]) => ({
      key: x.key,
      subject: x.subject,
      gold: x.gold,
      a: { letter: x.letter, outcome: x.outcome },
      b: { letter: y.letter, outcome: y.outcome },
    }));
  return {
    arms: arms ?? { a: a.info.label ?? 'A', b: b.info.label ?? 'B' },
    alpha,
    paired: pairs.length,
    excludedFailed,
    overall,
    categories,
    subjects,
    macro: { a: summarize(pairs.map(([x]) => x)).overall.macro, b: summarize(pairs.map(([, y]) => y)).overall.macro },
    mde,
    verdict,
    verdictText,
    flipped,
    lengths: {
      completionTokens: { a: lengthStats(pairs.map(([x]) => x.completionTokens)), b: lengthStats(pairs.map(([, y]) => y.completionTokens)) },
      reasoningChars: { a: lengthStats(pairs.map(([x]) => x.reasoningChars)), b: lengthStats(pairs.map(([, y]) => y.reasoningChars)) },
    },
    notes,
  };
}

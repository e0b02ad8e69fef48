// The scenario's accuracy step: C-Eval asked of each arm's server, then compared question by
// question (McNemar) into the A/B report. `when: after` asks once per arm on a server of its own
// after the serving runs; `when: during` asks during the arm's first measured run, at the load's
// concurrency, because numerics can change with batch composition (a kernel that is only wrong
// in large batches shows only there).
import path from 'node:path';
import { UserError } from '../common/errors.js';
import { chooseMaxTokens, compareAccuracy, loadQuestions, runAccuracy, type AccuracyComparison } from '../accuracy/index.js';
import { listServedModels } from '../target/index.js';
import type { AccuracyRun } from '../accuracy/types.js';
import type { AbReportData } from '../report/abReportTypes.js';
import type { Scenario } from '../scenario/index.js';

/** Checks the step can run at all, before any server starts. Throws UserError naming the field. */
export function checkAccuracyStep(s: Scenario): void {
  const a = s.accuracy;
  if (!a) return;
  if (a.dataDir === undefined) {
    throw new UserError(`${s.file}: accuracy.data_dir: required (the C-Eval folder with dev/ val/ test/, or a .jsonl file)`);
  }
  // Load the questions now (milliseconds): a wrong folder, split or subject must not surface only
  // after the serving runs have used the GPUs.
  try {
    loadQuestions({
      dataDir: a.dataDir,
      split: a.split,
      ...(a.subjects ? { subjects: a.subjects } : {}),
      ...(a.categories ? { categories: a.categories as never } : {}),
      ...(a.limit !== undefined ? { limit: a.limit } : {}),
    });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${s.file}: accuracy.${e.message}`);
    throw e;
  }
}

/**
 * Asks the scenario's questions of one arm's server; answers go to <dir>/accuracy/<arm>/.
 * max_tokens as `abserve eval` chooses it: accuracy.max_tokens, or 8192 lowered to half the
 * server's max_model_len when it reports a smaller one.
 * @throws UserError `<file>: accuracy.max_tokens: ...` when the given value cannot fit the server's context.
 */
export async function askArm(s: Scenario, arm: string, url: string, model: string, dir: string, signal?: AbortSignal, concurrency?: number): Promise<AccuracyRun> {
  const a = s.accuracy!;
  let maxTokens: number;
  try {
    // Best effort: the server answered /v1/models when it started; a failure here leaves the default.
    const maxModelLen = (await listServedModels(url).catch(() => [])).find((m) => m.id === model)?.maxModelLen;
    maxTokens = chooseMaxTokens(a.maxTokens, maxModelLen).maxTokens;
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${s.file}: accuracy.${e.message}`);
    throw e;
  }
  return runAccuracy({
    dataDir: a.dataDir!,
    split: a.split,
    ...(a.subjects ? { subjects: a.subjects } : {}),
    ...(a.categories ? { categories: a.categories as never } : {}),
    ...(a.limit !== undefined ? { limit: a.limit } : {}),
    shots: a.shots,
    maxTokens,
    concurrency: a.concurrency ?? concurrency ?? 8,
    baseUrl: url,
    model,
    seed: s.seed,
    outDir: path.join(dir, 'accuracy', arm),
    label: arm,
    ...(signal ? { signal } : {}),
  });
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The comparison as the report's accuracy table (overall, then per category). */
export function accuracyTable(c: AccuracyComparison): NonNullable<AbReportData['accuracy']> {
  const rows = [c.overall, ...c.categories].map((g) => [
    g === c.overall ? `${g.name} (per question; macro below)` : g.name,
    String(g.n),
    pct(g.accA),
    pct(g.accB),
    `${(100 * g.diff).toFixed(2)} [${(100 * g.ci[0]).toFixed(2)}, ${(100 * g.ci[1]).toFixed(2)}]`,
    `${g.aOnly} / ${g.bOnly}`,
    g.mcnemar.pValue < 0.001 ? '<0.001' : g.mcnemar.pValue.toFixed(3),
  ]);
  return {
    headers: ['group', 'questions', `${c.arms.a}`, `${c.arms.b}`, 'B-A points [CI]', 'right only in A / B', 'McNemar p'],
    rows,
    verdict: `${c.verdictText} (macro ${pct(c.macro.a)} vs ${pct(c.macro.b)}; smallest detectable drop ${(100 * c.mde).toFixed(1)} points)`,
    notes: [...c.notes],
    // Arms by name: "A A (correct)" read as two answer letters (abserve eval compare does the same).
    flipped: c.flipped.map(
      (f) => `${f.key}: gold ${f.gold}, ${c.arms.a}: ${f.a.letter ?? '-'} (${f.a.outcome}), ${c.arms.b}: ${f.b.letter ?? '-'} (${f.b.outcome})`,
    ),
  };
}

/** Compares the two arms' runs (A first) at alpha. */
export function compareArmsAccuracy(a: AccuracyRun, b: AccuracyRun, alpha: number): AccuracyComparison {
  return compareAccuracy(a, b, alpha);
}

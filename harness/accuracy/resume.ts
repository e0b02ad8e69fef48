// `--resume DIR`: continue an interrupted run without re-asking what it answered. The stored run
// must have been asked the same way (model, split, shots, sampling, prompt) and its questions must be
// among those selected now; anything else is refused, so two different runs are never mixed.
// Failed questions are asked again; answers.jsonl is first rewritten (atomically) without them, so
// every question appears in it exactly once at the end.
import * as path from 'node:path';
import { UserError } from '../common/errors.js';
import { atomicWriteFile } from '../report/atomicWrite.js';
import type { Question } from './dataset.js';
import { ANSWERS_FILE, loadAccuracyRun } from './savedRun.js';
import type { AccuracyInfo, AnswerRecord } from './types.js';

/** Settings that must be equal for answers to be pooled into one run. */
const MUST_MATCH = ['model', 'split', 'shots', 'maxTokens', 'temperature', 'seed', 'promptVersion'] as const;

export interface ResumePlan {
  /** Answers kept from the stored run (failed ones dropped). */
  kept: AnswerRecord[];
  /** Selected questions still to ask, in selection order. */
  todo: Question[];
  /** The stored run's start time and label, kept for the resumed run. */
  startedAt: string;
  label: string | null;
}

/** Checks a stored run against this one and rewrites its answers.jsonl without failed answers.
 *  @param hashOf the prompt hash this run would send for a question.
 *  @throws UserError naming the directory and the first setting, question or prompt that differs. */
export async function planResume(dir: string, info: AccuracyInfo, questions: Question[], hashOf: (q: Question) => string): Promise<ResumePlan> {
  const prev = loadAccuracyRun(dir);
  for (const f of MUST_MATCH) {
    if (prev.info[f] !== info[f]) {
      throw new UserError(`resume: ${dir} was run with ${f} ${JSON.stringify(prev.info[f])}, this run has ${JSON.stringify(info[f])}; results of different settings are never mixed`);
    }
  }
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const seen = new Set<string>();
  const kept: AnswerRecord[] = [];
  for (const r of prev.records) {
    const q = byKey.get(r.key);
    if (!q) throw new UserError(`resume: ${dir} answered ${r.key}, which this run does not select (use the same data, subjects, categories and limit)`);
    if (r.promptHash !== hashOf(q)) throw new UserError(`resume: the prompt for ${r.key} differs from the one ${dir} sent (data or shots changed)`);
    if (seen.has(r.key)) throw new UserError(`resume: ${path.join(dir, ANSWERS_FILE)} has ${r.key} twice`);
    seen.add(r.key);
    if (r.outcome !== 'failed') kept.push(r);
  }
  await atomicWriteFile(path.join(dir, ANSWERS_FILE), kept.map((r) => JSON.stringify(r) + '\n'));
  const done = new Set(kept.map((r) => r.key));
  return { kept, todo: questions.filter((q) => !done.has(q.key)), startedAt: prev.info.startedAt, label: prev.info.label };
}

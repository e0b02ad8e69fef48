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
import type { AccuracyInfo, AnswerRecord, ResumeEntry } from './types.js';

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
  /** Failed answers dropped from answers.jsonl (they are among `todo`). */
  failedDropped: number;
  /** The stored run's earlier resumes (AccuracyInfo.resumes; [] when none or an older file). */
  resumes: ResumeEntry[];
}

/** Refuses to relabel a stored run on resume: a `label` given (not null) must equal the stored
 *  run's label (a run continued under another name would say, in accuracy.json, that it is that
 *  other run). Reads DIR/accuracy.json and answers.jsonl (loadAccuracyRun); cheap, no network, so
 *  the CLI calls it before contacting the server.
 *  @throws UserError `label: ...` naming both labels; loadAccuracyRun's UserError for a folder that
 *  holds no readable run. */
export function checkResumeLabel(dir: string, label: string | null | undefined): void {
  checkLabel(dir, loadAccuracyRun(dir).info.label, label);
}

function checkLabel(dir: string, stored: string | null, label: string | null | undefined): void {
  if (label == null || label === stored) return;
  const was = stored === null ? 'has no label' : `is labelled ${JSON.stringify(stored)}`;
  throw new UserError(`label: ${JSON.stringify(label)} differs from the run in ${dir}, which ${was}; a resumed run keeps its label (leave the label out)`);
}

/** Checks a stored run against this one and rewrites its answers.jsonl without failed answers.
 *  @param info this run's settings; `info.label` (null: not given) must be null or the stored one.
 *  @param hashOf the prompt hash this run would send for a question.
 *  @throws UserError naming the directory and the first setting, question or prompt that differs,
 *  or (`label: ...`) a label that differs from the stored run's; nothing is rewritten then. */
export async function planResume(dir: string, info: AccuracyInfo, questions: Question[], hashOf: (q: Question) => string): Promise<ResumePlan> {
  const prev = loadAccuracyRun(dir);
  checkLabel(dir, prev.info.label, info.label);
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
  return {
    kept,
    todo: questions.filter((q) => !done.has(q.key)),
    startedAt: prev.info.startedAt,
    label: prev.info.label,
    failedDropped: prev.records.length - kept.length,
    resumes: Array.isArray(prev.info.resumes) ? prev.info.resumes : [],
  };
}

// The shapes an accuracy run produces and saves: one AnswerRecord per question (a line of
// answers.jsonl), the scores computed from them, and the run itself (accuracy.json + answers.jsonl).
// report/ and ab/ read these; they are plain JSON.
import type { Letter, Split } from './dataset.js';
import type { ExtractionMethod } from './extract.js';
import type { Category } from './subjects.js';

/** Mutually exclusive, checked in this order: `failed` (request error after retries), `truncated`
 *  (finish_reason "length", whatever was extracted), `unparsed` (no letter found), then
 *  `correct` / `wrong`. Only `correct` scores; a truncated or unparsed answer is never called wrong. */
export type Outcome = 'correct' | 'wrong' | 'unparsed' | 'truncated' | 'failed';

/** Why a request failed, after retries. `status` is the HTTP status when there was one. */
export interface AnswerError {
  kind: 'http' | 'connection' | 'timeout' | 'bad_response';
  status?: number;
  message: string;
}

/** One asked question: a line of answers.jsonl. Lengths are in characters and (when the server
 *  reports them) tokens; times in milliseconds. */
export interface AnswerRecord {
  key: string;
  subject: string;
  id: string;
  /** First 16 hex digits of sha256 over the request's messages: same hash = same prompt. */
  promptHash: string;
  model: string;
  /** Raw `message.content` and reasoning field (`reasoning_content` or `reasoning`), as received. */
  output: string | null;
  reasoning: string | null;
  /** Characters of thinking (reasoning field plus any inline <think> text) and of the answer part. */
  reasoningChars: number;
  answerChars: number;
  /** `usage.completion_tokens_details.reasoning_tokens` when the server reports it. */
  reasoningTokens: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  letter: Letter | null;
  method: ExtractionMethod;
  unclosedThinking: boolean;
  gold: Letter;
  outcome: Outcome;
  correct: boolean;
  finishReason: string | null;
  /** ms. Without --stream: first attempt sent to answer received (retries and backoff included).
   *  With --stream: the successful attempt's send to its last token, as the serving metrics define
   *  E2EL. */
  latencyMs: number;
  /** Time to the first token, ms: only with --stream. */
  ttftMs: number | null;
  attempts: number;
  error: AnswerError | null;
}

/** Question counts by outcome; `n` is their sum. */
export interface Counts {
  n: number;
  correct: number;
  wrong: number;
  unparsed: number;
  truncated: number;
  failed: number;
}

/** One subject. `score` = correct / answered (n - failed) rounded to 4 decimals (evalscope's
 *  subset score: a failed request is not scored, see score.ts), 0 when nothing was answered. */
export interface SubjectScore extends Counts {
  subject: string;
  chinese: string;
  category: Category;
  score: number;
}

/** A group of subjects (a category, or all): `macro` is the plain mean of the rounded subject
 *  scores (evalscope's "AverageAccuracy": the published 0.90197884615385 for DeepSeek-R1 is the mean of
 *  52 such scores) of the `scoredSubjects` with an answered question; `micro` is question-weighted,
 *  correct / answered (n - failed), unrounded. Failed requests are counted (`failed`), never scored. */
export interface GroupScore extends Counts {
  name: string;
  subjects: number;
  /** Subjects with at least one answered (not failed) question: those the macro mean is over.
   *  Absent in accuracy.json files written before it existed. */
  scoredSubjects?: number;
  macro: number;
  micro: number;
}

/** Distribution of a per-question length (tokens or characters) over answered questions. */
export interface LengthStats {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  max: number;
}

export interface AccuracySummary {
  subjects: SubjectScore[];
  categories: GroupScore[];
  overall: GroupScore;
  lengths: {
    completionTokens: LengthStats | null;
    reasoningTokens: LengthStats | null;
    reasoningChars: LengthStats | null;
    answerChars: LengthStats | null;
  };
}

/** The settings of a run; two runs with a different `promptVersion`, split or shots ask different
 *  questions and are not compared. */
export interface AccuracyInfo {
  schema: 'abserve.accuracy/1';
  label: string | null;
  model: string;
  baseUrl: string;
  dataDir: string;
  split: Split;
  shots: number;
  maxTokens: number;
  temperature: number;
  seed: number;
  concurrency: number;
  stream: boolean;
  promptVersion: string;
  /** Questions selected; `records.length` is how many were answered. */
  planned: number;
  /** Subjects selected but absent from the data (their absence changes the macro score). */
  missingSubjects: string[];
  startedAt: string;
  finishedAt: string;
  /** True when the run stopped before every selected question was answered (Ctrl-C, run error). */
  partial: boolean;
  partialReason: string | null;
  warnings: string[];
  /** One entry per `--resume` of this run, oldest first: when it started, the answers it kept, the
   *  failed answers it dropped to ask again and the questions it had left to ask (those included).
   *  Absent when the run was never resumed (and in accuracy.json files written before it existed). */
  resumes?: ResumeEntry[];
}

/** A `--resume` of a saved run (AccuracyInfo.resumes). */
export interface ResumeEntry {
  at: string;
  answersKept: number;
  failedAskedAgain: number;
  toAsk: number;
}

/** A finished (or partial) run: what `runAccuracy` returns and `loadAccuracyRun` reads back. */
export interface AccuracyRun {
  info: AccuracyInfo;
  records: AnswerRecord[];
  summary: AccuracySummary;
}

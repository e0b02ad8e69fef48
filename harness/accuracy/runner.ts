// `runAccuracy`: load the questions, ask them at a fixed concurrency, grade each answer as it
// arrives, append it to answers.jsonl, and write accuracy.json (settings + scores) atomically at the
// start (marked partial), and at the end. An abort (Ctrl-C) stops asking, drops the in-flight
// requests and still writes everything answered, marked partial. A server that goes away mid-run
// ends it the same way (after a run of consecutive connection failures), instead of grinding
// through every remaining question's retries; so does a setup problem that fails the first answers
// with the same HTTP 4xx (max_tokens beyond the server's context, say).
import { loadQuestions, type Dataset, type DatasetOptions, type Question } from './dataset.js';
import { ask, makeClient } from './ask.js';
import { extractAnswer } from './extract.js';
import { buildMessages, promptHash, PROMPT_VERSION } from './prompt.js';
import { summarize } from './score.js';
import { AnswersFile, writeInfo } from './savedRun.js';
import { planResume } from './resume.js';
import { UserError } from '../common/errors.js';
import type { AccuracyInfo, AccuracyRun, AnswerRecord, Outcome, ResumeEntry } from './types.js';
import type { AskResult } from './ask.js';
import { askStream } from './askStream.js';
import { createClient } from '../client/index.js';
import { DEFAULT_MAX_TOKENS } from './serverLimits.js';

/** Options of one accuracy run. The dataset fields and `shots`, `maxTokens`, `concurrency` match
 *  the scenario file's `accuracy:` block (data_dir, split, subjects, categories, limit, shots,
 *  max_tokens, concurrency). Times in ms. */
export interface AccuracyOptions extends DatasetOptions {
  /** Server root (http://host:port) or its /v1 URL. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Solved dev-split examples per prompt (same subject); default 0. */
  shots?: number;
  /** Default 8192 (DEFAULT_MAX_TOKENS): reasoning models think for thousands of tokens. The CLI
   *  lowers it to fit the server's context (serverLimits.ts). */
  maxTokens?: number;
  /** Default 0 (greedy). */
  temperature?: number;
  /** Sent as the request's `seed`; default 0. */
  seed?: number;
  /** Requests in flight; default 8. */
  concurrency?: number;
  /** Per attempt; default 600 000 (10 min). */
  requestTimeoutMs?: number;
  /** Retries after the first attempt on 429/5xx/connection errors; default 3. */
  maxRetries?: number;
  /** First backoff; default 1000, doubling. */
  retryBaseMs?: number;
  /** When set: answers.jsonl is appended as answers arrive and accuracy.json written here. */
  outDir?: string;
  /** Ask through abserve's streaming client and record per-question TTFT; default false. */
  stream?: boolean;
  /** Continue the run stored in outDir: answered questions are not asked again; settings must match
   *  (see resume.ts). */
  resume?: boolean;
  label?: string;
  signal?: AbortSignal;
  onAnswer?: (record: AnswerRecord, done: number, total: number) => void;
  onWarning?: (message: string) => void;
  /** With `resume`: called once, before any question is asked, with what the stored run kept. */
  onResume?: (r: ResumeEntry) => void;
  /** Stop (partial) after this many consecutive questions failed with connection errors or
   *  timeouts; default max(8, 2 x concurrency). */
  maxConsecutiveConnectionFailures?: number;
  /** Stop (partial) when the first this many answers of the run (or all, if fewer are asked) all
   *  failed with the same HTTP 4xx status (429 aside): every question would fail the same way.
   *  Default 8; 0 never stops. */
  failFastAfter?: number;
}

/** At most `max` names, then "..." when there are more (the full list is in accuracy.json). */
export function namesPreview(names: string[], max = 5): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, ...` : names.join(', ');
}

/** The status of an answer that failed with a 4xx other than 429 (those are never retried), else
 *  null. The same one for each of the first answers means a setup problem (max_tokens beyond the
 *  server's context, a bad parameter, a wrong key), not something about the questions. */
function setupFailure(r: AnswerRecord): number | null {
  const st = r.error?.kind === 'http' ? r.error.status : undefined;
  return st !== undefined && st >= 400 && st < 500 && st !== 429 ? st : null;
}

/** The one vocabulary of question counts (format.ts's score lines use it too): a question is
 *  *asked* when it has a record, *answered* when the server replied (outcome other than `failed`),
 *  *failed* when the request failed after retries. E.g. "45 of 260 questions asked: 30 answered,
 *  15 failed". */
export function askedText(asked: number, planned: number, failed: number): string {
  return `${asked} of ${planned} questions asked: ${asked - failed} answered, ${failed} failed`;
}

/** How the partial reason of a run stopped by a setup failure (see failFastAfter) begins. */
export const STOPPED_EARLY = 'stopped early';

const REASONING_NAME = /(^|[^a-z])(r1|qwq|think|reason|o1|o3|o4|gpt-oss|deepseek-r)/i;

/** Grades one response. Outcome order: failed, truncated, unparsed, correct/wrong (see Outcome). */
export function toRecord(q: Question, model: string, hash: string, res: AskResult & { ttftMs?: number | null }): AnswerRecord {
  const x = extractAnswer({ content: res.content, reasoning: res.reasoning });
  let outcome: Outcome;
  if (res.error) outcome = 'failed';
  else if (res.finishReason === 'length') outcome = 'truncated';
  else if (!x.letter) outcome = 'unparsed';
  else outcome = x.letter === q.answer ? 'correct' : 'wrong';
  return {
    key: q.key,
    subject: q.subject,
    id: q.id,
    promptHash: hash,
    model,
    output: res.content,
    reasoning: res.reasoning,
    reasoningChars: x.reasoningText.length,
    answerChars: x.answerText.length,
    reasoningTokens: res.reasoningTokens,
    promptTokens: res.promptTokens,
    completionTokens: res.completionTokens,
    letter: x.letter,
    method: x.method,
    unclosedThinking: x.unclosedThinking,
    gold: q.answer,
    outcome,
    correct: outcome === 'correct',
    finishReason: res.finishReason,
    latencyMs: Math.round(res.latencyMs * 1000) / 1000,
    ttftMs: res.ttftMs != null ? Math.round(res.ttftMs * 1000) / 1000 : null,
    attempts: res.attempts,
    error: res.error,
  };
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`${name}: must be an integer >= 1: got ${v}`);
  return v;
}

/** Shots per question: the first `k` dev questions of its subject (never the question itself when
 *  the asked split is dev too).
 *  @throws UserError when the dev split has fewer than k questions for a subject. */
function shotsFor(opts: AccuracyOptions, data: Dataset, k: number): Map<string, Question[]> {
  const out = new Map<string, Question[]>();
  if (k === 0) return out;
  const dev = loadQuestions({ dataDir: opts.dataDir, split: 'dev', subjects: data.subjects }).questions;
  for (const q of data.questions) {
    const pool = dev.filter((d) => d.subject === q.subject && !(data.split === 'dev' && d.key === q.key));
    if (pool.length < k) throw new UserError(`shots: ${k} asked but the dev split has ${pool.length} usable questions for ${q.subject}`);
    out.set(q.key, pool.slice(0, k));
  }
  return out;
}

/** Runs C-Eval against an OpenAI-compatible server and scores it.
 *  Resolves with the run (partial when aborted); request failures are records with outcome
 *  `failed`, not exceptions.
 *  @throws UserError for bad options or data (before any request is sent), or when outDir already
 *  holds answers. */
export async function runAccuracy(opts: AccuracyOptions): Promise<AccuracyRun> {
  const shots = opts.shots ?? 0;
  if (!Number.isInteger(shots) || shots < 0) throw new UserError(`shots: must be an integer >= 0: got ${shots}`);
  const maxTokens = positiveInt('max_tokens', opts.maxTokens ?? DEFAULT_MAX_TOKENS);
  const concurrency = positiveInt('concurrency', opts.concurrency ?? 8);
  const timeoutMs = opts.requestTimeoutMs ?? 600_000;
  if (!(timeoutMs > 0)) throw new UserError(`request timeout: must be > 0 ms: got ${timeoutMs}`);
  const maxRetries = opts.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new UserError(`retries: must be an integer >= 0: got ${maxRetries}`);
  const data = loadQuestions(opts);
  const shotMap = shotsFor(opts, data, shots);
  const warn = (m: string) => {
    info.warnings.push(m);
    opts.onWarning?.(m);
  };

  const info: AccuracyInfo = {
    schema: 'abserve.accuracy/1',
    label: opts.label ?? null,
    model: opts.model,
    baseUrl: opts.baseUrl,
    dataDir: opts.dataDir,
    split: data.split,
    shots,
    maxTokens,
    temperature: opts.temperature ?? 0,
    seed: opts.seed ?? 0,
    concurrency,
    stream: opts.stream ?? false,
    promptVersion: PROMPT_VERSION,
    planned: data.questions.length,
    missingSubjects: data.missing,
    startedAt: new Date().toISOString(),
    finishedAt: '',
    partial: true,
    partialReason: 'running (the run has not finished)',
    warnings: [],
  };
  if (data.missing.length) warn(`${data.missing.length} selected subject(s) have no ${data.split} data: ${namesPreview(data.missing)}`);
  if (REASONING_NAME.test(opts.model) && maxTokens < 4096) {
    warn(`max_tokens ${maxTokens} looks too small for the reasoning model ${opts.model} (thinking often runs to thousands of tokens); cut-off answers count as truncated`);
  }

  let todo = data.questions;
  const records: AnswerRecord[] = [];
  if (opts.resume) {
    if (!opts.outDir) throw new UserError('resume: needs the run directory (outDir)');
    const plan = await planResume(opts.outDir, info, data.questions, (q) => promptHash(buildMessages(q, shotMap.get(q.key))));
    records.push(...plan.kept);
    todo = plan.todo;
    info.startedAt = plan.startedAt;
    info.label ??= plan.label;
    const entry: ResumeEntry = { at: new Date().toISOString(), answersKept: plan.kept.length, failedAskedAgain: plan.failedDropped, toAsk: todo.length };
    info.resumes = [...plan.resumes, entry];
    opts.onResume?.(entry);
  }
  const file = opts.outDir ? await AnswersFile.create(opts.outDir, opts.resume) : undefined;
  const finish = async (partialReason: string | null): Promise<AccuracyRun> => {
    await file?.close();
    info.finishedAt = new Date().toISOString();
    info.partial = partialReason !== null;
    info.partialReason = partialReason;
    const run: AccuracyRun = { info, records, summary: summarize(records) };
    if (opts.outDir) await writeInfo(opts.outDir, run);
    return run;
  };
  if (opts.outDir) await writeInfo(opts.outDir, { info, records, summary: summarize(records) });

  const client = opts.stream ? undefined : makeClient(opts.baseUrl, opts.apiKey, timeoutMs);
  const streaming = opts.stream
    ? createClient({
        baseUrl: opts.baseUrl,
        endpoint: '/v1/chat/completions',
        model: opts.model,
        apiKey: opts.apiKey,
        extraBody: { temperature: info.temperature, seed: info.seed },
        requestTimeoutMs: timeoutMs,
        stallTimeoutMs: Math.min(timeoutMs, 120_000),
        maxConnections: concurrency,
        requestIdPrefix: 'abserve-eval-',
      })
    : undefined;
  const index = new Map(data.questions.map((q, i) => [q.key, i]));
  // One signal for Ctrl-C (the caller's) and for giving up on an unreachable server or a
  // setup failure (ours).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stop.abort();
  const deadAfter = opts.maxConsecutiveConnectionFailures ?? Math.max(8, 2 * concurrency);
  let connFailures = 0;
  let stopReason: string | null = null;
  const failFastAfter = Math.min(opts.failFastAfter ?? 8, todo.length);
  let answeredNow = 0;
  let sameSetupFailures = 0;
  let first: AnswerRecord | null = null;
  let next = 0;
  const worker = async () => {
    while (!stop.signal.aborted && next < todo.length) {
      const q = todo[next++];
      const messages = buildMessages(q, shotMap.get(q.key));
      const req = { model: opts.model, messages, maxTokens, temperature: info.temperature, seed: info.seed };
      const askOpts = { timeoutMs, maxRetries, retryBaseMs: opts.retryBaseMs ?? 1000, signal: stop.signal };
      const res = streaming ? await askStream(streaming, req, index.get(q.key)!, askOpts) : await ask(client!, req, askOpts);
      if (res.aborted) return;
      const conn = res.error?.kind === 'connection' || res.error?.kind === 'timeout';
      connFailures = conn ? connFailures + 1 : 0;
      if (conn && connFailures >= deadAfter && !stopReason) {
        stopReason = `server unreachable: ${connFailures} questions in a row failed (${res.error!.message})`;
        stop.abort();
      }
      const rec = toRecord(q, opts.model, promptHash(messages), res);
      if (++answeredNow <= failFastAfter) {
        const st = setupFailure(rec);
        first ??= rec;
        if (st !== null && st === setupFailure(first)) sameSetupFailures++;
        if (sameSetupFailures === failFastAfter && !stopReason && answeredNow < todo.length) {
          stopReason = `${STOPPED_EARLY}: the first ${failFastAfter} questions all failed with HTTP ${st} (the first: ${first.error!.message})`;
          stop.abort();
        }
      }
      const done = records.push(rec);
      await file?.append(rec);
      opts.onAnswer?.(rec, done, data.questions.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
  } catch (e) {
    await finish(`run error: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await streaming?.close();
  }

  const s = summarize(records).overall;
  if (s.truncated) warn(`${s.truncated} answer(s) hit max_tokens ${maxTokens} (finish_reason "length"); raise --max-tokens`);
  if (s.failed) {
    const how = maxRetries === 0 ? 'retries off: none was retried' : `429, 5xx and connection errors were retried up to ${maxRetries} time(s), other 4xx never`;
    warn(`${s.failed} request(s) failed (${how}); they are left out of the scores, as evalscope leaves them out; --resume asks them again`);
  }
  // Most answers without a letter is a format problem (the model, the prompt, the extraction), not
  // accuracy: a 100% unparsed run had ended quietly with exit 0.
  const answered = s.n - s.failed;
  if (answered > 0 && s.unparsed * 2 > answered)
    warn(`${s.unparsed} of ${answered} answers had no answer letter the extraction could read (unparsed); check the model's output in answers.jsonl before reading the score`);
  const partial =
    records.length < data.questions.length
      ? `${stopReason ?? (opts.signal?.aborted ? 'interrupted' : 'stopped')}: ${askedText(records.length, data.questions.length, s.failed)}`
      : null;
  return finish(partial);
}

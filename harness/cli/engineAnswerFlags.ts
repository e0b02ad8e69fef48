// `abserve engine` flags of answering mode and planted divergence (issue 7): --answer-key loads an
// answer key from a C-Eval folder with accuracy/'s loader (engine/ itself never imports accuracy/),
// --answer-* set how the engine answers, --diverge-* make an arm's outputs differ from a token on.
// Kept apart from the cost and scheduling flags in engine.ts; problems are one line naming the flag.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { UserError, isUserError } from '../common/errors.js';
import { loadQuestions, type Question } from '../accuracy/dataset.js';
import { REASONING_STYLES, resolveAnswering, type AnswerKeyEntry, type AnsweringOptions, type ReasoningStyle } from '../engine/answering.js';
import { resolveDiverge, type DivergeOptions } from '../engine/divergence.js';

/** Adds the answering and divergence flags to `y` (in place; yargs builders mutate). */
export function addAnswerFlags(y: Argv): void {
  y.option('answer-key', { type: 'string', describe: 'C-Eval folder (official layout: dev/ and/or val/ CSVs) or .jsonl: answer the chat questions it holds' })
    .option('answer-accuracy', { type: 'number', describe: 'probability (0..1) a recognised question is answered correctly (default 1)' })
    .option('answer-seed', { type: 'number', describe: 'seed of the per-question draws (default 0)' })
    .option('answer-reasoning', { type: 'string', choices: [...REASONING_STYLES], describe: 'reasoning block: none, field (reasoning_content) or think (inline <think>) (default none)' })
    .option('answer-reasoning-words', { type: 'number', describe: 'words of reasoning before the answer line (default 24)' })
    .option('answer-missing-think-prob', { type: 'number', describe: 'think: probability the opening <think> tag is missing (default 0)' })
    .option('answer-truncate-prob', { type: 'number', describe: 'probability the reasoning never ends and max_tokens cuts it, finish_reason length (default 0)' })
    .option('answer-unparsed-prob', { type: 'number', describe: 'probability the answer line has no letter (default 0)' })
    .option('diverge-prob', { type: 'number', describe: "share (0..1) of requests whose text differs from the baseline's from --diverge-at on" })
    .option('diverge-at', { type: 'number', describe: 'first output token index (0-based) that differs in a diverging request (default 0)' })
    .option('diverge-seed', { type: 'number', describe: 'seed of which requests diverge (default 0)' });
}

const ANSWER_FLAG: Record<string, string> = {
  accuracy: '--answer-accuracy',
  seed: '--answer-seed',
  reasoning: '--answer-reasoning',
  reasoningWords: '--answer-reasoning-words',
  missingOpenTagProb: '--answer-missing-think-prob',
  truncateProb: '--answer-truncate-prob',
  unparsedProb: '--answer-unparsed-prob',
  prob: '--diverge-prob',
  at: '--diverge-at',
};

/** Re-words "engine option answering.X: ..." / "diverge.X" errors with the flag's name. */
function asFlag(e: unknown): unknown {
  if (!isUserError(e)) return e;
  const m = /^engine option (?:answering|diverge)\.(\w+): (.*)$/.exec(e.message);
  const flag = m ? (m[1] === 'seed' && e.message.includes('diverge.') ? '--diverge-seed' : ANSWER_FLAG[m[1]]) : undefined;
  return m && flag ? new UserError(`${flag}: ${m[2]}`) : e;
}

/**
 * The answer key of a C-Eval folder: every question of its dev and val splits (whichever exist; a
 * `.jsonl` file is read once). Few-shot prompts carry dev examples before a val question; the
 * engine answers the last question it recognises.
 * @throws UserError naming --answer-key for a missing folder, one with neither split, or a bad file.
 */
export function loadAnswerKey(dir: string): AnswerKeyEntry[] {
  const flag = (m: string) => new UserError(`--answer-key ${dir}: ${m}`);
  if (!existsSync(dir)) throw flag('no such file or folder');
  let questions: Question[] = [];
  try {
    if (dir.endsWith('.jsonl')) questions = loadQuestions({ dataDir: dir, split: 'val' }).questions;
    else {
      if (!statSync(dir).isDirectory()) throw flag('not a folder (want the ceval-exam layout: dev/, val/) or a .jsonl file');
      const splits = (['dev', 'val'] as const).filter((s) => existsSync(path.join(dir, s)));
      if (splits.length === 0) throw flag('holds neither dev/ nor val/ (the ceval-exam layout)');
      for (const split of splits) questions.push(...loadQuestions({ dataDir: dir, split }).questions);
    }
  } catch (e) {
    if (isUserError(e) && !e.message.startsWith('--answer-key')) throw flag(e.message);
    throw e;
  }
  return questions.map((q) => ({ key: q.key, question: q.question, choices: q.choices, answer: q.answer }));
}

/** The engine options the parsed flags ask for; answering only with --answer-key, divergence only
 *  with --diverge-prob.
 *  @throws UserError naming the flag (an --answer-* flag without --answer-key, a bad value). */
export function answerOptions(a: Record<string, unknown>): { answering?: AnsweringOptions; diverge?: DivergeOptions } {
  const num = (f: string) => (typeof a[f] === 'number' ? (a[f] as number) : undefined);
  const out: { answering?: AnsweringOptions; diverge?: DivergeOptions } = {};
  const keyDir = a['answer-key'];
  if (typeof keyDir === 'string') {
    const answering: AnsweringOptions = {
      key: loadAnswerKey(keyDir),
      accuracy: num('answer-accuracy'),
      seed: num('answer-seed'),
      reasoning: a['answer-reasoning'] as ReasoningStyle | undefined,
      reasoningWords: num('answer-reasoning-words'),
      missingOpenTagProb: num('answer-missing-think-prob'),
      truncateProb: num('answer-truncate-prob'),
      unparsedProb: num('answer-unparsed-prob'),
    };
    try {
      resolveAnswering(answering);
    } catch (e) {
      throw asFlag(e);
    }
    out.answering = answering;
  } else {
    const stray = Object.keys(ANSWER_FLAG).map((k) => ANSWER_FLAG[k]).find((f) => f.startsWith('--answer-') && a[f.slice(2)] !== undefined);
    if (stray) throw new UserError(`${stray}: needs --answer-key DIR (the C-Eval folder whose questions the engine answers)`);
  }
  const prob = num('diverge-prob');
  if (prob !== undefined) {
    const diverge: DivergeOptions = { prob, at: num('diverge-at') ?? 0, seed: num('diverge-seed') };
    try {
      resolveDiverge(diverge);
    } catch (e) {
      throw asFlag(e);
    }
    out.diverge = diverge;
  } else if (a['diverge-at'] !== undefined || a['diverge-seed'] !== undefined) {
    throw new UserError(`--diverge-${a['diverge-at'] !== undefined ? 'at' : 'seed'}: needs --diverge-prob P (the share of requests that diverge)`);
  }
  return out;
}

// `abserve eval`: C-Eval accuracy against an OpenAI-compatible server, and `abserve eval compare
// RUN_A RUN_B`: the paired A/B regression check of two saved runs. Flags only; the work is in
// harness/accuracy.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { armNames } from '../common/armNames.js';
import { UserError, isUserError } from '../common/errors.js';
import { checkFolderPath, makeFolders } from '../common/folders.js';
import {
  accuracyRunDir,
  ANSWERS_FILE,
  checkResumeLabel,
  chooseMaxTokens,
  compareAccuracy,
  DEFAULT_MAX_TOKENS,
  formatComparison,
  formatRun,
  loadAccuracyRun,
  loadQuestions,
  runAccuracy,
  sameRunReason,
  STOPPED_EARLY,
  type Category,
} from '../accuracy/index.js';
import { atomicWriteFile } from '../report/atomicWrite.js';
import { listServedModels, waitForServedModels } from '../target/probe.js';
import { describeUnknownCommand, suggestFlag } from './argvChecks.js';
import { withInterrupt } from './interrupt.js';
import { diffCommand } from './evalDiff.js';
import { checkAlpha } from './parseFlags.js';

// Option names of harness/accuracy (scenario vocabulary) -> this command's flags, for error messages.
const FLAG_OF: Record<string, string> = {
  data_dir: '--data-dir',
  subjects: '--subjects',
  categories: '--categories',
  limit: '--limit',
  split: '--split',
  shots: '--shots',
  max_tokens: '--max-tokens',
  concurrency: '--concurrency',
  'request timeout': '--request-timeout',
  resume: '--resume',
  retries: '--retries',
  alpha: '--alpha',
  label: '--label',
};

/** Re-words "field: message" errors from accuracy/ with this command's flag names. */
function asFlagError(e: unknown): unknown {
  if (!isUserError(e)) return e;
  const m = /^([a-z_ ]+): /.exec(e.message);
  return m && FLAG_OF[m[1]] ? new UserError(FLAG_OF[m[1]] + e.message.slice(m[1].length)) : e;
}

/**
 * Checks --out of `eval compare`, a JSON file path, before anything is compared or printed: not an
 * existing folder, no file where a folder above it should be.
 * @throws UserError `--out ${value}: is a folder; ...` or `--out ${value}: ... is a file, not a folder`.
 */
function checkOutFile(value: string): void {
  if (value === '') throw new UserError('--out: got an empty value');
  if (existsSync(value) && statSync(value).isDirectory()) {
    throw new UserError(`--out ${value}: is a folder; --out names the JSON file to write, e.g. ${path.join(value, 'comparison.json')}`);
  }
  checkFolderPath(path.dirname(value), '--out');
}

/** makeFolders for the folder of --out FILE, its errors naming the flag's own value. */
function makeOutFileFolder(value: string): void {
  const dir = path.dirname(value);
  try {
    makeFolders(dir, '--out');
  } catch (e) {
    if (!isUserError(e)) throw e;
    const prefix = `--out ${dir}: `;
    throw new UserError(`--out ${value}: ${e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message}`);
  }
}

/** Integer flags checked before the server is contacted (the library checks them again, later). */
function checkInt(flag: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) throw new UserError(`${flag}: expected an integer >= ${min}, got ${v}`);
}

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

function runFlags(y: Argv) {
  return y
    .option('data-dir', {
      type: 'string',
      demandOption: true,
      describe:
        'ceval-exam folder (holding val/, dev/) or a .jsonl file; to try eval without downloading C-Eval, use the 12-question ' +
        'harness/accuracy/fixtures/ceval-mini against `abserve engine --answer-key harness/accuracy/fixtures/ceval-mini` (see README)',
    })
    .option('base-url', { type: 'string', describe: 'server root, e.g. http://127.0.0.1:8000' })
    .option('host', { type: 'string', default: '127.0.0.1' })
    .option('port', { type: 'number', default: 8000 })
    .option('model', { type: 'string', describe: 'model name (default: the first one /v1/models lists)' })
    .option('api-key', { type: 'string', describe: 'bearer token (default: $OPENAI_API_KEY)' })
    // No yargs `choices`: its refusal is several lines; loadQuestions refuses test (no answers) and
    // anything else in one line naming --split.
    .option('split', { type: 'string', default: 'val', describe: 'val or dev (test has no answers to grade)' })
    .option('subjects', { type: 'string', describe: 'comma-separated subject keys, e.g. accountant,law' })
    .option('categories', { type: 'string', describe: 'comma-separated: STEM, Social Science, Humanities, Other' })
    .option('limit', { type: 'number', describe: 'at most this many questions per subject' })
    .option('shots', { type: 'number', default: 0, describe: 'solved dev examples per prompt' })
    .option('max-tokens', {
      type: 'number',
      describe: `completion budget per question; reasoning models need thousands (default ${DEFAULT_MAX_TOKENS}, or half the server's max_model_len when /v1/models lists one below ${2 * DEFAULT_MAX_TOKENS})`,
    })
    .option('temperature', { type: 'number', default: 0, describe: 'sampling temperature, >= 0 (0: greedy)' })
    .option('seed', { type: 'number', default: 0 })
    .option('concurrency', { type: 'number', default: 8 })
    .option('request-timeout', { type: 'number', default: 600, describe: 'seconds per attempt' })
    .option('retries', { type: 'number', default: 3, describe: 'retries on 429, 5xx and connection errors (never other 4xx)' })
    .option('out', { type: 'string', describe: 'result folder (default: results/eval-<model>-<time>)' })
    .option('stream', { type: 'boolean', default: false, describe: "ask through abserve's streaming client; records per-question TTFT and latency" })
    .option('ready-check-timeout-sec', {
      type: 'number',
      default: 0,
      describe: 'wait up to this many seconds for a server still starting (/v1/models refused or answering 502/503/504), as bench does; 0: one try',
    })
    .option('resume', { type: 'string', describe: 'continue the interrupted run in this folder (same flags), asking only what it has not answered' })
    .option('label', { type: 'string', describe: 'name of this run in comparisons, e.g. A or merge-on' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress line' });
}
type RunArgs = Awaited<ReturnType<ReturnType<typeof runFlags>['parseAsync']>>;

/** What to do about a 401/403 (the server wants an API key, or refused the one sent), else ''. */
function authHint(status: number | undefined, apiKey: string | undefined): string {
  if (status !== 401 && status !== 403) return '';
  return apiKey === undefined
    ? `; the server wants an API key: pass --api-key KEY (or set OPENAI_API_KEY)`
    : `; the server refused the API key sent (--api-key, else OPENAI_API_KEY): check it`;
}

/** "run again with the same flags and --resume DIR", the way to continue an incomplete run
 *  (`viaOut`: the run was given --out, which --resume replaces). */
function resumeHint(dir: string, viaOut: boolean): string {
  return `run again with the same flags and --resume ${dir}${viaOut ? ' (in place of --out)' : ''}`;
}

async function runHandler(a: RunArgs): Promise<void> {
  const baseUrl = a['base-url'] ?? `http://${a.host}:${a.port}`;
  const apiKey = a['api-key'] ?? process.env.OPENAI_API_KEY;
  // Every numeric flag is checked here, before the server is contacted (--concurrency 0 had been
  // refused only after /v1/models was asked).
  if (!(a['request-timeout'] > 0)) throw new UserError(`--request-timeout must be > 0 seconds: got ${a['request-timeout']}`);
  checkInt('--concurrency', a.concurrency, 1);
  checkInt('--retries', a.retries, 0);
  checkInt('--shots', a.shots, 0);
  if (!Number.isInteger(a.seed)) throw new UserError(`--seed: expected an integer, got ${a.seed}`);
  if (a['base-url'] === undefined && !(Number.isInteger(a.port) && a.port >= 1 && a.port <= 65535)) throw new UserError(`--port: expected 1-65535, got ${a.port}`);
  if (a.resume !== undefined && a.out !== undefined && path.resolve(a.resume) !== path.resolve(a.out)) {
    throw new UserError(`--resume ${a.resume} and --out ${a.out}: a resumed run stays in its folder; give one of them`);
  }
  if (a.out !== undefined) checkFolderPath(a.out, '--out');
  // A saved run is never overwritten nor mixed into: say so before the server is contacted, naming
  // the flag that continues it (the library's refusal came after the probe, without the flag).
  if (a.out !== undefined && a.resume === undefined && existsSync(path.join(a.out, ANSWERS_FILE))) {
    throw new UserError(`--out ${a.out}: holds a saved run (${ANSWERS_FILE}); choose another folder, or continue that run with --resume ${a.out} (in place of --out)`);
  }
  if (a.resume !== undefined) {
    // A saved run is never relabelled (its accuracy.json had taken the new --label silently).
    try {
      checkResumeLabel(a.resume, a.label);
    } catch (e) {
      throw asFlagError(e);
    }
  }
  const dataset = {
    dataDir: a['data-dir'],
    split: a.split as 'val' | 'dev' | 'test',
    subjects: list(a.subjects),
    categories: list(a.categories) as Category[] | undefined,
    limit: a.limit,
  };
  // Every flag and the data are checked before the server is contacted (runAccuracy loads again: cheap).
  try {
    loadQuestions(dataset);
  } catch (e) {
    throw asFlagError(e);
  }
  // Checked here: a server refuses it for every question (a partial run and exit 1, not one line).
  if (!(Number.isFinite(a.temperature) && a.temperature >= 0)) throw new UserError(`--temperature: expected a number >= 0, got ${a.temperature}`);
  const givenMax = a['max-tokens'];
  if (givenMax !== undefined && !(Number.isInteger(givenMax) && givenMax >= 1)) throw new UserError(`--max-tokens: expected an integer >= 1, got ${givenMax}`);
  // Then probe: a dead server or a wrong model name is one clear line, not N failed questions.
  const waitSec = a['ready-check-timeout-sec'];
  if (!(Number.isFinite(waitSec) && waitSec >= 0)) throw new UserError(`--ready-check-timeout-sec: expected seconds >= 0, got ${waitSec}`);
  const probe = async () => waitSec > 0
    ? ((await waitForServedModels(baseUrl, {
        apiKey,
        waitMs: waitSec * 1000,
        onWait: (cause, left) => console.error(`abserve: ${cause}; waiting up to ${left} s more for the server`),
      })) ?? [])
    : await listServedModels(baseUrl, apiKey);
  let models;
  try {
    models = await probe();
  } catch (e) {
    // probe.ts says "GET URL answered 401: <body>": name the flags that send a key.
    const st = isUserError(e) ? /answered (\d{3})\b/.exec(e.message)?.[1] : undefined;
    throw st && authHint(Number(st), apiKey) ? new UserError(e instanceof Error ? e.message + authHint(Number(st), apiKey) : String(e)) : e;
  }
  const served = models.map((m) => m.id);
  const model = a.model ?? served[0];
  if (!model) throw new UserError(`--model not given and ${baseUrl}/v1/models lists no model`);
  if (served.length && !served.includes(model)) throw new UserError(`--model ${model}: not served by ${baseUrl} (it lists ${served.join(', ')})`);
  // A completion budget beyond the server's context fails every question with the same 400: fit it
  // before asking (vLLM and abserve's engine list max_model_len; other servers keep the default).
  let maxTokens: number;
  try {
    const maxModelLen = models.find((m) => m.id === model)?.maxModelLen;
    const chosen = chooseMaxTokens(givenMax, maxModelLen);
    maxTokens = chosen.maxTokens;
    if (chosen.halved) console.error(`note: --max-tokens ${maxTokens} (half the server's max_model_len ${maxModelLen}); pass --max-tokens to choose`);
  } catch (e) {
    throw asFlagError(e);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = a.resume ?? a.out ?? path.join('results', `eval-${model.replace(/[^\w.-]+/g, '_')}-${stamp}`);
  // One level at a time: Node 20's recursive mkdir never returns under /proc (eval --out /proc/x spun).
  makeFolders(outDir, a.resume !== undefined ? '--resume' : '--out');
  const tty = process.stderr.isTTY && !a.quiet;
  let failedSoFar = 0;
  let run;
  try {
    run = await withInterrupt((signal) =>
      runAccuracy({
        ...dataset,
        shots: a.shots,
        maxTokens,
        temperature: a.temperature,
        seed: a.seed,
        concurrency: a.concurrency,
        requestTimeoutMs: a['request-timeout'] * 1000,
        maxRetries: a.retries,
        baseUrl,
        model,
        apiKey,
        outDir,
        resume: a.resume !== undefined,
        stream: a.stream,
        label: a.label,
        signal,
        onWarning: (m) => console.error(`warning: ${m}`),
        onResume: (r) =>
          console.error(
            `resuming ${outDir}: ${r.answersKept} answer${r.answersKept === 1 ? '' : 's'} kept, ${r.toAsk} question${r.toAsk === 1 ? '' : 's'} to ask` +
              (r.failedAskedAgain ? ` (${r.failedAskedAgain} of them failed before)` : ''),
          ),
        onAnswer: (r, done, total) => {
          if (r.outcome === 'failed') failedSoFar++;
          // runner.ts's askedText vocabulary: asked = answered + failed.
          if (tty) process.stderr.write(`\r${done}/${total} asked: ${done - failedSoFar} answered, ${failedSoFar} failed`);
        },
      }),
    );
  } catch (e) {
    throw asFlagError(e);
  } finally {
    if (tty) process.stderr.write('\n');
  }
  // The warnings were printed (stderr) as they came: the table leaves them out; accuracy.md keeps them.
  console.log(formatRun(run, 'grid', { warnings: false }));
  await atomicWriteFile(path.join(outDir, 'accuracy.md'), formatRun(run, 'markdown') + '\n');
  console.log(`\nSaved ${path.join(outDir, 'accuracy.json')}, answers.jsonl and accuracy.md${run.info.partial ? ' (partial run)' : ''}`);
  if (run.info.partialReason?.startsWith(STOPPED_EARLY)) {
    // A setup problem (the same 4xx for the first questions): the server's reason, exit 1.
    const status = run.records.find((r) => r.error)?.error?.status;
    console.error(`abserve: ${run.info.partialReason}${authHint(status, apiKey)}`);
    process.exitCode = 1;
  } else if (run.info.partial) {
    // Ctrl-C or a server gone: the last line says how to continue, as for failed requests below.
    // partialReason reads e.g. "interrupted: 45 of 260 questions asked: 30 answered, 15 failed".
    console.error(`abserve: ${run.info.partialReason}; ${resumeHint(outDir, a.out !== undefined)} to ask the rest`);
    process.exitCode = 3;
  } else if (run.records.length > 0 && run.records.every((r) => r.outcome === 'failed')) {
    // Nothing was measured: say why in one line, and never exit 0.
    const first = run.records.find((r) => r.error)?.error;
    console.error(`abserve: every question failed${first ? `; the first: ${first.message}` : ''}${authHint(first?.status, apiKey)}`);
    process.exitCode = 1;
  } else if (run.summary.overall.failed > 0) {
    // Failed requests are not scored: the run is incomplete (exit 3, as a partial run), and --resume
    // asks exactly those again (resume.ts drops failed answers before asking).
    const failed = run.summary.overall.failed;
    console.error(
      `abserve: ${failed} of ${run.records.length} requests failed, so the run is incomplete (exit 3); ${resumeHint(outDir, a.out !== undefined)} to ask them again`,
    );
    process.exitCode = 3;
  }
}

interface CompareArgs {
  runA: string;
  runB: string;
  alpha: number;
  json: boolean;
  out?: string;
}

const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <runA> <runB>',
  describe: 'paired A/B accuracy check of two saved runs (folders of accuracy.json + answers.jsonl)',
  builder: (y) =>
    y
      .positional('runA', { type: 'string', demandOption: true, describe: 'baseline run folder' })
      .positional('runB', { type: 'string', demandOption: true, describe: 'changed run folder' })
      .option('alpha', { type: 'number', default: 0.05, describe: 'two-sided significance level, in (0, 0.5]' })
      .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' })
      .option('out', { type: 'string', describe: 'also write the comparison JSON to this file (a file path, not a folder)' }) as Argv<CompareArgs>,
  handler: async (a) => {
    const alpha = checkAlpha(a.alpha); // before any file is read
    if (a.out !== undefined) checkOutFile(a.out); // and before anything is compared or printed
    let c;
    let same: string | null;
    try {
      const [runA, runB] = [loadAccuracyRun(a.runA), loadAccuracyRun(a.runB)];
      const [dirA, dirB] = [accuracyRunDir(a.runA), accuracyRunDir(a.runB)];
      // Arms are named by the runs' labels, else their folders (made distinct when equal), as in `abserve compare`.
      const [na, nb] = armNames({ label: runA.info.label, file: dirA }, { label: runB.info.label, file: dirB });
      c = compareAccuracy(runA, runB, alpha, { a: na, b: nb });
      same = sameRunReason(dirA, runA.info, dirB, runB.info);
    } catch (e) {
      throw asFlagError(e);
    }
    // The folder of --out is made before anything is printed: one that cannot be (/proc/x/y had hung
    // in the recursive mkdir after the comparison was printed) is one line and nothing else.
    if (a.out !== undefined) makeOutFileFolder(a.out);
    // A run against itself, as `abserve compare` warns for the same file; stderr keeps --json's stdout JSON.
    if (same) console.error(`warning: ${same}`);
    const saved = same ? { ...c, notes: [...c.notes, same] } : c;
    console.log(a.json ? JSON.stringify(saved, null, 2) : formatComparison(c));
    if (a.out !== undefined) await atomicWriteFile(a.out, JSON.stringify(saved, null, 2) + '\n');
  },
};

/** The ask-and-score command, run when no subcommand is named: flags only, no positional argument. */
const RUN_COMMAND = '$0';
const RUN_TAKES_POSITIONALS = /[<[]/.test(RUN_COMMAND);
const SUBCOMMANDS = [compareCommand, diffCommand].map((c) => String(c.command).split(' ')[0]!);

/**
 * `abserve eval comapre a b` falls through to the ask-and-score command, which complained about
 * --data-dir (and, given it, about unknown arguments). Its first word, when close to a subcommand
 * (suggestFlag's match, as for an unknown top-level command), is one line naming it instead:
 * `Unknown command: eval comapre (did you mean eval compare?); ...`. Runs before validation, so
 * before --data-dir is demanded; a word close to no subcommand is left to yargs' strict mode.
 */
function rejectMistypedSubcommand(argv: { _: (string | number)[] }): void {
  const word = argv._[1];
  if (RUN_TAKES_POSITIONALS || typeof word !== 'string' || suggestFlag(word, SUBCOMMANDS) === undefined) return;
  throw new UserError(describeUnknownCommand(`eval ${word}`, SUBCOMMANDS.map((c) => `eval ${c}`)));
}

export const evalCommand: CommandModule = {
  command: 'eval',
  describe: 'C-Eval accuracy of a served model; `eval compare A B` checks B against A',
  builder: (y) =>
    y
      .command(compareCommand)
      .command(diffCommand as CommandModule)
      .command({
        command: RUN_COMMAND,
        describe: 'ask the C-Eval questions and score them',
        builder: (y: Argv) => runFlags(y).middleware(rejectMistypedSubcommand as never, true),
        handler: runHandler as never,
      }),
  handler: () => undefined,
};

// `abserve calibrate`: fit the r1-l20-pp3-tp8 engine profile to the published vLLM result blocks
// and print the fit table (published, simulated, error) and the fitted coefficients (issue 8).
// The blocks are read by report/vllmImport.ts; the scenario of each block (requests, input and
// output length, concurrency) and its arm (file name *with-op* / *without-op*) come from the data.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { calibrate, DEFAULT_MAX_EVALS, FIT_PARAMS, type FitRow, type FitTarget } from '../engine/calibrate.js';
import { R1_L20_PP3_TP8_START } from '../engine/profiles.js';
import type { ImportedRun } from '../report/vllmImport.js';
import { importFiles } from './import.js';

/** The four published vLLM result blocks (vLLM PR 16173), kept in the repository:
 *  harness/engine/published-r1-l20/ (a copy of the project's shared data; see its README). */
export const DEFAULT_PUBLISHED = path.resolve(fileURLToPath(new URL('../engine/published-r1-l20', import.meta.url)));

function target(run: ImportedRun, file: string): FitTarget {
  const base = path.basename(file);
  const arm = /without-op/.test(base) ? 'fallback' : /with-op/.test(base) ? 'cuda' : undefined;
  if (!arm) throw new UserError(`calibrate: ${file}: name must say with-op or without-op (the merge arm)`);
  const need = (v: number | undefined, what: string): number => {
    if (v === undefined || !Number.isFinite(v)) throw new UserError(`calibrate: ${file}: the block has no ${what}`);
    return v;
  };
  const ttft = run.metrics.ttft;
  const p99 = ttft?.percentiles.find((p) => p.p === 99)?.value;
  return {
    scenario: {
      name: base.replace(/[.-](with|without)-op.*$/, ''),
      numPrompts: run.completed,
      inputLen: run.totalInputTokens / run.completed,
      outputLen: run.totalOutputTokens / run.completed,
      concurrency: need(run.maxConcurrency, "'Maximum request concurrency'"),
    },
    arm,
    published: {
      meanTtftMs: need(ttft?.mean, 'Mean TTFT'),
      medianTtftMs: need(ttft?.median, 'Median TTFT'),
      p99TtftMs: need(p99, 'P99 TTFT'),
      meanTpotMs: need(run.metrics.tpot?.mean, 'Mean TPOT'),
      medianItlMs: need(run.metrics.itl?.median, 'Median ITL'),
      durationS: run.durationS,
    },
  };
}

/** Every vLLM result in `dir` (*.txt blocks or *.json --save-result files) as a fit target, sorted by file name. */
export function publishedTargets(dir: string): FitTarget[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.(txt|json)$/.test(f)).sort().map((f) => path.join(dir, f));
  } catch (e) {
    throw new UserError(`--published: cannot read ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (files.length === 0) throw new UserError(`--published: no vLLM results (.txt blocks or .json) in ${dir}`);
  return files.map((f) => target(importFiles([f])[0], f));
}

const UNIT: Record<string, string> = { durationS: 's' };

/** The fit table: one line per scenario, arm and metric. */
export function formatFitTable(rows: readonly FitRow[]): string {
  const head = ['scenario', 'arm', 'metric', 'published', 'simulated', 'error %'];
  const body = rows.map((r) => [
    r.scenario,
    r.arm,
    `${r.metric.replace(/(Ms|S)$/, '')} (${UNIT[r.metric] ?? 'ms'})`,
    r.published.toFixed(2),
    r.simulated.toFixed(2),
    (r.errorPct >= 0 ? '+' : '') + r.errorPct.toFixed(1),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((row) => row.map((c, i) => (i >= 3 ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ')).join('\n') + '\n';
}

function builder(y: Argv) {
  return y
    .option('published', { type: 'string', default: DEFAULT_PUBLISHED, describe: 'folder of vLLM results, *.txt blocks or *.json, named *with-op* / *without-op* (the arm)' })
    .option('max-evals', { type: 'number', default: DEFAULT_MAX_EVALS, describe: 'Nelder-Mead evaluations (each simulates every block)' })
    .option('json', { type: 'boolean', default: false, describe: 'print {profile, rows} as JSON' });
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

export const calibrateCommand: CommandModule = {
  command: 'calibrate',
  describe: 'fit the r1-l20-pp3-tp8 engine profile to published vLLM results; print the fit table',
  builder,
  handler: (raw) => {
    const a = raw as unknown as Args;
    const evals = a['max-evals'];
    if (!(Number.isInteger(evals) && evals >= FIT_PARAMS.length + 1)) {
      throw new UserError(`--max-evals: want an integer >= ${FIT_PARAMS.length + 1}, got ${String(evals)}`);
    }
    const targets = publishedTargets(a.published);
    const fit = calibrate(R1_L20_PP3_TP8_START, targets, evals);
    if (a.json) {
      process.stdout.write(JSON.stringify({ profile: fit.profile, rows: fit.rows }, null, 1) + '\n');
      return;
    }
    process.stdout.write(formatFitTable(fit.rows));
    process.stdout.write(`\nworst |error| ${fit.worstPct.toFixed(1)}% after ${fit.evaluations} evaluations; fitted coefficients (ms):\n`);
    for (const k of FIT_PARAMS) process.stdout.write(`  ${k}: ${String(fit.profile[k])}\n`);
  },
};

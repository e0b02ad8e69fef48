// `abserve compare A B`: two saved single runs, ours (`abserve bench --save-result`) or vLLM's own
// (--save-result JSON, with or without --save-detailed, or its printed block). With per-request
// data on both sides the comparison is the A/B one (request-level bootstrap, one repetition per
// arm, so run-to-run variance is not covered, and the note says so); with aggregates only, the
// differences are printed without any interval, because none can be computed from aggregates.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { armNames as namedArms } from '../common/armNames.js';
import { UserError } from '../common/errors.js';
import { formatNumber } from '../stats/format.js';
import { parseVllmResults, type ImportedRun, type ImportedSummary } from '../report/vllmImport.js';
import type { RunData, RunRequest } from './runData.js';

/** A saved run as compare reads it: the imported run and, when it has them, per-request values. */
export interface SavedRun {
  file: string;
  run: ImportedRun;
  data: RunData | null;
}

/**
 * The one result file a path names: a file; a folder holding result.json (an abserve ab run folder,
 * runs/NN-ARM-repN/, which also holds run.json); or a folder holding exactly one .json.
 */
function resultFile(p: string): string {
  if (!existsSync(p)) throw new UserError(`${p}: no such file or folder`);
  if (!statSync(p).isDirectory()) return p;
  if (existsSync(path.join(p, 'manifest.json'))) {
    throw new UserError(`${p}: an abserve ab results folder; its arms are compared by: abserve report ${p}`);
  }
  const json = readdirSync(p).filter((f) => f.endsWith('.json'));
  if (json.includes('result.json')) return path.join(p, 'result.json');
  if (json.length === 1 && json[0] === 'run.json') {
    // `abserve ab --simulate` writes run.json alone: modelled requests, no measured result.
    throw new UserError(`${p}: a run folder without result.json (an \`abserve ab --simulate\` run); compare its A/B folder with: abserve report ${path.dirname(path.dirname(p))}`);
  }
  const imported = json.filter((f) => f.endsWith('.imported.json')).sort();
  if (imported.length === 1) {
    // One `abserve import` run: its per-request result files when it has them, else the run itself.
    const ours = imported[0]!.replace(/\.imported\.json$/, '.abserve.json');
    return path.join(p, json.includes(ours) ? ours : imported[0]!);
  }
  if (imported.length > 1) {
    throw new UserError(
      `${p}: an \`abserve import\` folder holding ${imported.length} runs (${listed(imported)}); name one file per side, e.g. abserve compare ${path.join(p, imported[0]!)} ${path.join(p, imported[1]!)}`,
    );
  }
  if (json.length !== 1) throw new UserError(`${p}: expected one result .json in the folder, found ${json.length}${json.length > 0 ? ` (${listed(json.sort())})` : ''}; name the file`);
  return path.join(p, json[0]!);
}

/** Up to five names, then how many more. */
function listed(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, ... ${names.length - 5} more`;
}

/** The arm names of a comparison: each run's label, else its file name (see common/armNames). */
export function armNames(a: SavedRun, b: SavedRun): [string, string] {
  return namedArms({ label: a.run.label, file: a.file }, { label: b.run.label, file: b.file });
}

/** Per-request values of an imported run (failed requests left out), or null without them. */
function toRunData(run: ImportedRun, arm: string): RunData | null {
  if (!run.requests) return null;
  const requests: RunRequest[] = [];
  let failed = 0;
  run.requests.forEach((q, index) => {
    if (q.error !== '') {
      failed++;
      return;
    }
    const tpot = q.outputTokens > 1 ? (q.e2elMs - q.ttftMs) / (q.outputTokens - 1) : null;
    requests.push({ index, ttft: q.ttftMs, tpot, e2el: q.e2elMs, itl: q.itlsMs });
  });
  return {
    arm, rep: 1, order: 0, partial: false, completed: requests.length, failed,
    failures: failed > 0 ? { other: failed } : {},
    requestThroughput: run.requestThroughput ?? NaN,
    outputThroughput: run.outputThroughput ?? NaN,
    totalTokenThroughput: run.totalTokenThroughput ?? NaN,
    durationS: run.durationS,
    requests,
    timeline: { t_s: [], output_tok_s: [], running: [] },
  };
}

/** Loads one side. Throws UserError naming the path for anything unreadable or ambiguous. */
export function loadSavedRun(p: string, arm: string): SavedRun {
  const file = resultFile(p);
  const runs = parseVllmResults(readFileSync(file, 'utf8'), file);
  if (runs.length !== 1) throw new UserError(`${file}: holds ${runs.length} result blocks; compare needs one per side`);
  const run = runs[0]!;
  return { file, run, data: toRunData(run, arm) };
}

/** One line of the aggregate-only table. */
export interface AggregateRow {
  metric: string;
  statistic: string;
  a: number;
  b: number;
  diff: number;
  ratio: number;
}

function statOf(s: ImportedSummary | undefined, stat: string): number | undefined {
  if (!s) return undefined;
  if (stat === 'mean') return s.mean;
  if (stat === 'median') return s.median;
  const p = Number(stat.slice(1));
  return s.percentiles.find((x) => x.p === p)?.value;
}

/**
 * A run's throughputs, req/s and output tok/s: recomputed from completed requests, output tokens
 * and duration where the source gives them (a printed block rounds the throughputs to 2 decimals,
 * 0.38 req/s for 16 requests in 42.55 s or in 41.58 s), else as the source states them.
 */
export function throughputs(r: ImportedRun): { request?: number; output?: number } {
  const ok = Number.isFinite(r.durationS) && r.durationS > 0;
  return {
    request: ok && Number.isFinite(r.completed) ? r.completed / r.durationS : r.requestThroughput,
    output: ok && Number.isFinite(r.totalOutputTokens) ? r.totalOutputTokens / r.durationS : r.outputThroughput,
  };
}

/** B vs A on every statistic both sources carry (ms; throughputs per second, see `throughputs`). No intervals. */
export function aggregateRows(a: ImportedRun, b: ImportedRun): AggregateRow[] {
  const rows: AggregateRow[] = [];
  for (const metric of ['ttft', 'tpot', 'itl', 'e2el'] as const) {
    for (const stat of ['mean', 'median', 'p90', 'p99']) {
      const x = statOf(a.metrics[metric], stat);
      const y = statOf(b.metrics[metric], stat);
      if (x === undefined || y === undefined) continue;
      rows.push({ metric, statistic: stat, a: x, b: y, diff: y - x, ratio: y / x });
    }
  }
  const [ta, tb] = [throughputs(a), throughputs(b)];
  for (const [metric, x, y] of [
    ['output_throughput', ta.output, tb.output],
    ['request_throughput', ta.request, tb.request],
  ] as const) {
    if (x === undefined || y === undefined) continue;
    rows.push({ metric, statistic: 'value', a: x, b: y, diff: y - x, ratio: y / x });
  }
  return rows;
}

const UNITS: Record<string, string> = {
  ttft: 'ms', tpot: 'ms', itl: 'ms', e2el: 'ms', output_throughput: 'tok/s', request_throughput: 'req/s',
};

/** The aggregate-only table, aligned, for the terminal; metric names carry their units, numbers as in the per-request table. */
export function formatAggregateRows(rows: AggregateRow[], armA: string, armB: string): string {
  const head = ['metric', 'stat', armA, armB, 'B-A', 'B/A'];
  const body = rows.map((r) => [
    UNITS[r.metric] ? `${r.metric} (${UNITS[r.metric]})` : r.metric,
    r.statistic, formatNumber(r.a), formatNumber(r.b), (r.diff > 0 ? '+' : '') + formatNumber(r.diff), r.ratio.toFixed(4),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

const shown = (v: number | string | boolean): string => (v === Infinity ? 'inf' : String(v));

/**
 * Why two saved runs may not be like for like, one `what: A x vs B y` each, for every setting both
 * sources record: model, endpoint, max_concurrency, request_rate, burstiness, ignore_eos,
 * num_prompts, and the request shape (mean prompt or output tokens more than 5% apart). Empty
 * when they match. A setting one side does not record is not compared.
 */
export function designMismatches(a: ImportedRun, b: ImportedRun): string[] {
  const out: string[] = [];
  const setting = (what: string, get: (r: ImportedRun) => number | string | boolean | undefined) => {
    const [x, y] = [get(a), get(b)];
    if (x !== undefined && y !== undefined && x !== y) out.push(`${what}: A ${shown(x)} vs B ${shown(y)}`);
  };
  setting('model', (r) => r.model);
  if (a.endpointPath !== undefined && b.endpointPath !== undefined) setting('endpoint', (r) => r.endpointPath);
  else setting('endpoint', (r) => r.endpointType);
  setting('max_concurrency', (r) => r.maxConcurrency ?? (r.unlimitedConcurrency ? 'none' : undefined));
  setting('request_rate', (r) => r.requestRate);
  setting('burstiness', (r) => r.burstiness);
  setting('ignore_eos', (r) => r.ignoreEos);
  setting('num_prompts', (r) => r.numPrompts);
  const per = (r: ImportedRun, total: number) => (r.completed > 0 ? total / r.completed : NaN);
  for (const [what, x, y] of [
    ['prompt tokens per request', per(a, a.totalInputTokens), per(b, b.totalInputTokens)],
    ['output tokens per request', per(a, a.totalOutputTokens), per(b, b.totalOutputTokens)],
  ] as const) {
    if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) > 0.05 * Math.max(x, y)) out.push(`${what}: A ${x.toFixed(0)} vs B ${y.toFixed(0)}`);
  }
  return out;
}

/** `completed of planned` requests (`16 of 64`), or `16 completed` when the plan is not recorded. */
function completedOf(r: ImportedRun): string {
  return r.numPrompts !== undefined && Number.isFinite(r.numPrompts) ? `${r.completed} of ${r.numPrompts}` : `${r.completed}`;
}

/**
 * A partial run's cause without the request counts that abserve bench appends to it
 * (`interrupted; 16 of 64 requests completed, 48 cancelled` is `interrupted`): the counts are said
 * once, from the file's own numbers, which win where the reason's disagree with them.
 */
export function partialCause(reason: string | undefined): string {
  if (!reason) return 'interrupted';
  const cause = reason.replace(/;\s*\d+ of \d+ requests? (?:completed|finished)(?: \([^)]*\))?(?:, \d+ cancelled)?\s*$/, '').trim();
  return cause === '' ? 'interrupted' : cause;
}

/** A cut run's counts from its file: `16 of 64 requests completed, 2 failed, 46 cancelled` (failed
 *  when any; cancelled when the plan and the failures are recorded). */
function cutCounts(r: ImportedRun): string {
  const planned = r.numPrompts !== undefined && Number.isFinite(r.numPrompts);
  const failed = r.failed !== undefined && Number.isFinite(r.failed) ? r.failed : undefined;
  const parts = [`${completedOf(r)} requests completed`];
  if (failed) parts.push(`${failed} failed`);
  if (planned && failed !== undefined) parts.push(`${Math.max(0, r.numPrompts! - r.completed - failed)} cancelled`);
  return parts.join(', ');
}

/**
 * One line per side that was cut short (`partial: true` in its file), empty when neither was:
 * `B (part) is a partial run (interrupted): 16 of 64 requests completed, 48 cancelled; A 64 of 64`.
 * The counts are the file's (completed, failed, num_prompts), said once; the reason gives the cause
 * only. A cut run's requests are the ones that finished first, not a sample of the run (abserve ab
 * keeps such runs but never compares them), so its latencies and throughputs are not like for like.
 */
export function partialSides(a: ImportedRun, b: ImportedRun, names: [string, string]): string[] {
  const out: string[] = [];
  for (const [side, r, other, otherSide] of [['A', a, b, 'B'], ['B', b, a, 'A']] as const) {
    if (!r.partial) continue;
    const name = side === 'A' ? names[0] : names[1];
    out.push(
      `${side} (${name}) is a partial run (${partialCause(r.partialReason)}): ${cutCounts(r)}; ` +
        `${otherSide} ${completedOf(other)}${other.partial ? ' (also partial)' : ''}`,
    );
  }
  return out;
}

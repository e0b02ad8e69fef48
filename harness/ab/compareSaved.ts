// `abserve compare A B`: two saved single runs, ours (`abserve bench --save-result`) or vLLM's own
// (--save-result JSON, with or without --save-detailed, or its printed block). With per-request
// data on both sides the comparison is the A/B one (request-level bootstrap, one repetition per
// arm, so run-to-run variance is not covered, and the note says so); with aggregates only, the
// differences are printed without any interval, because none can be computed from aggregates.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';
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
  if (json.length !== 1) throw new UserError(`${p}: expected one result .json in the folder, found ${json.length}; name the file`);
  return path.join(p, json[0]!);
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

/** B vs A on every statistic both sources carry (ms; throughputs in their units). No intervals. */
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
  for (const [metric, get] of [
    ['output_throughput', (r: ImportedRun) => r.outputThroughput],
    ['request_throughput', (r: ImportedRun) => r.requestThroughput],
  ] as const) {
    const x = get(a);
    const y = get(b);
    if (x === undefined || y === undefined) continue;
    rows.push({ metric, statistic: 'value', a: x, b: y, diff: y - x, ratio: y / x });
  }
  return rows;
}

/** The aggregate-only table, aligned, for the terminal. */
export function formatAggregateRows(rows: AggregateRow[], armA: string, armB: string): string {
  const head = ['metric', 'stat', armA, armB, 'B-A', 'B/A'];
  const body = rows.map((r) => [r.metric, r.statistic, r.a.toFixed(2), r.b.toFixed(2), (r.diff >= 0 ? '+' : '') + r.diff.toFixed(2), r.ratio.toFixed(4)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/**
 * Why two saved runs may not be comparable at all: different models, request shapes (mean
 * prompt or output tokens more than 5% apart), concurrency or rate. Empty when they match.
 */
export function designMismatches(a: ImportedRun, b: ImportedRun): string[] {
  const out: string[] = [];
  if (a.model && b.model && a.model !== b.model) out.push(`models differ (${a.model} vs ${b.model})`);
  const per = (r: ImportedRun, total: number) => (r.completed > 0 ? total / r.completed : NaN);
  for (const [what, x, y] of [
    ['prompt tokens per request', per(a, a.totalInputTokens), per(b, b.totalInputTokens)],
    ['output tokens per request', per(a, a.totalOutputTokens), per(b, b.totalOutputTokens)],
  ] as const) {
    if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) > 0.05 * Math.max(x, y)) out.push(`${what} differ (${x.toFixed(0)} vs ${y.toFixed(0)})`);
  }
  if (a.maxConcurrency !== undefined && b.maxConcurrency !== undefined && a.maxConcurrency !== b.maxConcurrency) {
    out.push(`max concurrency differs (${a.maxConcurrency} vs ${b.maxConcurrency})`);
  }
  if (a.requestRate !== undefined && b.requestRate !== undefined && a.requestRate !== b.requestRate) {
    out.push(`request rate differs (${a.requestRate} vs ${b.requestRate})`);
  }
  return out;
}

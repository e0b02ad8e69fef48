// Runs -> the A/B comparison (stats/) and everything written from it: comparison.json,
// report.md, report.html. Shared by `abserve ab` (at the end of a run) and `abserve report DIR`
// (from a saved folder), so a regenerated report is the report.
import path from 'node:path';
import { atomicWriteFile } from '../report/index.js';
import { renderAbHtml } from '../report/abReportHtml.js';
import { renderAbMarkdown } from '../report/abReportMarkdown.js';
import type { AbReportData, ReportRepetition } from '../report/abReportTypes.js';
import { failureOf } from '../report/abReportFormat.js';
import { compareArms } from '../stats/arms.js';
import { resolveOptions } from '../stats/compare.js';
import type { Comparison } from '../stats/types.js';
import { armFailures, failureRateNote, formatTally } from './failureRates.js';
import { renderEmptyHtml, renderEmptyMarkdown, type EmptyReportData } from '../report/abReportEmpty.js';
import type { RunData } from './runData.js';
import { metricInputs } from './samples.js';

/** What the folder's reports are built from. */
export interface AbSummaryInput {
  dir: string;
  scenario: string;
  createdAt: string;
  /** Arms in run order of declaration: the first is A (baseline), the second B. */
  arms: string[];
  alpha: number;
  runs: RunData[];
  manifest: Record<string, unknown>;
  partial: boolean;
  partialReason?: string;
  /** Bootstrap resamples (default 2000) and seed (default 1). */
  resamples?: number;
  seed?: number;
  accuracy?: AbReportData['accuracy'];
  /** Extra caveats (e.g. the accuracy step's). */
  notes?: string[];
  /** Write comparison.json, report.md and report.html into dir (default true). */
  write?: boolean;
  /** More notes once the comparison exists (e.g. a published claim beside its interval). */
  notesFor?: (c: Comparison) => string[];
}

export interface AbSummary {
  /** B vs A; null when either arm has no successful run. */
  comparison: Comparison | null;
  files: { comparison: string | null; markdown: string | null; html: string | null };
  notes: string[];
}

/** Both note makers in one (either may be absent). */
export function joinNotes(...fs: Array<((c: Comparison) => string[]) | undefined>): ((c: Comparison) => string[]) | undefined {
  const live = fs.filter((f): f is (c: Comparison) => string[] => f !== undefined);
  return live.length === 0 ? undefined : (c) => live.flatMap((f) => f(c));
}

function toReportRep(d: RunData): ReportRepetition {
  const ok = d.requests;
  return {
    rep: d.rep,
    arm: d.arm,
    order: d.order,
    partial: d.partial,
    ttft: ok.map((r) => r.ttft),
    tpot: ok.map((r) => r.tpot).filter((x): x is number => x !== null),
    e2el: ok.map((r) => r.e2el),
    itl: ok.flatMap((r) => r.itl),
    timeline: d.timeline,
    ...(d.server ? { server: d.server } : {}),
    failures: d.failures,
    completed: d.completed,
    failed: d.failed,
  };
}

/** A partial reason that says the run was interrupted (Ctrl-C, SIGTERM, the parent gone): runAb's
 *  "interrupted", a run's "interrupted; 3 of 32 requests completed, ...", the manifest's
 *  "interrupted; 0 of 6 runs complete, ...". Absent counts as interrupted, as in the notes. */
export function isInterrupt(reason: string | undefined): boolean {
  return reason === undefined || /^interrupted\b/.test(reason);
}

/**
 * Why arms `a` and `b` have nothing to compare, per arm without a successful request: stopped by an
 * interrupt before any of its requests finished (or before it ran), or every finished request
 * failed (a real failure, interrupt or not).
 */
export function noComparisonReason(runs: readonly RunData[], a: string, b: string, interrupted: boolean, cut: readonly RunData[] = []): string {
  if (runs.length === 0 && cut.length === 0) return interrupted ? 'the run was interrupted before any run finished, so there is nothing to compare' : 'no run finished';
  const why = [a, b].flatMap((arm) => {
    const mine = runs.filter((r) => r.arm === arm);
    if (mine.some((r) => r.completed > 0)) return [];
    const name = JSON.stringify(arm);
    const cutMine = cut.filter((r) => r.arm === arm);
    if (cutMine.some((r) => r.completed > 0)) return [`arm ${name} has only a run cut short by the interrupt (kept in the folder, not compared)`];
    const all = [...mine, ...cutMine];
    if (!interrupted) return [`arm ${name} has no successful request`];
    if (all.length === 0) return [`arm ${name} had not run yet when the run was interrupted`];
    if (all.every((r) => r.failed === 0)) return [`no request finished in arm ${name} before the interrupt`];
    return [`arm ${name} has no successful request (every finished one failed)`];
  });
  if (why.length === 0) return 'the arms have no metric in common';
  return `${why.join('; ')}${interrupted ? ', so there is nothing to compare' : ''}`;
}

/** comparison.json of a partial run without a comparison: the Comparison's fields (no metrics,
 *  repetitions that have a successful request), the reason, and partial as usual. */
function emptyComparison(i: AbSummaryInput, a: string, b: string, reason: string, notes: string[]) {
  const o = resolveOptions({ alpha: i.alpha, resamples: i.resamples, seed: i.seed });
  const measured = (arm: string) => i.runs.filter((r) => r.arm === arm && r.completed > 0).length;
  const c: Comparison = {
    arms: { a, b }, alpha: o.alpha, confidence: 1 - o.alpha, resamples: o.resamples, seed: o.seed,
    repetitions: { a: measured(a), b: measured(b) }, runToRunCovered: false, metrics: [], notes: [],
  };
  return { ...c, noComparison: reason, partial: i.partial, ...(i.partialReason ? { partialReason: i.partialReason } : {}), notes };
}

/**
 * Compares arm B (arms[1]) against arm A (arms[0]) over every run (a run cut short by an interrupt
 * is listed, not compared), and writes comparison.json,
 * report.md and report.html into `dir` atomically. With no successful run in an arm, no
 * comparison is possible: the note says so and only the failure tallies are reported.
 */
export async function summarizeAb(i: AbSummaryInput): Promise<AbSummary> {
  const [a, b] = i.arms;
  const notes = [...(i.notes ?? [])];
  let comparison: Comparison | null = null;
  let noComparison: string | undefined;
  if (a !== undefined && b !== undefined) {
    const fa = armFailures(i.runs, a);
    const fb = armFailures(i.runs, b);
    const fNote = failureRateNote(fa, fb, i.alpha);
    // A run cut short by the interrupt is kept (runs table, its folder) but not compared: the
    // requests that finished before a Ctrl-C are the early ones, not a sample of the run, and
    // made "faster*/slower*" verdicts out of the cut itself.
    // The structured cause where the run has one; run.json files older than it, by their text.
    const cut = i.runs.filter((r) => r.partial && (r.cut ? r.cut.interrupted : isInterrupt(r.partialReason)));
    const compared = cut.length ? i.runs.filter((r) => !cut.includes(r)) : i.runs;
    const inputs = metricInputs(compared, a, b);
    if (inputs.length > 0) {
      comparison = compareArms({ a, b, metrics: inputs }, { alpha: i.alpha, resamples: i.resamples, seed: i.seed });
      if (fNote) comparison.notes.push(fNote);
      const eager = comparison.metrics.filter((m) => m.mannWhitneyP !== null && m.mannWhitneyP < i.alpha && m.verdict === 'no_significant_difference');
      if (eager.length > 0) {
        comparison.notes.push(
          `Mann-Whitney p below ${i.alpha} where the verdict is no difference (${[...new Set(eager.map((m) => m.metric))].join(', ')}): ` +
            'the rank test treats every request as independent, so run-to-run variance makes it over-eager; the verdict is the hierarchical bootstrap\'s',
        );
      }
      if (comparison.metrics.some((m) => m.metric === 'itl' && (m.statistic === 'p90' || m.statistic === 'p99'))) {
        comparison.notes.push(
          'itl p90/p99 pool gaps that every request in a step shares (one slow step is a gap in each of them): their intervals are the least reliable here ' +
            '(A/A false-positive rate measured 10-17% at alpha 0.05 on the engine model, 3-10 repetitions); read itl mean or median, or tpot',
        );
      }
      if (comparison.repetitions.a !== comparison.repetitions.b && comparison.metrics.some((m) => m.paired)) {
        comparison.notes.push(
          `the arms ran different numbers of repetitions (${a} ${comparison.repetitions.a}, ${b} ${comparison.repetitions.b}): ` +
            'the paired difference uses only the repetitions both arms ran, the other columns all of them',
        );
      }
      if (i.notesFor) notes.push(...i.notesFor(comparison));
    } else {
      noComparison = noComparisonReason(compared, a, b, i.partial && isInterrupt(i.partialReason), cut);
      notes.push(`no comparison: ${noComparison}`);
      if (fNote) notes.push(fNote);
    }
  }
  if (i.partial) {
    const error = failureOf(i.partialReason);
    notes.unshift(error !== undefined
      ? `the A/B failed: ${error}; only the runs that finished before the failure are compared`
      : `partial run: ${i.partialReason ?? 'interrupted'}; only finished runs are compared`);
  }
  const partialFields = { partial: i.partial, ...(i.partial && i.partialReason ? { partialReason: i.partialReason } : {}) };
  const files: AbSummary['files'] = { comparison: null, markdown: null, html: null };
  // A simulated A/B says so in its heading, not only in a note at the bottom.
  const title = `abserve A/B${i.manifest.simulated === true ? ' (simulated: a prediction, not a measurement)' : ''}: ${i.scenario}`;
  if (comparison && i.write !== false) {
    files.comparison = path.join(i.dir, 'comparison.json');
    await atomicWriteFile(files.comparison, JSON.stringify({ ...comparison, ...partialFields, notes: [...comparison.notes, ...notes] }, null, 2) + '\n');
    const data: AbReportData = {
      title,
      scenario: i.scenario,
      createdAt: i.createdAt,
      partial: i.partial,
      ...(i.partialReason ? { partialReason: i.partialReason } : {}),
      arms: [a!, b!],
      comparison,
      repetitions: i.runs.filter((r) => r.arm === a || r.arm === b).map(toReportRep),
      manifest: i.manifest,
      notes,
      ...(i.accuracy ? { accuracy: i.accuracy } : {}),
    };
    files.markdown = path.join(i.dir, 'report.md');
    files.html = path.join(i.dir, 'report.html');
    await atomicWriteFile(files.markdown, renderAbMarkdown(data));
    await atomicWriteFile(files.html, renderAbHtml(data));
  }
  if (!comparison && i.write !== false) {
    // Nothing to compare (an arm has no successful request, or the run was stopped before both
    // arms finished one): the reports still exist, say why, and list every finished run.
    if (i.partial && a !== undefined && b !== undefined) {
      // An interrupted run always leaves comparison.json, as the README promises: here in the
      // comparison's shape with no metrics, and why there is none.
      files.comparison = path.join(i.dir, 'comparison.json');
      await atomicWriteFile(files.comparison, JSON.stringify(emptyComparison(i, a, b, noComparison!, notes), null, 2) + '\n');
    }
    const data: EmptyReportData = {
      title,
      ...partialFields,
      notes,
      runs: i.runs.map((r) => ({
        order: r.order, arm: r.arm, rep: r.rep, completed: r.completed, failed: r.failed, partial: r.partial,
        meanTtftMs: r.requests.length ? r.requests.reduce((x, q) => x + q.ttft, 0) / r.requests.length : null,
        outputThroughput: r.outputThroughput,
        failures: formatTally(r.failures),
      })),
    };
    files.markdown = path.join(i.dir, 'report.md');
    files.html = path.join(i.dir, 'report.html');
    await atomicWriteFile(files.markdown, renderEmptyMarkdown(data));
    await atomicWriteFile(files.html, renderEmptyHtml(data));
  }
  return { comparison, files, notes };
}

// `abserve report DIR`: regenerate comparison.json, report.md and report.html of a results
// folder from its saved runs (e.g. after an interrupted run, or with another alpha).
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { summarizeAb } from '../ab/compare.js';
import { loadAbResults, manifestDesign } from '../ab/loadResults.js';
import { formatComparison } from '../stats/format.js';
import { claimNotes } from '../ab/published.js';
import type { AbReportData } from '../report/abReportTypes.js';
import { failedReason, oneLine } from '../report/abReportFormat.js';
import { checkAlpha } from './parseFlags.js';

function builder(y: Argv) {
  return y
    .positional('dir', { type: 'string', describe: 'a results folder written by abserve ab' })
    .option('alpha', { type: 'number', describe: 'significance level (default: the scenario\'s)' });
}
type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

async function handler(a: Args): Promise<void> {
  if (!a.dir) throw new UserError('report: name a results folder, e.g. abserve report results/20261129-120000-smoke');
  if (a.alpha !== undefined) checkAlpha(a.alpha);
  const saved = loadAbResults(a.dir);
  const d = manifestDesign(saved.manifest);
  const status = saved.manifest.status;
  // An A/B that failed (manifest status `failed`, its error beside it) is no partial run: say that
  // it failed and why. Before any run finished there is nothing to report (no files, exit 1);
  // after, the finished runs are reported under the failure, and the exit is 1 all the same.
  const failure = status === 'failed'
    ? (typeof saved.manifest.error === 'string' && oneLine(saved.manifest.error) !== '' ? oneLine(saved.manifest.error) : 'manifest.json records no error')
    : undefined;
  if (failure !== undefined && !saved.runs.some((r) => !r.partial)) {
    console.error(`abserve: ${a.dir}: the A/B failed before any run finished: ${failure}`);
    process.exitCode = 1;
    return;
  }
  const partial = status !== 'complete';
  const partialReason = failure !== undefined
    ? failedReason(failure)
    : String(saved.manifest.partial_reason ?? `run status: ${String(status)}`);
  const out = await summarizeAb({
    dir: a.dir,
    scenario: d.scenario,
    createdAt: d.createdAt,
    arms: d.arms,
    alpha: a.alpha ?? d.alpha,
    runs: saved.runs,
    manifest: saved.manifest,
    partial,
    ...(partial ? { partialReason } : {}),
    seed: d.seed,
    // What the run itself noted (time scale, output equivalence, simulated), the published claim
    // beside the recomputed interval, and the accuracy table: as the run wrote them.
    notes: Array.isArray(saved.manifest.notes) ? (saved.manifest.notes as string[]) : [],
    ...(claimNotes(saved.manifest.published_claim as string | undefined) ? { notesFor: claimNotes(saved.manifest.published_claim as string | undefined)! } : {}),
    ...(saved.manifest.accuracy_table ? { accuracy: saved.manifest.accuracy_table as AbReportData['accuracy'] } : {}),
  });
  if (out.comparison) console.log(formatComparison(out.comparison));
  for (const n of out.notes) console.log(`note: ${n}`);
  if (out.files.html) console.log(`report: ${out.files.html}`);
  if (failure !== undefined) {
    console.error(`abserve: ${a.dir}: the A/B failed: ${failure} (the runs that finished before it are reported)`);
    process.exitCode = 1;
  }
}

export const reportCommand: CommandModule<object, Args> = {
  command: 'report [dir]',
  describe: 'regenerate the comparison and reports of an abserve ab results folder',
  builder: (y) => builder(y) as unknown as Argv<Args>,
  handler,
};

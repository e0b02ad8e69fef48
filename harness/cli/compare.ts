// `abserve compare A B`: two saved runs side by side, with intervals when both have per-request
// data (abserve bench JSON, vLLM --save-detailed JSON), differences only when one has aggregates.
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { aggregateRows, armNames, designMismatches, formatAggregateRows, loadSavedRun, partialSides } from '../ab/compareSaved.js';
import { summarizeAb } from '../ab/compare.js';
import { prepareCompareDir } from '../ab/resultDir.js';
import { formatComparison } from '../stats/format.js';
import { checkAlpha } from './parseFlags.js';

function builder(y: Argv) {
  return y
    .positional('a', { type: 'string', describe: 'baseline run: result JSON (abserve or vLLM), printed vLLM block, or its folder' })
    .positional('b', { type: 'string', describe: 'changed run, same forms' })
    .option('alpha', { type: 'number', default: 0.05, describe: 'significance level of the intervals and verdicts, in (0, 0.5]' })
    .option('result-dir', { type: 'string', describe: 'also write comparison.json, report.md and report.html here' })
    .option('allow-partial', {
      type: 'boolean',
      default: false,
      describe: 'compare even when a run was cut short (partial: Ctrl-C, crash, timeout); its requests are the early ones, not a sample',
    });
}
type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

async function handler(a: Args): Promise<void> {
  if (!a.a || !a.b) throw new UserError('compare: name two saved runs, e.g. abserve compare results/a/a.json results/b/b.json');
  checkAlpha(a.alpha);
  const A0 = loadSavedRun(a.a, 'A');
  const B0 = loadSavedRun(b(a), 'B');
  // Arms are named by the runs' labels, else their file names (made distinct when equal).
  const [na, nb] = armNames(A0, B0);
  // A run cut short holds the requests that finished first, not a sample of the run: abserve ab
  // never compares such runs, and compare does not either unless asked (then it warns loudly).
  const cut = partialSides(A0.run, B0.run, [na, nb]);
  if (cut.length > 0 && !a['allow-partial']) {
    const files = [A0, B0].filter((s) => s.run.partial).map((s) => s.file).join(' and ');
    throw new UserError(
      `compare: ${cut.join('; ')}; ${files} ${cut.length > 1 ? 'were' : 'was'} cut short: its requests are the early ones, not a sample of the run, ` +
        'so verdicts would compare the cut, not the change; rerun it, or pass --allow-partial to compare anyway',
    );
  }
  if (a['result-dir'] !== undefined) prepareCompareDir(a['result-dir']);
  const A = { ...A0, data: A0.data ? { ...A0.data, arm: na } : null };
  const B = { ...B0, data: B0.data ? { ...B0.data, arm: nb } : null };
  console.log(`A = ${na}: ${A.file}\nB = ${nb}: ${B.file}\n`);
  const mismatch = designMismatches(A.run, B.run);
  // A run against itself: every difference is 0 by construction, which is no A/A test.
  if (path.resolve(A.file) === path.resolve(B.file)) console.log(`warning: A and B are the same file (${A.file}): every difference is zero by construction`);
  for (const m of mismatch) console.log(`warning: not like for like: ${m}`);
  const partialNotes = cut.map((c) => `PARTIAL INPUT (--allow-partial): ${c}; a cut run's requests are the early ones, not a sample of the run: the verdicts compare the cut as much as the change`);
  for (const n of partialNotes) console.log(`WARNING: ${n}`);
  if (mismatch.length + partialNotes.length > 0) console.log('');
  if (A.data && B.data) {
    const out = await summarizeAb({
      dir: a['result-dir'] ?? '', scenario: `compare ${na} vs ${nb}`, createdAt: new Date().toISOString(), arms: [na, nb], alpha: a.alpha,
      notes: [...partialNotes, ...mismatch.map((m) => `not like for like: ${m}`)],
      runs: [A.data, { ...B.data, order: 1 }], manifest: { a: A.file, b: B.file }, partial: false,
      write: a['result-dir'] !== undefined,
    });
    if (out.comparison) console.log(formatComparison(out.comparison));
    for (const n of out.notes) console.log(`note: ${n}`);
    if (out.files.html) console.log(`report: ${out.files.html}`);
    // Nothing compared (a side without a successful request): an error, exit 1, as abserve ab's.
    if (!out.comparison) nothingCompared(out.notes.find((n) => n.startsWith('no comparison: '))?.slice('no comparison: '.length) ?? 'the runs have no metric in common');
    return;
  }
  console.log(formatAggregateRows(aggregateRows(A.run, B.run), na, nb));
  for (const n of partialNotes) console.log(`\nnote: ${n}`);
  const which = !A.data && !B.data ? 'both runs have' : `${A.data ? `B (${nb})` : `A (${na})`} has`;
  console.log(`\nnote: ${which} aggregates only (a printed block or a JSON without per-request lists): no interval or significance is possible; save with --save-detailed (vLLM) or abserve bench --save-result`);
  const empty = ([['A', na, A.run.completed], ['B', nb, B.run.completed]] as const).filter(([, , c]) => !(c > 0));
  if (empty.length > 0) nothingCompared(empty.map(([side, n]) => `${side} (${n}) has no successful request`).join('; '));
}
const b = (a: Args) => a.b!;

/** A comparison that measured nothing: one line on stderr and exit 1 (abserve ab's code for an arm
 *  without a successful request), never a quiet 0 under a table of nothing. */
function nothingCompared(why: string): void {
  console.error(`abserve: compare: no comparison: ${why}`);
  process.exitCode = 1;
}

export const compareCommand: CommandModule<object, Args> = {
  command: 'compare [a] [b]',
  describe: 'compare two saved runs (abserve or vLLM JSON, or vLLM printed blocks)',
  builder: (y) => builder(y) as unknown as Argv<Args>,
  handler,
};

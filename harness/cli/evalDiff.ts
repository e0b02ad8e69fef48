// `abserve eval diff RUN_A [RUN_B]`: output equivalence of two runs with identical requests (issue 7),
// the numerics check that moves before accuracy does. Flags and printing only; reading folders is
// ab/outputDiffLoad.ts, the comparison ab/outputDiff.ts.
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { makeFolders } from '../common/folders.js';
import { formatOutputDiff, judgeOutputDiff, outputDiff } from '../ab/outputDiff.js';
import { loadDiffInputs } from '../ab/outputDiffLoad.js';
import { atomicWriteFile } from '../report/atomicWrite.js';

interface DiffArgs {
  runA: string;
  runB?: string;
  armA?: string;
  armB?: string;
  aa?: string;
  alpha: number;
  json: boolean;
  out?: string;
}

export const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <runA> [runB]',
  describe: 'output equivalence of identical requests: A vs B beside A vs A (ab results/run folders or eval folders)',
  builder: (y) =>
    y
      .positional('runA', { type: 'string', demandOption: true, describe: 'an abserve ab results folder (alone), or the baseline run / eval folder' })
      .positional('runB', { type: 'string', describe: 'the changed run / eval folder' })
      .option('arm-a', { type: 'string', describe: "results folder: the baseline arm (default: the scenario's first)" })
      .option('arm-b', { type: 'string', describe: "results folder: the changed arm (default: the scenario's second)" })
      .option('aa', { type: 'string', describe: 'with two run or eval folders: a second run of A, for the A/A floor' })
      .option('alpha', { type: 'number', default: 0.05, describe: 'one-sided significance level of "B diverges more than A/A"' })
      .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' })
      .option('out', { type: 'string', describe: 'write output-diff.json into this folder (or to this .json file)' }) as Argv<DiffArgs>,
  handler: async (a) => {
    if (!(a.alpha > 0 && a.alpha < 1)) throw new UserError(`--alpha: want a level in (0, 1), got ${a.alpha}`);
    const inputs = loadDiffInputs(a.runA, a.runB, { armA: a.armA, armB: a.armB, aa: a.aa });
    const ab = outputDiff(inputs.a, inputs.b);
    if (ab.pairs === 0) throw new UserError(`RUN_B ${a.runB ?? a.runA}: no request in common with RUN_A (were the requests identical?)`);
    const aa = inputs.aa ? outputDiff(inputs.aa.first, inputs.aa.second) : null;
    const report = { labels: inputs.labels, ...judgeOutputDiff(ab, aa, a.alpha) };
    const file = a.out === undefined ? undefined : a.out.endsWith('.json') ? a.out : path.join(a.out, 'output-diff.json');
    // Made one level at a time before anything is printed (atomicWriteFile's recursive mkdir never
    // returns under /proc: --out /proc/x hung after printing).
    if (file !== undefined) makeFolders(path.dirname(file), '--out');
    console.log(a.json ? JSON.stringify(report, null, 2) : `A = ${inputs.labels.a}, B = ${inputs.labels.b}${inputs.labels.aa ? `, A/A = ${inputs.labels.aa}` : ''}\n${formatOutputDiff(report)}`);
    if (file !== undefined) {
      await atomicWriteFile(file, JSON.stringify(report, null, 2) + '\n');
      if (!a.json) console.log(`\nSaved ${file}`);
    }
  },
};

// The `abserve` command line: one yargs command per file in this folder.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserError } from '../common/errors.js';
import { rejectRepeatedFlags } from './parseFlags.js';
import { benchCommand } from './bench.js';
import { engineCommand } from './engine.js';
import { microCommand } from './micro.js';
import { demoCommand } from './demo.js';
import { benchClientCommand } from './bench-client.js';
import { abCommand } from './ab.js';
import { reportCommand } from './report.js';
import { compareCommand } from './compare.js';
import { evalCommand } from './eval.js';
import { importCommand } from './import.js';
import { calibrateCommand } from './calibrate.js';
import { predictCommand } from './predict.js';

function fail(msg: string | undefined, err: Error | undefined): never {
  if (err && !isUserError(err)) {
    console.error((err as Error).stack ?? String(err));
    process.exit(1);
  }
  console.error(`abserve: ${err?.message ?? msg}`);
  process.exit(2);
}

/** yargs passes middleware its instance too (untyped): the current command's `array` options. */
const repeatedFlagCheck = ((argv: Record<string, unknown>, y: { getOptions(): { array: string[] } }) =>
  rejectRepeatedFlags(argv, y.getOptions().array)) as unknown as (argv: object) => void;

// Output piped into a reader that stops early (`abserve ... | head`): end quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

// yargs routes errors from async handlers to fail(); a synchronous throw in a handler can escape
// parseAsync instead, so both paths end in the same place.
const cli = () =>
  yargs(hideBin(process.argv))
    .scriptName('abserve')
    .command(benchCommand)
    .command(abCommand)
    .command(reportCommand)
    .command(compareCommand)
    .command(engineCommand)
    .command(microCommand)
    .command(demoCommand)
    .command(benchClientCommand)
    .command(evalCommand)
    .command(importCommand)
    .command(calibrateCommand)
    .command(predictCommand)
    .demandCommand(1, 'name a command: ab, bench, compare, report, eval, engine, micro, import, calibrate, predict, demo, bench-client')
    .strict()
    // A flag given twice becomes an array that single-value flags choke on: one clear error
    // instead, for every command (flags declared `array` may repeat). Issue 10.
    .middleware(repeatedFlagCheck)
    .fail(fail)
    .help()
    .parseAsync();

try {
  await cli();
} catch (e) {
  fail(undefined, e instanceof Error ? e : new Error(String(e)));
}

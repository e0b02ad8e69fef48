// The `abserve` command line: one yargs command per file in this folder.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserError } from '../common/errors.js';
import { ScenarioError } from '../scenario/index.js';
import {
  describeUnknownArguments,
  describeUnknownCommand,
  rejectNonNumbers,
  rejectRepeatedBooleans,
  rejectRepeatedFlags,
} from './argvChecks.js';
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

const args = hideBin(process.argv);
const parser = yargs(args);

/** The commands' names (the first word of each `command`), in the order `name a command` lists them. */
const COMMANDS = [abCommand, benchCommand, compareCommand, reportCommand, evalCommand, engineCommand, microCommand, importCommand,
  calibrateCommand, predictCommand, demoCommand, benchClientCommand].map((c) => String(c.command).split(' ')[0]!);

/**
 * Ends every failure: a user error (ours or yargs') as one line (a scenario's problems one line
 * each, every line prefixed) and exit 2, anything else with its stack and exit 1. yargs'
 * unknown-flag list is rewritten as typed, with a did-you-mean taken from the options of the
 * command being parsed (the one yargs instance holds them while it fails).
 */
function fail(msg: string | undefined, err: Error | undefined): never {
  if (err && !isUserError(err)) {
    console.error((err as Error).stack ?? String(err));
    process.exit(1);
  }
  const unknown = err ? null : /^Unknown arguments?: (.*)$/s.exec(msg ?? '');
  // getOptions() is yargs' (untyped in @types/yargs 17): the keys of the current command's options.
  const known = () => Object.keys((parser as unknown as { getOptions(): { key: Record<string, unknown> } }).getOptions().key);
  // A first word that names no command (`abserve benchh`): that word alone, not yargs' argument list.
  const badCommand = unknown && args[0] !== undefined && !args[0].startsWith('-') && !COMMANDS.includes(args[0]) &&
    unknown[1]!.split(', ').includes(args[0]);
  const text = badCommand
    ? describeUnknownCommand(args[0]!, COMMANDS)
    : unknown ? describeUnknownArguments(unknown[1]!.split(', '), args, known()) : (err?.message ?? msg);
  // A scenario's problems come one per line: each line gets the prefix, as compilers list errors.
  const lines = err instanceof ScenarioError ? (text ?? '').split('\n') : [text];
  console.error(lines.map((l) => `abserve: ${l}`).join('\n'));
  process.exit(2);
}

/** yargs passes middleware its instance too (untyped): the current command's `array`, `boolean`
 *  and `alias` options. A repeated boolean never becomes an array (yargs keeps the last): counted
 *  on the command line instead. */
type Options = { array: string[]; boolean: string[]; alias: Record<string, string[]> };
const repeatedFlagCheck = ((argv: Record<string, unknown>, y: { getOptions(): Options }) => {
  const o = y.getOptions();
  rejectRepeatedFlags(argv, o.array);
  rejectRepeatedBooleans(o.boolean, o.alias, o.array, args);
}) as unknown as (argv: object) => void;

/** A `number` flag given a value that is not a number: one error echoing the value as typed. */
const numberCheck = ((argv: Record<string, unknown>, y: { getOptions(): { number: string[] } }) =>
  rejectNonNumbers(argv, y.getOptions().number, args)) as unknown as (argv: object) => void;

// Output piped into a reader that stops early (`abserve ab ... | head -1`): the work goes on to its
// end with that stream's writes dropped (no EPIPE stack trace). Exiting here had abandoned an A/B
// mid-run with exit 0: engines left to the parent watch, manifest.json still "running", no
// comparison; the results folder is the product, the printed lines only a view of it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    throw e;
  });
}

// yargs routes errors from async handlers to fail(); a synchronous throw in a handler can escape
// parseAsync instead, so both paths end in the same place.
const cli = () =>
  parser
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
    .demandCommand(1, `name a command: ${COMMANDS.join(', ')}`)
    .strict()
    // A flag given twice becomes an array that single-value flags choke on (a boolean: the last
    // one wins silently): one clear error instead, for every command (flags declared `array` may
    // repeat). Issue 10.
    .middleware(repeatedFlagCheck)
    .middleware(numberCheck)
    .fail(fail)
    .help()
    .parseAsync();

try {
  await cli();
} catch (e) {
  fail(undefined, e instanceof Error ? e : new Error(String(e)));
}

// The `abserve` command line: one yargs command per file in this folder.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { isUserError } from '../errors.js';
import { benchCommand } from './bench.js';
import { engineCommand } from './engine.js';
import { microCommand } from './micro.js';
import { demoCommand } from './demo.js';
import { benchClientCommand } from './bench-client.js';

function fail(msg: string | undefined, err: Error | undefined): never {
  if (err && !isUserError(err)) {
    console.error((err as Error).stack ?? String(err));
    process.exit(1);
  }
  console.error(`abserve: ${err?.message ?? msg}`);
  process.exit(2);
}

await yargs(hideBin(process.argv))
  .scriptName('abserve')
  .command(benchCommand)
  .command(engineCommand)
  .command(microCommand)
  .command(demoCommand)
  .command(benchClientCommand)
  .demandCommand(1, 'name a command: bench, engine, micro, demo')
  .strict()
  .fail(fail)
  .help()
  .parseAsync();

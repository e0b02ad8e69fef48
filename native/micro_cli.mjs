#!/usr/bin/env node
// `abserve micro` on its own: the micro command without the rest of the CLI, same flags and exit
// codes (user errors: one line, exit 2). native/gpu_check.sh falls back to it when bin/abserve.js
// does not load (another command's sources mid-edit in a shared working tree).
//   node native/micro_cli.mjs --kernel native/examples/vllm_baseline_kernel.cu --shapes 512x16x128
import { register } from 'tsx/esm/api';

register();
const { default: yargs } = await import('yargs');
const { hideBin } = await import('yargs/helpers');
const { microCommand } = await import('../harness/cli/micro.ts');
const { isUserError } = await import('../harness/common/errors.ts');

// A drop-in for `bin/abserve.js micro ...`: a leading `micro` is accepted and dropped.
const args = hideBin(process.argv);
if (args[0] === 'micro') args.shift();
await yargs(['micro', ...args])
  .scriptName('abserve')
  .command(microCommand)
  .strict()
  .fail((msg, err) => {
    if (err && !isUserError(err)) {
      console.error(err.stack ?? String(err));
      process.exit(1);
    }
    console.error(`abserve: ${err?.message ?? msg}`);
    process.exit(2);
  })
  .help()
  .parseAsync();

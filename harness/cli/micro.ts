// `abserve micro`: the merge_attn_states microbench on whatever this machine has (GPU through the
// native addon, else the CPU paths), or a result file written by the standalone native/mas_bench.
import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { parseDType, type DType } from '../micro/dtype.js';
import { formatMicro, parseMicroJson, parseShapes, runMicro } from '../micro/bench.js';

interface MicroArgs {
  json: boolean;
  shapes?: string;
  dtypes?: string;
  device: string;
  'cold-iters': number;
  'steady-reps': number;
  s: number;
  threads: number;
  naive: boolean;
  check: boolean;
  'host-cost': boolean;
  'from-json'?: string;
  kernel?: string[];
}

export const microCommand: CommandModule<object, MicroArgs> = {
  command: 'micro',
  describe: 'merge_attn_states microbench: implementations vs a same-bytes copy, checked against float64',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of the text block' })
      .option('shapes', { type: 'string', describe: 'TxHxD list, e.g. 512x16x128,4096x32x128 (default: published + anchor grids)' })
      .option('dtypes', { type: 'string', describe: 'bfloat16,float16,float32 (default: all three)' })
      .option('device', { type: 'string', default: 'auto', choices: ['auto', 'gpu', 'cpu'] })
      .option('cold-iters', { type: 'number', default: 20, describe: 'GPU: L2-flushed timed calls per implementation' })
      .option('steady-reps', { type: 'number', default: 10, describe: 'GPU: CUDA-graph replays per implementation' })
      .option('s', { type: 'number', default: 0, describe: 'GPU: also time the S-way merge with this many parts (> 2)' })
      .option('threads', { type: 'number', default: 0, describe: 'CPU threads (0 = all)' })
      .option('naive', { type: 'boolean', default: true, describe: 'include the naive multi-kernel implementation' })
      .option('check', { type: 'boolean', default: true, describe: 'compare every output with the float64 reference' })
      .option('host-cost', { type: 'boolean', default: true, describe: 'GPU: measure host cost per call through the addon' })
      .option('kernel', {
        type: 'string', array: true,
        describe: 'GPU: also time your merge_attn_states (.cu compiled with the local nvcc, or .so) in the C contract of native/mas_user_kernel.h; repeat to compare files side by side',
      })
      .option('from-json', { type: 'string', describe: 'format a result file written by build/native/Release/mas_bench' }),
  handler: async (a) => {
    let r;
    if (a['from-json']) {
      let text: string;
      try {
        text = readFileSync(a['from-json'], 'utf8');
      } catch (e) {
        throw new UserError(`--from-json: cannot read ${a['from-json']}: ${(e as Error).message}`);
      }
      r = parseMicroJson(text, a['from-json']);
    } else {
      for (const k of ['cold-iters', 'steady-reps'] as const)
        if (!Number.isInteger(a[k]) || a[k] < 1) throw new UserError(`--${k}: expected an integer >= 1, got ${a[k]}`);
      if (!Number.isInteger(a.threads) || a.threads < 0) throw new UserError(`--threads: expected an integer >= 0, got ${a.threads}`);
      if (!Number.isInteger(a.s) || a.s < 0 || a.s === 1 || a.s === 2)
        throw new UserError(`--s: expected 0 (off) or an integer >= 3, got ${a.s}`);
      const dtypes: DType[] | undefined = a.dtypes?.split(',').filter(Boolean).map((d) => parseDType(d, '--dtypes'));
      r = runMicro({
        shapes: a.shapes ? parseShapes(a.shapes) : undefined,
        dtypes,
        device: a.device as 'auto' | 'gpu' | 'cpu',
        coldIters: a['cold-iters'],
        steadyReps: a['steady-reps'],
        S: a.s,
        threads: a.threads,
        naive: a.naive,
        check: a.check,
        hostCost: a['host-cost'],
        kernels: a.kernel?.map(String),
      });
    }
    console.log(a.json ? JSON.stringify(r, null, 2) : formatMicro(r));
  },
};

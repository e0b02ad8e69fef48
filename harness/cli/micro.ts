// `abserve micro`: the merge_attn_states microbench on whatever this machine has (GPU through the
// native addon, else the CPU paths), or a result file written by the standalone native/mas_bench.
import { readFileSync, statSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../common/errors.js';
import { parseDType, type DType } from '../micro/dtype.js';
import { parseShapes, runMicro } from '../micro/bench.js';
import { formatMicro } from '../micro/format.js';
import { parseMicroJson } from '../micro/microJson.js';
import type { MicroResult } from '../micro/types.js';
import { checkThreads } from '../micro/threads.js';
import { INTERRUPT_EXIT_CODE } from '../target/cleanup.js';
import { givenFlags } from './argvChecks.js';
import { withInterrupt } from './interrupt.js';

/** The run flags that only the GPU path reads (--kernel is refused on the CPU outright). */
const GPU_ONLY_FLAGS = ['cold-iters', 'steady-reps', 's', 'naive', 'host-cost'];
/** The flags of a run; none of them means anything to --from-json, which formats a saved result. */
const RUN_FLAGS = ['shapes', 'dtypes', 'device', 'cold-iters', 'steady-reps', 's', 'threads', 'naive', 'check', 'host-cost', 'kernel'];

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
      .option('device', { type: 'string', default: 'auto', choices: ['auto', 'gpu', 'cpu'], describe: 'where to run: the GPU when there is one (auto), or force one' })
      .option('cold-iters', { type: 'number', default: 20, describe: 'GPU: L2-flushed timed calls per implementation' })
      .option('steady-reps', { type: 'number', default: 10, describe: 'GPU: CUDA-graph replays per implementation' })
      .option('s', { type: 'number', default: 0, describe: 'GPU: also time the S-way merge with this many parts (> 2)' })
      .option('threads', { type: 'number', default: 0, describe: 'CPU threads (0 = all; at most os.availableParallelism())' })
      .option('naive', { type: 'boolean', default: true, describe: 'GPU: include the naive multi-kernel implementation' })
      .option('check', { type: 'boolean', default: true, describe: 'compare every output with the float64 reference' })
      .option('host-cost', { type: 'boolean', default: true, describe: 'GPU: measure host cost per call through the addon' })
      .option('kernel', {
        type: 'string', array: true,
        describe: 'GPU: also time your merge_attn_states (.cu compiled with the local nvcc, or .so) in the C contract of native/mas_user_kernel.h; repeat to compare files side by side',
      })
      .option('from-json', { type: 'string', describe: 'format a result file written by build/native/Release/mas_bench' }),
  handler: async (a) => {
    const given = givenFlags(RUN_FLAGS, hideBin(process.argv));
    if (a['from-json'] !== undefined) {
      const file = a['from-json'];
      if (file === '') throw new UserError('--from-json: needs a result file (written by mas_bench or micro --json)');
      if (given.length) throw new UserError(`--from-json formats a saved result; ${given.map((g) => `--${g}`).join(', ')} would do nothing with it`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new UserError(`--from-json: cannot read ${file}: ${(e as Error).message}`);
      }
      const saved = parseMicroJson(text, file);
      console.log(a.json ? JSON.stringify(saved, null, 2) : formatMicro(saved));
      return;
    }
    for (const k of ['cold-iters', 'steady-reps'] as const)
      if (!Number.isInteger(a[k]) || a[k] < 1) throw new UserError(`--${k}: expected an integer >= 1, got ${a[k]}`);
    checkThreads(a.threads); // at most os.availableParallelism(): more only times the scheduler
    if (!Number.isInteger(a.s) || a.s < 0 || a.s === 1 || a.s === 2)
      throw new UserError(`--s: expected 0 (off) or an integer >= 3, got ${a.s}`);
    if (a.shapes === '') throw new UserError('--shapes: got an empty value (e.g. 512x16x128,4096x32x128)');
    let dtypes: DType[] | undefined;
    if (a.dtypes !== undefined) {
      dtypes = a.dtypes.split(',').filter(Boolean).map((d) => parseDType(d, '--dtypes'));
      if (dtypes.length === 0) throw new UserError(`--dtypes: no dtype in '${a.dtypes}' (bfloat16, float16, float32)`);
    }
    const kernels = a.kernel?.map(String);
    if (kernels && kernels.length === 0) throw new UserError('--kernel: needs a file (.cu or .so)');
    for (const k of kernels ?? []) {
      if (k === '') throw new UserError('--kernel: needs a file (.cu or .so)');
      if (statSync(k, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`--kernel ${k}: is a directory, not a .cu or .so file`);
    }
    const r: MicroResult = await withInterrupt(
      (signal) =>
        runMicro({
          shapes: a.shapes !== undefined ? parseShapes(a.shapes) : undefined,
          dtypes,
          device: a.device as 'auto' | 'gpu' | 'cpu',
          coldIters: a['cold-iters'],
          steadyReps: a['steady-reps'],
          S: a.s,
          threads: a.threads,
          naive: a.naive,
          check: a.check,
          hostCost: a['host-cost'],
          kernels,
        }, signal, (d) => {
          console.error(`abserve micro: ${d.index}/${d.planned} ${d.dtype} ${d.shape.T}x${d.shape.H}x${d.shape.D} done in ${d.seconds.toFixed(1)} s`);
        }),
      'the finished cases are printed; the case in progress runs to its end',
    );
    if (r.partial && r.partial.completedCases === 0) {
      console.error('abserve micro: interrupted before the first case finished; nothing to print');
      process.exitCode = INTERRUPT_EXIT_CODE;
      return;
    }
    console.log(a.json ? JSON.stringify(r, null, 2) : formatMicro(r));
    const gpuOnly = given.filter((g) => GPU_ONLY_FLAGS.includes(g));
    if (r.device === 'cpu' && gpuOnly.length)
      console.error(`abserve micro: note: ${gpuOnly.map((g) => `--${g}`).join(', ')} only ${gpuOnly.length === 1 ? 'applies' : 'apply'} on a GPU; this run was on the CPU`);
    if (r.partial) {
      console.error(`abserve micro: interrupted; ${r.partial.completedCases} of ${r.partial.plannedCases} cases finished (printed, marked partial)`);
      process.exitCode = 3;
    }
  },
};

// `abserve demo` (`npm start`): the main job on a fresh machine with no GPU. The embedded engine
// plays DeepSeek-R1 on 24xL20 (time-scaled so a run takes seconds), and the published 4k-in /
// 1k-out, concurrency-16 shape runs twice: merge op on (CUDA kernel) and off (Triton fallback,
// VLLM_DISABLE_MERGE_ATTN_CUDA_OP=1), each engine in its own process. Both vLLM blocks are printed
// and saved; the statistical A/B verdict comes with `abserve ab`.
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { runBenchmark, type BenchmarkRun } from '../bench/runBenchmark.js';
import { formatResultBlock, writeRunResults } from '../report/index.js';
import { spawnEngine } from '../target/engineProcess.js';
import { builtinTokenizer } from '../workload/index.js';
import { withInterrupt } from './interrupt.js';
import { formatArmDeltas } from '../report/armDeltas.js';

function builder(y: Argv) {
  return y
    .option('num-prompts', { type: 'number', default: 32 })
    .option('input-len', { type: 'number', default: 4096 })
    .option('output-len', { type: 'number', default: 1024 })
    .option('max-concurrency', { type: 'number', default: 16 })
    .option('profile', { type: 'string', default: 'r1-l20-approx' })
    .option('time-scale', { type: 'number', default: 0.1, describe: 'engine step times x this (1 = real time)' })
    .option('result-dir', { type: 'string', describe: 'default: results/demo-<date>' });
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

const ARMS = [
  { name: 'with-op', title: 'A: merge op CUDA kernel', env: {} },
  { name: 'without-op', title: 'B: merge op fallback (VLLM_DISABLE_MERGE_ATTN_CUDA_OP=1)', env: { VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' } },
] as const;

async function handler(a: Args): Promise<void> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const dir = a['result-dir'] ?? path.join('results', `demo-${stamp}`);
  const runs: BenchmarkRun[] = [];
  await withInterrupt(async (signal) => {
    for (const arm of ARMS) {
      if (signal.aborted) break;
      const engine = await spawnEngine(['--profile', a.profile, '--time-scale', String(a['time-scale'])], arm.env);
      try {
        console.log(`\n${arm.title}  [engine ${a.profile}, time scale ${a['time-scale']}, ${engine.url}]`);
        console.log(`Maximum request concurrency: ${a['max-concurrency']}`);
        const run = await runBenchmark({
          client: {
            baseUrl: engine.url,
            endpoint: '/v1/completions',
            model: 'abserve-engine',
            extraBody: { ignore_eos: true },
            requestTimeoutMs: 600_000,
            stallTimeoutMs: 30_000,
          },
          workload: {
            numPrompts: a['num-prompts'],
            inputLen: a['input-len'],
            outputLen: a['output-len'],
            tokenIds: true,
            seed: 0,
          },
          tokenizer: builtinTokenizer(),
          aggregate: {},
          maxConcurrency: a['max-concurrency'],
          label: arm.name,
          metadata: { arm: arm.name, engine_profile: a.profile, time_scale: String(a['time-scale']) },
          signal,
        });
        console.log(formatResultBlock(run.result, { additions: false }));
        const files = await writeRunResults(dir, run.result, run.records, { name: arm.name });
        console.log(`saved ${files.json}`);
        runs.push(run);
      } finally {
        await engine.stop();
      }
    }
  });
  if (runs.length === 2) {
    console.log(formatArmDeltas(runs[0].result, runs[1].result, 'with-op', 'without-op'));
  }
}

export const demoCommand: CommandModule<object, Args> = {
  command: 'demo',
  describe: 'the main job on the embedded engine: 4k-in/1k-out at concurrency 16, merge op on and off',
  builder: (y) => builder(y) as unknown as Argv<Args>,
  handler,
};

// `npm run bench:aa -- [REPETITIONS] [DRAWS] [SHAPE]`: the A/A false-positive rate of the whole A/B
// pipeline (engine noise model in virtual time, interleaved fresh instances, hierarchical
// bootstrap with its small-sample corrections), per metric and statistic, over DRAWS seeds
// (5000..). SHAPE `4k-1k` is the published 32 x 4096/1024 at concurrency 16 (about 1 s a draw at
// 3 repetitions), `short` 16 x 1024/32. Prints the share of A/A designs called significant at
// alpha 0.05; the closing notes quote it.
import { parseScenario } from '../scenario/index.js';
import { summarizeAb } from './compare.js';
import { simulateAbRuns } from './simulated.js';

const reps = Number(process.argv[2] ?? 3);
const draws = Number(process.argv[3] ?? 100);
const shape = process.argv[4] ?? '4k-1k';
const workload =
  shape === 'short'
    ? 'random_input_len: 1024, random_output_len: 32, num_prompts: 16'
    : 'random_input_len: 4096, random_output_len: 1024, num_prompts: 32';
const count: Record<string, number> = {};
const t0 = Date.now();
for (let seed = 5000; seed < 5000 + draws; seed++) {
  const s = parseScenario(
    `name: aa-rate
target: { engine: { profile: r1-l20-pp3-tp8 } }
workload: { random_token_ids: true, ${workload}, max_concurrency: 16, ignore_eos: true }
arms: [{ name: base }]
aa: true
repetitions: ${reps}
seed: ${seed}
`,
    'aa-rate.yaml',
  );
  const out = await summarizeAb({
    dir: '', scenario: 'aa-rate', createdAt: '', arms: ['base', 'base-aa'], alpha: 0.05,
    runs: simulateAbRuns(s), manifest: {}, partial: false, resamples: 1000, write: false,
  });
  for (const m of out.comparison?.metrics ?? []) {
    const k = `${m.metric} ${m.statistic}`;
    count[k] = (count[k] ?? 0) + (m.verdict !== 'no_significant_difference' ? 1 : 0);
  }
}
console.log(`A/A false-positive rate at alpha 0.05: shape ${shape}, ${reps} repetitions per arm, ${draws} draws (seeds 5000-${4999 + draws}), ${((Date.now() - t0) / 1000).toFixed(0)} s`);
for (const [k, v] of Object.entries(count)) console.log(`${k.padEnd(24)} ${(v / draws).toFixed(3)}`);

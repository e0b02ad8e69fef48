// `abserve demo` (`npm start`): the main job on a fresh machine with no GPU. The published 4K/1K
// shape (scenarios/r1-4k-1k-engine.yaml) as a real A/B on the embedded engine (DeepSeek-R1 on
// 24 x L20, time-scaled), merge op on and off, interleaved repetitions on fresh engine instances,
// then the comparison with CIs and verdicts, the published claim beside it, and report.html.
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { runAb } from '../ab/runAb.js';
import { loadScenario } from '../scenario/index.js';
import { abPrinter, printOutcome, scenarioOverrides } from './ab.js';
import { withInterrupt } from './interrupt.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/r1-4k-1k-engine.yaml', import.meta.url));

function builder(y: Argv) {
  return y
    .option('scenario', { type: 'string', default: SCENARIO, describe: 'engine scenario to run' })
    .option('repetitions', { type: 'number', describe: "override the scenario's repetitions per arm" })
    .option('result-dir', { type: 'string', describe: 'default: results/<timestamp>-<scenario>' });
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

async function handler(a: Args): Promise<void> {
  const s = loadScenario(a.scenario, scenarioOverrides({ repetitions: a.repetitions }));
  const t0 = Date.now();
  console.log(`abserve demo: ${s.description || s.name}`);
  const out = await withInterrupt((signal) =>
    runAb(s, {
      resultDir: a['result-dir'],
      signal,
      onEvent: abPrinter(process.stderr.isTTY === true, s.workload.numPrompts),
    }),
  );
  printOutcome(out, `  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

export const demoCommand: CommandModule<object, Args> = {
  command: 'demo',
  describe: 'the main job: the published 4K/1K A/B on the embedded engine, with CIs, verdicts and report.html',
  builder: (y) => builder(y) as unknown as Argv<Args>,
  handler,
};

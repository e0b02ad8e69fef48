// `abserve ab SCENARIO`: the A/B of a scenario file: arms x repetitions interleaved, the
// comparison with confidence intervals and verdicts, and a results folder with report.html.
// Exit codes: 0 complete, 3 partial (interrupted or cut short), 2 user error.
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { runAb, type AbEvent, type AbOutcome } from '../ab/runAb.js';
import { simulateAb } from '../ab/simulated.js';
import { armFailures, formatTally } from '../ab/failureRates.js';
import { isInterrupt } from '../ab/compare.js';
import { loadScenario, type ScenarioOverride } from '../scenario/index.js';
import { formatComparison } from '../stats/format.js';
import type { Statistic } from '../stats/types.js';
import { withInterrupt } from './interrupt.js';
import { progressView, type ProgressView } from './progress.js';

function builder(y: Argv) {
  return y
    .positional('scenario', { type: 'string', describe: 'scenario YAML file (see scenarios/)' })
    .option('aa', { type: 'boolean', default: false, describe: 'A/A: run the first arm twice; the result is the noise floor' })
    .option('repetitions', { type: 'number', describe: 'override the scenario: measured runs per arm' })
    .option('result-dir', { type: 'string', describe: 'default: results/<timestamp>-<scenario>' })
    .option('resamples', { type: 'number', default: 2000, describe: 'bootstrap resamples' })
    .option('simulate', {
      type: 'boolean',
      default: false,
      describe: 'engine scenarios: run every arm x repetition in virtual time through the engine model (a prediction, in a second)',
    })
    .option('until-ci', { type: 'number', describe: 'add repetitions until the 95% CI half-width of B/A is at most this many percent' })
    .option('until-ci-metric', { type: 'string', default: 'ttft:mean', describe: 'METRIC:STAT for --until-ci (ttft|tpot|itl|e2el : mean|median|p90|p99)' })
    .option('max-repetitions', { type: 'number', default: 20, describe: 'cap per arm for --until-ci' })
    .option('disable-progress', {
      type: 'boolean',
      default: false,
      describe: 'no progress bar during each run (it is drawn only when stderr is a terminal); the per-run lines stay',
    });
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

/**
 * `--aa` and `--repetitions` as the scenario fields they stand for (`aa`, `repetitions`), for
 * loadScenario to validate with the file: one run lists the file's problems and the flags' at once
 * (`x.yaml: repetitions: expected a positive integer <= 1000, got 0 (from --repetitions)`).
 */
export function scenarioOverrides(a: { aa?: boolean; repetitions?: number }): ScenarioOverride[] {
  const out: ScenarioOverride[] = [];
  if (a.aa) out.push({ field: 'aa', value: true, from: '--aa' });
  if (a.repetitions !== undefined) out.push({ field: 'repetitions', value: a.repetitions, from: '--repetitions' });
  return out;
}

/** --until-ci and its companions, checked; undefined without --until-ci. */
export function parseUntilCi(a: { 'until-ci'?: number; 'until-ci-metric': string; 'max-repetitions': number }) {
  const pct = a['until-ci'];
  if (pct === undefined) return undefined;
  if (!(pct > 0 && pct <= 100)) throw new UserError(`--until-ci: expected a percentage in (0, 100], got ${pct}`);
  const m = /^(ttft|tpot|itl|e2el):(mean|median|p90|p99)$/.exec(a['until-ci-metric']);
  if (!m) throw new UserError(`--until-ci-metric: expected METRIC:STAT such as ttft:mean, got ${JSON.stringify(a['until-ci-metric'])}`);
  const cap = a['max-repetitions'];
  if (!Number.isInteger(cap) || cap < 2 || cap > 1000) throw new UserError(`--max-repetitions: expected an integer from 2 to 1000, got ${cap}`);
  return { pct, metric: m[1]!, statistic: m[2] as Statistic, maxRepetitions: cap };
}

/**
 * The run plan as one readable line: every run up to 12, else the first 8 and the last 2 around
 * "... (N more) ..." (an 80-run plan was one 1,000-character line). `runs` in plan order.
 */
export function planLine(runs: readonly { arm: string; rep: number }[], dir: string): string {
  const name = (r: { arm: string; rep: number }) => `${r.arm}#${r.rep}`;
  const shown = runs.length <= 12
    ? runs.map(name).join(' ')
    : `${runs.slice(0, 8).map(name).join(' ')} ... (${runs.length - 10} more) ... ${runs.slice(-2).map(name).join(' ')}`;
  return `${runs.length} runs: ${shown}  ->  ${dir}`;
}

/** Prints run events as lines (and a progress bar on a TTY). */
export function abPrinter(showProgress: boolean, requestsPerRun: number): (e: AbEvent) => void {
  let bar: ProgressView | undefined;
  return (e) => {
    switch (e.type) {
      case 'plan':
        console.log(planLine(e.runs, e.dir));
        break;
      case 'client-warmup':
        console.log(`warming the client up (unmeasured${e.throwaway ? ', on a throwaway engine instance' : ', against the first arm\'s server'}); also the ready check`);
        break;
      case 'server-start':
        console.log(`[${e.arm}] starting ${e.target} server`);
        break;
      case 'until-ci':
        console.log(
          `--until-ci: ${e.metric} B/A half-width ${e.halfWidthPct.toFixed(2)}% after ${e.repetitions} repetitions (target ${e.target}%)` +
            (e.reached ? ': reached' : e.capped ? `: target NOT reached at --max-repetitions ${e.repetitions}` : ': one more block'),
        );
        break;
      case 'accuracy':
        console.log(`[${e.arm}] accuracy step (${e.phase === 'during' ? 'during the first run' : 'after the serving runs'})`);
        break;
      case 'run-start':
        bar = showProgress ? progressView(requestsPerRun, `${e.run.arm}#${e.run.rep}`) : undefined;
        break;
      case 'progress':
        bar?.update(e.progress);
        break;
      case 'run-end': {
        bar?.stop();
        bar = undefined;
        const d = e.data;
        const mean = (xs: number[]) => (xs.length ? (xs.reduce((x, y) => x + y, 0) / xs.length).toFixed(1) : '-');
        if (d.partial && d.completed === 0 && d.failed === 0) {
          // Nothing finished (every request cancelled): no counts or means to show.
          const interrupted = d.cut ? d.cut.interrupted : isInterrupt(d.partialReason); // cut: structured (run.json since 26650b2)
          const when = interrupted ? 'the interrupt' : `it was cut short (${d.partialReason})`;
          console.log(`run ${e.run.order + 1}: ${d.arm}#${d.rep}  no request finished before ${when}  (partial)`);
          break;
        }
        console.log(
          `run ${e.run.order + 1}: ${d.arm}#${d.rep}  ${d.completed} ok, ${d.failed} failed  ` +
            `mean TTFT ${mean(d.requests.map((r) => r.ttft))} ms  ` +
            `output ${d.outputThroughput.toFixed(1)} tok/s${d.partial ? '  (partial)' : ''}`,
        );
        break;
      }
      default:
        break;
    }
  };
}

async function handler(a: Args): Promise<void> {
  if (!a.scenario) throw new UserError('ab: name a scenario file, e.g. abserve ab scenarios/smoke.yaml');
  const s = loadScenario(a.scenario, scenarioOverrides(a));
  if (!Number.isInteger(a.resamples) || a.resamples < 100 || a.resamples > 100_000) {
    throw new UserError(`--resamples: expected an integer from 100 to 100000, got ${a.resamples}`);
  }
  const untilCi = parseUntilCi(a);
  if (untilCi && a.simulate) throw new UserError('--until-ci: not with --simulate (simulated repetitions are free: raise --repetitions)');
  const out = await withInterrupt((signal) =>
    (a.simulate ? simulateAb : runAb)(s, { ...(untilCi ? { untilCi } : {}), resultDir: a['result-dir'], signal, resamples: a.resamples, onEvent: abPrinter(!a['disable-progress'] && process.stderr.isTTY === true, s.workload.numPrompts) }),
  );
  printOutcome(out);
}

/**
 * Prints an A/B's end: the comparison table, the accuracy verdict, the notes (a published claim
 * beside this run's interval among them), where the results are; a partial run says so and sets
 * exit code 3.
 */
export function printOutcome(out: AbOutcome, suffix = ''): void {
  console.log('');
  if (out.comparison) console.log(formatComparison(out.comparison));
  if (out.accuracy) {
    console.log(`\naccuracy: ${out.accuracy.verdict}`);
    for (const n of out.accuracy.notes ?? []) console.log(`accuracy note: ${n}`);
    if (out.accuracy.flipped?.length) console.log(`accuracy: ${out.accuracy.flipped.length} flipped question(s), listed in report.md`);
  }
  for (const n of out.notes) console.log(`note: ${n}`);
  console.log(`\nresults: ${out.dir}${suffix}`);
  if (out.files.html) console.log(`report:  ${out.files.html}`);
  if (out.measuredNothing) {
    const f = armFailures(out.runs, out.emptyArm!);
    // A tally only when something failed; "(none)" would read as one.
    const why = f.failed > 0 ? `no request succeeded in any run (${formatTally(f.byKind)})` : 'no request finished in any run';
    console.error(`abserve: arm ${out.emptyArm}: ${why}${out.firstFailure ? `; the first: ${out.firstFailure}` : ''}`);
    process.exitCode = 1;
  } else if (out.partial) {
    console.log(`PARTIAL: ${out.partialReason}`);
    process.exitCode = 3;
  }
}

export const abCommand: CommandModule<object, Args> = {
  command: 'ab [scenario]',
  describe: 'A/B of a scenario file: arms x repetitions, interleaved, with CIs and verdicts',
  builder: (y) => builder(y) as unknown as Argv<Args>,
  handler,
};

// Seeded, bounded fuzz of `abserve bench` flag sets (issue 10): thousands of random and mutated
// command lines go through yargs and benchPlan (every check the CLI makes before contacting a
// server). Each must either give a plan or a one-line UserError naming a flag: never another
// exception, never a hang, never a multi-line message.
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { isUserError, UserError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import { benchFlags, benchPlan, type BenchArgs } from './bench.js';

const FLAGS = [
  'base-url', 'host', 'port', 'endpoint', 'model', 'api-key', 'dataset-name', 'dataset-path', 'num-prompts', 'num-warmups',
  'random-input-len', 'random-output-len', 'random-range-ratio', 'random-prefix-len', 'random-token-ids', 'random-id-range',
  'sharegpt-output-len', 'request-rate', 'burstiness', 'ramp-up-strategy', 'ramp-up-start-rps', 'ramp-up-end-rps',
  'max-concurrency', 'ignore-eos', 'min-tokens', 'temperature', 'extra-body', 'percentile-metrics', 'metric-percentiles',
  'goodput', 'seed', 'request-timeout', 'stall-timeout', 'run-timeout', 'ready-check-timeout-sec', 'sse-max-mib',
  'result-dir', 'result-filename', 'label', 'metadata', 'no-such-flag',
];
const VALUES = [
  '', '0', '1', '-1', '2.5', '1e12', '1e-9', '1e308', 'inf', '-inf', 'Infinity', 'NaN', 'nan', 'abc', '0x10', ' 7 ',
  '__proto__=x', 'constructor=1', 'k=v', '=v', 'ttft:500', 'itl:5', 'ttft:-1', '../../x', 'org/name', '/dev/null',
  '{"a":1}', '{', '[1]', 'null', 'http://127.0.0.1:1', 'http://u:p@h', 'ftp://x', '/v1/completions', '/v1/chat/completions',
  'random', 'jsonl', 'linear', 'exponential', '1,5', '5,1', 'ttft,tpot,itl,e2el', '50,99.9', '100', 'x'.repeat(300), '\u0000', '😀',
];

async function parse(args: string[]): Promise<BenchArgs> {
  return (await benchFlags(yargs(args))
    .strict()
    .fail((msg, err) => {
      throw err ?? new UserError(msg);
    })
    .parseAsync()) as BenchArgs;
}

function commandLine(r: Rng): string[] {
  const args: string[] = [];
  const n = r.int(0, 7);
  for (let i = 0; i < n; i++) {
    const flag = FLAGS[r.int(0, FLAGS.length)]!;
    args.push(`--${flag}`);
    if (r.uniform() < 0.9) args.push(VALUES[r.int(0, VALUES.length)]!);
    if (r.uniform() < 0.08) args.push(`--${flag}`, VALUES[r.int(0, VALUES.length)]!); // repeated
  }
  return args;
}

describe('bench flag fuzz (issue 10)', () => {
  it('gives a plan or a one-line UserError for every random command line (seeded, time-bounded)', async () => {
    const r = new Rng(10, 'flag-fuzz');
    const deadline = Date.now() + 3_000;
    let cases = 0;
    let planned = 0;
    const unexpected: string[] = [];
    while (cases < 3_000 && Date.now() < deadline) {
      const args = commandLine(r);
      cases++;
      try {
        benchPlan(await parse(args));
        planned++;
      } catch (e) {
        if (!isUserError(e) && !(e instanceof Error && e.name === 'YError')) unexpected.push(`${JSON.stringify(args)}: ${String(e)}`);
        else if ((e as Error).message.includes('\n')) unexpected.push(`${JSON.stringify(args)}: multi-line: ${(e as Error).message}`);
      }
    }
    expect(unexpected.slice(0, 5)).toEqual([]);
    expect(cases).toBeGreaterThan(200);
    expect(planned).toBeGreaterThan(0); // the generator also makes valid command lines
  }, 20_000);
});

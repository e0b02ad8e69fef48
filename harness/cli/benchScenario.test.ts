// `abserve bench` flags become a one-arm scenario (k6's CLI shortcut): a bench run and an A/B arm
// declared in a scenario file with the same settings build the same workload and request body.
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { parseScenario, requestBody, toWorkloadOptions } from '../scenario/index.js';
import { benchFlags, benchPlan, type BenchArgs } from './bench.js';

async function parse(args: string[]): Promise<BenchArgs> {
  return (await benchFlags(yargs(args)).exitProcess(false).strict().parseAsync()) as BenchArgs;
}

describe('abserve bench as a one-arm scenario', () => {
  it('sends what the equivalent scenario file would', async () => {
    const plan = benchPlan(await parse([
      '--base-url', 'http://127.0.0.1:8000', '--num-prompts', '32', '--random-input-len', '4096', '--random-output-len', '1024',
      '--max-concurrency', '16', '--ignore-eos', '--request-rate', '4', '--burstiness', '0.5', '--seed', '7',
      '--extra-body', '{"top_k": 5}', '--min-tokens', '3',
    ]));
    const s = parseScenario(
      `
name: same
target: { url: "http://127.0.0.1:8000" }
workload: { num_prompts: 32, random_input_len: 4096, random_output_len: 1024, max_concurrency: 16, ignore_eos: true,
            request_rate: 4, burstiness: 0.5, extra_body: { top_k: 5 }, min_tokens: 3 }
arms: [{ name: a }]
seed: 7
`,
      'same.yaml',
    );
    expect(plan.workload).toEqual(toWorkloadOptions(s));
    expect(plan.extraBody).toEqual(requestBody(s, 'a'));
    expect(plan.extraBody).toEqual({ temperature: 0, ignore_eos: true, min_tokens: 3, top_k: 5 });
  });

  it('accepts --burstiness inf like vLLM, and names flags in its one-line errors', async () => {
    expect((benchPlan(await parse(['--burstiness', 'inf', '--request-rate', '5'])).workload.burstiness)).toBe(Infinity);
    // A problem only the scenario's cross-field rules see comes back on one line, in flag names.
    await expect(parse(['--ramp-up-end-rps', '5']).then(benchPlan)).rejects.toThrow(
      /^--ramp-up-strategy: required when any ramp_up_\* field is set; --ramp-up-start-rps: required/,
    );
  });
});

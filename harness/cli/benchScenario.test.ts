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

  it("accepts vLLM's flags with their vLLM effect, or refuses them in one line", async () => {
    const chat = benchPlan(await parse(['--backend', 'openai-chat']));
    expect([chat.backend, chat.endpoint]).toEqual(['openai-chat', '/v1/chat/completions']);
    const vllm = benchPlan(await parse(['--backend', 'vllm']));
    expect([vllm.backend, vllm.endpoint]).toEqual(['vllm', '/v1/completions']);
    await expect(parse(['--backend', 'openai-chat', '--endpoint', '/v1/completions']).then(benchPlan)).rejects.toThrow(/^--backend openai-chat sends/);
    // Sampling flags first, --extra-body over them (vLLM: {**sampling_params, **extra_body}).
    const s = benchPlan(await parse(['--top-p', '0.9', '--top-k', '20', '--min-p', '0.1', '--temperature', '0.7', '--logprobs', '2', '--extra-body', '{"top_k": 5}']));
    expect(s.extraBody).toEqual({ temperature: 0.7, top_p: 0.9, top_k: 5, min_p: 0.1, logprobs: 2 });
    expect(benchPlan(await parse(['--request-id-prefix', 'trial-'])).requestIdPrefix).toBe('trial-');
    expect((await parse(['--disable-tqdm']))['disable-progress']).toBe(true);
    expect(benchPlan(await parse(['--trust-remote-code', '--tokenizer-mode', 'auto', '--save-detailed'])).notes).toEqual([
      "abserve: --trust-remote-code has no effect: abserve's tokenizer reads tokenizer.json and never runs model code",
    ]);
    await expect(parse(['--append-result']).then(benchPlan)).rejects.toThrow(/^--append-result: not supported/);
    await expect(parse(['--tokenizer-mode', 'mistral']).then(benchPlan)).rejects.toThrow(/^--tokenizer-mode: /);
    await expect(parse(['--logprobs', '1', '--backend', 'openai-chat']).then(benchPlan)).rejects.toThrow(/^--logprobs: not supported/);
  });
});

// The mapping helpers: one scenario, seen in the workload's, the client's and the target's words.
import { describe, expect, it } from 'vitest';
import { buildWorkload } from '../workload/index.js';
import { UserError } from '../common/errors.js';
import { armServerConfigs, parseScenario, requestBody, resolvedScenarioJson, runArms, toWorkloadOptions } from './index.js';

const ENGINE = `
name: m
target:
  engine: {profile: tiny, time_scale: 0.5, step_scale: 1, noise: off, noise_seed: 3}
model: m1
env: {SHARED: x, VLLM_DISABLE_MERGE_ATTN_CUDA_OP: "0"}
workload:
  random_input_len: 32
  random_output_len: 4
  num_prompts: 5
  ignore_eos: true
  min_tokens: 2
  extra_body: {top_p: 0.9, temperature: 0.7}
arms:
  - name: a
    server_args: ["--foo", 1]
  - name: b
    env: {VLLM_DISABLE_MERGE_ATTN_CUDA_OP: 1}
    extra_body: {top_p: 0.5, seed: 9}
    engine: {step_scale: 1.05, disable_merge_op: true}
seed: 7
warmup: 2
`;

describe('toWorkloadOptions', () => {
  it('maps the workload into workload/ options that build', () => {
    const s = parseScenario(ENGINE + 'endpoint: /v1/completions\n', 'm.yaml');
    const w = toWorkloadOptions(s);
    expect(w).toMatchObject({ dataset: 'random', endpoint: '/v1/completions', numPrompts: 5, inputLen: 32, outputLen: 4, requestRate: Infinity, warmupRequests: 2, seed: 7 });
    const specs = buildWorkload(w);
    expect(specs.filter((r) => r.warmup)).toHaveLength(2);
    expect(specs.filter((r) => !r.warmup)).toHaveLength(5);
  });
  it('carries the ramp, id range and dataset path', () => {
    const s = parseScenario(
      'target: {url: "http://x"}\narms: [{name: a}]\nworkload: {dataset_name: jsonl, dataset_path: d.jsonl, random_id_range: [5, 50], ramp_up_strategy: exponential, ramp_up_start_rps: 1, ramp_up_end_rps: 8}\n',
      '/data/s.yaml',
    );
    expect(toWorkloadOptions(s)).toMatchObject({
      dataset: 'jsonl',
      path: '/data/d.jsonl',
      idRange: [5, 50],
      rampUp: { strategy: 'exponential', startRps: 1, endRps: 8 },
    });
  });
});

describe('requestBody', () => {
  const s = parseScenario(ENGINE, 'm.yaml');
  it('sampling fields, then the workload extra_body, then the arm extra_body', () => {
    expect(requestBody(s, 'a')).toEqual({ temperature: 0.7, ignore_eos: true, min_tokens: 2, top_p: 0.9 });
    expect(requestBody(s, 'b')).toEqual({ temperature: 0.7, ignore_eos: true, min_tokens: 2, top_p: 0.5, seed: 9 });
  });
  it('defaults to greedy and leaves out unset fields', () => {
    const plain = parseScenario('target: {url: "http://x"}\narms: [{name: a}]\n', 'p.yaml');
    expect(requestBody(plain, 'a')).toEqual({ temperature: 0 });
  });
  it('names the arms for an unknown arm', () => {
    expect(() => requestBody(s, 'c')).toThrow(UserError);
    expect(() => requestBody(s, 'c')).toThrow('m.yaml: no arm named "c" (arms: a, b)');
  });
});

describe('armServerConfigs', () => {
  it('merges env, appends engine flags, and keeps overridden flags out of the shared args', () => {
    const s = parseScenario(ENGINE, 'm.yaml');
    expect(s.target).toEqual({
      kind: 'engine',
      profile: 'tiny',
      args: ['--model', 'm1', '--time-scale', '0.5', '--noise', 'off', '--noise-seed', '3'],
      startTimeoutMs: 30_000,
    });
    expect(armServerConfigs(s)).toEqual([
      { name: 'a', env: { SHARED: 'x', VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '0' }, serverArgs: ['--foo', '1', '--step-scale', '1'] },
      {
        name: 'b',
        env: { SHARED: 'x', VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' },
        serverArgs: ['--disable-merge-op', '--step-scale', '1.05'],
      },
    ]);
  });
  it('aa runs the first arm twice, identically, and requestBody knows the copy', () => {
    const s = parseScenario(ENGINE + 'aa: true\n', 'm.yaml');
    const [a, a2, ...rest] = armServerConfigs(s);
    expect(rest).toEqual([]);
    expect(a2).toEqual({ ...a, name: 'a-aa' });
    expect(runArms(s).map((x) => x.name)).toEqual(['a', 'a-aa']);
    expect(requestBody(s, 'a-aa')).toEqual(requestBody(s, 'a'));
  });
  it('passes no engine flags to compose targets', () => {
    const s = parseScenario('target: {compose: {files: [x.yml], service: vllm, url: "http://x"}}\narms: [{name: a, server_args: [--x]}]\n', 'u.yaml');
    expect(armServerConfigs(s)).toEqual([{ name: 'a', env: {}, serverArgs: ['--x'] }]);
  });

  it('refuses arm env or server_args on a url target (the server is already running)', () => {
    expect(() => parseScenario('target: {url: "http://x"}\narms: [{name: a, server_args: [--x]}, {name: b, env: {K: "1"}}]\n', 'u.yaml')).toThrow(
      /u\.yaml: arms\[0\]\.server_args: a url target is a server already running.*\nu\.yaml: arms\[1\]\.env: a url target/s,
    );
    expect(parseScenario('target: {url: "http://x"}\narms: [{name: a}, {name: b, extra_body: {top_k: 1}}]\n', 'u.yaml').arms).toHaveLength(2);
  });
});

describe('resolvedScenarioJson', () => {
  it('is plain JSON with "inf", defaults and the arms that ran', () => {
    const s = parseScenario(ENGINE + 'aa: true\n', 'm.yaml');
    const j = resolvedScenarioJson(s);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j).toMatchObject({ name: 'm', repetitions: 3, alpha: 0.05, aa: true, workload: { requestRate: 'inf', numPrompts: 5 } });
    expect((j.runArms as { name: string }[]).map((a) => a.name)).toEqual(['a', 'a-aa']);
    expect(j).not.toHaveProperty('slo');
  });
});

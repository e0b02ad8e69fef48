// Scenario files: every shipped file loads; each kind of mistake gives one line naming the file,
// the field path in the YAML's words and the value, and all mistakes come at once.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { testTempDir } from '../common/testTmp.js';
import { loadScenario, parseScenario, ScenarioError } from './index.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../scenarios');
const F = 'scenarios/x.yaml';

function problems(text: string): string[] {
  try {
    parseScenario(text, F);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message.split('\n');
  }
  throw new Error('expected a ScenarioError');
}

const MIN = 'target: {url: "http://127.0.0.1:8000"}\narms: [{name: a}]\n';

describe('shipped scenarios', () => {
  const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
  it('are all there', () => {
    expect(files.sort()).toEqual(
      ['aa-engine.yaml', 'r1-4k-1k-engine.yaml', 'r1-4k-1k.yaml', 'r1-8k-64-engine.yaml', 'r1-8k-64.yaml', 'smoke.yaml'].sort(),
    );
  });
  it.each(files)('%s loads', (f) => {
    const s = loadScenario(path.join(SCENARIOS, f));
    expect(s.name).toBe(f.replace('.yaml', ''));
    expect(s.arms.length).toBeGreaterThanOrEqual(1);
  });
  it('publishes the R1 shapes with the merge-op arms', () => {
    for (const [f, n, inLen, outLen] of [
      ['r1-4k-1k.yaml', 32, 4096, 1024],
      ['r1-8k-64.yaml', 16, 8192, 64],
      ['r1-4k-1k-engine.yaml', 32, 4096, 1024],
      ['r1-8k-64-engine.yaml', 16, 8192, 64],
    ] as const) {
      const s = loadScenario(path.join(SCENARIOS, f));
      expect(s.model).toBe('deepseek-ai/DeepSeek-R1');
      expect(s.workload).toMatchObject({
        datasetName: 'random',
        numPrompts: n,
        randomInputLen: inLen,
        randomOutputLen: outLen,
        maxConcurrency: 16,
        ignoreEos: true,
        requestRate: Infinity,
      });
      expect(s.arms.map((a) => a.name)).toEqual(['without-op', 'with-op']);
      expect(s.arms[0]!.env.VLLM_DISABLE_MERGE_ATTN_CUDA_OP).toBe('1');
      expect(s.repetitions).toBe(3);
      if (f.includes('engine')) expect(s.target).toMatchObject({ kind: 'engine', profile: 'r1-l20-pp3-tp8' });
      else expect(s.target).toMatchObject({ kind: 'compose', service: 'vllm', files: [path.resolve(SCENARIOS, '../compose/vllm-single-node.yaml')] });
    }
  });
  it('aa-engine runs one arm twice', () => {
    const s = loadScenario(path.join(SCENARIOS, 'aa-engine.yaml'));
    expect(s.aa).toBe(true);
    expect(s.arms).toHaveLength(1);
  });
});

describe('defaults', () => {
  it('fills every default, in ms', () => {
    const s = parseScenario(MIN, 'dir/my-ab.yml');
    expect(s).toMatchObject({
      name: 'my-ab',
      description: '',
      target: { kind: 'url', url: 'http://127.0.0.1:8000' },
      model: undefined,
      endpoint: '/v1/completions',
      repetitions: 3,
      order: 'interleaved',
      warmupRequests: 0,
      cooldownMs: 0,
      resetPrefixCache: false,
      freshServer: false,
      seed: 0,
      slo: undefined,
      alpha: 0.05,
      aa: false,
      accuracy: undefined,
    });
    expect(s.workload).toEqual({
      datasetName: 'random',
      datasetPath: undefined,
      numPrompts: 1000,
      randomInputLen: 1024,
      randomOutputLen: 128,
      randomRangeRatio: 0,
      randomPrefixLen: 0,
      randomTokenIds: false,
      randomIdRange: undefined,
      sharegptOutputLen: undefined,
      requestRate: Infinity,
      burstiness: 1,
      rampUp: undefined,
      maxConcurrency: undefined,
      ignoreEos: false,
      minTokens: undefined,
      temperature: undefined,
      extraBody: {},
      tokenizer: undefined,
      percentileMetrics: ['ttft', 'tpot', 'itl'],
      metricPercentiles: [99],
      requestTimeoutMs: 600_000,
      stallTimeoutMs: 60_000,
      runTimeoutMs: undefined,
    });
    expect(s.arms[0]).toEqual({ name: 'a', description: '', env: {}, serverArgs: [], extraBody: {}, engine: {} });
  });

  it('resolves compose paths against the scenario folder and derives project and health URL', () => {
    const s = parseScenario(
      'name: My.AB\ntarget: {compose: {files: [../compose/a.yaml, /abs/b.yaml], service: vllm, url: "http://h:9000/"}}\narms: [{name: a}]\n',
      '/work/x/scenarios/f.yaml',
    );
    expect(s.target).toEqual({
      kind: 'compose',
      files: ['/work/x/compose/a.yaml', '/abs/b.yaml'],
      project: 'abserve-my.ab'.replace('.', '-'),
      service: 'vllm',
      url: 'http://h:9000',
      healthUrl: 'http://h:9000/health',
      startTimeoutMs: 1_800_000,
    });
  });

  it('converts seconds to ms, "inf" and lists', () => {
    const s = parseScenario(
      MIN +
        'workload: {request_rate: 2.5, request_timeout_s: 1.5, run_timeout_s: 60, percentile_metrics: "ttft,e2el", metric_percentiles: [50, 99.9, 100], random_id_range: "10,20"}\ncooldown_s: 2\nslo: {ttft_ms: 500}\nwarmup: 4\n',
      F,
    );
    expect(s.workload).toMatchObject({
      requestRate: 2.5,
      requestTimeoutMs: 1500,
      runTimeoutMs: 60_000,
      percentileMetrics: ['ttft', 'e2el'],
      metricPercentiles: [50, 99.9, 100], // 100 (the maximum) as vLLM takes it
      randomIdRange: [10, 20],
    });
    expect(s.cooldownMs).toBe(2000);
    expect(s.slo).toEqual({ ttft: 500 });
    expect(s.warmupRequests).toBe(4);
  });

  it('takes workload.num_warmups as the warm-up count and allows YAML merge keys', () => {
    const s = parseScenario(
      'target: {engine: {profile: tiny}}\nworkload: {num_warmups: 2}\ncommon: &c {A: "1"}\n'.replace('common: &c {A: "1"}\n', '') +
        'env: &e {A: "1"}\narms: [{name: a, env: {<<: *e, B: 2}}]\n',
      F,
    );
    expect(s.warmupRequests).toBe(2);
    expect(s.arms[0]!.env).toEqual({ A: '1', B: '2' });
  });
});

describe('engine target', () => {
  it('turns every engine option into an `abserve engine` flag, noise as on/off', () => {
    const s = parseScenario(
      'target: {engine: {profile: tiny, time_scale: 0.1, fixed_step_ms: 2, max_num_seqs: 8, max_num_batched_tokens: 512, max_model_len: 4096, disable_merge_op: true, reasoning_tokens: 0.5, spin_ms: 0, noise: on, noise_seed: 4, step_scale: 1.1, start_timeout_s: 5}}\narms: [{name: a}]\n',
      F,
    );
    expect(s.target).toEqual({
      kind: 'engine',
      profile: 'tiny',
      args: [
        '--time-scale', '0.1', '--fixed-step-ms', '2', '--max-num-seqs', '8', '--max-num-batched-tokens', '512',
        '--max-model-len', '4096', '--disable-merge-op', '--reasoning-tokens', '0.5', '--spin-ms', '0',
        '--noise', 'on', '--noise-seed', '4', '--step-scale', '1.1',
      ],
      startTimeoutMs: 5000,
    });
    const off = parseScenario('target: {engine: {profile: tiny, noise: false}}\narms: [{name: a}]\n', F);
    expect(off.target).toMatchObject({ args: ['--noise', 'off'] });
    expect(problems('target: {engine: {profile: tiny, noise: loud, reasoning_tokens: 2.5}}\narms: [{name: a}]\n')).toEqual([
      `${F}: target.engine.reasoning_tokens: expected a token count in 1..1000000 or a fraction in (0, 1), got 2.5`,
      `${F}: target.engine.noise: expected on or off, got "loud"`,
    ]);
  });
});

describe('errors', () => {
  it('names an unknown field, top level and nested, one line each, with the known field it is closest to', () => {
    expect(problems(MIN + 'nmae: x\nworkload: {num_promts: 3, foo: 1}\n')).toEqual([
      `${F}: workload.num_promts: unknown field, got 3; did you mean num_prompts?`,
      `${F}: workload.foo: unknown field, got 1`,
      `${F}: nmae: unknown field, got "x"; did you mean name?`,
    ]);
    expect(problems('target: {url: "http://x"}\narms: [{name: a}, {name: b, nmae: c}]\n')).toEqual([
      `${F}: arms[1].nmae: unknown field, got "c"; did you mean name?`,
    ]);
  });

  it('suggests through defaults, lists and the target kinds, and the snake_case of a CLI spelling', () => {
    expect(problems('target: {engine: {profle: tiny}}\narms: [{name: a, server_arg: [x]}]\nworkload: {request-rate: 2}\nrepetitons: 2\n')).toEqual([
      `${F}: target.engine.profile: missing required field`,
      `${F}: target.engine.profle: unknown field, got "tiny"; did you mean profile?`,
      `${F}: workload.request-rate: unknown field, got 2; did you mean request_rate?`,
      `${F}: arms[0].server_arg: unknown field, got ["x"]; did you mean server_args?`,
      `${F}: repetitons: unknown field, got 2; did you mean repetitions?`,
    ]);
    // Nothing close: no guess.
    expect(problems(MIN + 'completely_unrelated: 1\n')).toEqual([`${F}: completely_unrelated: unknown field, got 1`]);
  });

  it('does not offer a short field two changed letters away (foo is not slo), and says "mapping", not zod\'s "object"', () => {
    expect(problems(MIN + 'foo: 1\n')).toEqual([`${F}: foo: unknown field, got 1`]);
    expect(problems(MIN + 'sol: 1\n')).toEqual([`${F}: sol: unknown field, got 1; did you mean slo?`]);
    expect(problems('target: {url: "http://x"}\narms: [{name: a}, {name: b}]\nworkload: [1, 2]\n')).toEqual([
      `${F}: workload: expected a mapping (key: value lines), got [1,2]`,
    ]);
  });

  it('names the field and the value for a wrong type and out of range', () => {
    expect(problems(MIN + 'workload: {num_prompts: -3}\n')).toEqual([
      `${F}: workload.num_prompts: expected a positive integer <= 1000000, got -3`,
    ]);
    expect(problems(MIN + 'workload: {random_input_len: "4k"}\n')).toEqual([
      `${F}: workload.random_input_len: expected an integer in 0..1000000, got "4k"`,
    ]);
    expect(problems(MIN + 'workload: {random_output_len: 2000000, request_timeout_s: 90000}\n')).toEqual([
      `${F}: workload.random_output_len: expected a positive integer <= 1000000, got 2000000`,
      `${F}: workload.request_timeout_s: expected seconds in (0, 86400] (1 day), got 90000`,
    ]);
    expect(problems(MIN + 'workload: {request_rate: fast}\n')).toEqual([
      `${F}: workload.request_rate: expected "inf" or requests/s in (0, 1000000], got "fast"`,
    ]);
    expect(problems(MIN + 'aa: yes\n')).toEqual([`${F}: aa: expected true or false, got "yes"`]);
    // In the file's words, not the validation library's ("Too small: expected number to be >0").
    expect(problems(MIN + 'workload: {request_rate: -3}\n')).toEqual([
      `${F}: workload.request_rate: expected "inf" or requests/s in (0, 1000000], got -3`,
    ]);
    expect(problems(MIN + 'workload: {request_rate: 2000000}\n')).toEqual([
      `${F}: workload.request_rate: expected "inf" or requests/s in (0, 1000000], got 2000000`,
    ]);
  });

  it('an arm that is not a mapping says what an arm is', () => {
    expect(problems('name: x\ntarget: {url: "http://127.0.0.1:1"}\narms: [fast, {name: b}]\n')).toEqual([
      `${F}: arms[0]: expected an arm: a mapping with a name (and optional description, env, server_args, ...), got "fast"`,
    ]);
  });

  it('finds duplicate and unsafe arm names', () => {
    expect(problems('target: {url: "http://x"}\narms: [{name: a}, {name: b}, {name: a}, {name: "../up"}]\n')).toEqual([
      `${F}: arms[3].name: expected a path-safe name (letters, digits, ".", "_", "-"; at most 64, starting with a letter or digit), got "../up"`,
      `${F}: arms[2].name: duplicate arm name (also arms[0].name), got "a"`,
    ]);
  });

  it('reports missing required fields', () => {
    expect(problems('name: x\n')).toEqual([`${F}: target: missing required field`, `${F}: arms: missing required field`]);
    expect(problems('target: {compose: {files: [a.yaml]}}\narms: [{}]\n')).toEqual([
      `${F}: target.compose.service: missing required field`,
      `${F}: arms[0].name: missing required field`,
    ]);
    expect(problems('target: {}\narms: []\n')).toEqual([
      `${F}: target: expected exactly one of engine, url, compose, got none`,
      `${F}: arms: expected at least one arm, got []`,
    ]);
  });

  it('gives YAML syntax errors as file:line:col', () => {
    const lines = problems('name: x\narms: [a,\n  b: c\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^scenarios\/x\.yaml:\d+:\d+: \S/);
    expect(problems('name: x\nname: y\n')).toEqual([`${F}:2:1: duplicate key "name"`]);
    expect(problems('')).toEqual([`${F}: empty file: expected a mapping of scenario fields`]);
    expect(problems('- 1\n')).toEqual([`${F}: expected a mapping of scenario fields, got [1]`]);
  });

  it('names every duplicate key, nested ones too, one line each at its line:col', () => {
    expect(problems(MIN + 'workload:\n  num_prompts: 3\n  num_prompts: 4\narms: [{name: b, env: {A: "1", A: "2"}}]\n')).toEqual([
      `${F}:5:3: duplicate key "num_prompts"`,
      `${F}:6:1: duplicate key "arms"`,
      `${F}:6:32: duplicate key "A"`,
    ]);
  });

  it('gives only the first error of an unclosed bracket, not the errors that follow from it', () => {
    // yaml reports 3 errors for this text (a bad indent, then two about the key after it).
    expect(problems('target: {url: "http://x"}\narms:\n  - name: a\n    env: [A\n  - name: b\n    env: {}\nrepetitions: 3\n')).toEqual([
      `${F}:5:3: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
    expect(problems('name: x\narms: [{name: a}, {name: b}\nrepetitions: 3\n')).toEqual([
      `${F}:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('lists every problem of a file at once, cross-field rules included', () => {
    const lines = problems(
      [
        'nmae: x',
        'target: {engine: {profile: huge, time_scale: 0}, url: "ftp://x"}',
        'endpoint: /v1/chat/completions',
        'workload: {num_prompts: 0, dataset_name: jsonl, random_token_ids: true, ramp_up_strategy: linear, request_rate: 3}',
        'arms: [{name: a, env: {1X: "1"}}, {name: a}]',
        'repetitions: 1.5',
        'order: random',
        'alpha: 0.9',
        'slo: {}',
        'accuracy: {when: before, shots: 9, extra: 1}',
      ].join('\n'),
    );
    const want = [
      'target.engine.profile: expected one of tiny, r1-l20-approx, r1-l20-pp3-tp8, got "huge"',
      'target.engine.time_scale: expected a number in (0, 1000], got 0',
      'target.url: expected an http(s) URL, got "ftp://x"',
      'target: expected exactly one of engine, url, compose, got engine and url',
      'workload.num_prompts: expected a positive integer <= 1000000, got 0',
      'arms[0].env.1X: expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*), got "1X"',
      'repetitions: expected a positive integer <= 1000, got 1.5',
      'order: expected interleaved or sequential, got "random"',
      'alpha: expected a number in (0, 0.5], got 0.9',
      'accuracy.shots: expected an integer in 0..5 (C-Eval dev has 5 per subject), got 9',
      'accuracy.when: expected after or during, got "before"',
      'accuracy.extra: unknown field, got 1',
      'nmae: unknown field, got "x"; did you mean name?',
      'workload.dataset_path: required with dataset_name jsonl',
      'workload.random_token_ids: needs endpoint /v1/completions (chat prompts are text), got true',
      'workload.ramp_up_start_rps: required when any ramp_up_* field is set',
      'workload.ramp_up_end_rps: required when any ramp_up_* field is set',
      'workload.request_rate: must stay "inf" with ramp_up_strategy (the ramp sets the rate), got 3',
      'arms[1].name: duplicate arm name (also arms[0].name), got "a"',
      'slo: expected at least one of ttft_ms, tpot_ms, e2el_ms, got {}',
    ];
    for (const w of want) expect(lines).toContain(`${F}: ${w}`);
    expect(lines).toHaveLength(want.length);
  });

  it('rejects engine overrides on arms of a non-engine target and conflicting warm-up counts', () => {
    expect(problems('target: {url: "http://x"}\narms: [{name: a, engine: {step_scale: 1.05}}]\nwarmup: 2\nworkload: {num_warmups: 3}\n')).toEqual([
      `${F}: arms[0].engine: engine overrides need target engine, got {"step_scale":1.05}`,
      `${F}: warmup: conflicts with workload.num_warmups (3); give one of them, got 2`,
    ]);
  });

  it('loadScenario names an unreadable file', () => {
    expect(() => loadScenario('/nonexistent/s.yaml')).toThrow('/nonexistent/s.yaml: cannot read the scenario file (ENOENT)');
  });
});

describe('loadScenario checks the path fields on disk', () => {
  it('lists every missing path, in the file\'s words, with the schema problems, before anything runs', () => {
    const dir = testTempDir('abserve-scn-');
    writeFileSync(path.join(dir, 'tok.json'), '{}');
    const file = path.join(dir, 's.yaml');
    writeFileSync(file, [
      'name: paths',
      'target: { compose: { files: [compose.yaml, ../nope/c.yaml] } }',
      'arms: [{ name: a }, { name: b }]',
      'workload: { dataset_name: jsonl, dataset_path: data/none.jsonl, tokenizer: tok.json, num_prompts: 0 }',
      'accuracy: { data_dir: ceval-missing }',
    ].join('\n'));
    let lines: string[] = [];
    try {
      loadScenario(file);
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      lines = (e as Error).message.split('\n');
    }
    expect(lines.some((l) => l.includes('workload.num_prompts'))).toBe(true);
    const missing = (at: string, v: string) => `${file}: ${at}: no such file or folder (relative paths start at the scenario's folder), got "${v}"`;
    expect(lines).toContain(missing('workload.dataset_path', 'data/none.jsonl'));
    expect(lines).toContain(missing('target.compose.files[0]', 'compose.yaml'));
    expect(lines).toContain(missing('target.compose.files[1]', '../nope/c.yaml'));
    expect(lines).toContain(missing('accuracy.data_dir', 'ceval-missing'));
    expect(lines.some((l) => l.includes('workload.tokenizer'))).toBe(false); // tok.json is there
  });
});

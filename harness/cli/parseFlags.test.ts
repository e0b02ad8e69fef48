import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import {
  describeUnknownArguments,
  describeUnknownCommand,
  rejectNonNumbers,
  rejectRepeatedBooleans,
  suggestFlag,
} from './argvChecks.js';
import {
  inRange,
  checkTokenizerMode,
  parseBackend,
  parseBurstiness,
  parseRequestIdPrefix,
  RESERVED_METADATA_KEYS,
  samplingBody,
  parseGoodput,
  parseIdRange,
  parseMetadata,
  parseMetricPercentiles,
  parsePercentileMetrics,
  parseRate,
  requestExtraBody,
} from './parseFlags.js';

describe('flag parsers', () => {
  it('parses rates, inf included, and rejects nonsense naming the flag', () => {
    expect(parseRate('--request-rate', 'inf')).toBe(Infinity);
    expect(parseRate('--request-rate', '2.5')).toBe(2.5);
    expect(() => parseRate('--request-rate', 'fast')).toThrow(/--request-rate.*fast/);
    expect(() => parseRate('--request-rate', '0')).toThrow(UserError);
  });
  it('parses goodput SLOs in vLLM form', () => {
    expect(parseGoodput(['ttft:500', 'tpot:50'])).toEqual({ ttft: 500, tpot: 50 });
    expect(parseGoodput(undefined)).toBeUndefined();
    expect(() => parseGoodput(['itl:5'])).toThrow(/--goodput.*itl:5/);
    expect(() => parseGoodput(['ttft:-1'])).toThrow(UserError);
  });
  it('parses metric lists and metadata', () => {
    expect(parsePercentileMetrics('ttft,e2el')).toEqual(['ttft', 'e2el']);
    expect(() => parsePercentileMetrics('ttft,foo')).toThrow(/foo/);
    expect(parseMetricPercentiles('50,99.9')).toEqual([50, 99.9]);
    // numpy's percentile (vLLM) takes 100: the maximum.
    expect(parseMetricPercentiles('50,100')).toEqual([50, 100]);
    expect(() => parseMetricPercentiles('100.5')).toThrow(/^--metric-percentiles: expected numbers in \(0, 100\], got 100.5$/);
    expect(() => parseMetricPercentiles('0')).toThrow(/--metric-percentiles/);
    expect(() => parseMetricPercentiles('50,')).toThrow(/--metric-percentiles/);
    expect(parseMetadata(['gpu=H100', 'note=a=b'])).toEqual({ gpu: 'H100', note: 'a=b' });
    expect(() => parseMetadata(['novalue'])).toThrow(/novalue/);
  });

  it('builds the request extra body as vLLM does: greedy unless a temperature is given, --extra-body wins', () => {
    expect(requestExtraBody({})).toEqual({ temperature: 0 });
    expect(requestExtraBody({ temperature: 0.7, ignoreEos: true, minTokens: 3 })).toEqual({ temperature: 0.7, ignore_eos: true, min_tokens: 3 });
    expect(requestExtraBody({ extraBody: '{"temperature":1,"top_p":0.9}' })).toEqual({ temperature: 1, top_p: 0.9 });
    expect(requestExtraBody({ temperature: 0.5, extraBody: '{"temperature":1}' })).toEqual({ temperature: 1 });
    expect(() => requestExtraBody({ extraBody: '[1]' })).toThrow(/--extra-body/);
    // NaN from yargs (`--min-tokens abc`) would be sent as null and fail every request at the server.
    expect(() => requestExtraBody({ minTokens: Number.NaN })).toThrow(/--min-tokens/);
    expect(() => requestExtraBody({ minTokens: 1.5 })).toThrow(UserError);
    expect(() => requestExtraBody({ temperature: Number.NaN })).toThrow(/--temperature/);
    expect(() => requestExtraBody({ temperature: -1 })).toThrow(/--temperature/);
  });
});

describe('one form for bad values: --flag: expected ..., got VALUE', () => {
  it('is used by every shared number parser', () => {
    expect(() => inRange('--port', 0, 1, 65535, true)).toThrow(/^--port: expected an integer in \[1, 65535\], got 0$/);
    expect(() => inRange('--temperature', -1, 0, 100)).toThrow(/^--temperature: expected a number in \[0, 100\], got -1$/);
    expect(() => parseRate('--request-rate', 'fast')).toThrow(/^--request-rate: expected "inf" or a number > 0, got fast$/);
    expect(() => parseBurstiness('0')).toThrow(/^--burstiness: expected "inf" or a number in \(0, 1000000\], got 0$/);
    expect(() => parseIdRange('5')).toThrow(/^--random-id-range: expected LO,HI \(integers\), got 5$/);
    expect(() => parseMetricPercentiles('50,x')).toThrow(/^--metric-percentiles: expected numbers in \(0, 100\], got x$/);
    expect(() => requestExtraBody({ minTokens: -1 })).toThrow(/^--min-tokens: expected an integer >= 0, got -1$/);
    expect(() => requestExtraBody({ temperature: -1 })).toThrow(/^--temperature: expected a number >= 0, got -1$/);
  });
});

describe('unknown flags, as typed, with the nearest option', () => {
  const bench = ['help', 'version', 'num-prompts', 'num-warmups', 'max-concurrency', 'seed', 's'];

  it('lists each flag once as typed, not also yargs\' camelCase copy, and keeps other words', () => {
    expect(describeUnknownArguments(['bogus-flag', 'bogusFlag'], ['ab', 'x.yaml', '--bogus-flag', '3'], bench)).toBe('Unknown argument: --bogus-flag');
    expect(describeUnknownArguments(['x', 'nosuch'], ['nosuch', '--x'], [])).toBe('Unknown arguments: --x, nosuch');
    // --no-FLAG sets FLAG to false; -xy is two short flags; --a.b sets a.
    expect(describeUnknownArguments(['bogus', 'x', 'y', 'a'], ['--no-bogus', '-xy', '--a.b=1'], [])).toBe('Unknown arguments: --no-bogus, -x, -y, --a.b');
    // after --, nothing is a flag
    expect(describeUnknownArguments(['zz'], ['--', '--zz'], [])).toBe('Unknown argument: zz');
  });

  it('suggests the option a typo stands for, in its typed form, and nothing for a far one', () => {
    expect(describeUnknownArguments(['num-promts', 'numPromts'], ['bench', '--num-promts', '3'], bench)).toBe(
      'Unknown argument: --num-promts (did you mean --num-prompts?)',
    );
    expect(suggestFlag('--numPromts', bench)).toBe('--num-prompts');
    expect(suggestFlag('--num_prompts', bench)).toBe('--num-prompts');
    expect(suggestFlag('--max-concurency', bench)).toBe('--max-concurrency');
    expect(suggestFlag('--bogus-flag', bench)).toBeUndefined();
    expect(suggestFlag('-x', bench)).toBeUndefined(); // one letter: every short name is "close"
    expect(suggestFlag('--repetiton', ['repetitions', 'max-repetitions', 'resamples'])).toBe('--repetitions');
  });
});

describe('unknown commands, as typed, with the nearest command', () => {
  const commands = ['ab', 'bench', 'compare', 'report', 'eval', 'bench-client'];

  it('names the word, suggests a close command and lists them all', () => {
    expect(describeUnknownCommand('benchh', commands)).toBe(
      'Unknown command: benchh (did you mean bench?); commands: ab, bench, compare, report, eval, bench-client',
    );
    expect(describeUnknownCommand('bench_clinet', commands)).toMatch(/^Unknown command: bench_clinet \(did you mean bench-client\?\); /);
    expect(describeUnknownCommand('Compare', commands)).toMatch(/\(did you mean compare\?\)/);
    expect(describeUnknownCommand('frobnicate', commands)).toBe('Unknown command: frobnicate; commands: ab, bench, compare, report, eval, bench-client');
  });
});

describe('rejectRepeatedBooleans', () => {
  const bools = ['help', 'version', 'save-detailed', 'disable-progress', 'disable-tqdm', 'x', 'y'];
  const alias = { 'disable-progress': ['disable-tqdm'] };
  const check = (args: string[]) => () => rejectRepeatedBooleans(bools, alias, [], args);

  it('refuses a boolean flag given twice (yargs keeps the last, so argv shows no array)', () => {
    expect(check(['bench', '--disable-tqdm', '--disable-tqdm'])).toThrow(/^--disable-tqdm given 2 times; give it once$/);
    expect(check(['bench', '--save-detailed', '--num-prompts', '3', '--save-detailed'])).toThrow(/^--save-detailed given 2 times; give it once$/);
    expect(check(['--save-detailed', '--save-detailed', '--save-detailed'])).toThrow(UserError);
  });

  it('counts aliases, --no-FLAG, --FLAG=VALUE, a following true/false and short groups, shown as typed', () => {
    expect(check(['--disable-tqdm', '--disable-progress'])).toThrow(/^--disable-tqdm given 2 times \(--disable-tqdm, --disable-progress\); give it once$/);
    expect(check(['--no-save-detailed', '--save-detailed'])).toThrow(/^--save-detailed given 2 times \(--no-save-detailed, --save-detailed\); give it once$/);
    expect(check(['--save-detailed=false', '--saveDetailed'])).toThrow(/^--save-detailed given 2 times \(--save-detailed=false, --saveDetailed\); give it once$/);
    expect(check(['--save-detailed', 'true', '--save-detailed'])).toThrow(/\(--save-detailed true, --save-detailed\)/);
    expect(check(['-xy', '-x'])).toThrow(/^-x given 2 times \(-xy, -x\); give it once$/);
  });

  it('lets a boolean given once, array options and anything after -- through', () => {
    expect(check(['bench', '--save-detailed', '--disable-tqdm', '-xy'])).not.toThrow();
    expect(check(['--save-detailed', '--', '--save-detailed'])).not.toThrow();
    expect(() => rejectRepeatedBooleans(['flag'], {}, ['flag'], ['--flag', '--flag'])).not.toThrow();
  });
});

describe('rejectNonNumbers', () => {
  it('names the flag and echoes the value as typed for a number flag yargs read as NaN', () => {
    expect(() => rejectNonNumbers({ repetitions: NaN }, ['repetitions'], ['ab', 'x.yaml', '--repetitions', 'abc'])).toThrow(
      /^--repetitions: expected a number, got abc$/,
    );
    expect(() => rejectNonNumbers({ 'num-prompts': NaN, numPrompts: NaN }, ['num-prompts'], ['--numPrompts=1k'])).toThrow(
      /^--numPrompts: expected a number, got 1k$/,
    );
    expect(() => rejectNonNumbers({ m: NaN }, ['max-repetitions', 'm'], ['-m', 'ten'])).toThrow(/^-m: expected a number, got ten$/);
  });

  it('refuses a number flag given no value (yargs drops it and the default would run)', () => {
    expect(() => rejectNonNumbers({}, ['repetitions'], ['ab', 'x.yaml', '--repetitions'])).toThrow(/^--repetitions: expected a number, got nothing$/);
    expect(() => rejectNonNumbers({ aa: true }, ['repetitions'], ['ab', 'x.yaml', '--repetitions', '--aa'])).toThrow(/^--repetitions: expected a number, got nothing$/);
    expect(() => rejectNonNumbers({}, ['until-ci'], ['ab', 'x.yaml', '--until-ci', '--', 'y'])).toThrow(/^--until-ci: expected a number, got nothing$/);
    // A negative number after the flag is its value, not another flag.
    expect(() => rejectNonNumbers({ seed: -1 }, ['seed'], ['--seed', '-1', '--aa'])).not.toThrow();
  });

  it('refuses an empty value (yargs reads it as 0) rather than reporting "got 0"', () => {
    expect(() => rejectNonNumbers({ 'num-prompts': 0 }, ['num-prompts'], ['bench', '--num-prompts='])).toThrow(/^--num-prompts: expected a number, got an empty value$/);
    expect(() => rejectNonNumbers({ seed: 0 }, ['seed'], ['--seed', ' ', '--aa'])).toThrow(/^--seed: expected a number, got an empty value$/);
    expect(() => rejectNonNumbers({ seed: 0 }, ['seed'], ['--seed', '0'])).not.toThrow();
  });

  it('lets numbers, defaults and absent flags through', () => {
    expect(() => rejectNonNumbers({ repetitions: 3, resamples: 2000, x: undefined }, ['repetitions', 'resamples', 'x'], ['--repetitions', '3'])).not.toThrow();
    expect(() => rejectNonNumbers({ repetitions: -1 }, ['repetitions'], ['--repetitions', '-1'])).not.toThrow();
  });
});

describe("vLLM's bench serve flags", () => {
  it('--backend picks the endpoint as vLLM does, and a contradiction is one line', () => {
    expect(parseBackend(undefined, undefined)).toEqual({ backend: 'openai', endpoint: '/v1/completions' });
    expect(parseBackend(undefined, '/v1/chat/completions')).toEqual({ backend: 'openai-chat', endpoint: '/v1/chat/completions' });
    expect(parseBackend('openai-chat', undefined)).toEqual({ backend: 'openai-chat', endpoint: '/v1/chat/completions' });
    expect(parseBackend('vllm', undefined)).toEqual({ backend: 'vllm', endpoint: '/v1/completions' });
    expect(parseBackend('openai', '/v1/completions')).toEqual({ backend: 'openai', endpoint: '/v1/completions' });
    expect(() => parseBackend('openai-chat', '/v1/completions')).toThrow(
      /^--backend openai-chat sends \/v1\/chat\/completions requests but --endpoint is \/v1\/completions; give one or make them agree$/,
    );
    expect(() => parseBackend('vllm', '/v1/chat/completions')).toThrow(/^--backend vllm sends \/v1\/completions/);
    expect(() => parseBackend('openai-audio', undefined)).toThrow(/^--backend: expected one of vllm, openai, openai-chat .*got openai-audio$/);
    expect(() => parseBackend('constructor', undefined)).toThrow(/^--backend: .*got constructor$/);
  });

  it('sampling flags become body fields; --logprobs only for completions', () => {
    expect(samplingBody({ endpoint: '/v1/completions' })).toEqual({});
    expect(samplingBody({ topP: 0.9, topK: 20, minP: 0.05, logprobs: 5, endpoint: '/v1/completions' }))
      .toEqual({ top_p: 0.9, top_k: 20, min_p: 0.05, logprobs: 5 });
    expect(samplingBody({ topK: -1, endpoint: '/v1/chat/completions' })).toEqual({ top_k: -1 });
    expect(() => samplingBody({ topP: 0, endpoint: '/v1/completions' })).toThrow(/^--top-p: expected a number in \(0, 1\], got 0$/);
    expect(() => samplingBody({ topK: 1.5, endpoint: '/v1/completions' })).toThrow(/^--top-k: expected an integer/);
    expect(() => samplingBody({ minP: 2, endpoint: '/v1/completions' })).toThrow(/^--min-p: .*got 2$/);
    expect(() => samplingBody({ logprobs: 1, endpoint: '/v1/chat/completions' })).toThrow(/^--logprobs: not supported with \/v1\/chat\/completions/);
  });

  it('--tokenizer-mode: auto and hf only; --request-id-prefix: a header-safe string', () => {
    expect(() => checkTokenizerMode('auto')).not.toThrow();
    expect(() => checkTokenizerMode(undefined)).not.toThrow();
    expect(() => checkTokenizerMode('mistral')).toThrow(/^--tokenizer-mode: only auto \(or hf\) is supported.*got mistral$/);
    expect(parseRequestIdPrefix('run7-')).toBe('run7-');
    expect(() => parseRequestIdPrefix('a\r\nx: y')).toThrow(/^--request-id-prefix: /);
  });

  it('--metadata cannot overwrite the top-level partial flag of a cut-short run', () => {
    expect(RESERVED_METADATA_KEYS.has('partial')).toBe(true);
    expect(() => parseMetadata(['partial_reason=x'])).toThrow(/reserved/);
  });
});

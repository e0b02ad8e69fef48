import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lengthBounds, randomSamples, type RandomDatasetOptions } from './randomDataset.js';
import { builtinTokenizer, loadTokenizer, type Tokenizer } from '../common/tokenizer.js';
import { Rng } from '../common/rng.js';
import { UserError } from '../common/errors.js';

const hf = loadTokenizer(join(import.meta.dirname, 'fixtures', 'tiny-bpe'));
const builtin = builtinTokenizer();

const base: RandomDatasetOptions = {
  endpoint: '/v1/chat/completions',
  inputLen: 64,
  outputLen: 32,
  rangeRatio: 0,
  prefixLen: 0,
  tokenIds: false,
  seed: 0,
};

describe('random dataset', () => {
  it('the HF fixture does not round-trip random ids, so exactness needs the fix-up', () => {
    const pool = hf.sampleableIds!();
    const rng = new Rng(1);
    let off = 0;
    for (let i = 0; i < 50; i++) {
      const ids = Array.from({ length: 40 }, () => pool[rng.int(0, pool.length)]!);
      if (hf.encode(hf.decode(ids)).length !== 40) off++;
    }
    expect(off).toBeGreaterThan(3);
  });

  it.each([
    ['builtin', builtin],
    ['HF fixture', hf],
  ] as [string, Tokenizer][])('%s: every text prompt encodes to exactly its promptTokens', (_, tok) => {
    const o = { ...base, inputLen: 200, rangeRatio: 0.5, prefixLen: 7 };
    const samples = randomSamples(o, tok, 150, 'measured');
    const b = lengthBounds(o, tok);
    const seen = new Set<number>();
    for (const s of samples) {
      expect(typeof s.prompt).toBe('string');
      expect(tok.encode(s.prompt as string).length).toBe(s.promptTokens);
      expect(s.promptTokens).toBeGreaterThanOrEqual(7 + b.input[0]);
      expect(s.promptTokens).toBeLessThanOrEqual(7 + b.input[1]);
      seen.add(s.promptTokens);
    }
    expect(seen.size).toBeGreaterThan(50); // lengths really vary
  });

  it('range ratio: lengths are integers uniform over [floor(L(1-r)), ceil(L(1+r))], both ends reached', () => {
    const o = { ...base, inputLen: 101, outputLen: 33, rangeRatio: 0.25 };
    const b = lengthBounds(o, builtin);
    expect(b.input).toEqual([75, 127]); // floor(75.75), ceil(126.25)
    expect(b.output).toEqual([24, 42]); // floor(24.75), ceil(41.25)
    const samples = randomSamples(o, builtin, 3000, 'measured');
    const ins = samples.map((s) => s.promptTokens);
    const outs = samples.map((s) => s.maxTokens);
    expect(Math.min(...ins)).toBe(75);
    expect(Math.max(...ins)).toBe(127);
    expect(Math.min(...outs)).toBe(24);
    expect(Math.max(...outs)).toBe(42);
    const meanIn = ins.reduce((a, c) => a + c, 0) / ins.length;
    expect(Math.abs(meanIn - 101)).toBeLessThan(1.5);
  });

  it('range ratio 0 gives exactly input_len and output_len; output length is at least 1', () => {
    for (const s of randomSamples({ ...base, inputLen: 50, outputLen: 9 }, builtin, 20, 'measured')) {
      expect(s.promptTokens).toBe(50);
      expect(s.maxTokens).toBe(9);
    }
    expect(lengthBounds({ ...base, outputLen: 1, rangeRatio: 0.9 }, builtin).output).toEqual([1, 2]);
  });

  it('subtracts the special tokens the server adds (vLLM) for text, not for token ids', () => {
    const text = randomSamples({ ...base, inputLen: 30 }, hf, 5, 'measured');
    for (const s of text) expect(s.promptTokens).toBe(29); // + <s> on the server = 30
    const ids = randomSamples({ ...base, endpoint: '/v1/completions', tokenIds: true, inputLen: 30 }, hf, 5, 'measured');
    for (const s of ids) expect(s.promptTokens).toBe(30);
  });

  it.each([
    ['builtin', builtin],
    ['HF fixture', hf],
  ] as [string, Tokenizer][])('%s: the prefix is exactly prefix_len tokens, identical in every prompt, on top of the input length', (_, tok) => {
    const P = 25;
    const o = { ...base, inputLen: 40, prefixLen: P, rangeRatio: 0.3 };
    const measured = randomSamples(o, tok, 60, 'measured');
    const warmup = randomSamples(o, tok, 5, 'warmup');
    const all = [...measured, ...warmup];
    const first = tok.encode(all[0]!.prompt as string).slice(0, P);
    const prefixText = tok.decode(first);
    expect(tok.encode(prefixText)).toEqual(first); // the prefix alone is exactly P tokens
    for (const s of all) {
      expect((s.prompt as string).startsWith(prefixText)).toBe(true);
      expect(tok.encode(s.prompt as string).slice(0, P)).toEqual(first);
    }
    const b = lengthBounds(o, tok);
    for (const s of all) expect(s.promptTokens - P).toBeGreaterThanOrEqual(b.input[0]);
    // Bodies differ even though the prefix is shared.
    expect(new Set(all.map((s) => s.prompt)).size).toBe(all.length);
  });

  it('token-id prompts: arrays of exactly the target length, ids within [lo, hi), shared prefix', () => {
    const o = { ...base, endpoint: '/v1/completions' as const, tokenIds: true, idRange: [1000, 1100] as const, prefixLen: 10, rangeRatio: 0.5 };
    const samples = randomSamples(o, builtin, 200, 'measured');
    const prefix = (samples[0]!.prompt as number[]).slice(0, 10);
    const seen = new Set<number>();
    for (const s of samples) {
      const ids = s.prompt as number[];
      expect(Array.isArray(ids)).toBe(true);
      expect(ids.length).toBe(s.promptTokens);
      expect(ids.slice(0, 10)).toEqual(prefix);
      expect(ids.every((id) => Number.isInteger(id) && id >= 1000 && id < 1100)).toBe(true);
      for (const id of ids) seen.add(id);
    }
    expect(seen.size).toBe(100); // the whole range is used
  });

  it('token-id prompts default to the tokenizer\'s sampleable ids (no special tokens)', () => {
    const samples = randomSamples({ ...base, endpoint: '/v1/completions', tokenIds: true, inputLen: 500 }, hf, 20, 'measured');
    const pool = new Set(hf.sampleableIds!());
    for (const s of samples) expect((s.prompt as number[]).every((id) => pool.has(id))).toBe(true);
  });

  it('rejects an input length that could produce an empty prompt', () => {
    expect(() => randomSamples({ ...base, inputLen: 1 }, hf, 1, 'measured')).toThrow(UserError);
    expect(() => randomSamples({ ...base, inputLen: 1 }, hf, 1, 'measured')).toThrow(/--random-input-len is too small.*got 1/);
    expect(randomSamples({ ...base, inputLen: 1, prefixLen: 2 }, hf, 1, 'measured')[0]!.promptTokens).toBe(2);
  });

  it('gives up with a UserError on a tokenizer whose text never re-encodes to the target', () => {
    const broken: Tokenizer = {
      name: 'broken',
      vocabSize: 10,
      encode: (t) => (t === '' ? [] : [...t.split(' ').filter(Boolean).map(() => 1), 1]),
      decode: (ids) => ids.map(() => 'x').join(' '),
    };
    expect(() => randomSamples({ ...base, inputLen: 5 }, broken, 1, 'measured')).toThrow(/--tokenizer broken: could not build a prompt of exactly 5 tokens/);
  });
});

import { describe, expect, it } from 'vitest';
import { builtinTokenizer } from '../common/tokenizer.js';
import { hashTokens, outputLength, TextGenerator } from './generator.js';
import { envDisablesMergeOp, reasoningCount, resolveOptions } from './options.js';

describe('generator', () => {
  it('gives exactly max_tokens with ignore_eos and a seeded length within [min_tokens, max_tokens] without', () => {
    expect(outputLength({ maxTokens: 77, minTokens: 0, ignoreEos: true }, 1)).toBe(77);
    const lens = new Set<number>();
    for (let seed = 0; seed < 500; seed++) {
      const n = outputLength({ maxTokens: 50, minTokens: 20, ignoreEos: false }, seed);
      expect(n).toBeGreaterThanOrEqual(20);
      expect(n).toBeLessThanOrEqual(50);
      expect(outputLength({ maxTokens: 50, minTokens: 20, ignoreEos: false }, seed)).toBe(n);
      lens.add(n);
    }
    expect(lens.size).toBeGreaterThan(20); // really varies with the seed
    expect(outputLength({ maxTokens: 1, minTokens: 0, ignoreEos: false }, 3)).toBe(1);
  });

  it('streams deterministic words whose built-in token count is the number of tokens', () => {
    const a = new TextGenerator(hashTokens([1, 2, 3]));
    const b = new TextGenerator(hashTokens([1, 2, 3]));
    let ta = '';
    let tb = '';
    for (let i = 0; i < 200; i++) {
      ta += a.token(i === 0);
      tb += b.token(i === 0);
    }
    expect(ta).toBe(tb);
    expect(ta.startsWith(' ')).toBe(false);
    expect(builtinTokenizer().encode(ta)).toHaveLength(200);
    expect(hashTokens([1, 2, 3])).not.toBe(hashTokens([1, 2, 4]));
  });
});

describe('options', () => {
  it('reads VLLM_DISABLE_MERGE_ATTN_CUDA_OP like vLLM (a non-zero integer) unless the option overrides', () => {
    expect(envDisablesMergeOp({ VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' })).toBe(true);
    expect(envDisablesMergeOp({ VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '0' })).toBe(false);
    expect(envDisablesMergeOp({})).toBe(false);
    expect(resolveOptions({ profile: 'tiny', env: { VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' } }).merge).toBe('fallback');
    expect(resolveOptions({ profile: 'tiny', env: {} }).merge).toBe('cuda');
    expect(resolveOptions({ profile: 'tiny', env: {}, disableMergeOp: true }).merge).toBe('fallback');
    expect(resolveOptions({ profile: 'tiny', env: { VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' }, disableMergeOp: false }).merge).toBe('cuda');
  });

  it('takes limits from the profile unless given, and rejects bad values', () => {
    const o = resolveOptions({ profile: 'r1-l20-approx', maxNumSeqs: 16 });
    expect([o.maxNumSeqs, o.maxNumBatchedTokens, o.maxModelLen]).toEqual([16, 2048, 32768]);
    expect(() => resolveOptions({ profile: 'nope' })).toThrow(/unknown engine profile 'nope'/);
    expect(() => resolveOptions({ timeScale: 0 })).toThrow(/timeScale/);
    expect(() => resolveOptions({ maxNumSeqs: 1.5 })).toThrow(/maxNumSeqs/);
  });

  it('splits reasoning tokens by count or fraction', () => {
    expect(reasoningCount(0, 10)).toBe(0);
    expect(reasoningCount(4, 10)).toBe(4);
    expect(reasoningCount(40, 10)).toBe(10);
    expect(reasoningCount(0.25, 10)).toBe(2);
  });
});

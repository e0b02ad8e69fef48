// max_tokens against the server's context: max_model_len read from /v1/models (when reported),
// the default halved to fit, a chosen value that cannot fit refused.
import { describe, expect, it } from 'vitest';
import { chooseMaxTokens, DEFAULT_MAX_TOKENS } from './serverLimits.js';

describe('chooseMaxTokens', () => {
  it('not given: the default, or half the context when that is smaller', () => {
    expect(chooseMaxTokens(undefined, undefined)).toEqual({ maxTokens: DEFAULT_MAX_TOKENS, halved: false });
    expect(chooseMaxTokens(undefined, 4096)).toEqual({ maxTokens: 2048, halved: true });
    expect(chooseMaxTokens(undefined, 4097)).toEqual({ maxTokens: 2048, halved: true });
    expect(chooseMaxTokens(undefined, 16383)).toEqual({ maxTokens: 8191, halved: true });
    expect(chooseMaxTokens(undefined, 16384)).toEqual({ maxTokens: 8192, halved: false });
    expect(chooseMaxTokens(undefined, 131072)).toEqual({ maxTokens: 8192, halved: false });
  });

  it('given: kept below the context, refused at or above it', () => {
    expect(chooseMaxTokens(4095, 4096)).toEqual({ maxTokens: 4095, halved: false });
    expect(chooseMaxTokens(100_000, undefined)).toEqual({ maxTokens: 100_000, halved: false });
    expect(() => chooseMaxTokens(4096, 4096)).toThrow(/^max_tokens: 4096 does not fit the server's max_model_len 4096 .*e\.g\. 2048/);
    expect(() => chooseMaxTokens(8192, 4096)).toThrow(/^max_tokens: 8192 does not fit the server's max_model_len 4096/);
  });
});

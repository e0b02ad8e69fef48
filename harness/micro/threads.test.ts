// --threads: 0 (all) up to what the machine runs at once; above it, one line naming the limit.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { checkThreads } from './threads.js';

describe('checkThreads', () => {
  it('accepts 0 (all) up to the limit', () => {
    expect(checkThreads(0, 2)).toBe(0);
    expect(checkThreads(2, 2)).toBe(2);
    expect(checkThreads(availableParallelism())).toBe(availableParallelism());
  });
  it('refuses more threads than the machine runs at once, naming the flag, value and limit', () => {
    expect(() => checkThreads(1000, 2)).toThrow(UserError);
    expect(() => checkThreads(1000, 2)).toThrow('--threads: expected an integer from 0 (all) to 2 (this machine\'s available parallelism), got 1000');
    expect(() => checkThreads(availableParallelism() + 1)).toThrow(/^--threads: .*got \d+$/);
    expect(() => checkThreads(-1, 2)).toThrow(/got -1$/);
    expect(() => checkThreads(1.5, 2)).toThrow(/got 1\.5$/);
  });
});

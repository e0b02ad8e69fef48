// Expected strings are what Python 3 prints for format(x, '.2f') and '{s:{c}^{n}}'.
import { describe, expect, it } from 'vitest';
import { centre, lineFloat, lineInt, pWord, pyFixed } from './pyFormat.js';

describe('pyFixed', () => {
  it('rounds exact binary ties to even like Python, unlike toFixed', () => {
    expect(pyFixed(0.125)).toBe('0.12'); // (0.125).toFixed(2) is '0.13'
    expect(pyFixed(0.375)).toBe('0.38');
    expect(pyFixed(-0.125)).toBe('-0.12');
    expect(pyFixed(2.5, 0)).toBe('2');
    expect(pyFixed(1.5, 0)).toBe('2');
  });
  it('rounds non-ties by their exact binary value', () => {
    expect(pyFixed(1.005)).toBe('1.00'); // 1.00499999999999989...
    expect(pyFixed(2.675)).toBe('2.67');
    expect(pyFixed(0.135)).toBe('0.14');
  });
  it('spells signs and specials like Python', () => {
    expect(pyFixed(-0)).toBe('-0.00');
    expect(pyFixed(-1e-9)).toBe('-0.00');
    expect(pyFixed(Infinity)).toBe('inf');
    expect(pyFixed(Number.NaN)).toBe('nan');
  });
});

describe('layout helpers', () => {
  it('centres with the extra fill on the right', () => {
    expect(centre('Time to First Token', 50, '-')).toBe('---------------Time to First Token----------------');
  });
  it('pads label to 40 and value to 10', () => {
    expect(lineInt('Successful requests:', 32)).toBe('Successful requests:                     32        ');
    expect(lineFloat('Mean TTFT (ms):', 5654.0189)).toBe('Mean TTFT (ms):                          5654.02   ');
  });
  it('writes percentile words like vLLM', () => {
    expect(pWord(99)).toBe('99');
    expect(pWord(99.9)).toBe('99.9');
    expect(pWord(50.0)).toBe('50');
  });
});

// outputDiff's arithmetic: identical shares, first-divergence positions by characters and by
// whitespace tokens, logprob differences only where both sides have them, the one-sided Fisher
// exact test against hand-computed values, and verdicts with and without an A/A floor.
import { describe, expect, it } from 'vitest';
import { fisherLess, formatOutputDiff, judgeOutputDiff, outputDiff, type OutputItem } from './outputDiff.js';

const items = (texts: string[]): OutputItem[] => texts.map((text, i) => ({ key: String(i), text }));

describe('outputDiff', () => {
  it('counts identical pairs and where the others first differ', () => {
    const a = items(['the cat sat', 'one two three four', 'same', 'abc def', 'x y']);
    const b = items(['the cat sat', 'one two thre four', 'same', 'abc def ghi', 'x  y']);
    const d = outputDiff(a, b);
    expect(d).toMatchObject({ pairs: 5, identical: 2, identicalShare: 0.4, onlyA: 0, onlyB: 0, maxLogprobDiff: null, logprobPairs: 0 });
    // 'one two thre' vs 'one two three': char 12, token 2; 'abc def' prefix of 'abc def ghi': char 7, token 2;
    // 'x y' vs 'x  y': char 2, but token by token equal -> position = its token count (2).
    expect(d.divergent.map((x) => [x.key, x.charIndex, x.tokenIndex])).toEqual([
      ['1', 12, 2],
      ['3', 7, 2],
      ['4', 2, 2],
    ]);
    expect(d.firstDivergenceChars).toMatchObject({ count: 3, min: 2, p50: 7, max: 12 });
    expect(d.firstDivergenceTokens).toMatchObject({ count: 3, min: 2, p50: 2, max: 2 });
  });

  it('pairs by key, in numeric order, and reports unpaired keys', () => {
    const a = [{ key: '10', text: 'a' }, { key: '2', text: 'b' }, { key: 'only-a', text: 'c' }];
    const b = [{ key: '2', text: 'B' }, { key: '10', text: 'A' }];
    const d = outputDiff(a, b);
    expect(d).toMatchObject({ pairs: 2, identical: 0, onlyA: 1, onlyB: 0 });
    expect(d.divergent.map((x) => x.key)).toEqual(['2', '10']);
    expect(outputDiff([], [])).toMatchObject({ pairs: 0, identicalShare: null, firstDivergenceChars: null });
  });

  it('takes the largest logprob difference up to the first differing token', () => {
    const a: OutputItem[] = [{ key: '0', text: 'a b c', logprobs: [-0.1, -0.2, -0.3] }, { key: '1', text: 'x', logprobs: null }];
    const b: OutputItem[] = [{ key: '0', text: 'a b d', logprobs: [-0.1, -0.25, -5] }, { key: '1', text: 'x' }];
    const d = outputDiff(a, b);
    // Token 2 is the first that differs; its logprob is compared, later ones would not be.
    expect(d.maxLogprobDiff).toBeCloseTo(4.7, 10);
    expect(d.logprobPairs).toBe(1);
  });
});

describe('fisherLess', () => {
  it('matches hand-computed hypergeometric tails', () => {
    // 0/10 vs 10/10: only the extreme table, 1 / C(20,10).
    expect(fisherLess(0, 10, 10, 10)).toBeCloseTo(1 / 184756, 12);
    // 1/3 vs 3/3: P(X<=1), X ~ Hypergeom(N=6, K=4, n=3): (C(4,1)C(2,2)) / C(6,3) = 4/20.
    expect(fisherLess(1, 3, 3, 3)).toBeCloseTo(0.2, 12);
    expect(fisherLess(5, 5, 5, 5)).toBe(1);
    expect(fisherLess(0, 0, 5, 5)).toBe(1);
  });
});

describe('judgeOutputDiff', () => {
  const same = outputDiff(items(Array(20).fill('a b c')), items(Array(20).fill('a b c')));
  const some = outputDiff(items(Array(20).fill('a b c')), items([...Array(18).fill('a b c'), 'a b d', 'a x c']));
  const all = outputDiff(items(Array(20).fill('a b c')), items(Array(20).fill('a b d')));

  it('flags B only when it diverges more than A/A', () => {
    const flagged = judgeOutputDiff(all, same);
    expect(flagged.verdict).toBe('diverges');
    expect(flagged.p).toBeLessThan(1e-6);
    expect(flagged.summary).toMatch(/^B DIVERGES more than A\/A: A vs B 0\/20 identical \(0\.0%\), A vs A 20\/20 \(100\.0%\)/);
    expect(judgeOutputDiff(same, same).verdict).toBe('within_aa');
    expect(judgeOutputDiff(same, same).summary).toMatch(/^B within A\/A: /);
    // 10/16 identical against 8/8 is not significant (p = 0.06) but is not "within" either: say so.
    const ten = outputDiff(items([...'abcdefghijklmnop']), items([...'abcdefghijQRSTUV']));
    const eight = outputDiff(items([...'abcdefgh']), items([...'abcdefgh']));
    const small = judgeOutputDiff(ten, eight);
    expect(small.verdict).toBe('within_aa');
    expect(small.summary).toMatch(/^B not shown to diverge more than A\/A, but fewer of its outputs match \(too few pairs to tell\): A vs B 10\/16 identical \(62\.5%\), A vs A 8\/8/);
    // B as noisy as A/A: not flagged, even though it is not identical.
    expect(judgeOutputDiff(some, some).verdict).toBe('within_aa');
    expect(judgeOutputDiff(all, all).verdict).toBe('within_aa');
  });

  it('without A/A says what it can', () => {
    expect(judgeOutputDiff(same, null)).toMatchObject({ verdict: 'identical', p: null });
    const r = judgeOutputDiff(some, null);
    expect(r.verdict).toBe('differs_no_aa');
    const text = formatOutputDiff(r);
    expect(text).toContain('A vs B: 20 pairs, 18 identical (90.0%)');
    expect(text).toContain('first divergence, tokens (whitespace): median 1.5, p10 1.1, p90 1.9, min 1, max 2');
    expect(text).toContain('largest logprob difference: skipped (no logprobs in the records)');
    expect(text).not.toContain('A vs A:');
  });

  it('an A/A of 0 pairs is no baseline: no "within A/A", no Fisher p', () => {
    const empty = outputDiff([], []);
    const r = judgeOutputDiff(same, empty);
    expect(r).toMatchObject({ verdict: 'identical', p: null });
    expect(r.summary).toBe('A vs B: 20/20 identical (100.0%); no A/A baseline (A vs A: 0 pairs; it needs two repetitions of arm A with the same requests)');
    const differs = judgeOutputDiff(some, empty);
    expect(differs.verdict).toBe('differs_no_aa');
    expect(differs.summary).toMatch(/no A\/A baseline .*, so batch-composition noise cannot be ruled out$/);
    for (const x of [r, differs]) expect(x.summary).not.toMatch(/within A\/A|Fisher/);
  });
});

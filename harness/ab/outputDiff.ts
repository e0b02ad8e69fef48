// Output equivalence, the most sensitive numerics check (issue 7): with greedy decoding and identical
// requests, a kernel that changes numerics even slightly makes some outputs differ from some token
// on, long before C-Eval accuracy moves. This compares two runs request by request: the share of
// identical outputs, where the first difference falls (characters and whitespace tokens), the
// largest logprob difference where both sides carry logprobs; and sets A vs B beside A vs A (two
// repetitions of A: on real servers batch composition alone changes outputs), flagging B when its
// identical share is lower than A/A's by a one-sided Fisher exact test. Pure: no files (see
// outputDiffLoad.ts), no printing beyond the formatter.
import { percentileSorted } from '../stats/quantile.js';

/** One request's output. `key` pairs requests across runs (request index, or C-Eval question key);
 *  `text` is what is compared (reasoning followed by content); `logprobs`, when the server sent
 *  them, one per output token. */
export interface OutputItem {
  key: string;
  text: string;
  logprobs?: readonly number[] | null;
}

/** A distribution of first-divergence positions (0-based) over the pairs that differ. */
export interface PositionStats {
  count: number;
  min: number;
  p10: number;
  p50: number;
  p90: number;
  max: number;
  mean: number;
}

/** A pair that differs: where, and a few characters of each side from there. */
export interface Divergent {
  key: string;
  charIndex: number;
  tokenIndex: number;
  a: string;
  b: string;
}

/** The comparison of two runs. Counts are requests; positions are 0-based. */
export interface OutputDiff {
  /** Keys present in both runs (the pairs compared). */
  pairs: number;
  identical: number;
  /** identical / pairs (null with no pairs). */
  identicalShare: number | null;
  /** Keys present in only one run (not compared; identical requests should leave none). */
  onlyA: number;
  onlyB: number;
  /** First differing character / whitespace-separated token, over the differing pairs. */
  firstDivergenceChars: PositionStats | null;
  firstDivergenceTokens: PositionStats | null;
  /** Largest |logprob A - logprob B| over aligned tokens before the first token difference, over
   *  pairs where both sides have logprobs; null when none has (then skipped). */
  maxLogprobDiff: number | null;
  /** Pairs with logprobs on both sides. */
  logprobPairs: number;
  /** The first differing pairs in key order (at most `examples`). */
  divergent: Divergent[];
}

const tokens = (s: string): string[] => s.split(/\s+/).filter(Boolean);

/** Index of the first differing element (the shorter length when one is a prefix of the other);
 *  -1 when equal. */
function firstDiff<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function positions(xs: number[]): PositionStats | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  const p = (q: number) => percentileSorted(s, q);
  return { count: s.length, min: s[0], p10: p(10), p50: p(50), p90: p(90), max: s[s.length - 1], mean: s.reduce((x, y) => x + y, 0) / s.length };
}

/** Keys compare as numbers when both are numeric (request indices), else as strings. */
function byKey(x: string, y: string): number {
  const nx = Number(x);
  const ny = Number(y);
  return Number.isFinite(nx) && Number.isFinite(ny) && x.trim() !== '' && y.trim() !== '' ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Compares `a` and `b` request by request (paired by key; duplicate keys: the last wins).
 * @param examples how many differing pairs to keep with a snippet (default 10).
 */
export function outputDiff(a: readonly OutputItem[], b: readonly OutputItem[], examples = 10): OutputDiff {
  const ma = new Map(a.map((x) => [x.key, x]));
  const mb = new Map(b.map((x) => [x.key, x]));
  const keys = [...ma.keys()].filter((k) => mb.has(k)).sort(byKey);
  const chars: number[] = [];
  const toks: number[] = [];
  const divergent: Divergent[] = [];
  let identical = 0;
  let maxLp: number | null = null;
  let logprobPairs = 0;
  for (const k of keys) {
    const x = ma.get(k)!;
    const y = mb.get(k)!;
    const ti = firstDiff(tokens(x.text), tokens(y.text));
    if (x.logprobs?.length && y.logprobs?.length) {
      logprobPairs++;
      const n = Math.min(x.logprobs.length, y.logprobs.length, ti < 0 ? Infinity : ti + 1);
      for (let i = 0; i < n; i++) {
        const d = Math.abs(x.logprobs[i] - y.logprobs[i]);
        if (maxLp === null || d > maxLp) maxLp = d;
      }
    }
    const ci = firstDiff(x.text, y.text);
    if (ci < 0) {
      identical++;
      continue;
    }
    chars.push(ci);
    // Texts differing only in whitespace are equal token by token: their token position is the count.
    toks.push(ti < 0 ? tokens(x.text).length : ti);
    if (divergent.length < examples) {
      divergent.push({ key: k, charIndex: ci, tokenIndex: toks[toks.length - 1], a: x.text.slice(ci, ci + 24), b: y.text.slice(ci, ci + 24) });
    }
  }
  return {
    pairs: keys.length,
    identical,
    identicalShare: keys.length ? identical / keys.length : null,
    onlyA: ma.size - keys.length,
    onlyB: mb.size - keys.length,
    firstDivergenceChars: positions(chars),
    firstDivergenceTokens: positions(toks),
    maxLogprobDiff: maxLp,
    logprobPairs,
    divergent,
  };
}

const LOG_FACT: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACT.length; i <= n; i++) LOG_FACT[i] = LOG_FACT[i - 1] + Math.log(i);
  return LOG_FACT[n];
}

/**
 * One-sided Fisher exact test that group 1's share of successes is lower than group 2's:
 * P(X <= k1) for X hypergeometric with the table's margins (k successes of n per group).
 * @returns a p-value in [0, 1] (1 when either group is empty).
 */
export function fisherLess(k1: number, n1: number, k2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1;
  const N = n1 + n2;
  const K = k1 + k2;
  const logC = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  const denom = logC(N, n1);
  let p = 0;
  for (let x = Math.max(0, K - n2); x <= Math.min(k1, K); x++) p += Math.exp(logC(K, x) + logC(N - K, n1 - x) - denom);
  return Math.min(1, p);
}

/** How B's outputs stand against A's. `diverges`: fewer identical than A/A (p < alpha); `within_aa`:
 *  not significantly fewer; `identical`: no A/A to compare and every pair identical; `differs_no_aa`:
 *  no A/A to compare and some pairs differ (on a real server that alone proves nothing). */
export type DiffVerdict = 'diverges' | 'within_aa' | 'identical' | 'differs_no_aa';

export interface OutputDiffReport {
  ab: OutputDiff;
  /** A against a second repetition of A, when there was one. */
  aa: OutputDiff | null;
  alpha: number;
  /** One-sided Fisher exact p of "AB identical share < AA identical share"; null without A/A. */
  p: number | null;
  verdict: DiffVerdict;
  /** One line, with the counts. */
  summary: string;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** Sets A/B beside A/A and decides whether B diverges more than A/A does. */
export function judgeOutputDiff(ab: OutputDiff, aa: OutputDiff | null, alpha = 0.05): OutputDiffReport {
  const abc = `${ab.identical}/${ab.pairs} identical (${pct(ab.identicalShare)})`;
  // An A/A with no pairs (arm A's second repetition was never run, or it shares no request with
  // the first) is no baseline: "within A/A" against 0/0 claimed what nothing measured.
  if (!aa || aa.pairs === 0) {
    const verdict: DiffVerdict = ab.identical === ab.pairs ? 'identical' : 'differs_no_aa';
    const none = aa ? 'no A/A baseline (A vs A: 0 pairs; it needs two repetitions of arm A with the same requests)' : 'no A/A repetition to compare with';
    const summary =
      verdict === 'identical'
        ? `A vs B: ${abc}; ${none}`
        : `A vs B: ${abc}; ${none}, so batch-composition noise cannot be ruled out`;
    return { ab, aa: aa ?? null, alpha, p: null, verdict, summary };
  }
  const p = fisherLess(ab.identical, ab.pairs, aa.identical, aa.pairs);
  const verdict: DiffVerdict = p < alpha ? 'diverges' : 'within_aa';
  const aac = `A vs A ${aa.identical}/${aa.pairs} (${pct(aa.identicalShare)})`;
  // Not significant is not "the same": when B's identical share is lower, say the counts cannot tell.
  const lower = (ab.identicalShare ?? 0) < (aa.identicalShare ?? 0);
  const summary =
    verdict === 'diverges'
      ? `B DIVERGES more than A/A: A vs B ${abc}, ${aac}, one-sided Fisher exact p = ${fmtP(p)} < ${alpha}`
      : lower
        ? `B not shown to diverge more than A/A, but fewer of its outputs match (too few pairs to tell): A vs B ${abc}, ${aac}, ` +
          `one-sided Fisher exact p = ${fmtP(p)} (alpha ${alpha}); more requests would settle it`
        : `B within A/A: A vs B ${abc}, ${aac}, one-sided Fisher exact p = ${fmtP(p)} (alpha ${alpha})`;
  return { ab, aa, alpha, p, verdict, summary };
}

const fmtP = (p: number) => (p < 1e-4 ? p.toExponential(2) : p.toFixed(4));

function describe(name: string, d: OutputDiff): string[] {
  const pos = (s: PositionStats | null) => (s ? `median ${s.p50}, p10 ${s.p10}, p90 ${s.p90}, min ${s.min}, max ${s.max}` : 'none differ');
  const out = [
    `${name}: ${d.pairs} pairs, ${d.identical} identical (${pct(d.identicalShare)})` +
      (d.onlyA || d.onlyB ? `; ${d.onlyA} only in the first, ${d.onlyB} only in the second (not compared)` : ''),
    `  first divergence, characters: ${pos(d.firstDivergenceChars)}`,
    `  first divergence, tokens (whitespace): ${pos(d.firstDivergenceTokens)}`,
    `  largest logprob difference: ${d.maxLogprobDiff === null ? 'skipped (no logprobs in the records)' : `${d.maxLogprobDiff.toPrecision(4)} over ${d.logprobPairs} pairs`}`,
  ];
  for (const x of d.divergent.slice(0, 5)) out.push(`  request ${x.key}: from char ${x.charIndex} (token ${x.tokenIndex}): ${JSON.stringify(x.a)} vs ${JSON.stringify(x.b)}`);
  return out;
}

/** The report as text: verdict line, then A vs B and A vs A blocks. */
export function formatOutputDiff(r: OutputDiffReport): string {
  return ['Output equivalence (greedy, identical requests)', r.summary, ...describe('A vs B', r.ab), ...(r.aa ? describe('A vs A', r.aa) : [])].join('\n');
}

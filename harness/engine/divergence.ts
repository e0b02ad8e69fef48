// Planted numerics divergence (issue 7, "Output equivalence"): a kernel that changes numerics
// slightly makes greedy outputs differ from some token on. `--diverge-prob P --diverge-at N` makes
// a share P of requests produce different text from output token N on, so `abserve eval diff` can
// be tested end to end against an arm known to diverge. Which requests diverge, and the replacement
// words, are deterministic in the request (prompt token ids and request seed) and the divergence
// seed, never in arrival order or instance, so two engines with the same settings diverge alike.
// Only the text changes: lengths, finish reasons and token timing stay those of the baseline.
import { UserError } from '../common/errors.js';
import { Rng } from '../common/rng.js';

export interface DivergeOptions {
  /** Share of requests (0..1) that diverge. */
  prob: number;
  /** First output token index (0-based, integer >= 0) whose text differs. */
  at: number;
  /** Seed of which requests diverge and of their replacement words (integer, default 0). */
  seed?: number;
}

export type ResolvedDiverge = Required<DivergeOptions>;

/** @throws UserError naming `diverge.<field>` and the value. */
export function resolveDiverge(o: DivergeOptions): ResolvedDiverge {
  if (!(Number.isFinite(o.prob) && o.prob >= 0 && o.prob <= 1)) throw new UserError(`engine option diverge.prob: want a probability in [0, 1], got ${o.prob}`);
  if (!(Number.isInteger(o.at) && o.at >= 0)) throw new UserError(`engine option diverge.at: want an integer token index >= 0, got ${o.at}`);
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new UserError(`engine option diverge.seed: want an integer, got ${seed}`);
  return { prob: o.prob, at: o.at, seed };
}

// One built-in token each (1-3 lowercase letters), so counts stay exact after replacement.
const ALT_WORDS = 'red sun cat dog ice oak sea sky fox owl elk bee ant ram yak emu'.split(' ');

/** Rewrites one token's text: `(index, text, filler) -> text`. Only filler tokens (plain words)
 *  at index >= at are replaced; structure (tags, answer lines) is kept. */
export type TokenRewrite = (index: number, text: string, filler: boolean) => string;

export class Divergence {
  readonly options: ResolvedDiverge;
  constructor(o: DivergeOptions) {
    this.options = resolveDiverge(o);
  }

  /**
   * The rewrite for the request identified by `requestKey` (an unsigned 32-bit hash of its prompt ids
   * mixed with its seed), or undefined when this request does not diverge. The rewrite keeps the
   * token's leading whitespace and puts a different word in place of the baseline's, so the text
   * differs exactly from the first filler token at or after `at`.
   */
  forRequest(requestKey: number): TokenRewrite | undefined {
    const o = this.options;
    if (!(new Rng(o.seed, `diverge/${requestKey >>> 0}`).uniform() < o.prob)) return undefined;
    const words = new Rng(o.seed, `diverge-words/${requestKey >>> 0}`);
    return (index, text, filler) => {
      if (!filler || index < o.at) return text;
      const m = /^(\s*)(.*)$/s.exec(text)!;
      let w: string;
      do w = ALT_WORDS[words.int(0, ALT_WORDS.length)];
      while (w === m[2]);
      return m[1] + w;
    };
  }
}

/** The request key: FNV-1a-style mix of the prompt hash and the request's seed (0 when none). */
export function requestKey(promptHash: number, seed: number | undefined): number {
  let h = (promptHash ^ 0x9e3779b9) >>> 0;
  const s = seed ?? 0;
  for (const part of [s >>> 0, Math.floor(s / 4294967296) >>> 0]) {
    h ^= part;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

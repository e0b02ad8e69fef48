// Deterministic "model output": the EOS length and the generated words of a request follow from
// its seed (or a hash of its prompt), so two runs of the same workload produce identical streams.
// Tokens are words of the built-in tokenizer, so re-encoding the streamed text gives back exactly
// the token count (the client's own count matches usage.completion_tokens).
import { Rng } from '../common/rng.js';

/** FNV-1a over the prompt token ids: the per-request seed when the request gives none. */
export function hashTokens(ids: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const id of ids) {
    h ^= id & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= id >>> 16;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Seeded floats in [0, 1), from the workload's generator (one PRNG in the project). */
export function rng(seed: number): () => number {
  const r = new Rng(seed, 'engine');
  return () => r.uniform();
}

export interface LengthRequest {
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
}

/**
 * Number of tokens to produce: exactly max_tokens with ignore_eos; otherwise a pseudo-random EOS
 * position in [max(1, min_tokens), max_tokens], uniform, fixed by the seed.
 */
export function outputLength(r: LengthRequest, seed: number): number {
  if (r.ignoreEos) return r.maxTokens;
  const lo = Math.min(Math.max(1, r.minTokens), r.maxTokens);
  const u = rng(seed ^ 0x5bd1e995)();
  return lo + Math.floor(u * (r.maxTokens - lo + 1));
}

// Common short English words (all 1-3 lowercase letters, so each is one built-in token) make the
// stream read like text in logs.
const WORDS = (
  'the of and to in is it for on as at by be or an we he so if no my up do me us go am ' +
  'all can but not you are was one has had out get new now way may see two how its who did ' +
  'yes let put say she too use any day few old man big end far run set why ask own try'
).split(' ');

/** Yields the text of each output token; the first has no leading space, later ones have one. */
export class TextGenerator {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }

  /** Text of the next token, with its separating space (none before the very first token). */
  token(first: boolean): string {
    const w = WORDS[Math.floor(this.next() * WORDS.length)];
    return first ? w : ' ' + w;
  }
}

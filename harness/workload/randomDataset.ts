// Random dataset with exact prompt lengths, following vLLM's RandomDataset
// (vllm/benchmarks/datasets.py):
// - input lengths are integers uniform in [floor(L*(1-r)), ceil(L*(1+r))] where
//   L = max(0, input_len - special tokens the server adds); output lengths likewise in
//   [max(1, floor(O*(1-r))), max(1, ceil(O*(1+r)))]. All input lengths are drawn, then all outputs.
// - a prefix of exactly prefix_len tokens, drawn once, is shared by every request and comes ON TOP
//   of the sampled length: prompt length = prefix_len + sampled input length (vLLM's rule).
// Where vLLM accepts a small residual mismatch after 10 decode/re-encode rounds, we keep going
// (with fresh random tokens at the tail) until `encode(prompt).length` is exactly the target, so
// the prompt lengths both arms send are known to the token.

import { UserError } from '../common/errors.js';
import type { Endpoint } from '../records/spec.js';
import type { Tokenizer } from '../common/tokenizer.js';
import { Rng } from '../common/rng.js';

export interface Sample {
  prompt: string | number[];
  /** Tokens in `prompt` without special tokens (tokenizer.encode(prompt).length, or ids length). */
  promptTokens: number;
  maxTokens: number;
}

export interface RandomDatasetOptions {
  endpoint: Endpoint;
  inputLen: number;
  outputLen: number;
  rangeRatio: number;
  prefixLen: number;
  /** Send token-id arrays instead of text (only for /v1/completions). */
  tokenIds: boolean;
  /** Token ids [lo, hi) for tokenIds prompts; default: the tokenizer's sampleable ids. */
  idRange?: readonly [number, number] | undefined;
  seed: number;
}

/** Inclusive integer bounds [lo, hi] for the sampled (non-prefix) input and the output lengths. */
export function lengthBounds(o: RandomDatasetOptions, tokenizer: Tokenizer) {
  // Token-id prompts reach the model verbatim (no BOS is added), so nothing is subtracted there.
  const special = o.tokenIds ? 0 : (tokenizer.numSpecialTokensToAdd ?? 0);
  const real = Math.max(0, o.inputLen - special);
  const r = o.rangeRatio;
  return {
    input: [Math.floor(real * (1 - r)), Math.ceil(real * (1 + r))] as const,
    output: [Math.max(1, Math.floor(o.outputLen * (1 - r))), Math.max(1, Math.ceil(o.outputLen * (1 + r)))] as const,
  };
}

/**
 * Draws `count` samples. `stream` separates measured requests from warmups ("measured",
 * "warmup"); the shared prefix is drawn from its own stream so both kinds carry the same one.
 */
export function randomSamples(o: RandomDatasetOptions, tokenizer: Tokenizer, count: number, stream: string): Sample[] {
  const bounds = lengthBounds(o, tokenizer);
  if (o.prefixLen + bounds.input[0] < 1) {
    throw new UserError(
      `--random-input-len is too small: with --random-prefix-len ${o.prefixLen}, --random-range-ratio ${o.rangeRatio}` +
        ` and ${tokenizer.numSpecialTokensToAdd ?? 0} special tokens a prompt could have 0 tokens: got ${o.inputLen}`,
    );
  }
  const lenRng = new Rng(o.seed, `${stream}:lengths`);
  const inputLens = Array.from({ length: count }, () => lenRng.int(bounds.input[0], bounds.input[1] + 1));
  const outputLens = Array.from({ length: count }, () => lenRng.int(bounds.output[0], bounds.output[1] + 1));
  const promptRng = new Rng(o.seed, `${stream}:prompts`);
  const prefixRng = new Rng(o.seed, 'prefix');

  if (o.tokenIds) {
    const draw = idDrawer(o.idRange, tokenizer);
    const prefix = Array.from({ length: o.prefixLen }, () => draw(prefixRng));
    return inputLens.map((n, i) => {
      const prompt = prefix.concat(Array.from({ length: n }, () => draw(promptRng)));
      return { prompt, promptTokens: prompt.length, maxTokens: outputLens[i]! };
    });
  }

  const pool = tokenizer.sampleableIds?.() ?? null;
  const draw = (rng: Rng): number => (pool ? pool[rng.int(0, pool.length)]! : rng.int(0, tokenizer.vocabSize));
  const drawN = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => draw(rng));
  const prefix = exactText(tokenizer, EMPTY, drawN(prefixRng, o.prefixLen), o.prefixLen, prefixRng, draw);
  return inputLens.map((n, i) => {
    const built = exactText(tokenizer, prefix, drawN(promptRng, n), n, promptRng, draw);
    return { prompt: built.text, promptTokens: built.ids.length, maxTokens: outputLens[i]! };
  });
}

function idDrawer(range: readonly [number, number] | undefined, tokenizer: Tokenizer): (rng: Rng) => number {
  if (range) return (rng) => rng.int(range[0], range[1]);
  const pool = tokenizer.sampleableIds?.();
  if (pool) return (rng) => pool[rng.int(0, pool.length)]!;
  return (rng) => rng.int(0, tokenizer.vocabSize);
}

interface Built {
  text: string;
  ids: number[];
}
const EMPTY: Built = { text: '', ids: [] };
const MAX_ROUNDS = 200;

/**
 * Text that starts with `prefix.text`, encodes to `prefix.ids` followed by exactly `bodyLen`
 * more tokens. Round: decode(prefix ids + body ids), re-encode; if the prefix survived, take the
 * re-encoded body and cut it (too long) or pad it with random tokens (too short), as vLLM does.
 * After a few rounds the last body token is also redrawn each round, which breaks the rare cycle
 * where a boundary merge keeps undoing the fix; if the prefix did not survive, the first body
 * token (the one gluing onto it) is redrawn.
 */
function exactText(
  tok: Tokenizer,
  prefix: Built,
  body: number[],
  bodyLen: number,
  rng: Rng,
  draw: (rng: Rng) => number,
): Built {
  const p = prefix.ids.length;
  const target = p + bodyLen;
  let ids = body;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const text = tok.decode(prefix.ids.concat(ids));
    const enc = tok.encode(text);
    const prefixKept = text.startsWith(prefix.text) && startsWith(enc, prefix.ids);
    if (prefixKept && enc.length === target) return { text, ids: enc };
    if (!prefixKept) {
      if (ids.length > 0) ids[0] = draw(rng);
      continue;
    }
    ids = enc.slice(p);
    if (ids.length > bodyLen) ids = ids.slice(0, bodyLen);
    else while (ids.length < bodyLen) ids.push(draw(rng));
    if (round >= 10 && ids.length > 0) ids[ids.length - 1] = draw(rng);
  }
  throw new UserError(
    `--tokenizer ${tok.name}: could not build a prompt of exactly ${target} tokens in ${MAX_ROUNDS} rounds` +
      ` (decode/encode does not round-trip); use --random-token-ids with /v1/completions instead`,
  );
}

function startsWith(a: readonly number[], b: readonly number[]): boolean {
  if (b.length > a.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

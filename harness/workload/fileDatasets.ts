// Prompts from files: JSONL (one {"prompt", "output_len"?, "max_tokens"?} per line) and ShareGPT
// JSON (vLLM's ShareGPTDataset: conversations[0] is the prompt, conversations[1] the reference
// answer whose token count becomes max_tokens). Like vLLM, entries are shuffled with the seed
// (unless shuffle is off), taken in that order, and re-used at random when the file has fewer
// usable entries than requested. Warmups take the entries after the measured ones, so the
// measured prompts do not depend on the number of warmups.

import { readFileSync } from 'node:fs';
import { UserError } from '../common/errors.js';
import type { Endpoint } from '../records/spec.js';
import type { Tokenizer } from '../common/tokenizer.js';
import type { Sample } from './randomDataset.js';
import { Rng } from '../common/rng.js';

export interface FileSamples {
  measured: Sample[];
  warmup: Sample[];
}

export interface FileDatasetOptions {
  endpoint: Endpoint;
  seed: number;
  /** vLLM shuffles file datasets by default (--disable-shuffle turns it off). */
  shuffle: boolean;
}

// vLLM's is_valid_sequence defaults for ShareGPT.
export const SHAREGPT_MIN_LEN = 4;
export const SHAREGPT_MAX_PROMPT_LEN = 1024;
export const SHAREGPT_MAX_TOTAL_LEN = 2048;

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${flag} ${path}: cannot read: ${(e as Error).message}`);
  }
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * JSONL: blank lines are skipped; every other line must be an object with `prompt` (a non-empty
 * string, or for /v1/completions an array of token ids) and optionally `output_len` or
 * `max_tokens` (positive integer; `output_len` wins). Lines without either get `defaultOutputLen`.
 */
export function jsonlSamples(
  path: string,
  tokenizer: Tokenizer,
  o: FileDatasetOptions & { defaultOutputLen: number },
  count: number,
  warmups: number,
): FileSamples {
  const entries: Sample[] = [];
  const lines = readText(path, '--dataset-path').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${path}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new UserError(`${where}: invalid JSON: ${(e as Error).message}`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new UserError(`${where}: each line must be a JSON object: got ${show(v)}`);
    }
    const rec = v as Record<string, unknown>;
    const prompt = rec.prompt;
    let promptTokens: number;
    if (typeof prompt === 'string' && prompt !== '') {
      promptTokens = tokenizer.encode(prompt).length;
    } else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isSafeInteger(t) && t >= 0)) {
      if (o.endpoint !== '/v1/completions') {
        throw new UserError(`${where}: field "prompt" may be token ids only with --endpoint /v1/completions: got ${o.endpoint}`);
      }
      promptTokens = prompt.length;
    } else {
      throw new UserError(`${where}: field "prompt" must be a non-empty string or token-id array: got ${show(prompt)}`);
    }
    let maxTokens = o.defaultOutputLen;
    for (const field of ['max_tokens', 'output_len'] as const) {
      const n = rec[field];
      if (n === undefined) continue;
      if (!Number.isSafeInteger(n) || (n as number) < 1) {
        throw new UserError(`${where}: field "${field}" must be a positive integer: got ${show(n)}`);
      }
      maxTokens = n as number;
    }
    entries.push({ prompt: prompt as string | number[], promptTokens, maxTokens });
  });
  if (entries.length === 0) throw new UserError(`--dataset-path ${path}: no prompts in the file`);
  return pick(entries.length, (i) => entries[i]!, o, count, warmups, path);
}

/**
 * ShareGPT: a JSON array of {conversations: [{from, value}, ...]}. Entries with fewer than two
 * turns are skipped (as vLLM does); the rest are filtered by vLLM's is_valid_sequence: prompt
 * under 4 tokens, output under 4 (unless `outputLen` overrides it), prompt over 1024 or
 * prompt + output over 2048 are skipped. Lengths there count the special tokens the tokenizer adds
 * (vLLM tokenizes with `tokenizer(text)`, BOS included), so max_tokens matches vLLM's too.
 */
export function shareGptSamples(
  path: string,
  tokenizer: Tokenizer,
  o: FileDatasetOptions & { outputLen?: number | undefined },
  count: number,
  warmups: number,
): FileSamples {
  let data: unknown;
  try {
    data = JSON.parse(readText(path, '--dataset-path'));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--dataset-path ${path}: invalid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new UserError(`--dataset-path ${path}: ShareGPT file must be a JSON array: got ${show(data)}`);
  const convs: { index: number; turns: unknown[] }[] = [];
  data.forEach((entry: unknown, index) => {
    const turns = (entry as { conversations?: unknown } | null)?.conversations;
    if (Array.isArray(turns) && turns.length >= 2) convs.push({ index, turns });
  });
  const special = tokenizer.numSpecialTokensToAdd ?? 0;
  const toSample = (k: number): Sample | null => {
    const { index, turns } = convs[k]!;
    const text = (t: 0 | 1): string => {
      const v = (turns[t] as { value?: unknown } | null)?.value;
      if (typeof v !== 'string') {
        throw new UserError(`${path}: entry ${index}: conversations[${t}].value must be a string: got ${show(v)}`);
      }
      return v;
    };
    const prompt = text(0);
    const promptTokens = tokenizer.encode(prompt).length;
    const promptLen = promptTokens + special;
    const outputLen = o.outputLen ?? tokenizer.encode(text(1)).length + special;
    if (promptLen < SHAREGPT_MIN_LEN) return null;
    if (o.outputLen === undefined && outputLen < SHAREGPT_MIN_LEN) return null;
    if (promptLen > SHAREGPT_MAX_PROMPT_LEN || promptLen + outputLen > SHAREGPT_MAX_TOTAL_LEN) return null;
    return { prompt, promptTokens, maxTokens: outputLen };
  };
  return pick(convs.length, toSample, o, count, warmups, path);
}

/** Shuffle indices, convert lazily (a big ShareGPT file is never fully tokenized), oversample. */
function pick(
  n: number,
  toSample: (i: number) => Sample | null,
  o: FileDatasetOptions,
  count: number,
  warmups: number,
  path: string,
): FileSamples {
  const order = Array.from({ length: n }, (_, i) => i);
  if (o.shuffle) new Rng(o.seed, 'dataset-shuffle').shuffle(order);
  const want = count + warmups;
  const got: Sample[] = [];
  for (let k = 0; k < n && got.length < want; k++) {
    const s = toSample(order[k]!);
    if (s) got.push(s);
  }
  if (got.length === 0 && want > 0) {
    throw new UserError(`--dataset-path ${path}: no usable entries (all were filtered out or the file is empty)`);
  }
  // Too few entries: re-use random ones, like vLLM's maybe_oversample_requests.
  const rng = new Rng(o.seed, 'dataset-oversample');
  const base = got.length;
  while (got.length < want) got.push(got[rng.int(0, base)]!);
  return { measured: got.slice(0, count), warmup: got.slice(count, want) };
}

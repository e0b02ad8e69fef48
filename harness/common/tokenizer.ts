// Tokenizers: the built-in one (no files needed; the embedded engine counts with it too, so
// prompt lengths match exactly) and HuggingFace tokenizer.json files loaded in pure JS.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer as HfTokenizerImpl } from '@huggingface/tokenizers';
import { UserError } from './errors.js';

export interface Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  /** Token ids of `text` without special tokens (no BOS), as vLLM's random dataset counts. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /**
   * Special tokens the server adds to a plain prompt (e.g. 1 for a BOS-adding template). vLLM
   * subtracts this from --random-input-len so the server-side prompt length lands on the target.
   * Absent means 0.
   */
  readonly numSpecialTokensToAdd?: number;
  /**
   * Ids that are safe to draw for random prompts: no special tokens, and each decodes on its own
   * to text. Absent means every id in [0, vocabSize).
   */
  sampleableIds?(): readonly number[];
}

// Built-in vocabulary: every lowercase word of 1 to 3 letters is one token (18,278 words, ids in
// bijective base 26: a=0 ... z=25, aa=26 ...). Anything else (digits, punctuation, CJK) costs one
// token per Unicode code point, mapped into a small fallback range. Whitespace separates words
// and costs nothing, so a prompt of N random words is exactly N tokens.
const LETTERS = 26;
const WORD_TOKENS = LETTERS + LETTERS ** 2 + LETTERS ** 3;
const FALLBACK_TOKENS = 4096;

function wordToId(word: string): number {
  let id = 0;
  for (let i = 0; i < word.length; i++) id = id * LETTERS + (word.charCodeAt(i) - 96);
  return id - 1;
}

function idToWord(id: number): string {
  let n = id + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % LETTERS;
    s = String.fromCharCode(97 + r) + s;
    n = Math.floor((n - 1) / LETTERS);
  }
  return s;
}

const WORD_RE = /^[a-z]{1,3}$/;

class BuiltinTokenizer implements Tokenizer {
  readonly name = 'builtin';
  readonly vocabSize = WORD_TOKENS + FALLBACK_TOKENS;

  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of text.split(/\s+/)) {
      if (piece === '') continue;
      if (WORD_RE.test(piece)) {
        ids.push(wordToId(piece));
        continue;
      }
      for (const ch of piece) ids.push(WORD_TOKENS + (ch.codePointAt(0)! % FALLBACK_TOKENS));
    }
    return ids;
  }

  readonly numSpecialTokensToAdd = 0;

  // Only word tokens: they decode to a word that re-encodes to the same single id, which is what
  // makes random prompts exact by construction. Fallback ids decode lossily.
  private words?: number[];
  sampleableIds(): readonly number[] {
    return (this.words ??= Array.from({ length: WORD_TOKENS }, (_, i) => i));
  }

  decode(ids: readonly number[]): string {
    const words: string[] = [];
    for (const id of ids) {
      if (id >= 0 && id < WORD_TOKENS) words.push(idToWord(id));
      else words.push(String.fromCodePoint(33 + (Math.abs(id) % 94))); // lossy, printable
    }
    return words.join(' ');
  }
}

let builtin: Tokenizer | undefined;
export function builtinTokenizer(): Tokenizer {
  return (builtin ??= new BuiltinTokenizer());
}

// ---------------------------------------------------------------------------------------------
// HuggingFace tokenizer.json, via the pure-JS @huggingface/tokenizers package.

// The package's .d.ts files use extensionless relative imports that NodeNext cannot resolve, so
// its types arrive as `any`; this is the slice of its API we rely on, checked by the tests.
interface HfEncoding {
  ids: number[];
}
interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): HfEncoding;
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  get_vocab(withAddedTokens?: boolean): Map<string, number>;
  get_added_tokens_decoder(): Map<number, { special: boolean }>;
}
type HfTokenizerCtor = new (tokenizerJson: object, config: object) => HfTokenizer;

class HfTokenizerAdapter implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly numSpecialTokensToAdd: number;
  private pool?: number[];

  constructor(
    private readonly tok: HfTokenizer,
    name: string,
  ) {
    this.name = name;
    let max = -1;
    for (const id of tok.get_vocab(true).values()) if (id > max) max = id;
    this.vocabSize = max + 1;
    // What the post-processor adds around a single sequence (BOS, EOS ...), measured rather than
    // read from the template so every template kind is covered.
    const probe = 'hello world';
    this.numSpecialTokensToAdd =
      tok.encode(probe, { add_special_tokens: true }).ids.length -
      tok.encode(probe, { add_special_tokens: false }).ids.length;
  }

  encode(text: string): number[] {
    return text === '' ? [] : this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    // The library throws on an empty array; vLLM decodes with special tokens kept.
    return ids.length === 0 ? '' : this.tok.decode([...ids], { skip_special_tokens: false });
  }

  sampleableIds(): readonly number[] {
    if (this.pool) return this.pool;
    // Like vLLM: every id except special tokens. Also drop ids that alone decode to U+FFFD (lone
    // UTF-8 continuation bytes of byte-level vocabularies): their text re-encodes to 3 tokens and
    // would make exact-length fix-up oscillate.
    const special = new Set<number>();
    for (const [id, t] of this.tok.get_added_tokens_decoder()) if (t.special) special.add(id);
    const ids = [...new Set(this.tok.get_vocab(true).values())].sort((a, b) => a - b);
    this.pool = ids.filter((id) => !special.has(id) && !this.decode([id]).includes('\uFFFD'));
    if (this.pool.length === 0) throw new UserError(`--tokenizer ${this.name}: no usable (non-special) token ids`);
    return this.pool;
  }
}

function readJson(file: string, flag: string): object {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${flag} ${file}: cannot read: ${(e as Error).message}`);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v;
  } catch (e) {
    throw new UserError(`${flag} ${file}: invalid JSON: ${(e as Error).message}`);
  }
}

/**
 * The tokenizer to build and count prompts with. No path: the built-in one. A path to a
 * HuggingFace `tokenizer.json`, or to a folder holding `tokenizer.json` (and optionally
 * `tokenizer_config.json`, which supplies bos/eos names and clean-up settings). Synchronous: it
 * runs once at startup. Errors are UserErrors that name `flag` and the file.
 */
export function loadTokenizer(path?: string, flag = '--tokenizer'): Tokenizer {
  if (path === undefined || path === '') return builtinTokenizer();
  let st;
  try {
    st = statSync(path);
  } catch {
    // vLLM takes a HuggingFace model id here and downloads it; abserve reads local files only.
    const hubId = /^[\w.-]+\/[\w.-]+$/.test(path) && !path.startsWith('.');
    throw new UserError(`${flag}: no such file or folder: ${path}${hubId ? ' (a HuggingFace model id is not downloaded: fetch its tokenizer.json and pass the file or its folder)' : ''}`);
  }
  const tokenizerFile = st.isDirectory() ? join(path, 'tokenizer.json') : path;
  if (st.isDirectory() && !existsSync(tokenizerFile)) {
    throw new UserError(`${flag} ${path}: folder has no tokenizer.json`);
  }
  const configFile = join(dirname(tokenizerFile), 'tokenizer_config.json');
  const tokenizerJson = readJson(tokenizerFile, flag);
  const config = existsSync(configFile) ? readJson(configFile, flag) : {};
  let tok: HfTokenizer;
  try {
    tok = new (HfTokenizerImpl as HfTokenizerCtor)(tokenizerJson, config);
    tok.encode('probe', { add_special_tokens: false });
  } catch (e) {
    throw new UserError(`${flag} ${tokenizerFile}: unsupported tokenizer.json: ${(e as Error).message}`);
  }
  return new HfTokenizerAdapter(tok, `hf:${tokenizerFile}`);
}

// Tokenizers: the built-in one (no files needed; the embedded engine counts with it too, so
// prompt lengths match exactly) and HuggingFace tokenizer.json files loaded in pure JS.

export interface Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
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

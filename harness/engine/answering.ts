// Answering mode of the embedded engine (issue 7, "Engine support"): given an answer key, the engine
// recognises a multiple-choice question in a chat prompt and answers it like a model would, right
// with a configured probability, ending with a parseable line `答案：X`, optionally after a reasoning
// block (in `reasoning_content` or inline `<think>...</think>`), sometimes without the opening tag,
// sometimes cut by max_tokens, sometimes with no letter at all. Every draw is deterministic per
// question key and seed, so two engines with the same settings answer identically and an accuracy
// run against the engine has a known expected score.
//
// Layering: engine/ imports only common/ and records/, so the key arrives as plain entries; loading
// it from a C-Eval folder is the CLI's job (cli/engineAnswerFlags.ts, with accuracy/dataset.ts).
// Token timing stays the engine's: the answer is split into built-in-tokenizer tokens (a word of
// 1-3 lowercase letters, else one code point each; whitespace free), and the loop streams them one
// per step like any other output.
import { UserError } from '../common/errors.js';
import { Rng } from '../common/rng.js';

export const ANSWER_LETTERS = ['A', 'B', 'C', 'D'] as const;
export type AnswerLetter = (typeof ANSWER_LETTERS)[number];

/** One question of the key: `key` (e.g. `accountant/3`) seeds the draws; `question` is the text the
 *  prompt contains; `choices` disambiguate equal question texts; `answer` is the gold letter. */
export interface AnswerKeyEntry {
  key: string;
  question: string;
  choices: Record<AnswerLetter, string>;
  answer: AnswerLetter;
}

/** Where the reasoning goes: none (prose then the answer line), `field` (`reasoning_content`, as
 *  vLLM's reasoning parser sends it), `think` (inline `<think>...</think>` in `content`). */
export type ReasoningStyle = 'none' | 'field' | 'think';
export const REASONING_STYLES: readonly ReasoningStyle[] = ['none', 'field', 'think'];

export interface AnsweringOptions {
  key: readonly AnswerKeyEntry[];
  /** Probability (0..1) that a recognised question is answered correctly (default 1). */
  accuracy?: number;
  /** Seed of every per-question draw (integer, default 0). */
  seed?: number;
  /** Default `none`. */
  reasoning?: ReasoningStyle;
  /** Words of reasoning (or of prose before the answer with `none`), default 24, integer >= 0. */
  reasoningWords?: number;
  /** `think` only: probability the opening `<think>` is missing (default 0). */
  missingOpenTagProb?: number;
  /** Probability the reasoning never ends (it runs on until max_tokens cuts it, finish_reason
   *  "length", as a looping model's does) (default 0). */
  truncateProb?: number;
  /** Probability the last line carries no letter (default 0). */
  unparsedProb?: number;
}

export type ResolvedAnswering = Required<AnsweringOptions>;

/** One token of an answer: its text (with any leading whitespace) and whether it is a filler word
 *  (reasoning prose), the only kind a divergence may replace. */
export interface PlannedToken {
  text: string;
  filler: boolean;
}

/** The whole output of one answered request. `reasoningTokens` leading tokens go to
 *  `reasoning_content` (field style, else 0). `runaway`: the reasoning never ends; `tokens` is then
 *  only its start (through half the reasoning words) and the engine continues it with filler words
 *  until max_tokens, finishing with "length". */
export interface AnswerPlan {
  entry: AnswerKeyEntry;
  letter: AnswerLetter | null;
  correct: boolean;
  tokens: PlannedToken[];
  reasoningTokens: number;
  runaway: boolean;
}

const prob = (name: string, v: number): number => {
  if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new UserError(`engine option answering.${name}: want a probability in [0, 1], got ${v}`);
  return v;
};

/** Validates and fills defaults.
 *  @throws UserError naming `answering.<field>` and the value. */
export function resolveAnswering(o: AnsweringOptions): ResolvedAnswering {
  if (!Array.isArray(o.key) || o.key.length === 0) throw new UserError('engine option answering.key: want a non-empty answer key');
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new UserError(`engine option answering.seed: want an integer, got ${seed}`);
  const reasoning = o.reasoning ?? 'none';
  if (!REASONING_STYLES.includes(reasoning)) {
    throw new UserError(`engine option answering.reasoning: want one of ${REASONING_STYLES.join(', ')}, got ${String(reasoning)}`);
  }
  const reasoningWords = o.reasoningWords ?? 24;
  if (!(Number.isInteger(reasoningWords) && reasoningWords >= 0)) {
    throw new UserError(`engine option answering.reasoningWords: want an integer >= 0, got ${reasoningWords}`);
  }
  return {
    key: o.key,
    accuracy: prob('accuracy', o.accuracy ?? 1),
    seed,
    reasoning,
    reasoningWords,
    missingOpenTagProb: prob('missingOpenTagProb', o.missingOpenTagProb ?? 0),
    truncateProb: prob('truncateProb', o.truncateProb ?? 0),
    unparsedProb: prob('unparsedProb', o.unparsedProb ?? 0),
  };
}

// The generator's vocabulary style: short lowercase words, one built-in token each, never a letter A-D.
const WORDS = 'the of and to in is it for on as at by be or an so if no up do all can but not one has now way may see two how use any'.split(' ');

const WORD_RE = /^[a-z]{1,3}$/;

/** Splits text into built-in-tokenizer tokens whose concatenation is the text: each
 *  whitespace-separated piece is one token if it is a 1-3 letter lowercase word, else one token per
 *  code point; whitespace rides on the next token (trailing whitespace on the last). */
export function splitTokens(text: string, filler = false): PlannedToken[] {
  const out: PlannedToken[] = [];
  const re = /(\s*)(\S+)/g;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text)) !== null) {
    const [, ws, piece] = m;
    end = re.lastIndex;
    if (WORD_RE.test(piece)) out.push({ text: ws + piece, filler });
    else {
      let first = true;
      for (const ch of piece) {
        out.push({ text: (first ? ws : '') + ch, filler: false });
        first = false;
      }
    }
  }
  const rest = text.slice(end);
  if (rest) {
    if (out.length) out[out.length - 1].text += rest;
    else out.push({ text: rest, filler: false });
  }
  return out;
}

/** Recognises key questions in prompts and plans their answers. */
export class Answerer {
  readonly options: ResolvedAnswering;
  private readonly entries: { entry: AnswerKeyEntry; q: string; choices: string[] }[];

  constructor(o: AnsweringOptions) {
    this.options = resolveAnswering(o);
    this.entries = this.options.key.map((entry) => ({
      entry,
      q: entry.question.trim(),
      choices: ANSWER_LETTERS.map((l) => entry.choices[l].trim()),
    }));
  }

  /**
   * The key entry whose question the prompt asks: of the entries whose question text occurs in
   * `prompt` followed by all four of its choices, the one whose question ends last (few-shot prompts
   * put solved examples before the question), the longest on a tie (a question that is the tail of
   * another is not taken for it). Undefined when none does. Cost: one substring search per key
   * entry (measured 0.09 ms per prompt with 1346 entries).
   */
  find(prompt: string): AnswerKeyEntry | undefined {
    let best: AnswerKeyEntry | undefined;
    let bestEnd = -1;
    let bestLen = -1;
    for (const { entry, q, choices } of this.entries) {
      if (!q) continue;
      const at = prompt.lastIndexOf(q);
      const end = at + q.length;
      if (at < 0 || end < bestEnd || (end === bestEnd && q.length <= bestLen)) continue;
      let from = at + q.length;
      let ok = true;
      for (const c of choices) {
        const i = prompt.indexOf(c, from);
        if (i < 0) {
          ok = false;
          break;
        }
        from = i + c.length;
      }
      if (ok) {
        best = entry;
        bestEnd = end;
        bestLen = q.length;
      }
    }
    return best;
  }

  /** The planned output for a recognised question (deterministic in key and seed). */
  plan(entry: AnswerKeyEntry): AnswerPlan {
    const o = this.options;
    const r = new Rng(o.seed, `answer/${entry.key}`);
    // Fixed draw order, so changing one probability never reshuffles the others.
    const uCorrect = r.uniform();
    const uWrong = r.uniform();
    const uTag = r.uniform();
    const uTrunc = r.uniform();
    const uUnparsed = r.uniform();
    const correct = uCorrect < o.accuracy;
    const others = ANSWER_LETTERS.filter((l) => l !== entry.answer);
    const chosen: AnswerLetter = correct ? entry.answer : others[Math.floor(uWrong * others.length)];
    const unparsed = uUnparsed < o.unparsedProb;
    const letter = unparsed ? null : chosen;
    const words = Array.from({ length: o.reasoningWords }, (_, i) => (i === 0 ? '' : ' ') + WORDS[r.int(0, WORDS.length)]);
    const filler = words.map((w) => ({ text: w, filler: true }));
    const answerLine = splitTokens(unparsed ? '无法确定。' : `答案：${chosen}`);
    let tokens: PlannedToken[];
    let reasoningTokens = 0;
    let reasoningStart = 0;
    if (o.reasoning === 'field') {
      tokens = [...filler, ...answerLine];
      reasoningTokens = filler.length;
    } else if (o.reasoning === 'think') {
      const open = uTag < o.missingOpenTagProb ? [] : splitTokens('<think>');
      reasoningStart = open.length;
      tokens = [...open, ...withLead(filler, '\n'), ...splitTokens('\n</think>\n\n'), ...answerLine];
      if (open.length === 0) tokens[0] = { ...tokens[0], text: tokens[0].text.replace(/^\s+/, '') };
    } else {
      tokens = filler.length ? [...filler, ...withLead(answerLine, '\n')] : answerLine;
    }
    const runaway = uTrunc < o.truncateProb;
    if (runaway) {
      tokens = tokens.slice(0, reasoningStart + Math.floor(filler.length / 2));
      if (o.reasoning === 'field') reasoningTokens = Number.POSITIVE_INFINITY;
    }
    return { entry, letter: runaway ? null : letter, correct: correct && !unparsed && !runaway, tokens, reasoningTokens, runaway };
  }
}

/** `toks` with `lead` prepended to the first token's text. */
function withLead(toks: PlannedToken[], lead: string): PlannedToken[] {
  if (toks.length === 0) return toks;
  return [{ ...toks[0], text: lead + toks[0].text.replace(/^ /, '') }, ...toks.slice(1)];
}

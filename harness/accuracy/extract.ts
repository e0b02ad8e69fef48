// Which letter did the model answer? Grading reasoning models goes wrong in known ways: letters
// picked from inside the thinking, an unclosed <think> scanned for letters, a chat template that
// put the opening tag in the prompt so the output carries only `</think>`. This file separates the
// thinking from the answer first, then reads only the answer.
import type { Letter } from './dataset.js';

/** The parts of one chat completion the grader needs (non-streaming or accumulated stream). */
export interface ModelOutput {
  /** `message.content`. */
  content: string | null | undefined;
  /** `message.reasoning_content` (vLLM, DeepSeek) or `message.reasoning` (newer vLLM, OpenRouter). */
  reasoning?: string | null;
}

/** How the letter was found: an explicit statement, `\boxed{X}`, or a lone letter on the last line. */
export type ExtractionMethod = 'statement' | 'boxed' | 'last_line' | 'none';

/** The answer part and the thinking part of an output, and the letter read from the answer part. */
export interface Extraction {
  letter: Letter | null;
  method: ExtractionMethod;
  /** The text the letter was read from (content after thinking), trimmed. */
  answerText: string;
  /** The thinking: the reasoning field, or the text inside/before `</think>`. */
  reasoningText: string;
  /** Thinking opened (`<think>`) and never closed: the output has no answer and is not scanned. */
  unclosedThinking: boolean;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/** Splits an output into thinking and answer.
 *  - a separate reasoning field: the thinking is that field, the answer is `content` (with any
 *    inline thinking in `content` still removed);
 *  - `...</think>answer` (with or without `<think>` at the start): the answer follows the last `</think>`;
 *  - `<think>...` never closed: no answer (`unclosedThinking`), the text is all thinking. */
export function splitThinking(out: ModelOutput): { answer: string; reasoning: string; unclosed: boolean } {
  const content = out.content ?? '';
  const field = out.reasoning ?? '';
  const close = content.lastIndexOf(CLOSE);
  if (close >= 0) {
    const inline = content.slice(0, close).replace(OPEN, '');
    return { answer: content.slice(close + CLOSE.length), reasoning: field + inline, unclosed: false };
  }
  const open = content.indexOf(OPEN);
  if (open >= 0) return { answer: '', reasoning: field + content.slice(open + OPEN.length), unclosed: true };
  return { answer: content, reasoning: field, unclosed: false };
}

// Explicit statements, searched in NFKC-normalised text (full-width ：（Ａ become :(A). The letter must
// not be followed by a Latin letter, so "the answer is Because" is not B... and "Answer: Apple" not A.
const LETTER = String.raw`[(\[【*\s]*([A-D])(?![A-Za-z])`;
const STATEMENTS: RegExp[] = [
  // 答案是B / 答案为B / 答案:B / 答案是:B / 正确答案应该是 B / 最终答案: (C)
  new RegExp(String.raw`答案\s*(?:应该|应当|应|可能)?\s*(?:是|为|选|:)\s*:?` + LETTER, 'g'),
  // 选B / 选择B / 故选:C / 应选 D ("选项B" names an option, it is not a choice, so it is excluded)
  new RegExp(String.raw`选(?!项)(?:择)?\s*:?` + LETTER, 'g'),
  // the answer is B / The correct answer is (C) / Answer: D / final answer: **A** / answer is option B
  // (case spelled out: an i flag would also take "the answer is a ..." as A)
  new RegExp(String.raw`(?:[Aa]nswer|ANSWER)\s*(?:is|IS|:)\s*:?\s*(?:[Oo]ption\s*)?` + LETTER, 'g'),
];
const BOXED = /\\boxed\s*\{\s*(?:\\text(?:bf)?\s*\{\s*)?\(?([A-D])\)?\s*\}/g;
const LONE = /^[\s*_#>(\[【"'`]*([A-D])[\s*_)\]】."'`。:]*$/;

/** Reads the answered letter from answer text (thinking already removed).
 *  Order: the last explicit statement or `\boxed{X}` in the text (by position), else a lone option
 *  letter on the last non-empty line (`B`, `**B**`, `(B)`, `B.`), else none. */
export function extractLetter(answerText: string): { letter: Letter | null; method: ExtractionMethod } {
  const text = answerText.normalize('NFKC');
  // Statements are matched on text with whitespace runs collapsed: the patterns' adjacent optional
  // spaces would otherwise backtrack polynomially on long runs of blanks (a looping model's output).
  const flat = text.replace(/\s+/g, ' ');
  let best: { at: number; letter: Letter; method: ExtractionMethod } | undefined;
  const scan = (re: RegExp, method: ExtractionMethod) => {
    for (const m of flat.matchAll(re)) {
      const at = (m.index ?? 0) + m[0].length;
      if (!best || at > best.at) best = { at, letter: m[1].toUpperCase() as Letter, method };
    }
  };
  for (const re of STATEMENTS) scan(re, 'statement');
  scan(BOXED, 'boxed');
  if (best) return { letter: best.letter, method: best.method };
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const m = lines.length ? LONE.exec(lines[lines.length - 1]) : null;
  if (m) return { letter: m[1] as Letter, method: 'last_line' };
  return { letter: null, method: 'none' };
}

/** Thinking apart, then the letter. An unclosed thinking block yields no letter and is never scanned. */
export function extractAnswer(out: ModelOutput): Extraction {
  const { answer, reasoning, unclosed } = splitThinking(out);
  const answerText = answer.trim();
  if (unclosed) return { letter: null, method: 'none', answerText, reasoningText: reasoning, unclosedThinking: true };
  const { letter, method } = extractLetter(answerText);
  return { letter, method, answerText, reasoningText: reasoning, unclosedThinking: false };
}

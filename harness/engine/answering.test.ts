// Answering mode's pure parts: recognising a question in a prompt (few-shot included), the planned
// answer (deterministic, right with the configured probability, each failure style when asked),
// token splitting that agrees with the built-in tokenizer, and option errors that name the field.
import { describe, expect, it } from 'vitest';
import { builtinTokenizer } from '../common/tokenizer.js';
import { Answerer, splitTokens, type AnswerKeyEntry } from './answering.js';

const entry = (key: string, question: string, answer: 'A' | 'B' | 'C' | 'D'): AnswerKeyEntry => ({
  key,
  question,
  choices: { A: `${key}-a`, B: `${key}-b`, C: `${key}-c`, D: `${key}-d` },
  answer,
});
const KEY = Array.from({ length: 400 }, (_, i) => entry(`law/${i}`, `虚构题${i}号：哪一个？`, 'ABCD'[i % 4] as 'A'));
const prompt = (e: AnswerKeyEntry) => `以下是单项选择题。\n\n${e.question}\nA. ${e.choices.A}\nB. ${e.choices.B}\nC. ${e.choices.C}\nD. ${e.choices.D}`;
const text = (toks: { text: string }[]) => toks.map((t) => t.text).join('');

describe('splitTokens', () => {
  it('joins back to the text and counts like the built-in tokenizer', () => {
    for (const s of ['<think>\nthe of an\n</think>\n\n答案：C', 'so it is\n答案：A', '  lead and trail  ', '无法确定。']) {
      const toks = splitTokens(s);
      expect(text(toks)).toBe(s);
      expect(toks.length).toBe(builtinTokenizer().encode(s).length);
    }
  });
});

describe('Answerer', () => {
  it('finds the question a prompt asks, the last one when solved examples come first', () => {
    const a = new Answerer({ key: KEY });
    expect(a.find(prompt(KEY[12]))?.key).toBe('law/12');
    expect(a.find(`${prompt(KEY[3])}\n答案：D\n\n${prompt(KEY[250])}`)?.key).toBe('law/250');
    expect(a.find('hello there')).toBeUndefined();
    // The question text without its choices is not recognised.
    expect(a.find(KEY[7].question)).toBeUndefined();
    // A question that is the tail of another (same choices) is not taken for the longer one, either way round.
    const short = { ...KEY[0], key: 'law/short', question: '1号：哪一个？' };
    const long = { ...KEY[0], key: 'law/long', question: '虚构题21号：哪一个？' };
    const b = new Answerer({ key: [short, long] });
    expect(b.find(prompt(long))?.key).toBe('law/long');
    expect(b.find(prompt(short))?.key).toBe('law/short');
  });

  it('answers right with the configured probability, the same way every time', () => {
    for (const accuracy of [0, 0.3, 0.8, 1]) {
      const a = new Answerer({ key: KEY, accuracy, seed: 5 });
      const plans = KEY.map((e) => a.plan(e));
      const right = plans.filter((p) => p.correct).length;
      if (accuracy === 0 || accuracy === 1) expect(right).toBe(accuracy * KEY.length);
      else expect(Math.abs(right / KEY.length - accuracy)).toBeLessThan(4 * Math.sqrt((accuracy * (1 - accuracy)) / KEY.length));
      for (const p of plans) {
        expect(text(p.tokens).endsWith(`答案：${p.letter}`)).toBe(true);
        expect(p.letter === p.entry.answer).toBe(p.correct);
      }
      // Deterministic per question and seed: a second engine plans the same text.
      const again = new Answerer({ key: KEY, accuracy, seed: 5 });
      expect(KEY.map((e) => text(again.plan(e).tokens))).toEqual(plans.map((p) => text(p.tokens)));
    }
    const other = new Answerer({ key: KEY, accuracy: 0.5, seed: 6 });
    const first = new Answerer({ key: KEY, accuracy: 0.5, seed: 5 });
    expect(KEY.map((e) => other.plan(e).correct)).not.toEqual(KEY.map((e) => first.plan(e).correct));
  });

  it('puts the reasoning where the style says, and plants each failure when asked', () => {
    const e = KEY[1];
    const field = new Answerer({ key: KEY, reasoning: 'field', reasoningWords: 10 }).plan(e);
    expect(field.reasoningTokens).toBe(10);
    expect(text(field.tokens.slice(10))).toBe('答案：B');
    expect(text(field.tokens.slice(0, 10))).toMatch(/^[a-z]+( [a-z]+){9}$/);

    const think = new Answerer({ key: KEY, reasoning: 'think', reasoningWords: 5 }).plan(e);
    expect(think.reasoningTokens).toBe(0);
    expect(text(think.tokens)).toMatch(/^<think>\n[a-z ]+\n<\/think>\n\n答案：B$/);
    const noTag = new Answerer({ key: KEY, reasoning: 'think', reasoningWords: 5, missingOpenTagProb: 1 }).plan(e);
    expect(text(noTag.tokens)).toMatch(/^[a-z][a-z ]+\n<\/think>\n\n答案：B$/);

    const cut = new Answerer({ key: KEY, reasoning: 'think', reasoningWords: 8, truncateProb: 1 }).plan(e);
    expect(cut.runaway).toBe(true);
    expect(cut.tokens.length).toBe(splitTokens('<think>').length + 4);
    expect(text(cut.tokens)).not.toContain('</think>');

    const unparsed = new Answerer({ key: KEY, unparsedProb: 1 }).plan(e);
    expect(unparsed.letter).toBeNull();
    expect(unparsed.correct).toBe(false);
    expect(text(unparsed.tokens)).not.toMatch(/[A-D]/);
  });

  it('refuses bad options with the field and value', () => {
    expect(() => new Answerer({ key: KEY, accuracy: 1.5 })).toThrow('engine option answering.accuracy: want a probability in [0, 1], got 1.5');
    expect(() => new Answerer({ key: [] })).toThrow('answering.key');
    expect(() => new Answerer({ key: KEY, reasoning: 'xml' as never })).toThrow('answering.reasoning: want one of none, field, think, got xml');
    expect(() => new Answerer({ key: KEY, reasoningWords: -1 })).toThrow('answering.reasoningWords');
  });
});

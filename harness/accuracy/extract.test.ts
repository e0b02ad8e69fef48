// Answer extraction: every case that trips public graders of reasoning models.
import { describe, expect, it } from 'vitest';
import { extractAnswer, extractLetter, splitThinking } from './extract.js';

const letter = (content: string | null, reasoning?: string | null) => extractAnswer({ content, reasoning }).letter;

describe('splitThinking', () => {
  it('uses a separate reasoning field and reads only content', () => {
    const s = splitThinking({ content: '答案：C', reasoning: '也许是A，答案是A' });
    expect(s).toEqual({ answer: '答案：C', reasoning: '也许是A，答案是A', unclosed: false });
  });
  it('strips a closed <think> block', () => {
    expect(splitThinking({ content: '<think>答案是A吗</think>\n答案：B' })).toEqual({
      answer: '\n答案：B',
      reasoning: '答案是A吗',
      unclosed: false,
    });
  });
  it('handles output with only the closing tag (opening tag was in the chat template)', () => {
    const s = splitThinking({ content: '先看A，答案是A。不对。</think>答案：D' });
    expect(s.answer).toBe('答案：D');
    expect(s.reasoning).toContain('先看A');
  });
  it('marks thinking that never closed as unclosed with no answer', () => {
    expect(splitThinking({ content: '<think>答案是A，再想想' })).toEqual({ answer: '', reasoning: '答案是A，再想想', unclosed: true });
  });
});

describe('extractAnswer', () => {
  it('never reads letters from reasoning_content / reasoning', () => {
    expect(letter('答案：B', '我认为答案是A')).toBe('B');
    expect(letter('', '答案是A')).toBeNull();
    expect(letter(null, '答案是A')).toBeNull();
  });
  it('never scans an unclosed <think> block', () => {
    const e = extractAnswer({ content: '<think>答案是A。\nA' });
    expect(e.letter).toBeNull();
    expect(e.unclosedThinking).toBe(true);
  });
  it('ignores letters inside a closed think block', () => {
    expect(letter('<think>答案是A</think>\n\n最终答案：C')).toBe('C');
    expect(letter('<think>the answer is A</think>')).toBeNull();
  });
  it('reads after only a closing tag', () => {
    expect(letter('嗯，答案是A？</think>\n\n答案：B')).toBe('B');
  });
  it('strips inline think even when a reasoning field is present', () => {
    expect(letter('<think>答案是A</think>答案：D', 'x')).toBe('D');
  });
});

describe('extractLetter: explicit statements', () => {
  const cases: [string, string][] = [
    ['答案：B', 'B'],
    ['答案:C', 'C'],
    ['答案是D', 'D'],
    ['答案为 A', 'A'],
    ['所以答案是：（B）', 'B'],
    ['正确答案应该是 **C**', 'C'],
    ['故选A。', 'A'],
    ['我选择 D', 'D'],
    ['The answer is B.', 'B'],
    ['the correct answer is (C)', 'C'],
    ['Answer: D', 'D'],
    ['Final answer: **A**', 'A'],
    ['The answer is option B', 'B'],
    ['\\boxed{C}', 'C'],
    ['所以 $\\boxed{\\text{D}}$', 'D'],
    ['答案：Ｂ', 'B'], // full-width letter
    ['答案是【A】', 'A'],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)} -> ${want}`, () => expect(extractLetter(text).letter).toBe(want));
  }
  it('takes the last statement when several appear', () => {
    expect(extractLetter('起初我以为答案是A，但仔细计算后，答案是C。').letter).toBe('C');
    expect(extractLetter('Answer: A\n...wait.\nThe answer is \\boxed{D}').letter).toBe('D');
    expect(extractLetter('\\boxed{B} 然后 答案：A').letter).toBe('A');
  });
  it('reports the method', () => {
    expect(extractLetter('答案：B').method).toBe('statement');
    expect(extractLetter('\\boxed{B}').method).toBe('boxed');
    expect(extractLetter('分析如下\nB').method).toBe('last_line');
    expect(extractLetter('不知道').method).toBe('none');
  });
  it('does not mistake words for letters', () => {
    expect(extractLetter('the answer is a bit unclear').letter).toBeNull();
    expect(extractLetter('Answer: Apple').letter).toBeNull();
    expect(extractLetter('选项B是错误的，选项C也不对').letter).toBeNull();
    expect(extractLetter('答案：E').letter).toBeNull();
  });
});

describe('extractLetter: lone letter on the last line (fallback)', () => {
  it('takes a bare letter, bold or bracketed', () => {
    expect(extractLetter('B').letter).toBe('B');
    expect(extractLetter('分析……\n\n**C**\n').letter).toBe('C');
    expect(extractLetter('分析\n(D)').letter).toBe('D');
    expect(extractLetter('分析\nA.').letter).toBe('A');
  });
  it('does not take a letter that is part of a sentence or an earlier line', () => {
    expect(extractLetter('A\n我不确定').letter).toBeNull();
    expect(extractLetter('A. 动态性').letter).toBeNull();
    expect(extractLetter('').letter).toBeNull();
  });
});

describe('extractLetter: hostile output', () => {
  it('stays linear on long runs of blanks and markup', () => {
    expect(extractLetter('答案' + ' '.repeat(200_000) + '是').letter).toBeNull();
    expect(extractLetter('answer is ' + ' \n'.repeat(100_000) + 'x').letter).toBeNull();
    expect(extractLetter('答案：' + '*'.repeat(100_000) + 'B').letter).toBe('B');
    expect(extractLetter('分析\n'.repeat(50_000) + '答案：\n\n  C').letter).toBe('C');
  }, 5_000);
});

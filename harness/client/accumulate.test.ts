import { describe, expect, it } from 'vitest';
import { StreamAccumulator, errorText } from './accumulate.js';

function feed(events: [data: string, time: number, type?: string][]): StreamAccumulator {
  const a = new StreamAccumulator();
  for (const [data, time, type] of events) a.onEvent(type ?? 'message', data, time);
  return a;
}
const j = (o: unknown) => JSON.stringify(o);
const chat = (delta: object, usage?: object) => j({ choices: [{ index: 0, delta }], ...(usage ? { usage } : {}) });

describe('StreamAccumulator', () => {
  it('credits a held-back token (empty delta with a usage increase) to the next token event', () => {
    const a = feed([
      [chat({ role: 'assistant', content: '' }, { completion_tokens: 0 }), 1],
      [chat({ content: 'a' }, { completion_tokens: 1 }), 2],
      [chat({ content: '' }, { completion_tokens: 2 }), 3], // partial UTF-8 held back
      [chat({ content: '你' }, { completion_tokens: 3 }), 4],
    ]);
    expect(a.tokenTimes).toEqual([2, 4]);
    expect(a.tokenCounts).toEqual([1, 2]);
    expect(a.clientOutputTokens).toBe(3);
  });

  it('counts tool calls and `reasoning` as tokens', () => {
    const a = feed([
      [chat({ reasoning: 'hmm' }), 1],
      [chat({ tool_calls: [{ index: 0, function: { arguments: '{' } }] }), 2],
    ]);
    expect(a.tokenTimes).toEqual([1, 2]);
    expect(a.reasoningText).toBe('hmm');
    expect(a.tokenCounts).toEqual([1, 1]);
  });

  it('ignores events after [DONE] and unknown named events', () => {
    const a = feed([
      [j({ choices: [{ text: 'x' }] }), 1],
      ['whatever', 2, 'ping'],
      ['[DONE]', 3],
      [j({ choices: [{ text: 'y' }] }), 4],
    ]);
    expect(a.done).toBe(true);
    expect(a.text).toBe('x');
    expect(a.error).toBeUndefined();
  });

  it('fails on error objects in data, on event: error, and on malformed JSON', () => {
    expect(feed([[j({ error: { message: 'oom', type: 'InternalServerError', code: 500 } }), 1]]).error).toBe(
      'SSE error event: oom (InternalServerError/500)',
    );
    expect(feed([['{"message":"bad"}', 1, 'error']]).error).toContain('bad');
    expect(feed([[j({ object: 'error', message: 'vllm says no' }), 1]]).error).toContain('vllm says no');
    expect(feed([['{"choices": [', 1]]).error).toMatch(/^malformed JSON in SSE data: \{"choices": \[/);
    expect(feed([['[1,2]', 1]]).error).toMatch(/not a JSON object/);
  });

  it('reads both error body shapes', () => {
    expect(errorText({ error: { message: 'm', type: 't' } })).toBe('m (t)');
    expect(errorText({ object: 'error', message: 'm', type: 'BadRequestError', code: 400 })).toBe('m (BadRequestError/400)');
    expect(errorText({ choices: [] })).toBeUndefined();
  });
});

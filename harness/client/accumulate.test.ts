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

  it('counts a textless EOS token on the finishing chunk (vLLM) without making it a token event', () => {
    // vLLM with continuous_usage_stats: the EOS token detokenizes to "" and arrives on the
    // finish_reason chunk with completion_tokens + 1. The client must agree with usage, or every
    // normally finished request is reported as a token-count mismatch.
    const fin = (text: string, usage: object) => j({ choices: [{ index: 0, text, finish_reason: 'stop' }], usage });
    const a = feed([
      [j({ choices: [{ index: 0, text: 'a', finish_reason: null }], usage: { completion_tokens: 1 } }), 1],
      [j({ choices: [{ index: 0, text: 'b', finish_reason: null }], usage: { completion_tokens: 2 } }), 2],
      [fin('', { completion_tokens: 3 }), 3],
      [j({ choices: [], usage: { completion_tokens: 3 } }), 4],
    ]);
    expect(a.tokenTimes).toEqual([1, 2]);
    expect(a.tokenCounts).toEqual([1, 1]);
    expect(a.clientOutputTokens).toBe(3);
    expect(a.usageCompletionTokens).toBe(3);
    // Same for chat: an empty delta with finish_reason.
    const c = feed([
      [chat({ role: 'assistant', content: '' }, { completion_tokens: 0 }), 1],
      [chat({ content: 'x' }, { completion_tokens: 1 }), 2],
      [j({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { completion_tokens: 2 } }), 3],
    ]);
    expect(c.tokenTimes).toEqual([2]);
    expect(c.clientOutputTokens).toBe(2);
    // A finish chunk without a usage increase adds nothing.
    const d = feed([
      [chat({ content: 'x' }, { completion_tokens: 1 }), 1],
      [j({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }], usage: { completion_tokens: 1 } }), 2],
    ]);
    expect(d.clientOutputTokens).toBe(1);
    // A request whose only token is a textless EOS still produced output (vLLM: success, TTFT at
    // that chunk); with nothing else to time, the finishing chunk is its token event.
    const e = feed([
      [chat({ role: 'assistant', content: '' }, { completion_tokens: 0 }), 1],
      [j({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { completion_tokens: 1 } }), 5],
      [j({ choices: [], usage: { completion_tokens: 1 } }), 6],
    ]);
    expect(e.tokenTimes).toEqual([5]);
    expect(e.tokenCounts).toEqual([1]);
    expect(e.clientOutputTokens).toBe(1);
    expect(e.endAt).toBe(6);
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

  it('assembles streamed tool calls by index: name once, arguments in pieces', () => {
    const a = feed([
      [chat({ tool_calls: [{ index: 0, id: 'c0', type: 'function', function: { name: 'get_weather', arguments: '' } }] }), 1],
      [chat({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }), 2],
      [chat({ tool_calls: [{ index: 1, id: 'c1', function: { name: 'now', arguments: '{}' } }] }), 3],
      [chat({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }), 4],
    ]);
    expect(a.toolCalls).toEqual([
      { name: 'get_weather', arguments: '{"city":"Paris"}' },
      { name: 'now', arguments: '{}' },
    ]);
    expect(a.tokenTimes).toEqual([1, 2, 3, 4]);
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
    expect(a.failure?.message).toBeUndefined();
  });

  it('fails on error objects in data, on event: error, and on malformed JSON', () => {
    expect(feed([[j({ error: { message: 'oom', type: 'InternalServerError', code: 500 } }), 1]]).failure?.message).toBe(
      'SSE error event: oom (InternalServerError/500)',
    );
    expect(feed([['{"message":"bad"}', 1, 'error']]).failure?.message).toContain('bad');
    expect(feed([[j({ object: 'error', message: 'vllm says no' }), 1]]).failure?.message).toContain('vllm says no');
    expect(feed([['{"choices": [', 1]]).failure?.message).toMatch(/^malformed JSON in SSE data: \{"choices": \[/);
    expect(feed([['[1,2]', 1]]).failure?.message).toMatch(/not a JSON object/);
  });

  it('reads both error body shapes', () => {
    expect(errorText({ error: { message: 'm', type: 't' } })).toBe('m (t)');
    expect(errorText({ object: 'error', message: 'm', type: 'BadRequestError', code: 400 })).toBe('m (BadRequestError/400)');
    expect(errorText({ choices: [] })).toBeUndefined();
  });
});

describe('StreamAccumulator: servers that misreport (issue 10)', () => {
  const text = (t: string, usage?: object | null, finish: string | null = null) =>
    j({ choices: [{ index: 0, text: t, finish_reason: finish }], ...(usage !== undefined ? { usage } : {}) });

  it('takes a usage total sent only at the end (null before) as a total, not a delta', () => {
    const a = feed([
      [text('a', null), 1],
      [text('b', null), 2],
      [text('c', { completion_tokens: 3 }, 'stop'), 3],
    ]);
    expect(a.tokenCounts).toEqual([1, 1, 1]);
    expect(a.clientOutputTokens).toBe(3);
    expect(a.complete).toBe(true);
  });

  it('stops trusting a counter that stops increasing, and credits no EOS from it afterwards', () => {
    const a = feed([
      [text('a', { completion_tokens: 1 }), 1],
      [text('b', { completion_tokens: 1 }), 2],
      [text('c', { completion_tokens: 9 }), 3],
      [text('', { completion_tokens: 12 }, 'stop'), 4],
    ]);
    expect(a.tokenCounts).toEqual([1, 1, 1]);
    expect(a.clientOutputTokens).toBe(3);
  });

  it('is incomplete without a finish_reason or [DONE], complete with either', () => {
    expect(feed([[text('a'), 1]]).complete).toBe(false);
    expect(feed([[text('a'), 1], ['[DONE]', 2]]).complete).toBe(true);
    expect(feed([[text('a'), 1], ['  [DONE] ', 2]]).done).toBe(true);
    expect(feed([[text('a', undefined, 'length'), 1]]).complete).toBe(true);
  });

  it('reads only real errors: a message, type or code', () => {
    for (const e of ['', '  ', false, 0, {}, [], null, { message: '' }, { code: 0 }]) expect(errorText({ error: e })).toBeUndefined();
    expect(errorText({ error: 'boom' })).toBe('boom');
    expect(errorText({ error: { code: 500 } })).toBe('(500)');
    expect(errorText({ error: { message: 'oom', type: 'InternalServerError' } })).toBe('oom (InternalServerError)');
  });
});

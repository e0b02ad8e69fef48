import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonlSamples, shareGptSamples } from './fileDatasets.js';
import { builtinTokenizer, loadTokenizer } from '../common/tokenizer.js';
import { UserError } from '../common/errors.js';
import { testTempDir } from '../common/testTmp.js';

const tok = builtinTokenizer();
const dir = testTempDir('abserve-ds-');
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const opts = { endpoint: '/v1/completions' as const, seed: 0, shuffle: false };

describe('JSONL dataset', () => {
  it('reads prompts and per-line output lengths, skipping blank lines', () => {
    const p = file(
      'ok.jsonl',
      [
        JSON.stringify({ prompt: 'one two six', output_len: 5 }),
        '',
        JSON.stringify({ prompt: 'for fiv', max_tokens: 7 }),
        JSON.stringify({ prompt: 'six', max_tokens: 3, output_len: 4 }),
        JSON.stringify({ prompt: 'no len at all' }),
        JSON.stringify({ prompt: [5, 6, 7] }),
        '',
      ].join('\n'),
    );
    const { measured, warmup } = jsonlSamples(p, tok, { ...opts, defaultOutputLen: 99 }, 5, 0);
    expect(warmup).toEqual([]);
    expect(measured).toEqual([
      { prompt: 'one two six', promptTokens: 3, maxTokens: 5 },
      { prompt: 'for fiv', promptTokens: 2, maxTokens: 7 },
      { prompt: 'six', promptTokens: 1, maxTokens: 4 },
      { prompt: 'no len at all', promptTokens: 4, maxTokens: 99 },
      { prompt: [5, 6, 7], promptTokens: 3, maxTokens: 99 },
    ]);
  });

  it('shuffles with the seed, puts warmups after the measured entries, and oversamples', () => {
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ prompt: `p${i}` })).join('\n');
    const p = file('many.jsonl', lines);
    const a = jsonlSamples(p, tok, { ...opts, shuffle: true, defaultOutputLen: 8 }, 10, 4);
    const b = jsonlSamples(p, tok, { ...opts, shuffle: true, defaultOutputLen: 8 }, 10, 0);
    expect(a.measured).toEqual(b.measured); // warmups never change the measured prompts
    expect(a.measured.map((s) => s.prompt)).not.toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`));
    const taken = new Set([...a.measured, ...a.warmup].map((s) => s.prompt));
    expect(taken.size).toBe(14);
    const over = jsonlSamples(p, tok, { ...opts, defaultOutputLen: 8 }, 50, 0);
    expect(over.measured).toHaveLength(50);
    expect(new Set(over.measured.map((s) => s.prompt)).size).toBe(20);
  });

  it('names file:line, field and value on a bad line', () => {
    const cases: [string, RegExp][] = [
      ['{"prompt": "a"}\n{"prompt": oops}\n', /bad1\.jsonl:2: invalid JSON/],
      ['{"prompt": "a"}\n\n[1, 2]\n', /bad2\.jsonl:3: each line must be a JSON object: got \[1,2\]/],
      ['{"text": "a"}\n', /bad3\.jsonl:1: field "prompt" must be a non-empty string or token-id array: got undefined/],
      ['{"prompt": ""}\n', /bad4\.jsonl:1: field "prompt" .*got ""/],
      ['{"prompt": "a", "output_len": 0}\n', /bad5\.jsonl:1: field "output_len" must be a positive integer: got 0/],
      ['{"prompt": "a", "max_tokens": "9"}\n', /bad6\.jsonl:1: field "max_tokens" must be a positive integer: got "9"/],
      ['\n\n', /--dataset-path .*bad7\.jsonl: no prompts in the file/],
    ];
    cases.forEach(([text, msg], i) => {
      const p = file(`bad${i + 1}.jsonl`, text);
      expect(() => jsonlSamples(p, tok, { ...opts, defaultOutputLen: 8 }, 1, 0)).toThrow(UserError);
      expect(() => jsonlSamples(p, tok, { ...opts, defaultOutputLen: 8 }, 1, 0)).toThrow(msg);
    });
    const ids = file('ids.jsonl', '{"prompt": [1, 2]}\n');
    expect(() => jsonlSamples(ids, tok, { ...opts, endpoint: '/v1/chat/completions', defaultOutputLen: 8 }, 1, 0)).toThrow(
      /ids\.jsonl:1: field "prompt" may be token ids only with --endpoint \/v1\/completions/,
    );
    expect(() => jsonlSamples(join(dir, 'missing.jsonl'), tok, { ...opts, defaultOutputLen: 8 }, 1, 0)).toThrow(
      /--dataset-path .*missing\.jsonl: cannot read/,
    );
  });
});

const words = (n: number): string => Array.from({ length: n }, () => 'ab').join(' ');
const conv = (human: string, gpt: string) => ({ conversations: [{ from: 'human', value: human }, { from: 'gpt', value: gpt }] });

describe('ShareGPT dataset', () => {
  const entries = [
    conv(words(10), words(20)), // ok: 10 in, 20 out
    { conversations: [{ from: 'human', value: words(10) }] }, // one turn: skipped like vLLM
    { id: 'no conversations' }, // skipped
    conv(words(3), words(20)), // prompt < 4: filtered
    conv(words(10), words(3)), // output < 4: filtered unless overridden
    conv(words(1025), words(10)), // prompt > 1024: filtered
    conv(words(1000), words(1049)), // total 2049 > 2048: filtered
    conv(words(1000), words(1048)), // total 2048: ok
    conv(words(4), words(4)), // boundary: ok
  ];
  const p = file('sharegpt.json', JSON.stringify(entries));

  it('takes conversations[0] as the prompt and the token count of conversations[1] as max_tokens, filtering like vLLM', () => {
    const { measured } = shareGptSamples(p, tok, opts, 3, 0);
    expect(measured.map((s) => [s.promptTokens, s.maxTokens])).toEqual([
      [10, 20],
      [1000, 1048],
      [4, 4],
    ]);
    expect(measured[0]!.prompt).toBe(words(10));
  });

  it('--sharegpt-output-len overrides output lengths and lifts the short-output filter', () => {
    const { measured } = shareGptSamples(p, tok, { ...opts, outputLen: 100 }, 4, 0);
    expect(measured.map((s) => [s.promptTokens, s.maxTokens])).toEqual([
      [10, 100],
      [10, 100], // the 3-token answer no longer matters
      [1000, 100], // 1000 + 100 fits; the 1049-token answer no longer counts
      [1000, 100],
    ]);
  });

  it('counts the special tokens vLLM counts (BOS) when filtering and sizing outputs', () => {
    // With the fixture's <s>, a 3-token prompt counts as 4 and passes; outputs gain 1.
    const hf = loadTokenizer(join(import.meta.dirname, 'fixtures', 'tiny-bpe'));
    const q = file('sharegpt-hf.json', JSON.stringify([conv('the fox dog', 'the fox ran there')]));
    expect(hf.encode('the fox dog')).toHaveLength(3);
    const { measured } = shareGptSamples(q, hf, opts, 1, 0);
    expect(measured[0]).toMatchObject({ promptTokens: 3, maxTokens: hf.encode('the fox ran there').length + 1 });
  });

  it('reports malformed files with the path, entry and value', () => {
    const bad: [string, RegExp][] = [
      ['{"a": 1}', /--dataset-path .*sg1\.json: ShareGPT file must be a JSON array: got \{"a":1\}/],
      ['[{"conversations": ', /--dataset-path .*sg2\.json: invalid JSON/],
      [JSON.stringify([conv('a b c d', 'x'), { conversations: [{ value: 5 }, { value: 'x' }] }]), /sg3\.json: entry 1: conversations\[0\]\.value must be a string: got 5/],
      [JSON.stringify([conv('a', 'b')]), /--dataset-path .*sg4\.json: no usable entries/],
    ];
    bad.forEach(([text, msg], i) => {
      const f = file(`sg${i + 1}.json`, text);
      expect(() => shareGptSamples(f, tok, opts, 5, 0)).toThrow(UserError);
      expect(() => shareGptSamples(f, tok, opts, 5, 0)).toThrow(msg);
    });
  });
});

import { writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTokenizer, loadTokenizer } from './tokenizer.js';
import { UserError } from './errors.js';
import { testTempDir } from './testTmp.js';

const FIXTURE = join(import.meta.dirname, '..', 'workload', 'fixtures', 'tiny-bpe');

describe('builtin tokenizer', () => {
  it('keeps its encoding (the embedded engine counts prompt tokens with it)', () => {
    const t = builtinTokenizer();
    expect(t.encode('a z aa zzz  hello, 7')).toEqual([0, 25, 26, 18277, 18278 + 104, 18278 + 101, 18278 + 108, 18278 + 108, 18278 + 111, 18278 + 44, 18278 + 55]);
    expect(t.numSpecialTokensToAdd).toBe(0);
  });

  it('offers only word ids for sampling, each of which round-trips to itself', () => {
    const t = builtinTokenizer();
    const ids = t.sampleableIds!();
    expect(ids.length).toBe(18278);
    expect(t.encode(t.decode(ids))).toEqual(ids);
  });

  it('loadTokenizer() with no path is the builtin one', () => {
    expect(loadTokenizer()).toBe(builtinTokenizer());
    expect(loadTokenizer('')).toBe(builtinTokenizer());
  });
});

describe('HuggingFace tokenizer.json', () => {
  it('loads from a folder and from the file, with the config beside it', () => {
    for (const p of [FIXTURE, join(FIXTURE, 'tokenizer.json')]) {
      const t = loadTokenizer(p);
      expect(t.name).toMatch(/^hf:.*tokenizer\.json$/);
      expect(t.vocabSize).toBe(338);
      // The template adds <s>: one special token, which vLLM subtracts from the input length.
      expect(t.numSpecialTokensToAdd).toBe(1);
      const ids = t.encode('the quick brown fox, there!');
      expect(ids).toHaveLength(7); // merges learnt from the fixture corpus: the|Ġquick|Ġbrown|Ġfox|,|Ġthere|!
      expect(ids).not.toContain(336); // no <s>: prompt counts exclude special tokens
      expect(t.decode(ids)).toBe('the quick brown fox, there!');
      expect(t.decode([])).toBe('');
      expect(t.encode('')).toEqual([]);
    }
  });

  it('excludes special tokens and lone UTF-8 fragments from sampling', () => {
    const t = loadTokenizer(FIXTURE);
    const pool = t.sampleableIds!();
    expect(pool).not.toContain(336);
    expect(pool).not.toContain(337);
    expect(pool).toContain(97); // 'a'
    expect(pool).not.toContain(128); // byte 0x80 alone decodes to U+FFFD
    for (const id of pool) expect(t.decode([id])).not.toContain('\uFFFD');
  });

  it('reports bad paths and files as UserErrors naming the flag and path', () => {
    const dir = testTempDir('abserve-tok-');
    expect(() => loadTokenizer(join(dir, 'nope'))).toThrow(UserError);
    expect(() => loadTokenizer(join(dir, 'nope'))).toThrow(/--tokenizer: no such file or folder: .*nope$/);
    // A HuggingFace id, as vLLM takes it: said why it is not read.
    expect(() => loadTokenizer('deepseek-ai/DeepSeek-R1')).toThrow(
      '--tokenizer: no such file or folder: deepseek-ai/DeepSeek-R1 (a HuggingFace model id is not downloaded: fetch its tokenizer.json and pass the file or its folder)',
    );
    expect(() => loadTokenizer(dir)).toThrow(/--tokenizer .*: folder has no tokenizer\.json/);
    writeFileSync(join(dir, 'tokenizer.json'), '{"model": ');
    expect(() => loadTokenizer(dir)).toThrow(/--tokenizer .*tokenizer\.json: invalid JSON/);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ model: { type: 'Nope' }, added_tokens: [] }));
    expect(() => loadTokenizer(dir, '--tok')).toThrow(/--tok .*tokenizer\.json: unsupported tokenizer\.json/);
  });

  it('works without tokenizer_config.json', () => {
    const dir = testTempDir('abserve-tok-');
    copyFileSync(join(FIXTURE, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const t = loadTokenizer(dir);
    expect(t.decode(t.encode('the fox'))).toBe('the fox');
  });
});

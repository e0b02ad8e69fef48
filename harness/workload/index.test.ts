import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildWorkload, loadTokenizer, resolveWorkloadOptions, type WorkloadOptions } from './index.js';
import { UserError } from '../common/errors.js';
import { testTempDir } from '../common/testTmp.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'tiny-bpe');
const opts: WorkloadOptions = {
  numPrompts: 300,
  inputLen: 120,
  outputLen: 40,
  rangeRatio: 0.3,
  prefixLen: 16,
  requestRate: 20,
  burstiness: 0.5,
  warmupRequests: 3,
  seed: 1234,
};
const digest = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex');

describe('buildWorkload', () => {
  it('returns warmups first (scheduledMs 0, own indices), then measured requests on a rising schedule', () => {
    const w = buildWorkload(opts);
    expect(w).toHaveLength(303);
    expect(w.slice(0, 3).map((r) => [r.warmup, r.index, r.scheduledMs])).toEqual([
      [true, 0, 0],
      [true, 1, 0],
      [true, 2, 0],
    ]);
    const measured = w.slice(3);
    expect(measured.every((r, i) => !r.warmup && r.index === i)).toBe(true);
    for (let i = 1; i < measured.length; i++) expect(measured[i]!.scheduledMs).toBeGreaterThanOrEqual(measured[i - 1]!.scheduledMs);
    expect(measured[0]!.scheduledMs).toBeGreaterThan(0);
    expect(measured.at(-1)!.scheduledMs).toBeCloseTo((300 / 20) * 1000, 6);
  });

  it('is byte-identical for the same seed, in this module and in a freshly loaded one', async () => {
    const hf = loadTokenizer(FIXTURE);
    const chat: WorkloadOptions = { ...opts, endpoint: '/v1/chat/completions', numPrompts: 50 };
    const a = JSON.stringify(buildWorkload(opts));
    expect(JSON.stringify(buildWorkload(opts))).toBe(a);
    const h = JSON.stringify(buildWorkload(chat, hf));
    vi.resetModules();
    const fresh = (await import('./index.js')) as typeof import('./index.js');
    expect(JSON.stringify(fresh.buildWorkload(opts))).toBe(a);
    expect(JSON.stringify(fresh.buildWorkload(chat, fresh.loadTokenizer(FIXTURE)))).toBe(h);
  });

  it('pins the output of a small workload (a generator change must be deliberate)', () => {
    const w = buildWorkload({ numPrompts: 20, inputLen: 30, prefixLen: 4, rangeRatio: 0.5, requestRate: 5, warmupRequests: 2, seed: 7 });
    expect(w[2]!.prompt).toMatchInlineSnapshot(`"jww gvg xdq ybz ser idl ldx iqa qic yvp aze wwj qro skz zru ryk pot hlk fgn qqx nps fjl xxd rbz wos tta tum glz aej wow enc mnr xza"`);
    expect(digest(w)).toMatchInlineSnapshot(`"cd22810b2ba5debaf38247ea606f89bcc55ccb8a9983596325af0d295d5db70f"`);
  });

  it('a different seed gives different prompts and a different schedule', () => {
    const a = buildWorkload(opts);
    const b = buildWorkload({ ...opts, seed: 1235 });
    expect(b.map((r) => r.prompt)).not.toEqual(a.map((r) => r.prompt));
    expect(b.map((r) => r.scheduledMs)).not.toEqual(a.map((r) => r.scheduledMs));
  });

  it('the schedule depends only on the seed and arrival options; measured prompts not on warmups', () => {
    const a = buildWorkload(opts);
    const other = buildWorkload({ ...opts, inputLen: 7, prefixLen: 0, warmupRequests: 0, endpoint: '/v1/chat/completions' });
    expect(other.map((r) => r.scheduledMs)).toEqual(a.slice(3).map((r) => r.scheduledMs));
    const noWarm = buildWorkload({ ...opts, warmupRequests: 0 });
    expect(noWarm).toEqual(a.slice(3));
  });

  it('warmups are distinct prompts that share the measured prefix', () => {
    const w = buildWorkload({ ...opts, numPrompts: 5 });
    const prefix = (w[3]!.prompt as string).split(' ').slice(0, 16).join(' ');
    for (const r of w) expect((r.prompt as string).startsWith(prefix + ' ')).toBe(true);
    expect(new Set(w.map((r) => r.prompt)).size).toBe(w.length);
  });

  it('token-id mode for /v1/completions gives id arrays', () => {
    const w = buildWorkload({ ...opts, numPrompts: 10, tokenIds: true, idRange: [10, 20] });
    for (const r of w) {
      expect(Array.isArray(r.prompt)).toBe(true);
      expect((r.prompt as number[]).every((id) => id >= 10 && id < 20)).toBe(true);
      expect((r.prompt as number[]).length).toBe(r.promptTokens);
    }
  });

  it('reads jsonl and sharegpt files through --dataset-name', () => {
    const dir = testTempDir('abserve-wl-');
    const jsonl = join(dir, 'p.jsonl');
    writeFileSync(jsonl, '{"prompt": "a b c"}\n{"prompt": "d e", "max_tokens": 3}\n');
    const w = buildWorkload({ dataset: 'jsonl', path: jsonl, numPrompts: 2, outputLen: 11, requestRate: Infinity }, loadTokenizer());
    expect(w.map((r) => r.maxTokens).sort()).toEqual([11, 3].sort());
    expect(w.every((r) => r.scheduledMs === 0)).toBe(true);
    const sg = join(dir, 's.json');
    writeFileSync(sg, JSON.stringify([{ conversations: [{ value: 'a b c d e' }, { value: 'f g h i' }] }]));
    const s = buildWorkload({ dataset: 'sharegpt', path: sg, numPrompts: 3, sharegptOutputLen: 9 });
    expect(s.map((r) => [r.prompt, r.promptTokens, r.maxTokens])).toEqual(Array(3).fill(['a b c d e', 5, 9]));
  });

  it('validates options with UserErrors that name the flag and the value', () => {
    const bad: [WorkloadOptions, RegExp][] = [
      [{ rangeRatio: 1.5 }, /^--random-range-ratio must be in \[0, 1\): got 1\.5$/],
      [{ rangeRatio: -0.1 }, /--random-range-ratio must be in \[0, 1\): got -0\.1/],
      [{ numPrompts: 0 }, /--num-prompts: expected an integer in \[1, 1000000\], got 0/],
      [{ inputLen: 2.5 }, /--random-input-len: expected an integer in \[0, 1048576\], got 2\.5/],
      [{ outputLen: 0 }, /--random-output-len: expected an integer in \[1, 1048576\], got 0/],
      [{ prefixLen: -1 }, /--random-prefix-len: expected an integer in \[0, 1048576\], got -1/],
      [{ warmupRequests: -2 }, /--num-warmups: expected an integer in \[0, 100000\], got -2/],
      [{ seed: 0.5 }, /--seed must be an integer: got 0\.5/],
      [{ dataset: 'csv' as 'random' }, /--dataset-name must be random, jsonl or sharegpt: got csv/],
      [{ dataset: 'jsonl' }, /--dataset-path is required with --dataset-name jsonl/],
      [{ path: 'x.jsonl' }, /--dataset-path is not used by --dataset-name random: got x\.jsonl/],
      [{ endpoint: '/v1/embeddings' as '/v1/completions' }, /--endpoint must be .*got \/v1\/embeddings/],
      [{ tokenIds: true, endpoint: '/v1/chat/completions' }, /--random-token-ids needs --endpoint \/v1\/completions.*got \/v1\/chat\/completions/],
      [{ idRange: [5, 5] }, /--random-id-range must be integers 0 <= lo < hi: got 5,5/],
      // Issue 10: upper bounds instead of out-of-memory crashes and endless waits.
      [{ numPrompts: 1e12 }, /--num-prompts: expected an integer in \[1, 1000000\], got 1000000000000/],
      [{ inputLen: 1e12 }, /--random-input-len: expected an integer in \[0, 1048576\], got 1000000000000/],
      [{ numPrompts: 1_000_000, inputLen: 1024 }, /--num-prompts x \(--random-input-len \+ --random-prefix-len\) must be <= 200000000 tokens .*: got 1024000000/],
      [{ requestRate: 1e-9 }, /--request-rate must be in \[0.001, 1000000000\] or inf: got 1e-9/],
      [{ sharegptOutputLen: 0 }, /--sharegpt-output-len: expected an integer in \[1, 1048576\], got 0/],
      [{ requestRate: -1 }, /--request-rate must be > 0 or inf: got -1/],
      [{ burstiness: 0 }, /--burstiness must be > 0/],
    ];
    for (const [o, msg] of bad) {
      expect(() => resolveWorkloadOptions(o)).toThrow(UserError);
      expect(() => resolveWorkloadOptions(o)).toThrow(msg);
    }
  });

  it('fills vLLM defaults', () => {
    expect(resolveWorkloadOptions({})).toMatchObject({
      dataset: 'random',
      endpoint: '/v1/completions',
      numPrompts: 1000,
      inputLen: 1024,
      outputLen: 128,
      rangeRatio: 0,
      prefixLen: 0,
      requestRate: Infinity,
      burstiness: 1,
      warmupRequests: 0,
      seed: 0,
    });
    expect(resolveWorkloadOptions({ requestRate: undefined }).requestRate).toBe(Infinity);
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinTokenizer } from '../common/tokenizer.js';
import { startEngine, type EngineHandle } from './server.js';

type Json = Record<string, any>;

/** POSTs a body and returns the parsed SSE data payloads (the literal '[DONE]' kept as a string). */
async function sse(url: string, body: Json, init: RequestInit = {}): Promise<(Json | string)[]> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ stream: true, ...body }), ...init });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => {
      expect(e.startsWith('data: ')).toBe(true);
      const d = e.slice(6);
      return d === '[DONE]' ? d : (JSON.parse(d) as Json);
    });
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Json };
}

const tok = builtinTokenizer();

describe('engine HTTP (tiny profile)', () => {
  let e: EngineHandle;
  let reasoning: EngineHandle;
  beforeAll(async () => {
    e = await startEngine({ profile: 'tiny', model: 'test-model', env: {} });
    reasoning = await startEngine({ profile: 'tiny', model: 'r1', reasoningTokens: 4, env: {} });
  });
  afterAll(async () => {
    await e.close();
    await reasoning.close();
  });

  it('binds 127.0.0.1 and serves /health and /v1/models', async () => {
    expect(e.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${e.url}/health`)).status).toBe(200);
    const models = (await (await fetch(`${e.url}/v1/models`)).json()) as Json;
    expect(models.object).toBe('list');
    expect(models.data[0]).toMatchObject({ id: 'test-model', object: 'model', max_model_len: 4096 });
  });

  it('streams a completion: one chunk per token, continuous usage, a usage-only final chunk, [DONE]', async () => {
    const ev = await sse(`${e.url}/v1/completions`, {
      model: 'test-model',
      prompt: [5, 6, 7, 8, 9],
      max_tokens: 12,
      ignore_eos: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
    expect(ev.at(-1)).toBe('[DONE]');
    const chunks = ev.slice(0, -1) as Json[];
    expect(chunks).toHaveLength(13);
    const tokens = chunks.slice(0, 12);
    const id = tokens[0].id as string;
    expect(id).toMatch(/^cmpl-/);
    tokens.forEach((c, i) => {
      expect(c).toMatchObject({ id, object: 'text_completion', model: 'test-model' });
      expect(c.choices).toHaveLength(1);
      expect(c.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: i === 11 ? 'length' : null });
      expect(c.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 + i + 1, completion_tokens: i + 1 });
    });
    const text = tokens.map((c) => c.choices[0].text).join('');
    expect(tok.encode(text)).toHaveLength(12);
    expect(chunks[12]).toMatchObject({ id, choices: [], usage: { prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 } });
  });

  it('ignore_eos gives exactly max_tokens; without it the length is deterministic, >= min_tokens', async () => {
    const prompt = 'the cat sat on the mat';
    const ign = await post(`${e.url}/v1/completions`, { prompt, max_tokens: 40, ignore_eos: true });
    expect(ign.status).toBe(200);
    expect(ign.json.usage).toMatchObject({ prompt_tokens: tok.encode(prompt).length, completion_tokens: 40 });
    expect(ign.json.choices[0].finish_reason).toBe('length');
    const runs = await Promise.all(
      [1, 1, 2].map((seed) => post(`${e.url}/v1/completions`, { prompt, max_tokens: 40, min_tokens: 10, seed })),
    );
    const [a, b] = runs.map((r) => r.json);
    expect(a.choices[0].text).toBe(b.choices[0].text);
    for (const r of runs) {
      const n = r.json.usage.completion_tokens as number;
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(40);
      expect(r.json.choices[0].finish_reason).toBe(n < 40 ? 'stop' : 'length');
      expect(tok.encode(r.json.choices[0].text)).toHaveLength(n);
    }
  });

  it('streams chat like vLLM: role-only opening delta, content deltas, finish, usage-only chunk', async () => {
    const ev = await sse(`${e.url}/v1/chat/completions`, {
      messages: [
        { role: 'system', content: 'be as one' },
        { role: 'user', content: [{ type: 'text', text: 'say it now' }] },
      ],
      max_tokens: 6,
      ignore_eos: true,
      temperature: 0,
      stream_options: { include_usage: true },
    });
    const chunks = ev.slice(0, -1) as Json[];
    expect(chunks).toHaveLength(1 + 6 + 1);
    expect(chunks[0].object).toBe('chat.completion.chunk');
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks[0].usage).toBeUndefined();
    for (const c of chunks.slice(1, 7)) expect(Object.keys(c.choices[0].delta)).toEqual(['content']);
    expect(chunks[6].choices[0].finish_reason).toBe('length');
    expect(chunks[7]).toMatchObject({ choices: [], usage: { prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 } });
  });

  it('reasoning mode streams reasoning_content before content (and splits the non-stream message)', async () => {
    const ev = await sse(`${reasoning.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'why' }],
      max_tokens: 7,
      ignore_eos: true,
    });
    const deltas = (ev.slice(1, -1) as Json[]).map((c) => c.choices[0].delta);
    expect(deltas).toHaveLength(7);
    expect(deltas.slice(0, 4).every((d) => typeof d.reasoning_content === 'string' && d.content === undefined)).toBe(true);
    expect(deltas.slice(4).every((d) => typeof d.content === 'string' && d.reasoning_content === undefined)).toBe(true);
    expect(deltas[4].content.startsWith(' ')).toBe(false);
    const full = await post(`${reasoning.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'why' }], max_tokens: 7, ignore_eos: true });
    expect(tok.encode(full.json.choices[0].message.reasoning_content)).toHaveLength(4);
    expect(tok.encode(full.json.choices[0].message.content)).toHaveLength(3);
  });

  it('abserve_debug puts received_at, one emit time per token chunk and time_origin in the last chunk', async () => {
    const ev = await sse(`${e.url}/v1/completions`, { prompt: [1, 2], max_tokens: 5, ignore_eos: true, abserve_debug: true });
    const last = ev.at(-2) as Json;
    expect(last.choices[0].finish_reason).toBe('length');
    const d = last.abserve_debug;
    expect(d.emit_times).toHaveLength(5);
    expect(d.received_at).toBeLessThan(d.emit_times[0]);
    for (let i = 1; i < 5; i++) expect(d.emit_times[i]).toBeGreaterThan(d.emit_times[i - 1]);
    expect(d.time_origin).toBeCloseTo(performance.timeOrigin, -4);
  });

  it('answers malformed requests with an OpenAI-style 400 body, unknown routes with 404', async () => {
    const cases: [string, unknown, string | null][] = [
      ['/v1/completions', '{"prompt": [1, 2', null],
      ['/v1/completions', { prompt: [1], max_tokens: 0 }, 'max_tokens'],
      ['/v1/completions', { prompt: [1], max_tokens: '5' }, 'max_tokens'],
      ['/v1/completions', { prompt: [1], max_tokens: 2.5 }, 'max_tokens'],
      ['/v1/completions', { model: 'gpt-4', prompt: [1] }, 'model'],
      ['/v1/completions', { prompt: [1, 2, 3], max_tokens: 4094 }, 'prompt'],
      ['/v1/completions', { prompt: { a: 1 } }, 'prompt'],
      ['/v1/completions', { prompt: [1], stream_options: { include_usage: true } }, 'stream_options'],
      ['/v1/chat/completions', { prompt: 'x' }, 'messages'],
      ['/v1/chat/completions', { messages: [{ content: 'x' }] }, 'messages'],
      ['/v1/completions', { prompt: [1], max_tokens: 3, min_tokens: 5 }, 'min_tokens'],
    ];
    for (const [path, body, param] of cases) {
      const r = await post(`${e.url}${path}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json).toEqual({ error: { message: expect.any(String), type: 'BadRequestError', param, code: 400 } });
    }
    const long = await post(`${e.url}/v1/completions`, { prompt: [1, 2, 3], max_tokens: 4094 });
    expect(long.json.error.message).toMatch(/maximum context length is 4096 tokens/);
    const nf = await fetch(`${e.url}/v2/nothing`);
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as Json).error.code).toBe(404);
  });

  it('exports vLLM metric names with a model_name label', async () => {
    const before = await (await fetch(`${e.url}/metrics`)).text();
    const gen = Number(/vllm:generation_tokens_total\{model_name="test-model"\} (\S+)/.exec(before)?.[1]);
    await post(`${e.url}/v1/completions`, { prompt: [1, 2, 3], max_tokens: 9, ignore_eos: true });
    const m = await (await fetch(`${e.url}/metrics`)).text();
    for (const name of [
      'vllm:num_requests_running{model_name="test-model"} 0',
      'vllm:num_requests_waiting{model_name="test-model"} 0',
      '# TYPE vllm:time_to_first_token_seconds histogram',
      'vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="test-model"}',
      '# TYPE vllm:inter_token_latency_seconds histogram',
      'vllm:time_per_output_token_seconds_count{model_name="test-model"}',
      '# TYPE vllm:prompt_tokens_total counter',
    ]) {
      expect(m).toContain(name);
    }
    expect(Number(/vllm:generation_tokens_total\{model_name="test-model"\} (\S+)/.exec(m)?.[1])).toBe(gen + 9);
  });

  it('the official openai client streams a chat completion with the right number of tokens', async () => {
    const client = new OpenAI({ baseURL: `${e.url}/v1`, apiKey: 'none', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: 'go to ten' }],
      max_tokens: 10,
      stream: true,
      stream_options: { include_usage: true },
      // vLLM extension, passed through in the body.
      ...({ ignore_eos: true } as object),
    });
    let contentChunks = 0;
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) {
        contentChunks++;
        text += c.delta.content;
      }
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentChunks).toBe(10);
    expect(tok.encode(text)).toHaveLength(10);
    expect(finish).toBe('length');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 10, total_tokens: 13 });
  });

  it('batches concurrent streams and finishes each with its own token count', async () => {
    const lens = [3, 17, 8, 30, 1, 12, 25, 5];
    const res = await Promise.all(
      lens.map((n, i) =>
        sse(`${e.url}/v1/completions`, {
          prompt: Array.from({ length: 50 + 20 * i }, (_, k) => k),
          max_tokens: n,
          ignore_eos: true,
          stream_options: { include_usage: true },
        }),
      ),
    );
    res.forEach((ev, i) => {
      expect(ev).toHaveLength(lens[i] + 2);
      expect((ev.at(-2) as Json).usage.completion_tokens).toBe(lens[i]);
    });
  });
});

describe('engine step accounting', () => {
  it('the merge-op switch makes a chunked prefill slower by exactly mergeTokens x (fallback - cuda)', async () => {
    // One request, prompt 100 tokens in 32-token chunks: 68 tokens in chunks with cached context.
    const run = async (env: Record<string, string>) => {
      const eng = await startEngine({ profile: 'tiny', maxNumBatchedTokens: 32, env, noise: false });
      try {
        const r = await post(`${eng.url}/v1/completions`, { prompt: Array.from({ length: 100 }, (_, i) => i), max_tokens: 3, ignore_eos: true });
        expect(r.json.usage.completion_tokens).toBe(3);
        return { stats: eng.stats(), merge: eng.options.merge, profile: eng.options.profile };
      } finally {
        await eng.close();
      }
    };
    const on = await run({});
    const off = await run({ VLLM_DISABLE_MERGE_ATTN_CUDA_OP: '1' });
    expect([on.merge, off.merge]).toEqual(['cuda', 'fallback']);
    expect(on.stats.steps).toBe(6);
    expect(off.stats.steps).toBe(6);
    expect(on.stats.mergeTokens).toBe(68);
    const p = on.profile;
    expect(off.stats.simulatedMs - on.stats.simulatedMs).toBeCloseTo(68 * (p.mergeFallbackPerTokenMs - p.mergeCudaPerTokenMs), 9);
    expect(off.stats.mergeMs).toBeCloseTo(68 * p.mergeFallbackPerTokenMs, 9);
    expect(on.stats.mergeMs).toBeCloseTo(68 * p.mergeCudaPerTokenMs, 9);
  });

  it('a client disconnect mid-stream aborts the sequence and frees its slot', async () => {
    const eng = await startEngine({ profile: 'tiny', maxNumSeqs: 1, fixedStepMs: 2, env: {} });
    try {
      const ac = new AbortController();
      const res = await fetch(`${eng.url}/v1/completions`, {
        method: 'POST',
        body: JSON.stringify({ prompt: [1, 2, 3], max_tokens: 3000, ignore_eos: true, stream: true }),
        signal: ac.signal,
      });
      const reader = res.body!.getReader();
      await reader.read(); // at least one token arrived: the sequence is running
      ac.abort();
      await reader.read().catch(() => undefined);
      // With max_num_seqs 1 this can only finish if the aborted sequence left the batch.
      const r = await post(`${eng.url}/v1/completions`, { prompt: [4, 5], max_tokens: 4, ignore_eos: true });
      expect(r.json.usage.completion_tokens).toBe(4);
      expect(eng.stats().outputTokens).toBeLessThan(3000);
      const m = await (await fetch(`${eng.url}/metrics`)).text();
      expect(m).toContain('vllm:num_requests_running{model_name="abserve-engine"} 0');
    } finally {
      await eng.close();
    }
  });

  it('timeScale multiplies simulated step time; fixedStepMs replaces it', async () => {
    const stats = async (o: { timeScale?: number; fixedStepMs?: number }) => {
      const eng = await startEngine({ profile: 'tiny', env: {}, noise: false, ...o });
      try {
        await post(`${eng.url}/v1/completions`, { prompt: [1, 2, 3, 4], max_tokens: 5, ignore_eos: true });
        return eng.stats();
      } finally {
        await eng.close();
      }
    };
    const a = await stats({});
    const b = await stats({ timeScale: 3 });
    const c = await stats({ fixedStepMs: 1.5 });
    expect(a.steps).toBe(5);
    expect(b.simulatedMs).toBeCloseTo(3 * a.simulatedMs, 9);
    expect(c.simulatedMs).toBeCloseTo(5 * 1.5, 9);
  });
});

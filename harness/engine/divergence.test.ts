// Planted divergence: two engines with the same settings produce identical text for identical
// requests (whatever the instance or noise seed), and a diverging engine's text equals the
// baseline's up to output token N and differs from N on, for the share of requests asked.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Divergence, requestKey } from './divergence.js';
import { startEngine, type EngineHandle } from './server.js';

async function chat(e: EngineHandle, content: string, stream = false): Promise<{ text: string; finish: string }> {
  const res = await request(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content }], max_tokens: 40, min_tokens: 20, stream }),
  });
  const body = await res.body.text();
  if (!stream) {
    const j = JSON.parse(body) as { choices: { message: { content: string }; finish_reason: string }[] };
    return { text: j.choices[0].message.content, finish: j.choices[0].finish_reason };
  }
  let text = '';
  let finish = '';
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: {')) continue;
    const c = (JSON.parse(line.slice(6)) as { choices: { delta: { content?: string }; finish_reason: string | null }[] }).choices[0];
    text += c?.delta.content ?? '';
    if (c?.finish_reason) finish = c.finish_reason;
  }
  return { text, finish };
}

const PROMPTS = Array.from({ length: 30 }, (_, i) => `question number ${i} is here`);
const engines: EngineHandle[] = [];
const start = (o: Parameters<typeof startEngine>[0]) => startEngine({ profile: 'tiny', fixedStepMs: 0, ...o }).then((e) => (engines.push(e), e));
afterAll(() => Promise.all(engines.map((e) => e.close())));

describe('planted divergence', () => {
  let a1: EngineHandle, a2: EngineHandle, b: EngineHandle, half: EngineHandle;
  beforeAll(async () => {
    [a1, a2, b, half] = await Promise.all([
      start({ noiseSeed: 1 }),
      start({ noiseSeed: 2 }),
      start({ noiseSeed: 3, diverge: { prob: 1, at: 5 } }),
      start({ noiseSeed: 4, diverge: { prob: 0.5, at: 0, seed: 9 } }),
    ]);
  });

  it('same prompt, same text on every instance; diverged from token 5 on with prob 1', async () => {
    for (const p of PROMPTS.slice(0, 10)) {
      const [x, y, z, zs] = await Promise.all([chat(a1, p), chat(a2, p, true), chat(b, p), chat(b, p, true)]);
      expect(y).toEqual(x);
      expect(zs).toEqual(z); // streamed and whole bodies agree
      const xs = x.text.split(' ');
      const ws = z.text.split(' ');
      expect(ws.slice(0, 5)).toEqual(xs.slice(0, 5));
      expect(ws[5]).not.toBe(xs[5]);
      expect(ws.length).toBe(xs.length); // lengths and finish reasons are the baseline's
      expect(z.finish).toBe(x.finish);
    }
  });

  it('diverges the asked share of requests, the same ones on every run', async () => {
    const diverged = async () => {
      const out: boolean[] = [];
      for (const p of PROMPTS) out.push((await chat(half, p)).text !== (await chat(a1, p)).text);
      return out;
    };
    const first = await diverged();
    const n = first.filter(Boolean).length;
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(25);
    expect(await diverged()).toEqual(first);
    const d = new Divergence({ prob: 0.5, at: 0, seed: 9 });
    expect(d.forRequest(requestKey(123, undefined)) !== undefined).toBe(new Divergence({ prob: 0.5, at: 0, seed: 9 }).forRequest(requestKey(123, undefined)) !== undefined);
  });

  it('refuses bad options by field', () => {
    expect(() => new Divergence({ prob: 2, at: 0 })).toThrow('engine option diverge.prob: want a probability in [0, 1], got 2');
    expect(() => new Divergence({ prob: 1, at: 1.5 })).toThrow('engine option diverge.at');
  });
});

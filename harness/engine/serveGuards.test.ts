// The engine as a server (issue 10): --api-key answers 401 in OpenAI's error shape; a body over
// the limit gets 413, not a reset.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineHandle } from './index.js';

let e: EngineHandle;
beforeAll(async () => {
  e = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 1, noise: false, apiKey: 'sk-test-key' });
});
afterAll(() => e.close());

const BODY = () => JSON.stringify({ model: e.options.model, prompt: 'hi', max_tokens: 2 });
const post = (headers: Record<string, string>, body: string | Buffer) =>
  request(`${e.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('engine server guards (issue 10)', () => {
  it('answers 401 without the right bearer key, in OpenAI error shape, and serves with it', async () => {
    for (const h of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const r = await post(h, BODY());
      expect(r.statusCode).toBe(401);
      const j = (await r.body.json()) as { error: { message: string; type: string; code: number } };
      expect(j.error).toMatchObject({ type: 'AuthenticationError', code: 401 });
      expect(JSON.stringify(j)).not.toContain('sk-test-key');
    }
    const models = await request(`${e.url}/v1/models`);
    expect(models.statusCode).toBe(401);
    await models.body.dump();
    const ok = await post({ authorization: 'Bearer sk-test-key' }, BODY());
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
    const health = await request(`${e.url}/health`);
    expect(health.statusCode).toBe(200); // not under /v1: no key needed, as vLLM
    await health.body.dump();
  });

  it('answers 413 to a body over the limit instead of resetting the connection', async () => {
    const big = Buffer.alloc(17 * 1024 * 1024, 0x61);
    const r = await post({ authorization: 'Bearer sk-test-key' }, big);
    expect(r.statusCode).toBe(413);
    const j = (await r.body.json()) as { error: { code: number } };
    expect(j.error.code).toBe(413);
  });
});

describe('engine prompt length (issue 10)', () => {
  it('refuses 15 MB prompts with a 400 before tokenizing them (completions and chat), not a 500', async () => {
    const huge = 'abc '.repeat(15 * 1024 * 1024 / 4);
    const auth = { authorization: 'Bearer sk-test-key' };
    const bodies = [
      JSON.stringify({ model: e.options.model, prompt: huge, max_tokens: 2 }),
      JSON.stringify({ model: e.options.model, messages: [{ role: 'user', content: huge }], max_tokens: 2 }),
    ];
    const answers = await Promise.all(
      bodies.map(async (body, i) => {
        const r = await request(`${e.url}/v1/${i === 0 ? 'completions' : 'chat/completions'}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
        return { status: r.statusCode, json: (await r.body.json()) as { error: { message: string } } };
      }),
    );
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(a.json.error.message).toMatch(/maximum context length is \d+ tokens\. However, the prompt has at least 3932160 tokens/);
    }
  });
});

describe('engine faults keyed by request id (issue 10)', () => {
  it('a retry with the same x-request-id draws its fault anew (a ready check can get through)', async () => {
    const { faultFor, resolveFaults } = await import('./faults.js');
    const faults = { shares: { http_500: 0.5 }, seed: 9 };
    const plan = resolveFaults(faults);
    let id = '';
    for (let i = 0; id === ''; i++) {
      if (faultFor(plan, `r-${i}`)?.kind === 'http_500' && faultFor(plan, `r-${i}#1`) === undefined) id = `r-${i}`;
    }
    const f = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 1, noise: false, faults });
    try {
      const body = JSON.stringify({ model: f.options.model, prompt: 'hi', max_tokens: 2 });
      const codes: number[] = [];
      for (let k = 0; k < 2; k++) {
        const r = await request(`${f.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body });
        codes.push(r.statusCode);
        await r.body.dump();
      }
      expect(codes).toEqual([500, 200]);
    } finally {
      await f.close();
    }
  });
});

describe('engine close (abserve engine once ignored its first SIGINT for 10 minutes)', () => {
  it('ends a request waiting in a slow-headers fault: nothing of it keeps the process alive after close()', async () => {
    // Before: the wait's 10-minute timer outlived close() and held the stopped engine's process.
    const fixture = fileURLToPath(new URL('./fixtures/closeThenIdle.mjs', import.meta.url));
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    let timer: NodeJS.Timeout | undefined;
    try {
      const code = await Promise.race([
        once(child, 'exit').then(([c]) => c as number | null),
        new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 15_000))),
      ]);
      expect(out).toBe('closed\n');
      expect(code).toBe(0);
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});

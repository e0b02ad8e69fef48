// `abserve bench` as a user runs it: a child process against the embedded engine on loopback.
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineHandle } from '../engine/index.js';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const abserve = (args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });

let engine: EngineHandle;
const dir = testTempDir('abserve-bench-');

beforeAll(async () => {
  engine = await startEngine({ port: 0, profile: 'tiny' });
});
afterAll(async () => engine.close());

/** A loopback port nothing listens on (bound, then closed). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

describe('abserve bench against the embedded engine', () => {
  it('prints the vLLM block and saves vLLM-named JSON plus per-request JSONL', async () => {
    const out = path.join(dir, 'run1');
    const r = await abserve([
      'bench', '--base-url', engine.url, '--num-prompts', '12', '--random-input-len', '64',
      '--random-output-len', '16', '--ignore-eos', '--max-concurrency', '4', '--request-rate', '200',
      '--percentile-metrics', 'ttft,tpot,itl,e2el', '--metric-percentiles', '50,99', '--goodput', 'ttft:10000',
      '--save-result', '--result-dir', out, '--label', 'e2e', '--metadata', 'gpu=none',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const start = lines.indexOf('============ Serving Benchmark Result ============');
    expect(start).toBeGreaterThan(-1);
    expect(lines[start + 1]).toMatch(/^Successful requests: {21}12 {8}$/);
    expect(r.stdout).toMatch(/^Total generated tokens: +192 +$/m);
    expect(r.stdout).toMatch(/^Request goodput \(req\/s\): +\d+\.\d\d +$/m);
    expect(r.stdout).toMatch(/^P50 TTFT \(ms\): +\d+\.\d\d +$/m);
    expect(r.stdout).toMatch(/^-+End-to-end Latency-+$/m);

    const files = await readdir(out);
    const json = files.find((f) => f.endsWith('.json'))!;
    const saved = JSON.parse(await readFile(path.join(out, json), 'utf8'));
    expect(saved.completed).toBe(12);
    expect(saved.failed).toBe(0);
    expect(saved.total_output_tokens).toBe(192);
    expect(saved.max_concurrency).toBe(4);
    expect(saved.request_rate).toBe(200);
    expect(saved.label).toBe('e2e');
    expect(saved.gpu).toBe('none');
    expect(saved.output_lens).toEqual(Array(12).fill(16));
    expect(saved.ttfts).toHaveLength(12);
    expect(typeof saved.p50_e2el_ms).toBe('number');
    expect(typeof saved.abserve.histograms.ttft).toBe('string');
    expect(saved.abserve.partial).toBe(false);
    const jsonl = (await readFile(path.join(out, files.find((f) => f.endsWith('.requests.jsonl'))!), 'utf8'))
      .trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl).toHaveLength(12);
    expect(jsonl.every((x) => x.success && x.tokenTimes.length === 16)).toBe(true);
  });

  it('chat endpoint with text prompts: prompt lengths match the server exactly', async () => {
    const r = await abserve([
      'bench', '--base-url', engine.url, '--endpoint', '/v1/chat/completions', '--num-prompts', '6',
      '--random-input-len', '40', '--random-output-len', '8', '--random-range-ratio', '0.5', '--ignore-eos',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Successful requests: +6 +$/m);
    expect(r.stdout).toMatch(/^Prompt token count mismatches: +0 +$/m);
  });

  it('a run cut short by --run-timeout is saved and says it is partial', async () => {
    const slow = await startEngine({ port: 0, profile: 'tiny', fixedStepMs: 20 });
    try {
      const out = path.join(dir, 'partial');
      const r = await abserve([
        'bench', '--base-url', slow.url, '--num-prompts', '40', '--random-input-len', '8',
        '--random-output-len', '10', '--ignore-eos', '--max-concurrency', '2', '--run-timeout', '1.5',
        '--result-dir', out,
      ]);
      expect(r.exitCode).toBe(3);
      expect(r.stdout + r.stderr).toMatch(/partial/i);
      const json = (await readdir(out)).find((f) => f.endsWith('.json'))!;
      const saved = JSON.parse(await readFile(path.join(out, json), 'utf8'));
      expect(saved.abserve.partial).toBe(true);
      expect(saved.completed).toBeGreaterThan(0);
      expect(saved.completed).toBeLessThan(40);
      // The printed totals are flagged before vLLM's block's first line, and the JSON at its top.
      const lines = r.stdout.split('\n');
      const start = lines.indexOf('============ Serving Benchmark Result ============');
      expect(lines[start - 1]).toMatch(/^WARNING: partial run \(run timeout \(1500 ms\) reached; \d+ of 40 requests completed.*\): only requests that finished before the cut are counted$/);
      expect(saved.partial).toBe(true);
      expect(saved.partial_reason).toMatch(/^run timeout \(1500 ms\) reached; \d+ of 40 requests completed/);
    } finally {
      await slow.close();
    }
  });

  it('a dead server gives a clear error, not a stack trace, and does not hang', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, '--num-prompts', '2', '--ready-check-timeout-sec', '0']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^abserve: --base-url .*cannot reach [^;]*$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(Date.now() - t0).toBeLessThan(5_000);
    // Given as --host/--port (vLLM's other spelling), the error names those flags.
    const r2 = await abserve(['bench', '--port', String(port), '--num-prompts', '2', '--ready-check-timeout-sec', '0']);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`^abserve: --host/--port http://127\\.0\\.0\\.1:${port}: cannot reach [^;]*$`));
  });

  it('bad flag values name the flag and the value', async () => {
    const r = await abserve(['bench', '--base-url', engine.url, '--random-range-ratio', '1.5']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--random-range-ratio must be in \[0, 1\): got 1.5/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// vLLM's users start server and benchmark together: bench waits for /v1/models within
// --ready-check-timeout-sec (the user trial: exit 2 after 0.65 s with ECONNREFUSED).
describe('abserve bench started before the server', () => {
  const SMALL = ['--num-prompts', '4', '--random-input-len', '8', '--random-output-len', '4', '--ignore-eos', '--disable-progress'];

  /** Resolves once the child has said it is waiting for the server; rejects if it ends first. */
  const waiting = (child: ReturnType<typeof abserve>) =>
    Promise.race([
      new Promise<void>((resolve) => child.stderr!.on('data', (b: Buffer) => /retrying for up to|waiting up to/.test(String(b)) && resolve())),
      child.then((r) => {
        throw new Error(`bench ended before waiting for the server (exit ${r.exitCode}): ${r.stderr}`);
      }),
    ]);

  it('waits for an engine that starts listening only after bench has tried, then runs', async () => {
    const port = await freePort();
    const child = abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, '--ready-check-timeout-sec', '20', ...SMALL]);
    let late: EngineHandle | undefined;
    try {
      await waiting(child);
      late = await startEngine({ port, host: '127.0.0.1', profile: 'tiny' });
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Successful requests: +4 +$/m);
      // One note when the wait starts (then one per 5 s at most): not one per try. Nothing listened
      // yet, so it says that (a mistyped port shows at once).
      const notes = r.stderr.split('\n').filter((l) => /retrying for up to|waiting up to/.test(l));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toBe(
        `abserve bench: nothing listening at http://127.0.0.1:${port} (ECONNREFUSED); waiting up to ${notes[0]!.includes('up to 20 s') ? 20 : 19} s for it (--ready-check-timeout-sec)`,
      );
      // and says when the server answered, before the run's own output
      expect(r.stderr).toMatch(new RegExp(`^abserve: http://127.0.0.1:${port} answered after \\d+\\.\\d s; starting$`, 'm'));
    } finally {
      child.kill();
      await late?.close();
    }
  });

  it('gives up at --ready-check-timeout-sec with one line naming the URL, the cause and the wait', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, '--ready-check-timeout-sec', '1.5', ...SMALL]);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(
      /^abserve: --base-url http:\/\/127\.0\.0\.1:\d+: cannot reach .*\/v1\/models \(ECONNREFUSED.*\); gave up after waiting 1\.\d s \((1 try|\d+ tries)\)$/, // 1 try on a busy machine
    );
    expect(lines).toHaveLength(2); // the note, then the error
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(Date.now() - t0).toBeLessThan(20_000); // the wait is 1.5 s (its own line says so); Node + tsx start took 9.5 s on a loaded 2-core box
  });

  it('Ctrl-C during the wait stops it at once: exit 130, no stack trace, nothing saved', async () => {
    const port = await freePort();
    const out = path.join(dir, 'sigint-wait');
    const child = abserve(['bench', '--base-url', `http://127.0.0.1:${port}`, '--result-dir', out, ...SMALL]);
    await waiting(child);
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await child;
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('waiting up to 600 s for it');
    expect(r.stderr).toMatch(/SIGINT: stopping; nothing has run yet/); // not "completed requests are kept"
    expect(r.stderr).toMatch(/abserve: interrupted while waiting for http:\/\/127\.0\.0\.1:\d+: nothing ran, nothing saved\n?$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });
});

/** A pass-through proxy in front of the engine that keeps every request's path, headers and body. */
async function recordingProxy(target: string) {
  const seen: { url: string; headers: IncomingHttpHeaders; body: Record<string, unknown> | undefined }[] = [];
  const server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    seen.push({ url: req.url!, headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined });
    const up = await fetch(target + req.url, { method: req.method, headers: { 'content-type': 'application/json' }, body: raw || undefined });
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
    for await (const c of up.body!) res.write(c);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("vLLM's bench serve flags reach the server", () => {
  it('--served-model-name, --request-id-prefix and sampling flags are in every request; --model is saved', async () => {
    const proxy = await recordingProxy(engine.url);
    const served = ((await (await fetch(`${engine.url}/v1/models`)).json()) as { data: { id: string }[] }).data[0]!.id;
    try {
      const out = path.join(dir, 'vllm-flags');
      const r = await abserve([
        'bench', '--base-url', proxy.url, '--backend', 'vllm', '--model', 'org/tiny-model', '--served-model-name', served,
        '--request-id-prefix', 'trial7-', '--temperature', '0.5', '--top-p', '0.9', '--top-k', '20', '--min-p', '0.05',
        '--logprobs', '1', '--num-prompts', '3', '--random-input-len', '8', '--random-output-len', '4', '--ignore-eos',
        '--disable-tqdm', '--trust-remote-code', '--tokenizer-mode', 'auto', '--save-result', '--save-detailed', '--result-dir', out,
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toContain('abserve: --trust-remote-code has no effect');
      const sent = proxy.seen.filter((x) => x.url === '/v1/completions');
      expect(sent.length).toBeGreaterThanOrEqual(3);
      for (const x of sent) {
        expect(x.body).toMatchObject({ model: served, temperature: 0.5, top_p: 0.9, top_k: 20, min_p: 0.05, logprobs: 1 });
        expect(x.headers['x-request-id']).toMatch(/^trial7-(warmup-)?\d+$/);
      }
      expect(sent.map((x) => x.headers['x-request-id'])).toEqual(expect.arrayContaining(['trial7-0', 'trial7-1', 'trial7-2']));
      const files = await readdir(out);
      const json = files.find((f) => f.endsWith('.json'))!;
      expect(json).toMatch(/^vllm-infqps-tiny-model-\d{8}-\d{6}\.json$/);
      const saved = JSON.parse(await readFile(path.join(out, json), 'utf8'));
      expect([saved.backend, saved.endpoint_type, saved.model_id]).toEqual(['vllm', 'vllm', 'org/tiny-model']);
      // --save-detailed: vLLM's per-request lists.
      for (const k of ['input_lens', 'output_lens', 'ttfts', 'itls', 'generated_texts', 'errors']) expect(saved[k]).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });

  it('--backend openai-chat sends chat requests and saves as openai-chat, file name included', async () => {
    const proxy = await recordingProxy(engine.url);
    try {
      const out = path.join(dir, 'chat-backend');
      const r = await abserve([
        'bench', '--base-url', proxy.url, '--backend', 'openai-chat', '--num-prompts', '2', '--random-input-len', '8',
        '--random-output-len', '4', '--disable-progress', '--save-result', '--result-dir', out,
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(proxy.seen.filter((x) => x.url === '/v1/chat/completions').length).toBeGreaterThanOrEqual(2);
      expect(proxy.seen.filter((x) => x.url === '/v1/completions')).toEqual([]);
      const json = (await readdir(out)).find((f) => f.endsWith('.json'))!;
      expect(json).toMatch(/^openai-chat-infqps-/);
      const saved = JSON.parse(await readFile(path.join(out, json), 'utf8'));
      expect([saved.backend, saved.endpoint_type]).toEqual(['openai-chat', 'openai-chat']);
    } finally {
      await proxy.close();
    }
  });

  it('--endpoint /v1/chat/completions alone saves as openai-chat too; a contradicting --backend is one line', async () => {
    const out = path.join(dir, 'chat-endpoint');
    const r = await abserve([
      'bench', '--base-url', engine.url, '--endpoint', '/v1/chat/completions', '--num-prompts', '2', '--random-input-len', '8',
      '--random-output-len', '4', '--disable-progress', '--save-result', '--result-dir', out, '--metric-percentiles', '50,100',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^P100 TTFT \(ms\): +\d+\.\d\d +$/m);
    const json = (await readdir(out)).find((f) => f.endsWith('.json'))!;
    expect(json).toMatch(/^openai-chat-infqps-/);
    const saved = JSON.parse(await readFile(path.join(out, json), 'utf8'));
    expect([saved.backend, saved.endpoint_type]).toEqual(['openai-chat', 'openai-chat']);
    expect(typeof saved.p100_ttft_ms).toBe('number');
    const bad = await abserve(['bench', '--base-url', engine.url, '--backend', 'openai', '--endpoint', '/v1/chat/completions']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^(abserve: )?--backend openai sends \/v1\/completions requests but --endpoint is \/v1\/chat\/completions; give one or make them agree$/);
  });
});

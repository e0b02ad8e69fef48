import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { pendingCleanups } from './cleanup.js';
import { createTarget } from './index.js';
import { startMetricsScraper } from './metricsScraper.js';
import { resetPrefixCache } from './prefixCache.js';

const dir = mkdtempSync(join(tmpdir(), 'abserve-engine-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};


describe('engine target', () => {
  it('starts the embedded engine with the arm env and args, logs to the file, and leaves no process after stop', async () => {
    const logFile = join(dir, 'engine.log');
    const target = createTarget({ kind: 'engine', profile: 'tiny', args: ['--noise', 'off'], startTimeoutMs: 30_000 });
    const session = await target.start({ name: 'a', env: { ABSERVE_TEST_MARK: '1' }, serverArgs: ['--model', 'armed'] }, { logFile });
    const res = await request(`${session.url}/v1/models`);
    expect(((await res.body.json()) as { data: { id: string }[] }).data[0].id).toBe('armed');
    expect(pendingCleanups()).toBe(1);

    // The scraper against the real exporter: values parsed, one JSONL line per scrape.
    const metricsFile = join(dir, 'metrics.jsonl');
    const scraper = startMetricsScraper(session.url, { intervalMs: 100, file: metricsFile });
    const gen = await request(`${session.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'armed', prompt: 'hello there', max_tokens: 5, ignore_eos: true }),
    });
    expect(gen.statusCode).toBe(200);
    await gen.body.dump();
    await sleep(350);
    const series = await scraper.stop();
    expect(series.supported).toBe(true);
    expect(series.t_s.length).toBeGreaterThanOrEqual(3);
    expect(series.t_s[0]).toBeLessThan(0.1);
    expect(series.running.every((v) => v !== null && v >= 0)).toBe(true);
    expect(series.waiting.every((v) => v === 0)).toBe(true);
    expect(series.generation_tokens_total.at(-1)).toBe(5);
    expect(series.prompt_tokens_total.at(-1)).toBeGreaterThan(0);
    const lines = readFileSync(metricsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(series.t_s.length);
    expect(Object.keys(lines[0])).toEqual(['t_ms', 'running', 'waiting', 'kv_cache_usage', 'generation_tokens_total', 'prompt_tokens_total']);

    // The engine has no /reset_prefix_cache: reported as absent, not as an error.
    expect(await resetPrefixCache(session.url)).toBe(false);

    const pid = session.pid!;
    expect(alive(pid)).toBe(true);
    await session.stop();
    await session.stop();
    expect(pendingCleanups()).toBe(0);
    expect(readFileSync(logFile, 'utf8')).toMatch(/abserve engine listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(session.logTail()).toMatch(/listening/);
    expect(alive(pid)).toBe(false);
    await expect(request(`${session.url}/v1/models`)).rejects.toThrow(/ECONNREFUSED|fetch failed|connect/);
  });

  it('aborting during start-up kills the engine and rejects promptly', async () => {
    const ac = new AbortController();
    const target = createTarget({ kind: 'engine', profile: 'tiny', args: [], startTimeoutMs: 30_000 });
    const started = target.start({ name: 'a', env: {}, serverArgs: [] }, { signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 20);
    const err = (await started) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe('embedded engine: start-up aborted');
    expect(pendingCleanups()).toBe(0);
  });

  it('an engine that cannot start is a UserError with its output, and nothing stays registered', async () => {
    const target = createTarget({ kind: 'engine', profile: 'no-such-profile', args: [], startTimeoutMs: 30_000 });
    const err = (await target.start({ name: 'a', env: {}, serverArgs: [] }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/exited \(code 2\) before it was ready:\n[\s\S]*no-such-profile/);
    expect(pendingCleanups()).toBe(0);
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { defaultRunName, safeFileName, writeRunResults } from './writeResults.js';
import { parsePyJson } from './pyJson.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'abserve-results-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeRunResults', () => {
  const records = [
    rec({ index: 0, warmup: true, tokenTimes: [1, 2] }),
    rec({ index: 0, sentAt: 0, tokenTimes: [100, 150], text: 'hi' }),
    rec({ index: 1, sentAt: 0, success: false, failure: { kind: 'http_5xx', message: 'HTTP 500: x' } }),
  ];
  const info = runInfo({ maxConcurrency: 16, label: 'arm-a' });
  const result = aggregate(records, info);

  it('writes the JSON and one JSONL line per record with derived metrics', async () => {
    const out = path.join(dir, 'nested', 'run1');
    const files = await writeRunResults(out, result, records, { name: 'r' });
    expect(files).toEqual({ json: path.join(out, 'r.json'), requestsJsonl: path.join(out, 'r.requests.jsonl') });
    expect(readdirSync(out).sort()).toEqual(['r.json', 'r.requests.jsonl']);

    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json.completed).toBe(1);
    expect(json.failed).toBe(1);

    const lines = readFileSync(files.requestsJsonl, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[1].text).toBe('hi');
    expect(lines[1].metrics.ttftMs).toBe(100);
    expect(lines[1].metrics.itlsMs).toEqual([50]);
    expect(lines[1].metrics).not.toHaveProperty('text');
    expect(lines[2].metrics.success).toBe(false);
  });

  it('names files like vLLM by default', () => {
    // {label}-{request_rate}qps-concurrency{N}-{model basename}-{date}
    expect(defaultRunName(result)).toBe('arm-a-infqps-concurrency16-DeepSeek-R1-20250410-123456');
    expect(defaultRunName(aggregate([], runInfo({ requestRate: 4 })))).toBe('openai-4.0qps-DeepSeek-R1-20250410-123456');
    // vLLM's file name starts with --backend: openai-chat for chat (never openai), vllm as given.
    expect(defaultRunName(aggregate([], runInfo({ requestRate: 4, endpoint: '/v1/chat/completions', backend: 'openai' }))))
      .toBe('openai-chat-4.0qps-DeepSeek-R1-20250410-123456');
    expect(defaultRunName(aggregate([], runInfo({ requestRate: 4, backend: 'vllm' })))).toBe('vllm-4.0qps-DeepSeek-R1-20250410-123456');
  });
});

describe('writeRunResults: what vLLM writes, and only inside the directory (issue 10)', () => {
  it('saves burstiness inf as Infinity (as Python json does), not null, and ramp-up fields', async () => {
    const info = runInfo({
      burstiness: Infinity,
      rampUp: { strategy: 'linear', startRps: 1, endRps: 3 },
      rpsChangeEvents: [{ rps: 1, timestamp: '2025-04-10T12:34:56.789' }],
    });
    const r = aggregate([rec({ index: 0, tokenTimes: [1, 2] })], info);
    const files = await writeRunResults(dir, r, []);
    expect(path.basename(files.json)).toBe('openai-ramp-up-linear-1.0qps-3.0qps-DeepSeek-R1-20250410-123456.json');
    const text = readFileSync(files.json, 'utf8');
    expect(text).toContain('"burstiness":Infinity');
    const j = parsePyJson(text) as Record<string, unknown>;
    expect(j.burstiness).toBe(Infinity);
    expect(j.ramp_up_strategy).toBe('linear');
    expect(j.ramp_up_start_rps).toBe(1);
    expect(j.ramp_up_end_rps).toBe(3);
    expect(j.rps_change_events).toEqual([{ rps: 1, timestamp: '2025-04-10T12:34:56.789' }]);
    // vLLM's order: ramp fields right after max_concurrency.
    const keys = Object.keys(j);
    expect(keys.indexOf('ramp_up_strategy')).toBe(keys.indexOf('max_concurrency') + 1);
  });

  it('turns labels into safe file names that stay in the result directory', async () => {
    for (const label of ['../../x', 'org/name', '..', '.hidden', 'a\\b:c']) {
      const r = aggregate([], runInfo({ label }));
      const files = await writeRunResults(path.join(dir, 'out'), r, []);
      expect(path.dirname(files.json)).toBe(path.join(dir, 'out'));
      expect(path.basename(files.json).startsWith('.')).toBe(false);
      expect(path.basename(files.json)).not.toMatch(/[\/\\]|\.\./);
    }
    expect(safeFileName('../../x')).toBe('____x');
    expect(safeFileName('org/name')).toBe('org_name');
    expect(readdirSync(dir)).toEqual(['out']);
  });
});

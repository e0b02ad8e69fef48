import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregate } from '../metrics/aggregate.js';
import { rec, runInfo } from '../metrics/testFixtures.js';
import { defaultRunName, writeRunResults } from './writeResults.js';

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
  });
});

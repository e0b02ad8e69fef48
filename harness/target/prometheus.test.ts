import { describe, expect, it } from 'vitest';
import { EngineMetrics } from '../engine/metrics.js';
import { extract } from './metricsScraper.js';
import { meanOf, parsePrometheus, sumOf } from './prometheus.js';

describe('parsePrometheus', () => {
  it('reads names, labels (escapes, commas, braces) and values; skips comments, blanks, timestamps', () => {
    const text = [
      '# HELP vllm:num_requests_running Number of requests.',
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{model_name="m",engine="0"} 3.0',
      'vllm:num_requests_running{model_name="m",engine="1"} 2',
      '',
      'plain_metric 1.5e3 1712345678000',
      'odd{path="/a,b}c",quote="say \\"hi\\"",nl="x\\ny",back="a\\\\b",} -7',
      'special{k="v"} NaN',
      'up +Inf',
      'down -Inf',
    ].join('\n');
    const s = parsePrometheus(text);
    expect(s.map((x) => x.name)).toEqual([
      'vllm:num_requests_running',
      'vllm:num_requests_running',
      'plain_metric',
      'odd',
      'special',
      'up',
      'down',
    ]);
    expect(s[0].labels).toEqual({ model_name: 'm', engine: '0' });
    expect(s[2]).toEqual({ name: 'plain_metric', labels: {}, value: 1500 });
    expect(s[3].labels).toEqual({ path: '/a,b}c', quote: 'say "hi"', nl: 'x\ny', back: 'a\\b' });
    expect(s[3].value).toBe(-7);
    expect(Number.isNaN(s[4].value)).toBe(true);
    expect(s[5].value).toBe(Infinity);
    expect(s[6].value).toBe(-Infinity);
    expect(sumOf(s, 'vllm:num_requests_running')).toBe(5);
    expect(meanOf(s, 'vllm:num_requests_running')).toBe(2.5);
    expect(sumOf(s, 'absent')).toBeNull();
  });

  it('skips malformed lines instead of failing the scrape', () => {
    const s = parsePrometheus(['ok 1', 'no_value', 'bad{unclosed="x} 1', 'bad2{k=v} 1', '9starts_with_digit 1', 'word abc', 'ok2 2'].join('\n'));
    expect(s.map((x) => [x.name, x.value])).toEqual([
      ['ok', 1],
      ['ok2', 2],
    ]);
  });

  it('reads what the embedded engine exports', () => {
    const m = new EngineMetrics('model-x', { running: () => 4, waiting: () => 2 });
    m.finished(1200, 100, 20, 'length');
    m.firstToken(50);
    const v = extract(parsePrometheus(m.render()));
    expect(v).toEqual({ running: 4, waiting: 2, kv_cache_usage: null, generation_tokens_total: 20, prompt_tokens_total: 100 });
  });

  it('takes vLLM v1 kv_cache_usage_perc, else v0 gpu_cache_usage_perc', () => {
    expect(extract(parsePrometheus('vllm:gpu_cache_usage_perc{m="a"} 0.25')).kv_cache_usage).toBe(0.25);
    expect(extract(parsePrometheus('vllm:kv_cache_usage_perc{e="0"} 0.5\nvllm:kv_cache_usage_perc{e="1"} 0.7\nvllm:gpu_cache_usage_perc 0.1')).kv_cache_usage).toBeCloseTo(0.6);
  });
});

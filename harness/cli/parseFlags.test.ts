import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { parseGoodput, parseMetadata, parseMetricPercentiles, parsePercentileMetrics, parseRate, requestExtraBody } from './parseFlags.js';

describe('flag parsers', () => {
  it('parses rates, inf included, and rejects nonsense naming the flag', () => {
    expect(parseRate('--request-rate', 'inf')).toBe(Infinity);
    expect(parseRate('--request-rate', '2.5')).toBe(2.5);
    expect(() => parseRate('--request-rate', 'fast')).toThrow(/--request-rate.*fast/);
    expect(() => parseRate('--request-rate', '0')).toThrow(UserError);
  });
  it('parses goodput SLOs in vLLM form', () => {
    expect(parseGoodput(['ttft:500', 'tpot:50'])).toEqual({ ttft: 500, tpot: 50 });
    expect(parseGoodput(undefined)).toBeUndefined();
    expect(() => parseGoodput(['itl:5'])).toThrow(/--goodput.*itl:5/);
    expect(() => parseGoodput(['ttft:-1'])).toThrow(UserError);
  });
  it('parses metric lists and metadata', () => {
    expect(parsePercentileMetrics('ttft,e2el')).toEqual(['ttft', 'e2el']);
    expect(() => parsePercentileMetrics('ttft,foo')).toThrow(/foo/);
    expect(parseMetricPercentiles('50,99.9')).toEqual([50, 99.9]);
    expect(() => parseMetricPercentiles('100')).toThrow(/--metric-percentiles/);
    expect(parseMetadata(['gpu=H100', 'note=a=b'])).toEqual({ gpu: 'H100', note: 'a=b' });
    expect(() => parseMetadata(['novalue'])).toThrow(/novalue/);
  });

  it('builds the request extra body as vLLM does: greedy unless a temperature is given, --extra-body wins', () => {
    expect(requestExtraBody({})).toEqual({ temperature: 0 });
    expect(requestExtraBody({ temperature: 0.7, ignoreEos: true, minTokens: 3 })).toEqual({ temperature: 0.7, ignore_eos: true, min_tokens: 3 });
    expect(requestExtraBody({ extraBody: '{"temperature":1,"top_p":0.9}' })).toEqual({ temperature: 1, top_p: 0.9 });
    expect(requestExtraBody({ temperature: 0.5, extraBody: '{"temperature":1}' })).toEqual({ temperature: 1 });
    expect(() => requestExtraBody({ extraBody: '[1]' })).toThrow(/--extra-body/);
    // NaN from yargs (`--min-tokens abc`) would be sent as null and fail every request at the server.
    expect(() => requestExtraBody({ minTokens: Number.NaN })).toThrow(/--min-tokens/);
    expect(() => requestExtraBody({ minTokens: 1.5 })).toThrow(UserError);
    expect(() => requestExtraBody({ temperature: Number.NaN })).toThrow(/--temperature/);
    expect(() => requestExtraBody({ temperature: -1 })).toThrow(/--temperature/);
  });
});

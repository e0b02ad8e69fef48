import { describe, expect, it } from 'vitest';
import { httpKind, RequestTimeout, RunAborted, StreamFailed, transportError } from './failure.js';

describe('failure kinds', () => {
  it('maps HTTP statuses to kinds, 429 apart from other 4xx', () => {
    expect(httpKind(429)).toBe('http_429');
    expect(httpKind(400)).toBe('http_4xx');
    expect(httpKind(404)).toBe('http_4xx');
    expect(httpKind(500)).toBe('http_5xx');
    expect(httpKind(503)).toBe('http_5xx');
  });

  it('maps transport errors by code, also when the code is only on the cause', () => {
    const err = (code: string, causeCode?: string) =>
      Object.assign(new Error(`boom ${code}`), { code, ...(causeCode ? { cause: Object.assign(new Error('inner'), { code: causeCode }) } : {}) });
    expect(transportError(err('ECONNREFUSED'), 1000).kind).toBe('refused');
    expect(transportError(err('UND_ERR_CONNECT_TIMEOUT'), 1000).kind).toBe('refused');
    expect(transportError(err('ECONNRESET'), 1000).kind).toBe('reset');
    expect(transportError(err('UND_ERR_SOCKET'), 1000).kind).toBe('reset');
    expect(transportError(err('X_UNKNOWN', 'ECONNRESET'), 1000).kind).toBe('reset');
    expect(transportError(err('UND_ERR_BODY_TIMEOUT'), 250)).toEqual({ kind: 'stall', message: 'stalled: no bytes from the server for 250 ms' });
    expect(transportError(err('UND_ERR_HEADERS_TIMEOUT'), 250).kind).toBe('stall');
    expect(transportError(new Error('weird'), 1000)).toEqual({ kind: 'other', message: 'weird' });
  });

  it('keeps our own abort reasons and a stream failure as they are', () => {
    expect(transportError(new RequestTimeout(300), 1).kind).toBe('timeout');
    expect(transportError(new RunAborted(new Error('Ctrl-C')), 1)).toEqual({ kind: 'aborted', message: 'aborted: Ctrl-C' });
    const f = { kind: 'malformed_sse' as const, message: 'x' };
    expect(transportError(new StreamFailed(f), 1)).toBe(f);
  });
});

import { describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { expectedFaults, faultFor, resolveFaults, FAULT_KINDS } from './faults.js';
import { breakEvent } from './faultsResponse.js';

const keys = (n: number) => Array.from({ length: n }, (_, i) => `abserve-${i}`);

describe('engine fault plan (issue 10)', () => {
  it('is a pure function of seed and request key, near the configured shares', () => {
    const f = resolveFaults({ shares: { http_500: 0.1, reset: 0.2 }, seed: 7 });
    expect(keys(50).map((k) => faultFor(f, k)?.kind)).toEqual(keys(50).map((k) => faultFor(resolveFaults({ shares: { http_500: 0.1, reset: 0.2 }, seed: 7 }), k)?.kind));
    const n = expectedFaults(f, keys(10_000));
    expect(n.http_500 / 10_000).toBeCloseTo(0.1, 1);
    expect(n.reset / 10_000).toBeCloseTo(0.2, 1);
    expect(n.stall).toBe(0);
    const other = expectedFaults(resolveFaults({ shares: { http_500: 0.1, reset: 0.2 }, seed: 8 }), keys(10_000));
    expect(other).not.toEqual(n);
  });

  it('rejects bad shares naming the flag', () => {
    expect(() => resolveFaults({ shares: { stall: 1.5 } })).toThrow(/--fault-stall: want a share in \[0, 1\], got 1.5/);
    expect(() => resolveFaults({ shares: { reset: 0.6, truncate: 0.6 } })).toThrow(UserError);
    expect(() => resolveFaults({ shares: { nope: 0.1 } as never })).toThrow(/unknown kind "nope"/);
    expect(FAULT_KINDS).toHaveLength(9);
  });

  it('breaks an SSE write in each malformed way', () => {
    const ev = 'data: {"choices":[{"text":"a"}]}\n\n';
    expect(breakEvent(ev, 'no_data_prefix')).toBe('{"choices":[{"text":"a"}]}\n\n');
    expect(breakEvent(ev, 'no_blank_line')).toBe('data: {"choices":[{"text":"a"}]}\n');
    expect(breakEvent(ev, 'garbage').startsWith('\u0000')).toBe(true);
    expect(() => JSON.parse(breakEvent(ev, 'bad_json').slice(6).trim())).toThrow();
  });
});

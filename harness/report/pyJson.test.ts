import { describe, expect, it } from 'vitest';
import { parsePyJson, stringifyPyJson } from './pyJson.js';

describe('Python-style JSON (issue 10: non-finite numbers as vLLM saves them)', () => {
  it('writes NaN / Infinity / -Infinity as bare tokens, as json.dumps does', () => {
    expect(stringifyPyJson({ burstiness: Infinity, a: [NaN, -Infinity, 1.5], s: 'Infinity' })).toBe(
      '{"burstiness":Infinity,"a":[NaN,-Infinity,1.5],"s":"Infinity"}',
    );
  });

  it('reads them back, leaving look-alikes inside strings alone', () => {
    const text = '{"burstiness": Infinity, "x": [NaN, -Infinity], "s": "NaN \\" Infinity", "n": null}';
    const v = parsePyJson(text) as Record<string, unknown>;
    expect(v.burstiness).toBe(Infinity);
    expect(v.x).toEqual([NaN, -Infinity]);
    expect(v.s).toBe('NaN " Infinity');
    expect(v.n).toBeNull();
    expect(() => parsePyJson('{"a": Infinit}')).toThrow(SyntaxError);
  });

  it('round-trips', () => {
    const v = { a: Infinity, b: { c: [NaN, 0, -0.5, 'x'] } };
    expect(parsePyJson(stringifyPyJson(v, 2))).toEqual(v);
  });
});

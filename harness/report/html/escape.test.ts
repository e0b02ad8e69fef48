import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escape.js';

describe('escapeHtml', () => {
  it('turns every markup-significant character into an entity', () => {
    expect(escapeHtml(`<img src=x onerror="alert(1)">&'`)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
  });
  it('escapes & first, so existing entities are shown literally', () => {
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
  it('stringifies non-strings', () => {
    expect(escapeHtml(42)).toBe('42');
    expect(escapeHtml(null)).toBe('null');
  });
});

describe('jsonForScript', () => {
  const hostile = { arm: '</script><script>window.pwned=1</script>', note: '<!-- x -->', amp: 'a&b', ls: 'a\u2028b\u2029c' };
  it('contains no < > & or raw line separators', () => {
    const s = jsonForScript(hostile);
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(s).toContain('\\u003c/script\\u003e');
  });
  it('parses back to the same value', () => {
    expect(JSON.parse(jsonForScript(hostile))).toEqual(hostile);
    expect(JSON.parse(jsonForScript([1.5, null, 'ü']))).toEqual([1.5, null, 'ü']);
  });
});

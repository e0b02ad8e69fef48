// JSON as Python's json module writes and reads it: non-finite floats are the bare tokens NaN,
// Infinity and -Infinity (json.dump's default allow_nan=True). vLLM's --save-result files carry
// them (e.g. `"burstiness": Infinity`), so ours do too, and readers of either must accept them;
// JSON.stringify would silently turn them into null.

/**
 * Serialize like `json.dumps(value)` for the values we write: non-finite numbers become NaN /
 * Infinity / -Infinity; everything else as JSON.stringify (same `indent`).
 */
export function stringifyPyJson(value: unknown, indent = 0): string {
  // A marker no real string can contain (the nonce is random per call), swapped back afterwards.
  const nonce = Math.random().toString(36).slice(2);
  const mark = (s: string) => `"~pyjson~${nonce}:${s}"`;
  const text = JSON.stringify(
    value,
    (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `~pyjson~${nonce}:${String(v)}` : v),
    indent,
  );
  return text
    .split(mark('NaN')).join('NaN')
    .split(mark('Infinity')).join('Infinity')
    .split(mark('-Infinity')).join('-Infinity');
}

/**
 * Parse JSON that may hold Python's NaN / Infinity / -Infinity tokens (outside strings).
 * Throws SyntaxError like JSON.parse for anything else that is not JSON.
 */
export function parsePyJson(text: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  const sentinel: Record<string, number> = {};
  const nonce = Math.random().toString(36).slice(2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    for (const tok of ['-Infinity', 'Infinity', 'NaN']) {
      if (text.startsWith(tok, i)) {
        const key = `~pyjson~${nonce}:${tok}`;
        sentinel[key] = Number(tok);
        out += text.slice(last, i) + JSON.stringify(key);
        i += tok.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  out += text.slice(last);
  return JSON.parse(out, (_k, v) => (typeof v === 'string' && v in sentinel ? sentinel[v] : v));
}

// The few pieces of Python's str.format that vLLM's result block uses, reproduced exactly:
// `{:<40}`, `{:<10}`, `{:<10.2f}` and `{s:{c}^{n}}`.

/** Python `format(x, '.Nf')`: correctly rounded, ties to even (JS toFixed rounds ties away from 0). */
export function pyFixed(x: number, digits = 2): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(digits);
  if (Object.is(x, -0)) return '-' + s; // Python keeps the sign of -0.0; toFixed drops it
  if (!isExactTie(x, digits) || Number(s[s.length - 1]) % 2 === 0) return s;
  // Exact tie rounded up to an odd digit: Python takes the even neighbour below, i.e. truncates.
  const exact = Math.abs(x).toFixed(digits + 1); // exact: a tie has exactly digits+1 decimals
  const down = exact.slice(0, digits === 0 ? -2 : -1);
  return (x < 0 ? '-' : '') + down;
}

// True when |x| * 10^digits is exactly k + 0.5, read off the exact decimal expansion of the double.
// Only doubles that are multiples of 1/8 above the last digit can be ties, e.g. 0.125 or 2.5.
function isExactTie(x: number, digits: number): boolean {
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const frac = exact.slice(exact.indexOf('.') + 1);
  return frac[digits] === '5' && /^0*$/.test(frac.slice(digits + 1));
}

/** Python `'{:<w}'.format(v)` for a str or int. */
export function padLeft(v: string | number, width: number): string {
  return String(v).padEnd(width, ' ');
}

/** Python `'{s:{c}^{n}}'.format(...)`: extra fill goes to the right. */
export function centre(s: string, width: number, fill: string): string {
  const pad = Math.max(0, width - s.length);
  const left = Math.floor(pad / 2);
  return fill.repeat(left) + s + fill.repeat(pad - left);
}

/** `'{:<40} {:<10}'` line for an int or string value. */
export function lineInt(label: string, v: number | string): string {
  return `${padLeft(label, 40)} ${padLeft(String(v), 10)}`;
}

/** `'{:<40} {:<10.2f}'` line. */
export function lineFloat(label: string, v: number): string {
  return `${padLeft(label, 40)} ${padLeft(pyFixed(v, 2), 10)}`;
}

/**
 * vLLM's percentile word, `str(int(p)) if int(p) == p else str(p)`: 99 -> "99", 99.9 -> "99.9".
 * JS String() already drops ".0" and prints the same shortest round-trip digits as Python.
 */
export function pWord(p: number): string {
  return String(p);
}

// A parser for the Prometheus text exposition format (version 0.0.4), the /metrics format of vLLM
// and of the embedded engine. Our own, not a library: we need only sample lines (name, labels,
// value), the one npm parser is unmaintained and untyped, and this is 40 lines with tests.
// Comments (# HELP, # TYPE) and timestamps are skipped; malformed lines are skipped, never fatal
// (a scrape is advisory and must not end a run).

/** One sample: `name{labels} value`. Values may be NaN or +-Infinity as the format allows. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

/** Parse a whole exposition into samples, in order. */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const value = parseValue(m[3]);
    if (value === undefined) continue;
    const labels = m[2] === undefined ? {} : parseLabels(m[2]);
    if (labels === undefined) continue;
    out.push({ name: m[1], labels, value });
  }
  return out;
}

function parseValue(s: string): number | undefined {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const v = Number(s);
  return s !== '' && !Number.isNaN(v) ? v : undefined;
}

function parseLabels(s: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < s.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(s);
    if (!m) return s.slice(start).trim() === '' ? labels : undefined;
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_x, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** Sum of every sample named `name` (all label sets), or null when there is none. */
export function sumOf(samples: Sample[], name: string): number | null {
  let found = false;
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    found = true;
    sum += s.value;
  }
  return found ? sum : null;
}

/** Mean of every sample named `name`, or null when there is none. */
export function meanOf(samples: Sample[], name: string): number | null {
  const v = samples.filter((s) => s.name === name).map((s) => s.value);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

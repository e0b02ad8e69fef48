// Reading a result file written by the standalone native/mas_bench (or `abserve micro --json`):
// every field the report and `abserve predict` read is checked first, so a truncated or foreign
// file is one line naming the file and what is missing, never a TypeError from the formatter.
import { UserError } from '../common/errors.js';
import type { MicroResult } from './types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** What is wrong with case `c` (at index `i`) for the report, or null. */
function caseProblem(c: unknown, i: number): string | null {
  const at = `cases[${i}]`;
  if (!isObj(c)) return `${at} is not an object`;
  if (c.device !== 'cpu' && c.device !== 'gpu') return `${at} has no "device" (cpu or gpu)`;
  if (typeof c.dtype !== 'string') return `${at} has no "dtype"`;
  for (const k of ['T', 'H', 'D'] as const) if (!isNum(c[k])) return `${at} has no number "${k}"`;
  if (typeof c.error === 'string') return null; // a case that failed: reported as its error
  if (!isNum(c.bytes)) return `${at} has no number "bytes"`;
  if (!isObj(c.copy)) return `${at} has no "copy" timing`;
  if (!Array.isArray(c.impls)) return `${at} has no "impls" list`;
  for (const [j, im] of c.impls.entries())
    if (!isObj(im) || typeof im.name !== 'string' || !isNum(im.bytes)) return `${at}.impls[${j}] has no "name" and "bytes"`;
  return null;
}

/**
 * Parses the text of a microbench result file. Throws a UserError `FILE: not JSON (...)` (the
 * parser's message on one line) or `FILE: not a mas_bench result (...)` naming the first missing
 * field. Returns the result with `source: 'json'`.
 */
export function parseMicroJson(text: string, file: string): MicroResult {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch (e) {
    const why = (e as Error).message.replace(/\s+/g, ' ').trim();
    throw new UserError(`${file}: not JSON (${why.length > 120 ? `${why.slice(0, 117)}...` : why})`);
  }
  const bad = (why: string) => new UserError(`${file}: not a mas_bench result (${why})`);
  if (!isObj(r) || !Array.isArray(r.cases) || (r.device !== 'cpu' && r.device !== 'gpu')) throw bad('needs "device" and "cases"');
  if (!isObj(r.deviceInfo)) throw bad('needs a "deviceInfo" object');
  for (const [i, c] of r.cases.entries()) {
    const p = caseProblem(c, i);
    if (p) throw bad(p);
  }
  const out = r as unknown as MicroResult;
  out.source = 'json';
  return out;
}

// A run's files: <dir>/<name>.json (vLLM fields + abserve additions) and <dir>/<name>.requests.jsonl
// (one raw record per line with its derived metrics), both written atomically.
import * as path from 'node:path';
import type { RequestRecord } from '../records/record.js';
import { deriveRequest } from '../metrics/perRequest.js';
import type { BenchResult } from '../metrics/types.js';
import { atomicWriteFile } from './atomicWrite.js';
import { toVllmJson, vllmBackend, vllmDate } from './vllmJson.js';
import { stringifyPyJson } from './pyJson.js';

export interface WriteOptions {
  /** File name without extension; default vLLM's `{label}-{rate}qps[-concurrency{N}]-{model}-{date}`. */
  name?: string;
  /** JSON indentation; vLLM writes compact JSON (default 0). */
  indent?: number;
}

export interface WrittenFiles {
  json: string;
  requestsJsonl: string;
}

// Python's str(float): integral values keep ".0" (vLLM names files like "openai-4.0qps-...").
function pyFloatStr(x: number): string {
  if (x === Infinity) return 'inf';
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** vLLM's compute_result_filename, without the extension, made a safe file name (safeFileName). */
export function defaultRunName(r: BenchResult): string {
  const { info } = r;
  const label = info.label ?? vllmBackend(info);
  const conc = info.maxConcurrency !== undefined ? `-concurrency${info.maxConcurrency}` : '';
  const model = info.model.split('/').pop() ?? info.model;
  const rate = info.rampUp
    ? `ramp-up-${info.rampUp.strategy}-${pyFloatStr(info.rampUp.startRps)}qps-${pyFloatStr(info.rampUp.endRps)}qps`
    : `${pyFloatStr(info.requestRate)}qps`;
  return safeFileName(`${label}-${rate}${conc}-${model}-${vllmDate(info.date)}`);
}

/**
 * A label or name as one safe file name: path separators, `..`, control and shell-hostile
 * characters become `_`, a leading dot is dropped, length capped at 200. `../../x` -> `_.._x`
 * style names can never leave the result directory or nest folders (issue 10).
 */
export function safeFileName(name: string): string {
  let s = name.replace(/[\/\\\x00-\x1f\x7f:*?"<>|]/g, '_').replace(/\.\.+/g, '_');
  s = s.replace(/^[.\s]+/, '').trim().slice(0, 200);
  return s === '' ? 'run' : s;
}

/** One line of a `requests.jsonl`: the raw record plus its derived metrics (the raw record
 *  already carries the texts; the derived part repeats only numbers). No newline. */
export function requestLine(rec: RequestRecord): string {
  const { text: _t, reasoningText: _r, ...metrics } = deriveRequest(rec);
  return JSON.stringify({ ...rec, metrics });
}

function* jsonlLines(records: Iterable<RequestRecord>): Iterable<string> {
  for (const rec of records) yield requestLine(rec) + '\n';
}

/**
 * Write `<dir>/<name>.json` and `<dir>/<name>.requests.jsonl` atomically. `records` may be any
 * iterable (e.g. a generator streaming a spool file back), consumed once.
 */
export async function writeRunResults(
  dir: string,
  result: BenchResult,
  records: Iterable<RequestRecord>,
  opts: WriteOptions = {},
): Promise<WrittenFiles> {
  const name = safeFileName(opts.name ?? defaultRunName(result));
  const files: WrittenFiles = {
    json: path.join(dir, `${name}.json`),
    requestsJsonl: path.join(dir, `${name}.requests.jsonl`),
  };
  // Requests first: the JSON is the run's summary and should never point at missing detail.
  await atomicWriteFile(files.requestsJsonl, jsonlLines(records));
  // Python's json: Infinity / NaN as bare tokens, as vLLM's files have them (read with parsePyJson).
  await atomicWriteFile(files.json, stringifyPyJson(toVllmJson(result), opts.indent ?? 0) + '\n');
  return files;
}

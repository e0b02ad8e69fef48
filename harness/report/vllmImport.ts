// vLLM's own results as abserve input (issue 8): the printed "Serving Benchmark Result" block (any
// layout: benchmark_serving.py of early 2025 without "Failed requests", `vllm bench serve` with
// failures, configured rate, peaks and E2EL) and the --save-result JSON, with or without
// --save-detailed's per-request lists. Published runs and colleagues' runs then feed `abserve
// compare`, the report and the engine's fidelity table like our own.
//
// What a source carries decides what comes out: a block or a plain JSON gives aggregates only (no
// interval is possible from them); a detailed JSON also gives per-request values, which
// `importedRecords` turns into RequestRecords so metrics/ recomputes everything by its one
// definition. Errors name the file and the line or field, and the value.
import { UserError } from '../common/errors.js';
import { parsePyJson } from './pyJson.js';
import type { RequestRecord } from '../records/record.js';

export type ImportedMetric = 'ttft' | 'tpot' | 'itl' | 'e2el';
export const IMPORTED_METRICS: readonly ImportedMetric[] = ['ttft', 'tpot', 'itl', 'e2el'];

/** One metric's statistics as the source printed or saved them, ms. Absent fields were not given. */
export interface ImportedSummary {
  mean?: number;
  median?: number;
  std?: number;
  /** vLLM's percentiles (P99, P99.9, ...), in the source's order. */
  percentiles: { p: number; value: number }[];
}

/** One request from a detailed JSON (seconds converted to ms). */
export interface ImportedRequest {
  promptTokens: number;
  outputTokens: number;
  /** 0 for failed requests, as vLLM saves them. */
  ttftMs: number;
  /** Gaps between successive token-bearing chunks (vLLM's per-request `itls`). */
  itlsMs: number[];
  /** End-to-end latency; 0 for failed requests. */
  e2elMs: number;
  /** Send time, ms from the benchmark start, when the JSON has `start_times`. */
  startMs?: number;
  /** vLLM's error text; '' for a success. */
  error: string;
}

/** A vLLM run as abserve reads it. Counts are requests or tokens; throughputs per second. */
export interface ImportedRun {
  source: 'vllm-text' | 'vllm-json';
  /** File name, plus `#N` (1-based) when a text file holds several blocks. */
  origin: string;
  label?: string;
  model?: string;
  date?: string;
  maxConcurrency?: number;
  /** True where the source records "no limit" (None / null) for the concurrency; absent: not recorded. */
  unlimitedConcurrency?: boolean;
  /** Configured request rate; Infinity for "inf". */
  requestRate?: number;
  /** Configured burstiness (gamma shape; 1 = Poisson). */
  burstiness?: number;
  numPrompts?: number;
  /** vLLM's endpoint_type / backend ("openai", "openai-chat", ...). */
  endpointType?: string;
  /** The URL path, where the source records it (abserve's own JSON: "/v1/chat/completions"). */
  endpointPath?: string;
  /** ignore_eos, where recorded (abserve's or vLLM's --metadata). */
  ignoreEos?: boolean;
  completed: number;
  /** Absent in layouts that do not print it. */
  failed?: number;
  durationS: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  requestThroughput?: number;
  requestGoodput?: number;
  outputThroughput?: number;
  totalTokenThroughput?: number;
  peakOutputTokensPerS?: number;
  peakConcurrentRequests?: number;
  metrics: Partial<Record<ImportedMetric, ImportedSummary>>;
  /** Lines or fields the importer does not map (speculative decoding, --metadata, ...), as given. */
  extra: Record<string, string | number>;
  /** Per request, only from a detailed JSON. */
  requests?: ImportedRequest[];
  /** True when the source says the run was cut short (abserve's `partial: true`: Ctrl-C, a server
   *  crash, a run timeout); absent: complete, or not recorded (vLLM's own files). */
  partial?: boolean;
  /** Why it was cut short, as the source says (`interrupted; 16 of 64 requests completed, ...`). */
  partialReason?: string;
}

// ---------------------------------------------------------------- printed blocks

const LABELS: Record<string, keyof ImportedRun> = {
  'Successful requests': 'completed',
  'Failed requests': 'failed',
  'Maximum request concurrency': 'maxConcurrency',
  'Request rate configured (RPS)': 'requestRate',
  'Benchmark duration (s)': 'durationS',
  'Total input tokens': 'totalInputTokens',
  'Total generated tokens': 'totalOutputTokens',
  'Request throughput (req/s)': 'requestThroughput',
  'Request goodput (req/s)': 'requestGoodput',
  'Output token throughput (tok/s)': 'outputThroughput',
  'Total Token throughput (tok/s)': 'totalTokenThroughput',
  'Total token throughput (tok/s)': 'totalTokenThroughput',
  'Peak output token throughput (tok/s)': 'peakOutputTokensPerS',
  'Peak concurrent requests': 'peakConcurrentRequests',
};
const NAME_TO_METRIC: Record<string, ImportedMetric> = { TTFT: 'ttft', TPOT: 'tpot', ITL: 'itl', E2EL: 'e2el' };
const REQUIRED: (keyof ImportedRun)[] = ['completed', 'durationS', 'totalInputTokens', 'totalOutputTokens'];
const BLOCK_START = /^=+ ?Serving Benchmark Result ?=+$/;
const STAT_LINE = /^(Mean|Median|Std|P(\d+(?:\.\d+)?)) (TTFT|TPOT|ITL|E2EL) \(ms\)$/;

function num(v: string, where: string): number {
  if (v === 'inf') return Infinity;
  const n = Number(v);
  if (v === '' || !Number.isFinite(n)) throw new UserError(`${where}: want a number, got '${v}'`);
  return n;
}

function newRun(source: ImportedRun['source'], origin: string): ImportedRun {
  return { source, origin, completed: NaN, durationS: NaN, totalInputTokens: NaN, totalOutputTokens: NaN, metrics: {}, extra: {} };
}

function summaryOf(run: ImportedRun, m: ImportedMetric): ImportedSummary {
  return (run.metrics[m] ??= { percentiles: [] });
}

function setStat(run: ImportedRun, m: ImportedMetric, stat: string, p: string | undefined, v: number): void {
  const s = summaryOf(run, m);
  if (p !== undefined) s.percentiles.push({ p: Number(p), value: v });
  else if (stat === 'Mean') s.mean = v;
  else if (stat === 'Median') s.median = v;
  else s.std = v;
}

function checkRequired(run: ImportedRun, where: string): ImportedRun {
  for (const k of REQUIRED) {
    if (Number.isNaN(run[k] as number)) throw new UserError(`${where}: no '${k}' (the block or JSON is incomplete)`);
  }
  return run;
}

/**
 * Every result block in `text` (a log may hold several), in order. A "Maximum request concurrency:
 * N" line printed before a block (older layout) belongs to the next block. Lines outside blocks
 * are ignored; inside, every `label: value` line is either mapped or kept in `extra`.
 * Throws UserError naming `file:line` for a malformed value or a block without its core lines.
 */
export function parseVllmText(text: string, file: string): ImportedRun[] {
  const runs: ImportedRun[] = [];
  const lines = text.split(/\r?\n/);
  let cur: ImportedRun | undefined;
  let pendingConcurrency: number | null | undefined;
  let startLine = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file}:${i + 1}`;
    if (BLOCK_START.test(line)) {
      cur = newRun('vllm-text', file);
      startLine = i + 1;
      if (pendingConcurrency === null) cur.unlimitedConcurrency = true;
      else if (pendingConcurrency !== undefined) cur.maxConcurrency = pendingConcurrency;
      pendingConcurrency = undefined;
      return;
    }
    const kv = /^([^:]+):\s*(\S*)\s*$/.exec(line);
    if (!cur) {
      if (kv && kv[1] === 'Maximum request concurrency') pendingConcurrency = kv[2] === 'None' ? null : num(kv[2], where);
      // null: printed as None, i.e. no limit
      return;
    }
    if (/^=+$/.test(line)) {
      runs.push(checkRequired(cur, `${file}:${startLine}`));
      cur = undefined;
      return;
    }
    if (line === '' || /^-+.*-+$/.test(line) || !kv) return; // section headers, blank lines
    const [, label, value] = kv;
    const stat = STAT_LINE.exec(label);
    if (stat) return setStat(cur, NAME_TO_METRIC[stat[3]], stat[1], stat[2], num(value, where));
    const field = LABELS[label];
    if (field) {
      if (value !== 'None') (cur as unknown as Record<string, number>)[field] = num(value, where);
      else if (field === 'maxConcurrency') cur.unlimitedConcurrency = true;
    }
    else cur.extra[label] = Number.isFinite(Number(value)) && value !== '' ? Number(value) : value;
  });
  if (cur) throw new UserError(`${file}:${startLine}: result block not closed by a '=====' line`);
  if (runs.length === 0) throw new UserError(`${file}: no vLLM 'Serving Benchmark Result' block found`);
  if (runs.length > 1) runs.forEach((r, k) => (r.origin = `${file}#${k + 1}`));
  return runs;
}

// ---------------------------------------------------------------- --save-result JSON

type Json = Record<string, unknown>;

function jnum(j: Json, key: string, file: string, required = false): number | undefined {
  const v = j[key];
  if (v === undefined || v === null) {
    if (required) throw new UserError(`${file}: field '${key}' missing`);
    return undefined;
  }
  if (v === 'inf') return Infinity;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new UserError(`${file}: field '${key}': want a number, got ${JSON.stringify(v)}`);
  return v;
}

function jlist(j: Json, key: string, n: number, file: string): unknown[] | undefined {
  const v = j[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new UserError(`${file}: field '${key}': want a list, got ${typeof v}`);
  if (v.length !== n) throw new UserError(`${file}: field '${key}': ${v.length} entries, but input_lens has ${n}`);
  return v;
}

const secsToMs = (v: unknown, where: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError(`${where}: want seconds as a number, got ${JSON.stringify(v)}`);
  return v * 1000;
};

function detailed(j: Json, file: string): ImportedRequest[] | undefined {
  const inputs = j.input_lens;
  if (!Array.isArray(inputs)) return undefined;
  const n = inputs.length;
  const outs = jlist(j, 'output_lens', n, file);
  const ttfts = jlist(j, 'ttfts', n, file);
  const itls = jlist(j, 'itls', n, file);
  if (!outs || !ttfts || !itls) return undefined; // lengths without timings: aggregates only
  const lat = jlist(j, 'latencies', n, file);
  const starts = jlist(j, 'start_times', n, file);
  const errors = jlist(j, 'errors', n, file);
  return inputs.map((p, i) => {
    const w = (k: string): string => `${file}: field '${k}[${i}]'`;
    const gaps = itls[i];
    if (!Array.isArray(gaps)) throw new UserError(`${w('itls')}: want a list of seconds`);
    const itlsMs = gaps.map((g, k) => secsToMs(g, `${w('itls')}[${k}]`));
    const ttftMs = secsToMs(ttfts[i], w('ttfts'));
    // Older JSONs lack `latencies`: the last chunk's time is TTFT plus every gap.
    const e2elMs = lat ? secsToMs(lat[i], w('latencies')) : ttftMs + itlsMs.reduce((a, b) => a + b, 0);
    const base = starts ? secsToMs(starts[0], `${file}: field 'start_times[0]'`) : 0;
    return {
      promptTokens: Number(p),
      outputTokens: Number(outs[i]),
      ttftMs,
      itlsMs,
      e2elMs,
      ...(starts ? { startMs: secsToMs(starts[i], w('start_times')) - base } : {}),
      error: errors ? String(errors[i] ?? '') : '',
    };
  });
}

const KNOWN_JSON = new Set([
  'date', 'backend', 'endpoint_type', 'label', 'model_id', 'tokenizer_id', 'num_prompts', 'request_rate', 'burstiness',
  'max_concurrency', 'duration', 'completed', 'failed', 'total_input_tokens', 'total_output_tokens', 'request_throughput',
  'request_goodput', 'request_goodput:', 'output_throughput', 'total_token_throughput', 'max_output_tokens_per_s',
  'max_concurrent_requests', 'input_lens', 'output_lens', 'ttfts', 'itls', 'latencies', 'start_times', 'queue_times',
  'generated_texts', 'errors', 'abserve', 'ignore_eos', 'partial', 'partial_reason',
]);
const STAT_KEY = /^(mean|median|std|p(\d+(?:\.\d+)?))_(ttft|tpot|itl|e2el)_ms$/;

/**
 * A vLLM --save-result JSON (vllm/benchmarks/serve.py field names; older benchmark_serving.py's
 * `request_goodput:` key accepted). Per-request `requests` only when the detailed lists are there.
 * Throws UserError naming the file and field.
 */
export function parseVllmJson(text: string, file: string): ImportedRun {
  let j: unknown;
  try {
    j = parsePyJson(text);
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new UserError(`${file}: want a JSON object of vLLM results`);
  const o = j as Json;
  if (typeof o.schema === 'string' && o.schema.startsWith('abserve-import/')) return parseImportedJson(o, file);
  // None of the fields every result has: another JSON (an A/B's manifest.json or comparison.json, a
  // config), not a truncated result, whose first missing field would be the message.
  if (!['completed', 'duration', 'total_input_tokens', 'total_output_tokens'].some((k) => k in o))
    throw new UserError(`${file}: not a benchmark result (no completed, duration or token totals); an abserve ab folder is read by abserve report <folder>`);
  const run = newRun('vllm-json', file);
  run.completed = jnum(o, 'completed', file, true)!;
  run.durationS = jnum(o, 'duration', file, true)!;
  run.totalInputTokens = jnum(o, 'total_input_tokens', file, true)!;
  run.totalOutputTokens = jnum(o, 'total_output_tokens', file, true)!;
  const opt: [keyof ImportedRun, string][] = [
    ['failed', 'failed'], ['maxConcurrency', 'max_concurrency'], ['requestRate', 'request_rate'], ['burstiness', 'burstiness'], ['numPrompts', 'num_prompts'],
    ['requestThroughput', 'request_throughput'], ['requestGoodput', 'request_goodput'], ['requestGoodput', 'request_goodput:'],
    ['outputThroughput', 'output_throughput'], ['totalTokenThroughput', 'total_token_throughput'],
    ['peakOutputTokensPerS', 'max_output_tokens_per_s'], ['peakConcurrentRequests', 'max_concurrent_requests'],
  ];
  for (const [field, key] of opt) {
    const v = jnum(o, key, file);
    if (v !== undefined) (run as unknown as Record<string, number>)[field] = v;
  }
  if (o.max_concurrency === null) run.unlimitedConcurrency = true; // saved as None
  const ours = typeof o.abserve === 'object' && o.abserve !== null ? (o.abserve as Json) : {};
  const endpointType = o.endpoint_type ?? o.backend;
  if (typeof endpointType === 'string') run.endpointType = endpointType;
  if (typeof ours.endpoint === 'string') run.endpointPath = ours.endpoint;
  const meta = typeof ours.metadata === 'object' && ours.metadata !== null ? (ours.metadata as Json) : {};
  // abserve records it; vLLM only through --metadata, which it spreads into the top level.
  const eos = ours.ignore_eos ?? o.ignore_eos ?? meta.ignore_eos;
  if (eos === true || eos === 'true' || eos === 'True') run.ignoreEos = true;
  else if (eos === false || eos === 'false' || eos === 'False') run.ignoreEos = false;
  if (o.partial === true || ours.partial === true) {
    run.partial = true;
    const why = o.partial_reason ?? ours.partial_reason;
    if (typeof why === 'string' && why !== '') run.partialReason = why;
  }
  if (typeof o.label === 'string') run.label = o.label;
  if (typeof o.model_id === 'string') run.model = o.model_id;
  if (typeof o.date === 'string') run.date = o.date;
  for (const [key, v] of Object.entries(o)) {
    const m = STAT_KEY.exec(key);
    if (m) setStat(run, m[3] as ImportedMetric, m[1] === 'mean' ? 'Mean' : m[1] === 'median' ? 'Median' : 'Std', m[2], jnum(o, key, file)!);
    else if (!KNOWN_JSON.has(key) && (typeof v === 'string' || typeof v === 'number')) run.extra[key] = v;
  }
  for (const s of Object.values(run.metrics)) s.percentiles.sort((a, b) => a.p - b.p);
  const reqs = detailed(o, file);
  if (reqs) run.requests = reqs;
  return run;
}

/** Number fields of an ImportedRun that `abserve import` may have written as 'inf'. */
const RUN_NUMBERS: (keyof ImportedRun)[] = [
  'completed', 'failed', 'durationS', 'totalInputTokens', 'totalOutputTokens', 'maxConcurrency', 'requestRate', 'burstiness', 'numPrompts',
  'requestThroughput', 'requestGoodput', 'outputThroughput', 'totalTokenThroughput', 'peakOutputTokensPerS', 'peakConcurrentRequests',
];

/**
 * The run of an `abserve import --result-dir` file (`{"schema": "abserve-import/1", "run": ImportedRun}`),
 * 'inf' turned back into Infinity. Throws UserError naming the file and field for another schema
 * version or a field of the wrong type.
 */
export function parseImportedJson(o: Record<string, unknown>, file: string): ImportedRun {
  if (o.schema !== 'abserve-import/1') throw new UserError(`${file}: field 'schema': want 'abserve-import/1', got ${JSON.stringify(o.schema)}`);
  const r = o.run;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new UserError(`${file}: field 'run': want an object, got ${JSON.stringify(r)}`);
  const run = { ...(r as Json) } as Json;
  for (const k of RUN_NUMBERS) {
    const v = jnum(run, k, `${file}: run`, REQUIRED.includes(k));
    if (v === undefined) delete run[k];
    else run[k] = v;
  }
  if (run.source !== 'vllm-text' && run.source !== 'vllm-json') throw new UserError(`${file}: field 'run.source': want 'vllm-text' or 'vllm-json', got ${JSON.stringify(run.source)}`);
  if (typeof run.origin !== 'string') run.origin = file;
  if (typeof run.metrics !== 'object' || run.metrics === null) throw new UserError(`${file}: field 'run.metrics': want an object, got ${JSON.stringify(run.metrics)}`);
  if (typeof run.extra !== 'object' || run.extra === null) run.extra = {};
  if (run.requests !== undefined) {
    if (!Array.isArray(run.requests)) throw new UserError(`${file}: field 'run.requests': want a list, got ${typeof run.requests}`);
    run.requests.forEach((q: unknown, i: number) => {
      const w = `${file}: field 'run.requests[${i}]'`;
      const x = q as Json | null;
      if (typeof x !== 'object' || x === null) throw new UserError(`${w}: want an object, got ${JSON.stringify(q)}`);
      for (const k of ['promptTokens', 'outputTokens', 'ttftMs', 'e2elMs']) {
        if (typeof x[k] !== 'number' || !Number.isFinite(x[k])) throw new UserError(`${w}.${k}: want a number, got ${JSON.stringify(x[k])}`);
      }
      if (!Array.isArray(x.itlsMs) || x.itlsMs.some((g) => typeof g !== 'number')) throw new UserError(`${w}.itlsMs: want a list of numbers`);
      if (typeof x.error !== 'string') x.error = '';
    });
  }
  return run as unknown as ImportedRun;
}

/** A file's runs: JSON when it parses as a JSON object, else printed blocks. */
export function parseVllmResults(text: string, file: string): ImportedRun[] {
  // A .json file that does not parse is a JSON error, not "no printed block found".
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[') || /\.json$/i.test(file) ? [parseVllmJson(text, file)] : parseVllmText(text, file);
}

// ---------------------------------------------------------------- per-request -> records

/**
 * RequestRecords rebuilt from a detailed run (sentAt = startMs or 0, one token event at TTFT and
 * after each gap, end at E2EL), so metrics.aggregate() recomputes every statistic. Undefined when
 * the run has no per-request data. A request with a non-empty error is a failure of kind 'other'.
 */
export function importedRecords(run: ImportedRun): RequestRecord[] | undefined {
  if (!run.requests) return undefined;
  return run.requests.map((q, index) => {
    const sentAt = q.startMs ?? 0;
    const ok = q.error === '';
    const tokenTimes: number[] = [];
    if (ok) {
      let t = sentAt + q.ttftMs;
      tokenTimes.push(t);
      for (const g of q.itlsMs) tokenTimes.push((t += g));
    }
    return {
      index,
      warmup: false,
      scheduledAt: sentAt,
      sentAt,
      tokenTimes,
      tokenCounts: tokenTimes.map(() => 1),
      ...(ok ? { endAt: sentAt + q.e2elMs, usageCompletionTokens: q.outputTokens } : {}),
      clientOutputTokens: ok ? q.outputTokens : 0,
      expectedPromptTokens: q.promptTokens,
      text: '',
      reasoningText: '',
      success: ok,
      ...(ok ? {} : { failure: { kind: 'other' as const, message: q.error } }),
    };
  });
}

// Scrapes the server's Prometheus /metrics once a second during a run, so the report can plot the
// server's own running/waiting queue and KV-cache use beside the client's view. Advisory only: a
// scrape has a short timeout, its own connection (never one of the load's), skips a tick while
// the previous scrape is still out, and a server without /metrics (404) is left alone.
import { createWriteStream } from 'node:fs';
import { Agent, request } from 'undici';
import { meanOf, parsePrometheus, sumOf, type Sample } from './prometheus.js';

/** The values kept from each scrape: one array element per successful scrape; null = absent. */
export interface MetricsSeries {
  /** Seconds since the scraper started, at the moment the scrape was sent. */
  t_s: number[];
  /** vllm:num_requests_running */
  running: (number | null)[];
  /** vllm:num_requests_waiting */
  waiting: (number | null)[];
  /** vllm:kv_cache_usage_perc (vLLM v1) or vllm:gpu_cache_usage_perc (v0), fraction 0..1. */
  kv_cache_usage: (number | null)[];
  /** vllm:generation_tokens_total (counter). */
  generation_tokens_total: (number | null)[];
  /** vllm:prompt_tokens_total (counter). */
  prompt_tokens_total: (number | null)[];
  /** False when the server answered 404 for /metrics (scraping stopped). */
  supported: boolean;
  /** Scrapes that failed (timeouts, connection errors, non-200 other than 404). */
  failed: number;
}

/** Options. Times in ms. */
export interface ScraperOptions {
  /** Time between scrapes (default 1000). */
  intervalMs?: number;
  /** Each scrape is appended to this file as one JSON line: {t_ms, running, waiting, ...}. */
  file?: string;
  /** Limit for one scrape (default: intervalMs clamped to 500..2000). */
  timeoutMs?: number;
}

/** A running scraper. */
export interface MetricsScraper {
  /** Stop scraping (an in-flight scrape is cancelled), close the file, return the series. */
  stop(): Promise<MetricsSeries>;
}

/** The values of interest in one exposition. */
export function extract(samples: Sample[]) {
  return {
    running: sumOf(samples, 'vllm:num_requests_running'),
    waiting: sumOf(samples, 'vllm:num_requests_waiting'),
    kv_cache_usage: meanOf(samples, 'vllm:kv_cache_usage_perc') ?? meanOf(samples, 'vllm:gpu_cache_usage_perc'),
    generation_tokens_total: sumOf(samples, 'vllm:generation_tokens_total'),
    prompt_tokens_total: sumOf(samples, 'vllm:prompt_tokens_total'),
  };
}

/**
 * Start scraping `<root>/metrics` at once and then every `intervalMs` (absolute schedule). Never
 * throws and never rejects: failures are counted in the series.
 */
export function startMetricsScraper(url: string, opts: ScraperOptions = {}): MetricsScraper {
  const intervalMs = opts.intervalMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? Math.min(Math.max(intervalMs, 500), 2000);
  const target = `${url.replace(/\/+$/, '').replace(/\/v1$/, '')}/metrics`;
  const agent = new Agent({ connections: 1, keepAliveTimeout: 10_000 });
  const file = opts.file ? createWriteStream(opts.file, { flags: 'a' }) : undefined;
  file?.on('error', () => undefined);
  const series: MetricsSeries = {
    t_s: [],
    running: [],
    waiting: [],
    kv_cache_usage: [],
    generation_tokens_total: [],
    prompt_tokens_total: [],
    supported: true,
    failed: 0,
  };
  const t0 = performance.now();
  const ac = new AbortController();
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let tick = 0;

  const scrape = async () => {
    const tMs = performance.now() - t0;
    try {
      const res = await request(target, {
        dispatcher: agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.any([ac.signal, AbortSignal.timeout(timeoutMs)]),
      });
      const text = await res.body.text();
      if (res.statusCode === 404) {
        series.supported = false;
        return;
      }
      if (res.statusCode !== 200) {
        series.failed++;
        return;
      }
      const v = extract(parsePrometheus(text));
      series.t_s.push(tMs / 1000);
      series.running.push(v.running);
      series.waiting.push(v.waiting);
      series.kv_cache_usage.push(v.kv_cache_usage);
      series.generation_tokens_total.push(v.generation_tokens_total);
      series.prompt_tokens_total.push(v.prompt_tokens_total);
      file?.write(JSON.stringify({ t_ms: Math.round(tMs * 1000) / 1000, ...v }) + '\n');
    } catch {
      if (!ac.signal.aborted) series.failed++;
    }
  };

  const schedule = () => {
    if (ac.signal.aborted || !series.supported) return;
    tick++;
    const delay = Math.max(0, t0 + tick * intervalMs - performance.now());
    timer = setTimeout(run, delay);
  };
  const run = () => {
    if (ac.signal.aborted || !series.supported) return;
    // Skip this tick while the previous scrape is still out: scrapes never pile up.
    if (!inFlight) inFlight = scrape().finally(() => (inFlight = undefined));
    schedule();
  };
  inFlight = scrape().finally(() => (inFlight = undefined));
  schedule();

  let stopped: Promise<MetricsSeries> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        ac.abort();
        clearTimeout(timer);
        await inFlight;
        await agent.close().catch(() => undefined);
        if (file) await new Promise<void>((r) => file.end(() => r()));
        return series;
      })()),
  };
}

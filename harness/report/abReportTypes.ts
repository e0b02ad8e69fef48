// The input of the A/B report renderers (report.md and report.html). ab/ assembles it from the
// saved runs and stats/'s Comparison; report/ only reads it. Everything here is JSON-serialisable,
// so `abserve report DIR` can rebuild it from a results folder. Strings in it (arm names, notes,
// failure kinds, manifest values, accuracy cells) may come from a server, a model or a file: the
// renderers escape every one of them.
import type { Comparison } from '../stats/types.js';

/** One repetition (one run of the whole workload) of one arm, as the report charts it. */
export interface ReportRepetition {
  /** Repetition number within its arm, 1-based. */
  rep: number;
  /** Arm name, one of AbReportData.arms. */
  arm: string;
  /** Position in the overall run order (0-based), e.g. A B B A -> 0 1 2 3. */
  order: number;
  /** True when this run was interrupted and holds only the requests that finished. */
  partial: boolean;
  /** Per successful request, ms. */
  ttft: number[];
  tpot: number[];
  e2el: number[];
  /** Pooled inter-token gaps of all successful requests, ms. */
  itl: number[];
  /** Client side, 1 s buckets from the run start: bucket start (s), output tokens/s, mean requests in flight. */
  timeline: { t_s: number[]; output_tok_s: number[]; running: number[] };
  /** From the server's Prometheus /metrics, scraped every second (t_s from the run start);
   *  absent when the server has none. */
  server?: { t_s: number[]; running: number[]; waiting: number[] };
  /** Failure kind (http_5xx, timeout, ...) -> count of failed requests. */
  failures: Record<string, number>;
  /** Requests that succeeded / failed in this run. */
  completed: number;
  failed: number;
}

/** Everything report.md and report.html show. */
export interface AbReportData {
  /** Report heading, e.g. "abserve A/B: r1-4k-1k-engine". */
  title: string;
  /** Scenario name. */
  scenario: string;
  /** ISO 8601 time the run started. */
  createdAt: string;
  /** True when the run was interrupted; the report then says so first. */
  partial: boolean;
  partialReason?: string;
  /** Arm names, A (baseline) first, then B (change). */
  arms: string[];
  comparison: Comparison;
  /** Every repetition of every arm, in any order (rendered in run order). */
  repetitions: ReportRepetition[];
  /** manifest.json as written (scenario, versions, host, GPU, workload hash, arm environments). */
  manifest: Record<string, unknown>;
  /** Caveats to print, beside the comparison's own notes. */
  notes: string[];
  /** The accuracy comparison as a ready table, when the scenario ran one: the rows, the verdict,
   *  its notes (e.g. interval and McNemar disagreeing) and the flipped questions, one line each
   *  (`key: gold C, A C (correct), B D (wrong)`; absent in reports written before they existed). */
  accuracy?: { headers: string[]; rows: string[][]; verdict: string; notes?: string[]; flipped?: string[] };
}

// The resolved scenario: what ab/, bench/ and report/ read. camelCase, defaults filled, paths
// resolved against the scenario file's folder, durations in ms. Built only by resolve.ts from a
// validated file (or from `abserve bench` flags); nothing downstream re-checks it.
import type { DatasetName } from '../workload/index.js';
import type { Endpoint } from '../records/spec.js';
import type { GoodputSlo, PercentileMetric } from '../metrics/types.js';
import type { TargetConfig } from '../target/types.js';

/** Engine flags an arm may override on an engine target (camelCase of `abserve engine` flags). */
export interface EngineOverrides {
  timeScale?: number;
  fixedStepMs?: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  maxModelLen?: number;
  disableMergeOp?: boolean;
  /** Token count >= 1, or a fraction in (0, 1). */
  reasoningTokens?: number;
  spinMs?: number;
  noise?: 'on' | 'off';
  noiseSeed?: number;
  /** Multiplies every step time of this arm (a planted slow-down: 1.05 = 5% slower). */
  stepScale?: number;
  /** Fault injection, as written (snake_case): shares per kind (http_500, http_503, http_429,
   *  slow_headers, reset, stall, malformed, truncate, oversized), seed, retry_after_s, stall_ms,
   *  slow_headers_ms, oversized_bytes. Becomes `--fault-*` engine flags. */
  faults?: Record<string, number | undefined>;
}

/** One arm as declared (the A/A copy is made by `armServerConfigs`, not stored here). */
export interface ScenarioArm {
  /** Path-safe: [A-Za-z0-9][A-Za-z0-9._-]*, at most 64 characters. */
  name: string;
  description: string;
  /** Server environment: scenario-level `env`, then the arm's `env` over it. Values as strings. */
  env: Record<string, string>;
  /** Extra server arguments, as strings. */
  serverArgs: string[];
  /** Merged over the workload's request body for this arm's requests. */
  extraBody: Record<string, unknown>;
  /** Engine targets only: flags that differ in this arm. */
  engine: EngineOverrides;
}

/** Every `abserve bench` workload and request option, camelCase of the YAML names. */
export interface ScenarioWorkload {
  datasetName: DatasetName;
  /** Absolute (resolved against the scenario folder); only for jsonl and sharegpt. */
  datasetPath: string | undefined;
  numPrompts: number;
  randomInputLen: number;
  randomOutputLen: number;
  randomRangeRatio: number;
  randomPrefixLen: number;
  randomTokenIds: boolean;
  randomIdRange: [number, number] | undefined;
  sharegptOutputLen: number | undefined;
  /** Requests/s; Infinity sends all at once ("inf"). */
  requestRate: number;
  burstiness: number;
  rampUp: { strategy: 'linear' | 'exponential'; startRps: number; endRps: number } | undefined;
  maxConcurrency: number | undefined;
  ignoreEos: boolean;
  minTokens: number | undefined;
  /** undefined: the client's default (0, greedy, as vLLM). */
  temperature: number | undefined;
  extraBody: Record<string, unknown>;
  /** tokenizer.json or its folder; resolved against the scenario folder; undefined: built-in. */
  tokenizer: string | undefined;
  percentileMetrics: PercentileMetric[];
  metricPercentiles: number[];
  requestTimeoutMs: number;
  stallTimeoutMs: number;
  runTimeoutMs: number | undefined;
}

/** The optional accuracy step (C-Eval). Validated here; run by accuracy/. */
export interface ScenarioAccuracy {
  /** Absolute; undefined: the runner's default location. */
  dataDir: string | undefined;
  split: 'dev' | 'val' | 'test';
  subjects: string[] | undefined;
  categories: string[] | undefined;
  /** Questions per subject (undefined: all). */
  limit: number | undefined;
  /** Few-shot examples per prompt, 0..5. */
  shots: number;
  maxTokens: number | undefined;
  concurrency: number | undefined;
  /** After the serving runs, or during them (as background load). */
  when: 'after' | 'during';
}

/** A validated scenario with every default filled. */
export interface Scenario {
  /** The file as given to loadScenario / parseScenario ('abserve bench' for CLI scenarios). */
  file: string;
  /** Path-safe; defaults to the file's base name. */
  name: string;
  description: string;
  target: TargetConfig;
  /** Served model name; undefined: the first one /v1/models lists. */
  model: string | undefined;
  endpoint: Endpoint;
  workload: ScenarioWorkload;
  /** As declared, at least one, names unique. */
  arms: ScenarioArm[];
  /** Measured runs per arm (default 3). */
  repetitions: number;
  /** 'interleaved': ABBA blocks (default); 'sequential': all of A, then all of B. */
  order: 'interleaved' | 'sequential';
  /** Warm-up requests sent before every measured run (so after every server start too); never measured. */
  warmupRequests: number;
  /** Pause between runs, ms. */
  cooldownMs: number;
  /** POST /reset_prefix_cache before every run when the server has it. */
  resetPrefixCache: boolean;
  /** Restart the target for every run (not once per arm and block). */
  freshServer: boolean;
  /** Workload seed: prompts and schedule; identical in every arm. */
  seed: number;
  /** Goodput SLOs in ms; undefined: no goodput. */
  slo: GoodputSlo | undefined;
  /** Significance level of the verdicts (default 0.05). */
  alpha: number;
  /** A/A mode: the first arm runs twice (as `<name>` and `<name>-aa`); other arms are not run. */
  aa: boolean;
  accuracy: ScenarioAccuracy | undefined;
}

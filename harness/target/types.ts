// Where requests go, and how the server behind them is started and stopped. One interface for
// every kind of target, so ab/ runs arms the same way against an embedded engine, a server that is
// already running, or docker compose. These config types are what the scenario schema produces
// (scenario/ validates; nothing here re-checks user input).

/** The embedded engine (`abserve engine`) in its own process, bound to 127.0.0.1. */
export interface EngineTargetConfig {
  kind: 'engine';
  /** Engine profile name (`harness/engine/profiles.ts`), e.g. 'tiny', 'r1-l20-approx'. */
  profile: string;
  /** Extra `abserve engine` flags, e.g. ['--time-scale', '0.1', '--noise', 'off']. */
  args: string[];
  /** Start-up limit in ms. */
  startTimeoutMs: number;
}

/** A server that is already running: probed, never started or stopped. */
export interface UrlTargetConfig {
  kind: 'url';
  /** Server root, e.g. http://127.0.0.1:8000. */
  url: string;
}

/** docker compose: up with the arm's environment, wait healthy, capture logs, down. */
export interface ComposeTargetConfig {
  kind: 'compose';
  /** Compose files, resolved relative to the scenario file. */
  files: string[];
  /** `docker compose -p`; default derived from the scenario name. */
  project: string;
  /** The service that serves the OpenAI API (its logs are captured). */
  service: string;
  /** Root URL of the server once up, e.g. http://127.0.0.1:8000. */
  url: string;
  /** Health URL polled until it answers 200; default `${url}/health`. */
  healthUrl: string;
  /** Start-up limit in ms (model loading takes minutes). */
  startTimeoutMs: number;
}

export type TargetConfig = EngineTargetConfig | UrlTargetConfig | ComposeTargetConfig;

/** One arm's server configuration. */
export interface ArmServerConfig {
  /** Arm name, e.g. 'with-op'. */
  name: string;
  /** Environment variables for the server (e.g. VLLM_DISABLE_MERGE_ATTN_CUDA_OP=1). */
  env: Record<string, string>;
  /** Extra server command-line arguments. */
  serverArgs: string[];
}

/** A started server. `stop` is idempotent and never throws for an already-stopped server. */
export interface TargetSession {
  /** Server root to send requests to. */
  url: string;
  /** OS process id of the server process abserve started (engine targets only; gone after stop). */
  pid?: number;
  /** The last `lines` lines of the server's log (default 50): live for engine targets; for compose
   *  targets the logs read at stop (empty before); always empty for url targets. */
  logTail(lines?: number): string;
  /** Stop the server (no-op for url targets) and flush its log to the file given at start. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the server's log is written (appended); none for url targets. */
  logFile?: string;
  /** Aborting stops start-up (and the server) promptly. */
  signal?: AbortSignal;
}

/** A target: starts one server per call (one per arm, or one per run with fresh_server). */
export interface Target {
  readonly config: TargetConfig;
  /** Start (or probe) a server for this arm; resolves when it serves /v1/models. Errors are
   *  UserError with the last server log lines. */
  start(arm: ArmServerConfig, opts?: StartOptions): Promise<TargetSession>;
  /** Checks, without starting anything lasting, that this arm's server would start with its
   *  arguments (the embedded engine's `--check`); absent where that cannot be known in advance.
   *  Throws UserError with the server's own one-line complaint. */
  check?(arm: ArmServerConfig): Promise<void>;
}

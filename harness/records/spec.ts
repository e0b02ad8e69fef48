// What the workload hands the load generator: one entry per request, fully determined by the
// seed, so both arms of an A/B send byte-identical prompts on an identical schedule.

export type Endpoint = '/v1/completions' | '/v1/chat/completions';

export interface RequestSpec {
  /** 0-based position among measured requests; warmup requests count separately from 0. */
  index: number;
  /** Warmup requests are sent first and never measured. */
  warmup: boolean;
  /**
   * The prompt. For /v1/completions a token-id array (vLLM accepts those) or a string;
   * for /v1/chat/completions always a string (sent as one user message).
   */
  prompt: string | number[];
  /** Prompt length in tokens as the workload built it (checked against usage.prompt_tokens). */
  promptTokens: number;
  /** Requested output length (max_tokens). */
  maxTokens: number;
  /** Scheduled send time, ms after the measured run's start (0 for warmups and for rate=inf). */
  scheduledMs: number;
}

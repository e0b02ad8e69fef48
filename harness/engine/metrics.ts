// /metrics in Prometheus text format with vLLM's metric names, buckets and model_name label, so
// tooling that scrapes vLLM (and the harness's server-side cross-checks) works unchanged.

// vLLM's bucket boundaries (vllm/engine/metrics.py).
const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0,
  640.0, 2560.0,
];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const E2E_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    // Non-cumulative here; render() accumulates.
    for (let i = 0; i < this.buckets.length; i++) {
      if (v <= this.buckets[i]) {
        this.counts[i]++;
        return;
      }
    }
  }

  render(label: string): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      acc += this.counts[i];
      lines.push(`${this.name}_bucket{le="${fmt(this.buckets[i])}",${label}} ${fmt(acc)}`);
    }
    lines.push(`${this.name}_bucket{le="+Inf",${label}} ${fmt(this.count)}`);
    lines.push(`${this.name}_count{${label}} ${fmt(this.count)}`);
    lines.push(`${this.name}_sum{${label}} ${fmt(this.sum)}`);
    return lines.join('\n');
  }
}

// prometheus_client prints floats ("1.0"); keep that look so text diffs against vLLM stay quiet.
const fmt = (v: number): string => (Number.isInteger(v) ? v.toFixed(1) : String(v));

export interface Gauges {
  running(): number;
  waiting(): number;
}

export class EngineMetrics {
  private readonly ttft = new Histogram('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT_BUCKETS);
  private readonly itl = new Histogram('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL_BUCKETS);
  // Older vLLM name for the same per-gap observation; dashboards use either.
  private readonly tpot = new Histogram('vllm:time_per_output_token_seconds', 'Histogram of time per output token in seconds.', ITL_BUCKETS);
  private readonly e2e = new Histogram('vllm:e2e_request_latency_seconds', 'Histogram of end to end request latency in seconds.', E2E_BUCKETS);
  private promptTokens = 0;
  private generationTokens = 0;
  private readonly success = new Map<string, number>();
  private readonly label: string;

  constructor(
    model: string,
    private readonly gauges: Gauges,
  ) {
    this.label = `model_name=${JSON.stringify(model)}`;
  }

  /** Times in ms (one clock); converted to seconds here. */
  firstToken(ms: number): void {
    this.ttft.observe(ms / 1000);
  }

  interToken(ms: number): void {
    this.itl.observe(ms / 1000);
    this.tpot.observe(ms / 1000);
  }

  finished(e2eMs: number, prompt: number, generated: number, reason: string): void {
    this.e2e.observe(e2eMs / 1000);
    this.promptTokens += prompt;
    this.generationTokens += generated;
    this.success.set(reason, (this.success.get(reason) ?? 0) + 1);
  }

  /** Tokens of requests that were aborted still count, as vLLM counts every processed token. */
  aborted(prompt: number, generated: number): void {
    this.promptTokens += prompt;
    this.generationTokens += generated;
  }

  render(): string {
    const L = this.label;
    const out = [
      '# HELP vllm:num_requests_running Number of requests currently running on GPU.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running{${L}} ${fmt(this.gauges.running())}`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting{${L}} ${fmt(this.gauges.waiting())}`,
      '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
      '# TYPE vllm:prompt_tokens_total counter',
      `vllm:prompt_tokens_total{${L}} ${fmt(this.promptTokens)}`,
      '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
      '# TYPE vllm:generation_tokens_total counter',
      `vllm:generation_tokens_total{${L}} ${fmt(this.generationTokens)}`,
      '# HELP vllm:request_success_total Count of successfully processed requests.',
      '# TYPE vllm:request_success_total counter',
      ...[...this.success].map(([r, n]) => `vllm:request_success_total{finished_reason="${r}",${L}} ${fmt(n)}`),
      this.ttft.render(L),
      this.itl.render(L),
      this.tpot.render(L),
      this.e2e.render(L),
    ];
    return out.join('\n') + '\n';
  }
}

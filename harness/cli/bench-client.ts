// `npm run bench:client`: how exact and how cheap is the client? The embedded engine runs in its
// own process with a fixed step time and reports when it wrote each token; at 1 to 1024 streams we
// compare the client's timestamps with those, and count client CPU per SSE event.
import type { Argv, CommandModule } from 'yargs';
import { runBenchmark } from '../bench/runBenchmark.js';
import { absPercentiles, timestampErrors } from '../selfbench/timestampError.js';
import { parseCostUs } from '../selfbench/parseCost.js';
import { rawReadCost } from '../selfbench/rawReadCost.js';
import { spawnEngine } from '../target/engineProcess.js';
import { builtinTokenizer } from '../workload/index.js';
import { UserError } from '../common/errors.js';
import type { StampMode } from '../client/phaseClock.js';

// Per stream count: step time and output length, so the engine (one core) keeps up with its
// writes and each case takes a few seconds.
const CASES = [
  { streams: 1, stepMs: 5, tokens: 400 },
  { streams: 64, stepMs: 10, tokens: 200 },
  { streams: 256, stepMs: 20, tokens: 120 },
  { streams: 1024, stepMs: 50, tokens: 60 },
];

function builder(y: Argv) {
  return y
    .option('streams', { type: 'string', describe: 'comma list of stream counts to run (default: 1,64,256,1024)' })
    .option('parse', { type: 'string', default: 'batch', choices: ['batch', 'end'], describe: 'when SSE is parsed: per event-loop turn, or at the end of each response' })
    .option('stamp', { type: 'string', default: 'read,phase', describe: "socket-read stamping modes to compare: phase, read" });
}
type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function handler(a: Args): Promise<void> {
  const only = a.streams?.split(',').map(Number);
  const cases = only ? CASES.filter((c) => only.includes(c.streams)) : CASES;
  const header = ['streams', 'stamp', 'step ms', 'events', 'events/s', 'cpu us/ev', 'ev/s/core', 'raw us/read', 'x raw', 'event err p50', 'p99', '1st-token err p50', 'p99', 'itl err p50', 'p99', 'unpaired'];
  const rows: string[][] = [];
  const modes = a.stamp.split(',').map((m) => {
    if (m !== 'phase' && m !== 'read') throw new UserError(`--stamp: "${m}" must be phase or read`);
    return m as StampMode;
  });
  for (const c of cases) for (const stamp of modes) {
    const engine = await spawnEngine([
      '--profile', 'tiny', '--fixed-step-ms', String(c.stepMs),
      '--max-num-seqs', String(Math.max(64, c.streams)), '--max-num-batched-tokens', '65536',
    ]);
    try {
      const run = await runBenchmark({
        client: {
          baseUrl: engine.url, endpoint: '/v1/completions', model: 'abserve-engine',
          extraBody: { ignore_eos: true }, requestTimeoutMs: 120_000, stallTimeoutMs: 30_000, debug: true, stamp, parse: a.parse as 'batch' | 'end',
        },
        workload: { numPrompts: c.streams, inputLen: 8, outputLen: c.tokens, tokenIds: true, seed: 1, warmupRequests: Math.min(c.streams, 16) },
        tokenizer: builtinTokenizer(),
        aggregate: {},
        maxConcurrency: c.streams,
      });
      const measured = run.records.filter((r) => !r.warmup);
      const events = measured.reduce((s, r) => s + r.tokenTimes.length, 0);
      const cpuUsPerEvent = run.clientCpuUs / events;
      const errs = timestampErrors(measured);
      const [t50, t99] = absPercentiles(errs.ttftErrMs, [50, 99]);
      const [i50, i99] = absPercentiles(errs.itlErrMs, [50, 99]);
      const [e50, e99] = absPercentiles(errs.eventErrMs, [50, 99]);
      rows.push([
        String(c.streams), stamp, String(c.stepMs), String(events), f(events / run.result.durationS, 0),
        f(cpuUsPerEvent, 2), f(1e6 / cpuUsPerEvent, 0), f(e50), f(e99), f(t50), f(t99), f(i50), f(i99),
        String(errs.unpaired + run.result.failed),
      ]);
      const raw = await rawReadCost(engine.url, c.streams, {
        model: 'abserve-engine', prompt: Array.from({ length: 8 }, (_, i) => i + 1), max_tokens: c.tokens,
        ignore_eos: true, stream: true, stream_options: { include_usage: true, continuous_usage_stats: true },
      });
      rows[rows.length - 1].splice(7, 0, f(raw.cpuUsPerRead, 2), f(cpuUsPerEvent / raw.cpuUsPerRead, 2));
      console.error(`done: ${c.streams} streams, ${stamp} stamps`);
    } finally {
      await engine.stop();
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padStart(widths[i])).join('  ');
  console.log('Client timestamp error vs engine emit times (ms, |error|), client CPU per SSE event');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log('cpu us/ev: client process CPU during the measured phase (load generator, client, parsing) / token events;');
  console.log('ev/s/core: events one core could take at that cost. Engine runs in its own process on the same box.');
  console.log('raw us/read: CPU per read of plain TCP sockets streaming the same responses (Node + kernel floor); x raw: client / floor.');
  const parseUs = parseCostUs();
  console.log(
    `parse path alone (SSE + JSON + accumulate, no socket): ${parseUs.toFixed(2)} us/event = ` +
      `${f(1e6 / parseUs, 0)} events/s/core; the rest of cpu us/ev is undici's HTTP parsing and the kernel's reads`,
  );
}

export const benchClientCommand: CommandModule<object, Args> = {
  command: 'bench-client',
  describe: 'benchmark the client: timestamp error against the engine and CPU per event',
  builder: (y) => builder(y) as unknown as Argv<Args>,
  handler,
};

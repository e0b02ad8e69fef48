// `abserve engine`: run the embedded OpenAI-compatible engine until SIGINT/SIGTERM. Prints exactly
// one line on stdout once listening (parents spawn it and parse that line); details go to stderr.
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import { DEFAULT_MODEL, DEFAULT_PROFILE, getProfile, profileNames, resolveOptions, startEngine, type CostProfile } from '../engine/index.js';
import { withMergeTimings } from './predict.js';
import { addServeFlags, serveOptions } from './engineServeFlags.js';
import { addAnswerFlags, answerOptions } from './engineAnswerFlags.js';
import { watchParent } from './parentWatch.js';
import { serveUntilStopped } from './serveStop.js';

function builder(y: Argv) {
  const b = y
    .option('port', { type: 'number', default: 8000, describe: 'port to listen on (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind' })
    .option('model', { type: 'string', default: DEFAULT_MODEL, describe: 'served model name' })
    // Checked in the handler, not by yargs `choices` (whose error spans two lines).
    .option('profile', { type: 'string', default: DEFAULT_PROFILE, describe: `cost profile: ${profileNames().join(', ')}` })
    .option('time-scale', { type: 'number', default: 1, describe: 'multiply every step time (0.02 = 50x faster)' })
    .option('fixed-step-ms', { type: 'number', describe: 'every step takes exactly this many ms (overrides the profile)' })
    .option('max-num-seqs', { type: 'number', describe: "max running sequences (default: the profile's)" })
    .option('max-num-batched-tokens', { type: 'number', describe: "token budget per step (default: the profile's)" })
    .option('max-model-len', { type: 'number', describe: "max prompt + output tokens (default: the profile's)" })
    .option('disable-merge-op', {
      type: 'boolean',
      describe: 'pay the fallback (Triton) merge cost; default: VLLM_DISABLE_MERGE_ATTN_CUDA_OP=1 in the environment',
    })
    .option('reasoning-tokens', { type: 'number', default: 0, describe: 'chat: first N output tokens (or fraction < 1) as reasoning_content' })
    .option('noise', {
      type: 'string',
      default: 'on',
      choices: ['on', 'off'],
      describe: "seeded step-time noise with the profile's coefficients (off: exactly deterministic)",
    })
    .option('noise-seed', { type: 'number', describe: 'noise seed, integer >= 0 (default: random per engine; fixed reproduces a run)' })
    .option('step-scale', { type: 'number', default: 1, describe: 'every step this many times as long (1.05 = 5% slower arm)' })
    .option('merge-timings', {
      type: 'string',
      describe: 'abserve micro / mas_bench JSON timing the merge calls (baseline = merge op off, optimized = on; 16 heads x 128 bf16)',
    })
    .option('spin-ms', { type: 'number', describe: 'poll the last ms of each step for timer precision (CPU cost); default min(1, step/4)' });
  addServeFlags(b); // --api-key, --fault-* (issue 10)
  addAnswerFlags(b); // --answer-*, --diverge-* (issue 7)
  b.option('check', { type: 'boolean', default: false, describe: 'check the arguments and exit (0: they would start)' });
  return b;
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

export const engineCommand: CommandModule = {
  command: 'engine',
  describe: 'run the embedded OpenAI-compatible engine (vLLM-like scheduler and cost model)',
  builder,
  handler: async (raw) => {
    const a = raw as unknown as Args;
    if (!profileNames().includes(a.profile)) throw new UserError(`--profile: expected one of ${profileNames().join(', ')}, got ${JSON.stringify(a.profile)}`);
    if (!(Number.isInteger(a.port) && a.port >= 0 && a.port <= 65535)) throw new UserError(`--port: expected an integer 0-65535 (0: any free port), got ${String(a.port)}`);
    const seed = a['noise-seed'];
    if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
      throw new UserError(`--noise-seed: want an integer >= 0, got ${String(seed)}`);
    }
    const stepScale = a['step-scale'];
    if (!(Number.isFinite(stepScale) && stepScale > 0)) throw new UserError(`--step-scale: want a number > 0, got ${String(stepScale)}`);
    const answering = answerOptions(raw as Record<string, unknown>);
    let profile: string | CostProfile = a.profile;
    if (a['merge-timings']) {
      const sel = { oldKernel: 'baseline', newKernel: 'optimized', heads: 16, headSize: 128, dtype: 'bfloat16' };
      profile = withMergeTimings(getProfile(a.profile), a['merge-timings'], sel);
    }
    const options = {
      port: a.port,
      host: a.host,
      model: a.model,
      profile,
      timeScale: a['time-scale'],
      fixedStepMs: a['fixed-step-ms'],
      maxNumSeqs: a['max-num-seqs'],
      maxNumBatchedTokens: a['max-num-batched-tokens'],
      maxModelLen: a['max-model-len'],
      // Only an explicit flag overrides the environment variable.
      disableMergeOp: a['disable-merge-op'] ? true : undefined,
      reasoningTokens: a['reasoning-tokens'],
      spinMs: a['spin-ms'],
      noise: a.noise === 'on',
      noiseSeed: seed,
      stepScale,
      ...serveOptions(raw as Record<string, unknown>),
      ...answering,
    };
    if (a.check) {
      // `abserve ab` asks every arm's engine this before its first run, so a typo in one arm's
      // server_args is found before the other arm has used the machine.
      resolveOptions(options);
      console.log('abserve engine: arguments ok');
      return;
    }
    let engine;
    try {
      engine = await startEngine(options);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') throw new UserError(`engine: cannot listen on ${a.host}:${a.port} (${code})`);
      throw e;
    }
    const o = engine.options;
    console.error(
      `abserve engine: model ${o.model}, profile ${o.profile.name}, time scale ${o.timeScale}` +
        (o.fixedStepMs !== undefined ? `, fixed step ${o.fixedStepMs} ms` : '') +
        `, max-num-seqs ${o.maxNumSeqs}, max-num-batched-tokens ${o.maxNumBatchedTokens}, max-model-len ${o.maxModelLen}, merge op ${o.merge}` +
        `, noise ${o.noise ? `on (seed ${o.noiseSeed}, step sigma ${o.profile.noise.stepSigma}, run sigma ${o.profile.noise.runSigma})` : 'off'}` +
        (o.stepScale !== 1 ? `, step scale ${o.stepScale}` : '') +
        (o.answering ? `, answering ${o.answering.keySize} questions (accuracy ${o.answering.accuracy}, seed ${o.answering.seed}, reasoning ${o.answering.reasoning})` : '') +
        (o.diverge ? `, diverge ${o.diverge.prob} of requests from token ${o.diverge.at} (seed ${o.diverge.seed})` : ''),
    );
    console.log(`abserve engine listening on ${engine.url}`);
    // First signal: close within a few seconds, then exit regardless; a second one: at once.
    // Never outlive the abserve that started us (issue 10): its death counts as a signal.
    await serveUntilStopped(() => engine.close(), { name: 'abserve engine', watch: (onGone) => watchParent(onGone) });
  },
};

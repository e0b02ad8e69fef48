// The A/B of an engine scenario in virtual time: every arm x repetition runs through the embedded
// engine's scheduler and cost model (engine/simulate.ts) instead of a live process, with the same
// per-instance noise seeds `abserve ab` gives live engines. No sockets, no timers, no host jitter:
// a 4K/1K A/B with a dozen repetitions takes a second, and the result is exactly reproducible.
// That makes it the prediction of what a kernel change can do end to end (the noise model says how
// much a real A/B of that design could resolve), and the deterministic ground for testing that the
// statistics call a planted effect and stay quiet on an A/A.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import { atomicWriteFile } from '../report/index.js';
import { builtinTokenizer, loadTokenizer } from '../common/tokenizer.js';
import { aggregateSim, envDisablesMergeOp, getProfile, simulateClosedLoop, StepNoise } from '../engine/index.js';
import { armServerConfigs, resolvedScenarioJson, runArms, toWorkloadOptions, type Scenario } from '../scenario/index.js';
import type { ArmServerConfig } from '../target/types.js';
import { buildWorkload } from '../workload/index.js';
import { planRuns } from './plan.js';
import { joinNotes, summarizeAb } from './compare.js';
import { claimNotes, publishedClaimKey } from './published.js';
import { defaultResultDir, engineSeeded, freshPerRun } from './instances.js';
import { hostFacts, workloadHash } from './manifest.js';
import type { AbOptions, AbOutcome } from './runAb.js';
import { runDirName } from './runOne.js';
import { prepareResultDir } from './resultDir.js';
import { toRunData, type RunData } from './runData.js';

/** The engine flags a simulation honours, read from the target's and the arm's args. */
interface SimFlags {
  stepScale: number;
  noise: boolean;
  noiseSeed: number | undefined;
  maxNumSeqs: number | undefined;
  maxNumBatchedTokens: number | undefined;
}

function flagValue(args: readonly string[], name: string): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) v = args[i + 1];
    else if (args[i]!.startsWith(`${name}=`)) v = args[i]!.slice(name.length + 1);
  }
  return v;
}

function simFlags(args: readonly string[]): SimFlags {
  const num = (n: string) => {
    const v = flagValue(args, n);
    return v === undefined ? undefined : Number(v);
  };
  if (flagValue(args, '--fixed-step-ms') !== undefined) throw new UserError('--simulate: fixed_step_ms engines have nothing to simulate (every step is the same)');
  return {
    stepScale: num('--step-scale') ?? 1,
    noise: flagValue(args, '--noise') !== 'off',
    noiseSeed: num('--noise-seed'),
    maxNumSeqs: num('--max-num-seqs'),
    maxNumBatchedTokens: num('--max-num-batched-tokens'),
  };
}

/**
 * Simulates every run of an engine scenario (closed loop: request_rate inf with max_concurrency,
 * as the published runs; output lengths are max_tokens, as with ignore_eos). Returns RunData in
 * run order, like live runs. Throws UserError for a non-engine target or a finite request rate.
 */
export function simulateAbRuns(s: Scenario): RunData[] {
  if (s.target.kind !== 'engine') throw new UserError(`${s.file}: --simulate needs target engine, got ${s.target.kind}`);
  if (Number.isFinite(s.workload.requestRate)) {
    throw new UserError(`${s.file}: workload.request_rate: --simulate models the closed loop (request_rate inf), got ${s.workload.requestRate}`);
  }
  const profile = getProfile(s.target.profile);
  const tokenizer = s.workload.tokenizer ? loadTokenizer(s.workload.tokenizer) : builtinTokenizer();
  const specs = buildWorkload(toWorkloadOptions(s), tokenizer).filter((r) => !r.warmup);
  const requests = specs.map((r) => ({ promptTokens: r.promptTokens, outputTokens: r.maxTokens }));
  const servers = new Map(armServerConfigs(s).map((c) => [c.name, c]));
  const plan = planRuns([...servers.keys()], s.repetitions, s.order);
  const concurrency = s.workload.maxConcurrency ?? requests.length;
  const runs: RunData[] = [];
  let starts = 0;
  let previousArm: string | undefined;
  for (const run of plan) {
    // A live A/B starts a server when the arm changes (or every run with fresh_server); each
    // start is a new instance with its own noise seed. Runs on one instance share its offset.
    if (freshPerRun(s) || run.arm !== previousArm) starts++;
    previousArm = run.arm;
    const arm: ArmServerConfig = engineSeeded(s, servers.get(run.arm)!, starts);
    const f = simFlags([...s.target.args, ...arm.serverArgs]);
    const noise = f.noise ? new StepNoise(profile.noise, f.noiseSeed ?? starts) : undefined;
    const limits = {
      maxNumSeqs: f.maxNumSeqs ?? profile.maxNumSeqs,
      maxNumBatchedTokens: f.maxNumBatchedTokens ?? profile.maxNumBatchedTokens,
    };
    const merge = envDisablesMergeOp(arm.env) ? 'fallback' : 'cuda';
    const sim = simulateClosedLoop(profile, limits, { merge, timeScale: 1, stepScale: f.stepScale, ...(noise ? { noise } : {}) }, requests, concurrency);
    const result = aggregateSim(sim, run.arm);
    runs.push(toRunData(run, result, sim.records, undefined));
  }
  return runs;
}

/** The note every simulated comparison carries. */
export const SIMULATED_NOTE =
  'simulated: every run went through the embedded engine model in virtual time (scheduler, cost model, per-instance noise) at the model\'s own scale (time_scale does not apply); a prediction of what this design can resolve, not a measurement';

/**
 * `abserve ab --simulate`: simulateAbRuns, then the same results folder as a live A/B (manifest,
 * runs/<n>/run.json, comparison.json, report.md, report.html), marked simulated.
 */
export async function simulateAb(s: Scenario, o: AbOptions = {}): Promise<AbOutcome> {
  const createdAt = new Date();
  const dir = o.resultDir ?? `${defaultResultDir(s, createdAt)}-simulated`;
  const emit = o.onEvent ?? (() => {});
  const tokenizer = s.workload.tokenizer ? loadTokenizer(s.workload.tokenizer) : builtinTokenizer();
  const arms = runArms(s).map((a) => a.name);
  const runs = simulateAbRuns(s);
  prepareResultDir(dir);
  emit({ type: 'plan', runs: runs.map((r) => ({ order: r.order, arm: r.arm, rep: r.rep })), dir });
  for (const r of runs) {
    const where = { order: r.order, arm: r.arm, rep: r.rep };
    const runDir = path.join(dir, runDirName(where));
    mkdirSync(runDir, { recursive: true });
    await atomicWriteFile(path.join(runDir, 'run.json'), JSON.stringify(r) + '\n');
    emit({ type: 'run-end', run: where, data: r });
  }
  const manifest: Record<string, unknown> = {
    scenario: resolvedScenarioJson(s),
    created_at: createdAt.toISOString(),
    simulated: true,
    ...(await hostFacts()),
    workload_sha256: workloadHash(buildWorkload(toWorkloadOptions(s), tokenizer)),
    status: 'complete',
    runs_finished: runs.length,
    notes: [SIMULATED_NOTE],
    published_claim: publishedClaimKey(s) ?? null,
  };
  await atomicWriteFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const summary = await summarizeAb({
    dir, scenario: s.name, createdAt: createdAt.toISOString(), arms, alpha: s.alpha, runs, manifest,
    partial: false, resamples: o.resamples, seed: s.seed + 1, notes: [SIMULATED_NOTE],
    ...(joinNotes(o.notesFor, claimNotes(publishedClaimKey(s))) ? { notesFor: joinNotes(o.notesFor, claimNotes(publishedClaimKey(s)))! } : {}),
  });
  return { ...summary, dir, runs, partial: false, arms };
}

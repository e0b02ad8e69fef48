// `abserve ab`: every arm x repetition of a scenario, interleaved, against servers started per
// arm (or per run with fresh_server), then the comparison and the reports. The run emits events
// and the CLI prints them (no TTY code here). Interrupted runs keep every finished run, write the
// reports from them and say they are partial; servers started here are always stopped.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../common/errors.js';
import { builtinTokenizer, loadTokenizer } from '../common/tokenizer.js';
import type { LoadProgress } from '../load/runLoad.js';
import { atomicWriteFile } from '../report/index.js';
import { armServerConfigs, resolvedScenarioJson, runArms, toWorkloadOptions, type Scenario } from '../scenario/index.js';
import { createTarget, listModels, type TargetSession } from '../target/index.js';
import { buildWorkload } from '../workload/index.js';
import { isInterrupt, joinNotes, summarizeAb, type AbSummary } from './compare.js';
import { hostFacts, workloadHash } from './manifest.js';
import { needsStart, planRuns, type PlannedRun } from './plan.js';
import type { RunData } from './runData.js';
import { cutCounts } from '../bench/runBenchmark.js';
import { metricInputs } from './samples.js';
import { compareArms } from '../stats/arms.js';
import type { Comparison, Statistic } from '../stats/types.js';
import { timeScaleNotes } from './instances.js';
import type { AccuracyRun } from '../accuracy/types.js';
import type { AbReportData } from '../report/abReportTypes.js';
import { accuracyTable, askArm, checkAccuracyStep, compareArmsAccuracy } from './accuracyStep.js';
import { runOne, warmupClient } from './runOne.js';
import { outputEquivalence } from './equivalence.js';
import { claimNotes, publishedClaimKey } from './published.js';
import { prepareResultDir } from './resultDir.js';
import { defaultResultDir, engineSeeded, freshPerRun } from './instances.js';

export { defaultResultDir, engineSeeded, freshPerRun };

/** What the run tells its viewer. */
export type AbEvent =
  | { type: 'plan'; runs: PlannedRun[]; dir: string }
  | { type: 'client-warmup'; throwaway: boolean }
  | { type: 'server-start'; arm: string; target: string }
  | { type: 'server-ready'; arm: string; url: string }
  | { type: 'run-start'; run: PlannedRun; total: number }
  | { type: 'progress'; run: PlannedRun; progress: LoadProgress }
  | { type: 'run-end'; run: PlannedRun; data: RunData }
  | { type: 'server-stop'; arm: string }
  | { type: 'accuracy'; arm: string; phase: 'during' | 'after' }
  | { type: 'until-ci'; metric: string; halfWidthPct: number; target: number; repetitions: number; reached: boolean; capped: boolean };

export interface AbOptions {
  /** Results folder; default results/<timestamp>-<scenario>. */
  resultDir?: string;
  /** Ctrl-C: the run in flight stops (its finished requests kept), no further runs start. */
  signal?: AbortSignal;
  onEvent?: (e: AbEvent) => void;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Warm the client up before the first run (default true). */
  clientWarmup?: boolean;
  /** More notes once the comparison exists (e.g. a published claim beside its interval). */
  notesFor?: (c: Comparison) => string[];
  /** Add repetitions (one block of every arm at a time, interleaved) until the CI half-width of
   *  B/A for `metric` `statistic` is at most `pct` percent, or `maxRepetitions` per arm. */
  untilCi?: { pct: number; metric: string; statistic: Statistic; maxRepetitions: number };
}

export interface AbOutcome extends AbSummary {
  /** True when an arm (A or B) had no successful request in any run: nothing to compare (the CLI
   *  exits 1 and prints why). */
  measuredNothing?: boolean;
  /** That arm. */
  emptyArm?: string;
  /** The first failure message seen, for that case. */
  firstFailure?: string;
  /** The accuracy step's table and verdict, when the scenario ran one and both arms finished it. */
  accuracy?: NonNullable<AbReportData['accuracy']>;
  dir: string;
  runs: RunData[];
  partial: boolean;
  partialReason?: string;
  arms: string[];
}


/** The A/B's partial reason from its cut-short run: "<cause>; <where>, N of M requests completed,
 *  C cancelled" (with failures: "N of M requests finished (S succeeded, F failed)", as bench says
 *  it), from the run's structured counts; a RunData without them (never from this runOne, kept
 *  for safety) falls back to its partialReason text. */
export function cutReason(d: RunData, where: string): string {
  if (d.cut) return `${d.cut.cause}; ${where}, ${cutCounts(d.cut, d.completed)}`;
  const why = d.partialReason ?? 'a run was cut short';
  const m = /^([^;]+); (.+)$/.exec(why);
  return m ? `${m[1]}; ${where}, ${m[2]}` : `${why} ${where}`;
}

/**
 * Runs the scenario's A/B. Throws UserError when a server cannot start or the model cannot be
 * resolved before any run; later failures become a partial outcome, never a lost folder.
 */
export async function runAb(s: Scenario, o: AbOptions = {}): Promise<AbOutcome> {
  checkAccuracyStep(s);
  const createdAt = new Date();
  const dir = o.resultDir ?? defaultResultDir(s, createdAt);
  prepareResultDir(dir);
  const emit = o.onEvent ?? (() => {});
  const tokenizer = s.workload.tokenizer ? loadTokenizer(s.workload.tokenizer) : builtinTokenizer();
  const specs = buildWorkload(toWorkloadOptions(s), tokenizer);
  const arms = runArms(s).map((a) => a.name);
  const servers = new Map(armServerConfigs(s).map((c) => [c.name, c]));
  const plan = planRuns(arms, s.repetitions, s.order);
  const target = createTarget(s.target);

  const manifest: Record<string, unknown> = {
    scenario: resolvedScenarioJson(s),
    created_at: createdAt.toISOString(),
    ...(await hostFacts()),
    // With host: a manifest still saying `running` whose process is gone was killed (loadResults).
    pid: process.pid,
    // What actually happens, beside the scenario's fresh_server: the embedded engine always gets
    // a fresh instance per run (instances.ts).
    fresh_server_per_run: freshPerRun(s),
    workload_sha256: workloadHash(specs),
    workload_requests: specs.length,
    arms: Object.fromEntries([...servers].map(([n, c]) => [n, { env: c.env, server_args: c.serverArgs }])),
    plan,
    servers: [],
    status: 'running',
  };
  const writeManifest = () => atomicWriteFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  await writeManifest();
  emit({ type: 'plan', runs: plan, dir });

  const runs: RunData[] = [];
  const accuracyRuns: Record<string, AccuracyRun> = {};
  let partialReason: string | undefined;
  let session: TargetSession | undefined;
  let sessionArm: string | undefined;
  let starts = 0;
  let model = s.model;
  let reps = s.repetitions;
  /** --until-ci: after the planned runs, one more block of every arm while the interval of the
   *  chosen metric is wider than asked and the cap allows. */
  const needMore = async (): Promise<boolean> => {
    const u = o.untilCi!;
    if (partialReason !== undefined || o.signal?.aborted || arms.length < 2) return false;
    const inputs = metricInputs(runs, arms[0]!, arms[1]!).filter((m) => m.metric === u.metric);
    if (inputs.length === 0) return false;
    const c = compareArms({ a: arms[0]!, b: arms[1]!, metrics: inputs.map((m) => ({ ...m, statistics: [u.statistic] })) }, { alpha: s.alpha, resamples: 500, seed: s.seed + 1 });
    const m = c.metrics[0]!;
    const half = ((m.ratioCi[1] - m.ratioCi[0]) / 2) * 100;
    const reached = !(half > u.pct);
    const capped = !reached && reps >= u.maxRepetitions;
    emit({ type: 'until-ci', metric: `${u.metric} ${u.statistic}`, halfWidthPct: half, target: u.pct, repetitions: reps, reached, capped });
    manifest.until_ci = { metric: `${u.metric} ${u.statistic}`, target_pct: u.pct, half_width_pct: half, repetitions: reps, reached };
    if (reached || capped) return false;
    reps++;
    plan.push(...planRuns(arms, reps, 'interleaved').slice(plan.length));
    manifest.plan = plan;
    manifest.repetitions_run = reps;
    return true;
  };
  /**
   * The first run of a process is measured with a cold client (module loading, JIT): measured
   * 2-3x the TTFT of later runs on the tiny engine, and it always falls on arm A. So before the
   * first run, a short unmeasured burst warms the client, against a throwaway server instance
   * on the embedded engine (every run there gets a fresh instance, so none starts warmer).
   */
  const warmClient = async () => {
    const first = plan[0]!;
    emit({ type: 'client-warmup', throwaway: freshPerRun(s) });
    const srv = await startSession(first.arm, 0, 'client-warmup');
    await warmupClient(s, srv.url, model!, tokenizer, o.signal);
    // On the embedded engine run 1 gets a fresh instance; elsewhere this server serves run 1.
    if (freshPerRun(s)) await stopSession();
  };
  const stopSession = async () => {
    const live = session;
    if (!live) return;
    emit({ type: 'server-stop', arm: sessionArm! });
    session = undefined;
    sessionArm = undefined;
    await live.stop();
  };
  /**
   * Stops the server in use and starts arm `arm`'s: its own log file, the engine's noise seed for
   * start number `start`, listed in the manifest; resolves the model from /v1/models the first time.
   */
  const startSession = async (arm: string, start: number, role: 'client-warmup' | 'runs' | 'accuracy'): Promise<TargetSession> => {
    await stopSession();
    const suffix = role === 'runs' ? '' : `-${role}`;
    const logFile = path.join(dir, 'logs', `server-${String(start).padStart(2, '0')}-${arm}${suffix}.log`);
    const started = await target.start(engineSeeded(s, servers.get(arm)!, start), { logFile, signal: o.signal });
    session = started;
    sessionArm = arm;
    (manifest.servers as unknown[]).push({ arm, role, url: started.url, log: path.relative(dir, logFile), ...(started.pid ? { pid: started.pid } : {}) });
    if (model === undefined) {
      model = (await listModels(started.url))[0];
      if (model === undefined) throw new UserError(`${s.file}: model not given and ${started.url}/v1/models lists no model`);
      manifest.model = model;
    }
    return started;
  };
  try {
    // Every arm's server arguments, checked before any run (a typo in arm B's server_args must not
    // surface after arm A has used the machine).
    if (target.check) for (const arm of servers.values()) await target.check(engineSeeded(s, arm, 0));
    if (plan.length > 0 && o.clientWarmup !== false) await warmClient();
    for (let i = 0; i < plan.length || (o.untilCi !== undefined && (await needMore())); i++) {
      const run = plan[i]!;
      if (o.signal?.aborted) {
        partialReason ??= 'interrupted';
        break;
      }
      if (!session || needsStart(run, sessionArm, freshPerRun(s))) {
        emit({ type: 'server-start', arm: run.arm, target: s.target.kind });
        const started = await startSession(run.arm, ++starts, 'runs');
        emit({ type: 'server-ready', arm: run.arm, url: started.url });
      }
      const url = session!.url;
      emit({ type: 'run-start', run, total: plan.length });
      const asking =
        s.accuracy?.when === 'during' && run.rep === 1 && !(run.arm in accuracyRuns) && arms.indexOf(run.arm) < 2
          ? askArm(s, run.arm, url, model!, dir, o.signal, s.workload.maxConcurrency)
          : undefined;
      const out = await runOne({
        scenario: s,
        run,
        url,
        model: model!,
        tokenizer,
        dir,
        signal: o.signal,
        onProgress: (p) => emit({ type: 'progress', run, progress: p }),
      });
      if (asking) {
        emit({ type: 'accuracy', arm: run.arm, phase: 'during' });
        accuracyRuns[run.arm] = await asking;
      }
      runs.push(out.data);
      if (out.prefixCacheReset === false) manifest.prefix_cache_reset = 'not supported by the server';
      emit({ type: 'run-end', run, data: out.data });
      if (out.data.partial) {
        // Which run the request counts are of ("0 of 16 requests completed" read as the whole A/B).
        const where = `in run ${run.order + 1} (${run.arm} rep ${run.rep})`;
        partialReason ??= cutReason(out.data, where);
        break;
      }
      if (s.cooldownMs > 0 && run !== plan[plan.length - 1]) {
        await sleep(s.cooldownMs, undefined, { signal: o.signal }).catch(() => {});
      }
    }
    // The accuracy step after the serving runs: each of A and B on a server of its own.
    if (s.accuracy?.when === 'after' && partialReason === undefined && !o.signal?.aborted) {
      for (const arm of arms.slice(0, 2)) {
        const started = await startSession(arm, ++starts, 'accuracy');
        emit({ type: 'accuracy', arm, phase: 'after' });
        accuracyRuns[arm] = await askArm(s, arm, started.url, model!, dir, o.signal);
      }
    }
  } catch (e) {
    // Ctrl-C during a server start or a cooldown: an interruption, not a failure of the run.
    if (o.signal?.aborted) partialReason ??= 'interrupted';
    else if (runs.length === 0 || !(e instanceof UserError)) {
      manifest.status = 'failed';
      manifest.error = e instanceof Error ? e.message : String(e);
      await writeManifest().catch(() => {});
      throw e;
    }
    else partialReason ??= (e as Error).message;
  } finally {
    await stopSession().catch(() => {});
  }
  if (runs.length < plan.length) partialReason ??= 'interrupted';
  // An arm in which no request succeeded measured nothing: no comparison exists; say why and never
  // call it complete. An interrupt before any request of an arm finished is not that failure: the
  // outcome is partial like any interrupted run (comparison.json and reports written, exit 3).
  // An arm whose finished requests all failed did measure something: that they fail.
  const interrupted = o.signal?.aborted === true && partialReason !== undefined && isInterrupt(partialReason);
  const emptyArm = arms.slice(0, 2).find((arm) => {
    const mine = runs.filter((r) => r.arm === arm);
    if (mine.length === 0 || mine.some((r) => r.completed > 0)) return false;
    return !interrupted || mine.some((r) => r.failed > 0);
  });
  const measuredNothing = emptyArm !== undefined;
  const partial = partialReason !== undefined;
  manifest.status = measuredNothing ? 'measured-nothing' : partial ? 'partial' : 'complete';
  if (partial) {
    // A run cut short is kept (its finished requests) but is not a finished run.
    const cut = runs.filter((r) => r.partial).length;
    manifest.partial_reason = `${partialReason}; ${runs.length - cut} of ${plan.length} runs complete${cut ? `, ${cut} cut short (kept)` : ''}`;
  }
  manifest.runs_finished = runs.length;
  const equivalence = await outputEquivalence(dir, arms, s.alpha);
  // Notes that depend only on the run, kept in the manifest so `abserve report DIR` shows them too.
  const u = manifest.until_ci as { reached: boolean; target_pct: number; half_width_pct: number; repetitions: number; metric: string } | undefined;
  const untilNote = u && !u.reached
    ? [`--until-ci ${u.target_pct}% not reached: ${u.metric} B/A half-width ${u.half_width_pct.toFixed(1)}% after ${u.repetitions} repetitions per arm (the cap)`]
    : [];
  if (s.aa) untilNote.push('A/A: both arms are the same configuration; every significant difference here is a false positive, and the intervals show the noise floor');
  const staticNotes = [...timeScaleNotes(s), ...(equivalence ? [equivalence] : []), ...untilNote];
  const claimKey = publishedClaimKey(s);
  manifest.notes = staticNotes;
  manifest.published_claim = claimKey ?? null;
  const notesFor = joinNotes(o.notesFor, claimNotes(claimKey));
  let accuracy: AbReportData['accuracy'];
  const [armA, armB] = arms;
  const accA = armA !== undefined ? accuracyRuns[armA] : undefined;
  const accB = armB !== undefined ? accuracyRuns[armB] : undefined;
  if (accA && accB) {
    const c = compareArmsAccuracy(accA, accB, s.alpha);
    await atomicWriteFile(path.join(dir, 'accuracy-comparison.json'), JSON.stringify(c, null, 2) + '\n');
    accuracy = accuracyTable(c);
    manifest.accuracy_table = accuracy;
  }
  await writeManifest();
  const summary = await summarizeAb({
    ...(accuracy ? { accuracy } : {}),
    dir,
    scenario: s.name,
    createdAt: createdAt.toISOString(),
    arms,
    alpha: s.alpha,
    runs,
    manifest,
    partial,
    ...(partial ? { partialReason: manifest.partial_reason as string } : {}),
    resamples: o.resamples,
    seed: s.seed + 1,
    notes: staticNotes,
    ...(notesFor ? { notesFor } : {}),
  });
  const firstFailure = runs.find((r) => r.firstFailure && (emptyArm === undefined || r.arm === emptyArm))?.firstFailure;
  return { ...summary, ...(measuredNothing ? { measuredNothing, emptyArm } : {}), ...(firstFailure ? { firstFailure } : {}), dir, runs, partial, ...(partial ? { partialReason: manifest.partial_reason as string } : {}), arms, ...(accuracy ? { accuracy } : {}) };
}

// `abserve predict`: a merge-kernel change's end-to-end effect on the published scenarios, from
// the calibrated engine (issue 8): per metric the model's effect, the 95% range one A/B run of the
// published design (one run per arm) would show on noisy servers, the published change beside it,
// and the attribution bound (the kernel's largest share of a step times its saving). Kernel times:
// the published L20 table, or `abserve micro` JSON from any GPU (--merge-timings).
import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../common/errors.js';
import type { FitMetrics, FitTarget } from '../engine/calibrate.js';
import type { MergePoint, MergeTimingTable } from '../engine/mergeTable.js';
import { predictScenario, type Prediction } from '../engine/predict.js';
import { getProfile, profileNames, type CostProfile } from '../engine/profiles.js';
import { parseMicroJson } from '../micro/microJson.js';
import type { MicroResult } from '../micro/types.js';
import { DEFAULT_PUBLISHED, publishedTargets } from './calibrate.js';

export interface MicroSelection {
  oldKernel: string;
  newKernel: string;
  heads: number;
  headSize: number;
  dtype: string;
}

/**
 * A kernel timing table from `abserve micro` / mas_bench JSON: one point per token count of the
 * cases with the selected heads, head size and dtype; time = steady (CUDA graph) us, else cold,
 * converted to ms. Both kernels are C++ launches, so no extra fallback host cost.
 * Throws UserError naming the file when no case or kernel matches.
 */
export function mergeTableFromMicro(r: MicroResult, file: string, sel: MicroSelection, callsPerChunk: number): MergeTimingTable {
  const points: MergePoint[] = [];
  const time = (c: MicroResult['cases'][number], name: string): number | undefined => {
    const i = c.impls.find((x) => x.name === name && !x.error);
    const us = i?.steadyUs ?? i?.coldUs;
    return us == null ? undefined : us / 1000;
  };
  for (const c of r.cases) {
    if (c.H !== sel.heads || c.D !== sel.headSize || c.dtype !== sel.dtype || c.S > 2) continue;
    const old = time(c, sel.oldKernel);
    const neu = time(c, sel.newKernel);
    if (old !== undefined && neu !== undefined) points.push({ tokens: c.T, fallbackMs: old, cudaMs: neu });
  }
  if (points.length === 0) {
    throw new UserError(
      `--merge-timings ${file}: no ${sel.dtype} case with ${sel.heads} heads x ${sel.headSize} timing both '${sel.oldKernel}' and '${sel.newKernel}'`,
    );
  }
  points.sort((a, b) => a.tokens - b.tokens);
  return { source: `${file} (${sel.oldKernel} -> ${sel.newKernel}, ${r.device})`, callsPerChunk, fallbackHostMs: 0, points };
}

const LABEL: Record<keyof FitMetrics, string> = {
  meanTtftMs: 'mean TTFT',
  medianTtftMs: 'median TTFT',
  p99TtftMs: 'P99 TTFT',
  meanTpotMs: 'mean TPOT',
  medianItlMs: 'median ITL',
  durationS: 'duration',
};

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}%`;

/** The published B/A - 1 (percent) per metric, when both arms of the scenario were published. */
export function publishedChanges(targets: readonly FitTarget[], scenario: string): Partial<Record<keyof FitMetrics, number>> | undefined {
  const a = targets.find((t) => t.scenario.name === scenario && t.arm === 'fallback');
  const b = targets.find((t) => t.scenario.name === scenario && t.arm === 'cuda');
  if (!a || !b) return undefined;
  const out: Partial<Record<keyof FitMetrics, number>> = {};
  for (const k of Object.keys(LABEL) as (keyof FitMetrics)[]) out[k] = (b.published[k] / a.published[k] - 1) * 100;
  return out;
}

/** One scenario's table and verdict lines. */
export function formatPrediction(
  p: Prediction,
  published: Partial<Record<keyof FitMetrics, number>> | undefined,
  table: string,
  runSigma?: number,
): string {
  const sc = p.scenario;
  const bound = p.attribution.maxStepSavingPct;
  const lines = [
    `${sc.name}: ${sc.numPrompts} x ${sc.inputLen} in / ${sc.outputLen} out, concurrency ${sc.concurrency}; merge op on (with-op, B) vs off (without-op, A), B / A - 1; kernel times: ${table}`,
  ];
  const head = ['metric', 'published', 'kernel effect', `one A/B run, 95% range (${p.reps} pairs)`, 'published inside?'];
  const rows = p.metrics.map((m) => {
    const pub = published?.[m.metric];
    const inside = pub === undefined ? '-' : pub >= m.rangePct[0] && pub <= m.rangePct[1] ? 'yes' : 'NO';
    return [LABEL[m.metric], pub === undefined ? '-' : pct(pub), pct(m.effectPct), `${pct(m.rangePct[0])} .. ${pct(m.rangePct[1])}`, inside];
  });
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) lines.push('  ' + r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd());
  lines.push(
    `  columns: published = the published change (one run per arm); kernel effect = the model's change with its noise off; ` +
      `one A/B run = where ${p.reps} noisy A/B pairs of the published design land (95% of them)` +
      (runSigma !== undefined ? `, with the profile's run-to-run spread (sigma ${runSigma} per server instance, an assumption)` : '') +
      `; published inside? yes = run-to-run noise alone explains the published change (not a confirmation), NO = noise does not.`,
  );
  const at = p.attribution;
  lines.push(
    `  attribution: the old kernel is ${at.oldSharePct.toFixed(3)}% of all step time; the new one saves ${at.savingPct.toFixed(3)}% of it,` +
      ` and at most ${bound.toFixed(2)}% of any single step, so no latency can improve by more than ${bound.toFixed(2)}%.`,
  );
  for (const m of p.metrics) {
    const pub = published?.[m.metric];
    if (pub !== undefined && -pub > bound) {
      lines.push(`  FLAG: published ${LABEL[m.metric]} ${pct(pub)} is a larger gain than the kernel can explain (at most -${bound.toFixed(2)}%).`);
    }
  }
  return lines.join('\n') + '\n';
}

function builder(y: Argv) {
  return y
    .option('profile', { type: 'string', default: 'r1-l20-pp3-tp8', choices: profileNames(), describe: 'engine profile' })
    .option('published', { type: 'string', default: DEFAULT_PUBLISHED, describe: 'vLLM result blocks: the scenarios and the published changes' })
    .option('reps', { type: 'number', default: 100, describe: 'noisy A/B pairs per scenario for the range' })
    .option('seed', { type: 'number', default: 1, describe: 'first noise seed' })
    .option('merge-timings', { type: 'string', describe: 'abserve micro / mas_bench JSON to time the merge calls (default: published L20 table)' })
    .option('old-kernel', { type: 'string', default: 'baseline', describe: 'implementation in --merge-timings playing the old kernel (arm A)' })
    .option('new-kernel', { type: 'string', default: 'optimized', describe: 'implementation in --merge-timings playing the new kernel (arm B)' })
    .option('heads', { type: 'number', default: 16, describe: '--merge-timings cases: heads per GPU (DeepSeek-R1 TP8: 16)' })
    .option('head-size', { type: 'number', default: 128, describe: '--merge-timings cases: head size' })
    .option('dtype', { type: 'string', default: 'bfloat16', describe: '--merge-timings cases: dtype' });
}

type Args = Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>;

/**
 * `profile` with its merge kernel table read from an `abserve micro --json` file (`--merge-timings`),
 * the cases chosen by `sel`. Throws UserError naming --merge-timings and the file.
 */
export function withMergeTimings(
  profile: CostProfile,
  file: string,
  sel: { oldKernel: string; newKernel: string; heads: number; headSize: number; dtype: string },
): CostProfile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--merge-timings: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { ...profile, mergeTable: mergeTableFromMicro(parseMicroJson(text, file), file, sel, profile.mergeTable?.callsPerChunk ?? 61) };
}

export const predictCommand: CommandModule = {
  command: 'predict',
  describe: "a merge-kernel change's predicted end-to-end effect on the published scenarios, with the attribution bound",
  builder,
  handler: (raw) => {
    const a = raw as unknown as Args;
    if (!(Number.isInteger(a.reps) && a.reps >= 2)) throw new UserError(`--reps: want an integer >= 2, got ${String(a.reps)}`);
    if (!Number.isSafeInteger(a.seed) || a.seed < 0) throw new UserError(`--seed: want an integer >= 0, got ${String(a.seed)}`);
    let profile: CostProfile = getProfile(a.profile);
    if (a['merge-timings']) {
      const sel = { oldKernel: a['old-kernel'], newKernel: a['new-kernel'], heads: a.heads, headSize: a['head-size'], dtype: a.dtype };
      profile = withMergeTimings(profile, a['merge-timings'], sel);
    }
    if (!profile.mergeTable) throw new UserError(`--profile ${profile.name}: has no merge kernel table; use r1-l20-pp3-tp8 or give --merge-timings`);
    const targets = publishedTargets(a.published);
    const seen = new Set<string>();
    for (const t of targets) {
      if (seen.has(t.scenario.name)) continue;
      seen.add(t.scenario.name);
      const p = predictScenario(profile, t.scenario, a.reps, a.seed);
      process.stdout.write(formatPrediction(p, publishedChanges(targets, t.scenario.name), profile.mergeTable.source, profile.noise.runSigma) + '\n');
    }
  },
};

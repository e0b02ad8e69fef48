// A Scenario in the vocabularies of the modules below it: workload options, the client's request
// body per arm, the target's per-arm server configs (with the A/A copy), and a JSON view for
// manifest.json. One place maps names, so the rest of the code keeps one vocabulary.
import type { WorkloadOptions } from '../workload/index.js';
import type { ArmServerConfig } from '../target/types.js';
import { UserError } from '../common/errors.js';
import { engineFlags } from './resolve.js';
import type { Scenario, ScenarioArm } from './types.js';

/** The A/A copy of arm `name` (aa: true): `<name>-aa`. */
export function aaArmName(name: string): string {
  return `${name}-aa`;
}

/**
 * The arms that run, in declaration order: the declared arms, or with `aa` the first arm and its
 * copy named `aaArmName(first)` (identical env, args, body, engine flags).
 */
export function runArms(s: Scenario): ScenarioArm[] {
  if (!s.aa) return s.arms;
  const a = s.arms[0]!;
  return [a, { ...a, name: aaArmName(a.name) }];
}

function findArm(s: Scenario, arm: string): ScenarioArm {
  const found = runArms(s).find((a) => a.name === arm);
  if (!found) {
    throw new UserError(`${s.file}: no arm named ${JSON.stringify(arm)} (arms: ${runArms(s).map((a) => a.name).join(', ')})`);
  }
  return found;
}

/**
 * The workload options (`workload/`'s vocabulary) of the scenario; identical for every arm.
 * `warmupRequests` is the scenario's `warmup` (sent before every measured run).
 */
export function toWorkloadOptions(s: Scenario): WorkloadOptions {
  const w = s.workload;
  return {
    dataset: w.datasetName,
    path: w.datasetPath,
    endpoint: s.endpoint,
    numPrompts: w.numPrompts,
    inputLen: w.randomInputLen,
    outputLen: w.randomOutputLen,
    rangeRatio: w.randomRangeRatio,
    prefixLen: w.randomPrefixLen,
    tokenIds: w.randomTokenIds,
    idRange: w.randomIdRange,
    sharegptOutputLen: w.sharegptOutputLen,
    requestRate: w.requestRate,
    burstiness: w.burstiness,
    rampUp: w.rampUp,
    warmupRequests: s.warmupRequests,
    seed: s.seed,
  };
}

/**
 * The client's extra request body for `arm` (an A/A copy's name works too), as `vllm bench serve`
 * builds it: temperature (0 unless set), ignore_eos when true, min_tokens when set, then the
 * workload's extra_body over them, then the arm's extra_body over all. Throws UserError for an
 * unknown arm.
 */
export function requestBody(s: Scenario, arm: string): Record<string, unknown> {
  const a = findArm(s, arm);
  const w = s.workload;
  const body: Record<string, unknown> = { temperature: w.temperature ?? 0 };
  if (w.ignoreEos) body.ignore_eos = true;
  if (w.minTokens !== undefined) body.min_tokens = w.minTokens;
  return { ...body, ...w.extraBody, ...a.extraBody };
}

/**
 * One server config per arm that runs (see `runArms`): env (scenario env, arm env over it), and
 * server args: the arm's `server_args`, then for engine targets its engine flags
 * (`--step-scale 1.05` ...).
 */
export function armServerConfigs(s: Scenario): ArmServerConfig[] {
  return runArms(s).map((a) => ({
    name: a.name,
    env: { ...a.env },
    serverArgs: [...a.serverArgs, ...(s.target.kind === 'engine' ? engineFlags(a.engine) : [])],
  }));
}

/** JSON-safe deep copy: Infinity -> "inf", undefined fields dropped. */
function jsonSafe(v: unknown): unknown {
  if (v === Infinity) return 'inf';
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, jsonSafe(x)]));
  }
  return v;
}

/**
 * The resolved scenario as plain JSON for manifest.json: the Scenario's camelCase fields with
 * defaults filled (request rate "inf" for Infinity), plus `runArms` (the arms that ran, A/A copy
 * included) with their server configs and request bodies.
 */
export function resolvedScenarioJson(s: Scenario): Record<string, unknown> {
  const servers = armServerConfigs(s);
  return jsonSafe({
    ...s,
    runArms: runArms(s).map((a, i) => ({ name: a.name, server: servers[i], requestBody: requestBody(s, a.name) })),
  }) as Record<string, unknown>;
}

// Engine options (API and CLI share them) and their resolution against the profile and environment.
import { randomInt } from 'node:crypto';
import { UserError } from '../common/errors.js';
import type { MergeImpl } from './costModel.js';
import { DEFAULT_PROFILE, getProfile, type CostProfile } from './profiles.js';
import { resolveAnswering, type AnsweringOptions, type ResolvedAnswering } from './answering.js';
import { resolveDiverge, type DivergeOptions, type ResolvedDiverge } from './divergence.js';

export interface EngineOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The served model name (default 'abserve-engine'). */
  model?: string;
  /** Profile name or a profile object (default 'r1-l20-approx'). */
  profile?: string | CostProfile;
  /** Multiplies every step time (default 1). */
  timeScale?: number;
  /** Every step takes exactly this many ms, whatever the batch (overrides the profile). */
  fixedStepMs?: number;
  /** Limits; default to the profile's. */
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  maxModelLen?: number;
  /**
   * Use the fallback (Triton) merge cost. Undefined: decided by VLLM_DISABLE_MERGE_ATTN_CUDA_OP
   * in `env`, as vLLM does; true/false override the environment.
   */
  disableMergeOp?: boolean;
  /** Environment to read VLLM_DISABLE_MERGE_ATTN_CUDA_OP from (default process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Reasoning mode for chat: the first N output tokens (N >= 1), or this fraction of them
   * (0 < x < 1), stream as `reasoning_content` before `content`. 0/undefined: off.
   */
  reasoningTokens?: number;
  /**
   * Seeded step-time noise with the profile's coefficients (default true, as a server is noisy);
   * false: exactly deterministic step times (exact tests).
   */
  noise?: boolean;
  /**
   * Seed of the noise (a safe integer >= 0). Default: random per engine, so two engines differ
   * like two servers; a fixed seed reproduces a run's step times exactly.
   */
  noiseSeed?: number;
  /** Every step this many times as long (default 1; 1.05 plants a 5% slower arm). */
  stepScale?: number;
  /** Timer precision vs CPU: poll the last this-many ms of each step (default min(1, step/4)). */
  spinMs?: number;
  /** Answering mode (answering.ts): answer recognised C-Eval chat prompts from this key. */
  answering?: AnsweringOptions;
  /** Planted output divergence (divergence.ts): a share of requests differ from a token index on. */
  diverge?: DivergeOptions;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  model: string;
  profile: CostProfile;
  timeScale: number;
  fixedStepMs: number | undefined;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  maxModelLen: number;
  merge: MergeImpl;
  reasoningTokens: number;
  spinMs: number | undefined;
  noise: boolean;
  /** The seed in force (drawn at random when none was given), reported so a run can be repeated. */
  noiseSeed: number;
  stepScale: number;
  /** Answering settings in force (the key itself reduced to its size, for /abserve/stats). */
  answering: (Omit<ResolvedAnswering, 'key'> & { keySize: number }) | undefined;
  diverge: ResolvedDiverge | undefined;
}

export const DEFAULT_MODEL = 'abserve-engine';

// vLLM reads the variable as bool(int(value)); anything that is not a non-zero integer is "off".
export function envDisablesMergeOp(env: Record<string, string | undefined>): boolean {
  const v = env.VLLM_DISABLE_MERGE_ATTN_CUDA_OP;
  if (v === undefined || v.trim() === '') return false;
  const n = Number(v);
  return Number.isInteger(n) && n !== 0;
}

function check(name: string, v: number, ok: boolean, want: string): number {
  if (!ok) throw new UserError(`engine option ${name}: ${want}, got ${v}`);
  return v;
}

const posInt = (name: string, v: number): number => check(name, v, Number.isInteger(v) && v >= 1, 'a positive integer');

export function resolveOptions(o: EngineOptions): ResolvedOptions {
  const profile = typeof o.profile === 'object' ? o.profile : getProfile(o.profile ?? DEFAULT_PROFILE);
  const timeScale = o.timeScale ?? 1;
  check('timeScale', timeScale, Number.isFinite(timeScale) && timeScale > 0, 'a number > 0');
  if (o.fixedStepMs !== undefined) {
    check('fixedStepMs', o.fixedStepMs, Number.isFinite(o.fixedStepMs) && o.fixedStepMs >= 0, 'a number >= 0');
  }
  const reasoningTokens = o.reasoningTokens ?? 0;
  check(
    'reasoningTokens',
    reasoningTokens,
    reasoningTokens === 0 || (reasoningTokens > 0 && reasoningTokens < 1) || (Number.isInteger(reasoningTokens) && reasoningTokens >= 1),
    'a token count >= 1 or a fraction in (0, 1)',
  );
  const port = o.port ?? 0;
  check('port', port, Number.isInteger(port) && port >= 0 && port <= 65535, 'an integer in 0..65535');
  const spinMs = o.spinMs;
  if (spinMs !== undefined) check('spinMs', spinMs, Number.isFinite(spinMs) && spinMs >= 0, 'a number >= 0');
  const stepScale = o.stepScale ?? 1;
  check('stepScale', stepScale, Number.isFinite(stepScale) && stepScale > 0, 'a number > 0');
  const noiseSeed = o.noiseSeed ?? randomInt(0, 2 ** 47);
  check('noiseSeed', noiseSeed, Number.isSafeInteger(noiseSeed) && noiseSeed >= 0, 'a safe integer >= 0');
  const disable = o.disableMergeOp ?? envDisablesMergeOp(o.env ?? process.env);
  const { key, ...answering } = o.answering !== undefined ? resolveAnswering(o.answering) : { key: undefined };
  return {
    port,
    host: o.host ?? '127.0.0.1',
    model: o.model ?? DEFAULT_MODEL,
    profile,
    timeScale,
    fixedStepMs: o.fixedStepMs,
    maxNumSeqs: posInt('maxNumSeqs', o.maxNumSeqs ?? profile.maxNumSeqs),
    maxNumBatchedTokens: posInt('maxNumBatchedTokens', o.maxNumBatchedTokens ?? profile.maxNumBatchedTokens),
    maxModelLen: posInt('maxModelLen', o.maxModelLen ?? profile.maxModelLen),
    merge: disable ? 'fallback' : 'cuda',
    reasoningTokens,
    spinMs,
    noise: o.noise ?? true,
    noiseSeed,
    stepScale,
    answering: key !== undefined ? { ...(answering as Omit<ResolvedAnswering, 'key'>), keySize: key.length } : undefined,
    diverge: o.diverge !== undefined ? resolveDiverge(o.diverge) : undefined,
  };
}

/** How many of `outputTokens` are reasoning tokens under the configured mode. */
export function reasoningCount(mode: number, outputTokens: number): number {
  if (mode <= 0) return 0;
  if (mode < 1) return Math.floor(mode * outputTokens);
  return Math.min(mode, outputTokens);
}

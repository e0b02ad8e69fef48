// Fault injection for the embedded engine (issue 10): a configurable share of requests misbehave
// on purpose, so abserve's own handling of broken servers can be tested end to end with exact
// expectations. Which request gets which fault is a pure function of (seed, request key): the key
// is the request's `x-request-id` (abserve and vLLM's client send one), else its arrival number,
// so a run's fault counts are known in advance (expectedFaults) whatever order requests arrive in.
import { UserError } from '../common/errors.js';

/** What a faulty request does. */
export type FaultKind =
  | 'http_500' // 500 with an OpenAI error body, at once
  | 'http_503' // 503 + Retry-After
  | 'http_429' // 429 + Retry-After
  | 'slow_headers' // response headers only after slowHeadersMs (then a normal stream)
  | 'reset' // connection destroyed after the first token
  | 'stall' // silence of stallMs after the first token, then the rest
  | 'malformed' // one event broken: bad JSON, no `data:`, no blank line, or garbage bytes
  | 'truncate' // clean end after the first token: no finish_reason, no [DONE]
  | 'oversized'; // one event of oversizedBytes

export const FAULT_KINDS: readonly FaultKind[] = [
  'http_500', 'http_503', 'http_429', 'slow_headers', 'reset', 'stall', 'malformed', 'truncate', 'oversized',
];

export type MalformedVariant = 'bad_json' | 'no_data_prefix' | 'no_blank_line' | 'garbage';
const VARIANTS: readonly MalformedVariant[] = ['bad_json', 'no_data_prefix', 'no_blank_line', 'garbage'];

export interface FaultOptions {
  /** Share of requests (0..1) per kind; the shares must sum to <= 1. */
  shares: Partial<Record<FaultKind, number>>;
  /** Seed of the assignment (integer >= 0). */
  seed?: number;
  /** Retry-After (s) sent with 429 and 503; default 2. */
  retryAfterS?: number;
  /** Silence of a `stall` fault (ms); default 30000. */
  stallMs?: number;
  /** Delay of a `slow_headers` fault (ms); default 2000. */
  slowHeadersMs?: number;
  /** Size of an `oversized` event (bytes); default 17 MiB (over the client's 16 MiB cap). */
  oversizedBytes?: number;
}

export interface Fault {
  kind: FaultKind;
  /** For `malformed`: how the event is broken. */
  variant?: MalformedVariant;
}

export interface ResolvedFaults {
  shares: Record<FaultKind, number>;
  seed: number;
  retryAfterS: number;
  stallMs: number;
  slowHeadersMs: number;
  oversizedBytes: number;
}

/** Validate (UserError naming `--fault-<kind>` and the value) and fill defaults. */
export function resolveFaults(o: FaultOptions): ResolvedFaults {
  const shares = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  let sum = 0;
  for (const [k, v] of Object.entries(o.shares)) {
    if (!FAULT_KINDS.includes(k as FaultKind)) throw new UserError(`faults: unknown kind "${k}" (one of ${FAULT_KINDS.join(', ')})`);
    if (v === undefined) continue;
    if (!(v >= 0 && v <= 1)) throw new UserError(`--fault-${k.replace('_', '-')}: want a share in [0, 1], got ${v}`);
    shares[k as FaultKind] = v;
    sum += v;
  }
  if (sum > 1 + 1e-9) throw new UserError(`--fault-*: the shares add up to ${sum}, more than 1`);
  const num = (flag: string, v: number | undefined, dflt: number, min: number, max: number): number => {
    const x = v ?? dflt;
    if (!(x >= min && x <= max)) throw new UserError(`${flag}: want a number in [${min}, ${max}], got ${x}`);
    return x;
  };
  const seed = num('--fault-seed', o.seed, 0, 0, 2 ** 32 - 1);
  if (!Number.isInteger(seed)) throw new UserError(`--fault-seed: want an integer >= 0, got ${seed}`);
  return {
    shares,
    seed,
    retryAfterS: num('--fault-retry-after', o.retryAfterS, 2, 0, 86_400),
    stallMs: num('--fault-stall-ms', o.stallMs, 30_000, 0, 2_000_000_000),
    slowHeadersMs: num('--fault-slow-headers-ms', o.slowHeadersMs, 2_000, 0, 2_000_000_000),
    oversizedBytes: num('--fault-oversized-bytes', o.oversizedBytes, 17 * 1024 * 1024, 1, 1024 * 1024 * 1024),
  };
}

/** 32-bit FNV-1a over the seed and key, then a murmur finalizer: two independent uniforms. */
function uniforms(seed: number, key: string): [number, number] {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  const mix = (x: number): number => {
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    return (x ^ (x >>> 16)) >>> 0;
  };
  const a = mix(h);
  const b = mix(a ^ 0x9e3779b9);
  return [a / 2 ** 32, b / 2 ** 32];
}

/** The fault (or none) of the request with this key: shares stacked in FAULT_KINDS order on [0, 1). */
export function faultFor(f: ResolvedFaults, key: string): Fault | undefined {
  const [u, v] = uniforms(f.seed, key);
  let edge = 0;
  for (const kind of FAULT_KINDS) {
    edge += f.shares[kind];
    if (u < edge) return kind === 'malformed' ? { kind, variant: VARIANTS[Math.floor(v * VARIANTS.length)]! } : { kind };
  }
  return undefined;
}

/** How many of the given request keys get each fault: what a run against the engine must count. */
export function expectedFaults(f: ResolvedFaults, keys: Iterable<string>): Record<FaultKind, number> {
  const n = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const k of keys) {
    const x = faultFor(f, k);
    if (x) n[x.kind]++;
  }
  return n;
}

/** True when any share is above 0. */
export function anyFaults(f: ResolvedFaults): boolean {
  return FAULT_KINDS.some((k) => f.shares[k] > 0);
}

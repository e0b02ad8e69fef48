// `abserve engine` flags for serving behaviour (issue 10): --api-key as vLLM's server has it, and
// fault injection (--fault-<kind> SHARE plus settings, see engine/faults.ts). Kept apart from the
// engine's cost and scheduling flags in engine.ts.
import type { Argv } from 'yargs';
import { FAULT_KINDS, type FaultOptions } from '../engine/faults.js';
import type { ServeOptions } from '../engine/server.js';

const flagOf = (k: string): string => `fault-${k.replace('_', '-')}`;

/** Adds the serving flags to `y` (in place; yargs builders mutate). */
export function addServeFlags(y: Argv): void {
  y.option('api-key', { type: 'string', describe: "as vLLM's: /v1 routes answer 401 without Authorization: Bearer <key> (default $VLLM_API_KEY)" });
  for (const k of FAULT_KINDS) y.option(flagOf(k), { type: 'number', describe: `share of requests (0..1) that get the ${k} fault` });
  y.option('fault-seed', { type: 'number', describe: 'seed of which request gets which fault (default 0)' });
  y.option('fault-retry-after', { type: 'number', describe: 'Retry-After seconds of 429/503 faults (default 2)' });
  y.option('fault-stall-ms', { type: 'number', describe: 'silence of a stall fault (default 30000)' });
  y.option('fault-slow-headers-ms', { type: 'number', describe: 'header delay of a slow-headers fault (default 2000)' });
  y.option('fault-oversized-bytes', { type: 'number', describe: 'size of an oversized event (default 17 MiB)' });
}

/** The ServeOptions the parsed flags ask for (faults only when some share was given). */
export function serveOptions(a: Record<string, unknown>): ServeOptions {
  const shares: FaultOptions['shares'] = {};
  for (const k of FAULT_KINDS) {
    const v = a[flagOf(k)];
    if (typeof v === 'number') shares[k] = v;
  }
  const num = (f: string) => (typeof a[f] === 'number' ? (a[f] as number) : undefined);
  const key = typeof a['api-key'] === 'string' ? a['api-key'] : process.env.VLLM_API_KEY;
  return {
    ...(key ? { apiKey: key } : {}),
    ...(Object.keys(shares).length > 0
      ? {
          faults: {
            shares,
            seed: num('fault-seed'),
            retryAfterS: num('fault-retry-after'),
            stallMs: num('fault-stall-ms'),
            slowHeadersMs: num('fault-slow-headers-ms'),
            oversizedBytes: num('fault-oversized-bytes'),
          },
        }
      : {}),
  };
}

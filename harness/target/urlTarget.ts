// Target kind `url`: a server that is already running. Starting it means probing /v1/models with a
// timeout, so a dead URL gives one clear line before any request is sent; it is never stopped.
import { listModels } from './probe.js';
import type { ArmServerConfig, StartOptions, Target, TargetSession, UrlTargetConfig } from './types.js';

/** Probe limit for a url target, in ms. */
export const URL_PROBE_TIMEOUT_MS = 10_000;

/**
 * A url target. `start` resolves once GET /v1/models answers 200 (arm env and server args cannot
 * apply to a server abserve did not start and are ignored). Throws UserError naming `target.url`
 * and the URL when it is unreachable, slow (URL_PROBE_TIMEOUT_MS), or answers badly.
 */
export function urlTarget(config: UrlTargetConfig, probeTimeoutMs = URL_PROBE_TIMEOUT_MS): Target {
  return {
    config,
    async start(_arm: ArmServerConfig, _opts?: StartOptions): Promise<TargetSession> {
      const url = config.url.replace(/\/+$/, '').replace(/\/v1$/, '');
      await listModels(url, undefined, probeTimeoutMs, 'target.url');
      return { url, logTail: () => '', stop: async () => undefined };
    },
  };
}

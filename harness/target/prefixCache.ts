// Between runs, vLLM's prefix cache would let the second arm reuse the first arm's prompts; vLLM
// exposes POST /reset_prefix_cache (in dev mode) to empty it. Not every server has it.
import { request } from 'undici';
import { errorCode, UserError } from '../common/errors.js';

/**
 * POST `<root>/reset_prefix_cache`. Resolves true when the server reset it (2xx), false when the
 * server lacks the route (404 or 405). Throws UserError (one line naming the URL) when the server
 * is unreachable, does not answer within `timeoutMs`, or answers anything else.
 */
export async function resetPrefixCache(url: string, timeoutMs = 10_000): Promise<boolean> {
  const target = `${url.replace(/\/+$/, '').replace(/\/v1$/, '')}/reset_prefix_cache`;
  let status: number;
  let text = '';
  try {
    const res = await request(target, {
      method: 'POST',
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    const code = errorCode(e);
    throw new UserError(`reset_prefix_cache: cannot reach ${target} (${code}: ${(e as Error).message})`);
  }
  if (status >= 200 && status < 300) return true;
  if (status === 404 || status === 405) return false;
  throw new UserError(`reset_prefix_cache: POST ${target} answered ${status}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`);
}

// The server's context length, read before the first question: a completion budget (max_tokens)
// the server cannot hold fails every question with the same 400, so it is lowered (when the user
// did not choose it) or refused (when they did) before anything is asked.
import { UserError } from '../common/errors.js';

/** max_tokens when neither the user nor the server says otherwise: reasoning models think for
 *  thousands of tokens. */
export const DEFAULT_MAX_TOKENS = 8192;

/** GET `<root>/v1/models` and return the `max_model_len` listed for `model` (vLLM and abserve's
 *  engine report it per model; OpenAI and many others do not). `baseUrl` may end in `/v1`.
 *  Best effort: resolves to undefined when the server does not report it, does not list the model,
 *  or cannot be read within `timeoutMs` (reachability is checked elsewhere, with its own errors). */
export async function readMaxModelLen(baseUrl: string, apiKey: string | undefined, model: string, timeoutMs = 10_000): Promise<number | undefined> {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  try {
    const res = await fetch(`${root}/v1/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: { id?: unknown; max_model_len?: unknown }[] };
    const len = body.data?.find((m) => m.id === model)?.max_model_len;
    return typeof len === 'number' && Number.isInteger(len) && len > 0 ? len : undefined;
  } catch {
    return undefined;
  }
}

/** The run's max_tokens. Not given (`given` undefined): DEFAULT_MAX_TOKENS, or half the server's
 *  `maxModelLen` when that is smaller (the other half is left for the prompt; `halved` true).
 *  Given: used as is, unless the server's context cannot hold it.
 *  @throws UserError (field `max_tokens`) when `given` >= `maxModelLen`: every question would fail. */
export function chooseMaxTokens(given: number | undefined, maxModelLen: number | undefined): { maxTokens: number; halved: boolean } {
  if (given !== undefined) {
    if (maxModelLen !== undefined && given >= maxModelLen) {
      throw new UserError(
        `max_tokens: ${given} does not fit the server's max_model_len ${maxModelLen} (prompt and completion share it); ` +
          `pass a smaller value, e.g. ${Math.max(1, Math.floor(maxModelLen / 2))}, or leave it out`,
      );
    }
    return { maxTokens: given, halved: false };
  }
  const half = Math.max(1, Math.floor((maxModelLen ?? Infinity) / 2));
  return half < DEFAULT_MAX_TOKENS ? { maxTokens: half, halved: true } : { maxTokens: DEFAULT_MAX_TOKENS, halved: false };
}

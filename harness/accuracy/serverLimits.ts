// The server's context length (max_model_len from /v1/models, read by target/probe.ts's
// listServedModels before the first question): a completion budget (max_tokens)
// the server cannot hold fails every question with the same 400, so it is lowered (when the user
// did not choose it) or refused (when they did) before anything is asked.
import { UserError } from '../common/errors.js';

/** max_tokens when neither the user nor the server says otherwise: reasoning models think for
 *  thousands of tokens. */
export const DEFAULT_MAX_TOKENS = 8192;

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

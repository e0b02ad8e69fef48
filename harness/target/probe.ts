// Before a run: is the server there, and which model does it serve? A dead server gives a clear
// error within the timeout instead of N failed requests; a server still starting can be waited for
// (waitForServedModels), as `vllm bench serve` users start server and benchmark together.
import { request } from 'undici';
import { errorCode, UserError } from '../common/errors.js';
import { retryUntil } from '../common/retry.js';

/** One entry of `/v1/models`: the id, and `max_model_len` (tokens) where the server reports it
 *  (vLLM and abserve's engine do; OpenAI and many others do not). */
export interface ServedModel {
  id: string;
  maxModelLen?: number;
}

/** The model ids of `/v1/models` (listServedModels' ids); same arguments and errors. */
export async function listModels(baseUrl: string, apiKey?: string, timeoutMs = 10_000, label = '--base-url'): Promise<string[]> {
  return (await listServedModels(baseUrl, apiKey, timeoutMs, label)).map((m) => m.id);
}

/**
 * GET `<root>/v1/models` and return the models it lists, with max_model_len where given. `baseUrl` may end in `/v1`.
 * `timeoutMs` bounds the whole exchange (headers and body); `label` names where the URL came from
 * in errors (a CLI flag such as '--base-url', or a scenario field such as 'target.url').
 * Throws UserError (one line, naming label, URL and cause) when unreachable, not 200, or not JSON.
 */
export async function listServedModels(
  baseUrl: string,
  apiKey?: string,
  timeoutMs = 10_000,
  label = '--base-url',
): Promise<ServedModel[]> {
  const got = await probeOnce(baseUrl, apiKey, timeoutMs, label);
  if ('error' in got) throw got.error;
  return got.models;
}

/** HTTP statuses of a proxy or load balancer in front of a server that is not up yet. */
const STARTING_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** One GET of /v1/models: the models, or the UserError listServedModels throws and whether
 *  waiting could cure it (the server not reachable yet, or a 502/503/504 in front of it). */
async function probeOnce(
  baseUrl: string,
  apiKey: string | undefined,
  timeoutMs: number,
  label: string,
  signal?: AbortSignal,
): Promise<{ models: ServedModel[] } | { error: UserError; transient: boolean; code?: string }> {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const url = `${root}/v1/models`;
  let res;
  let text: string;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    res = await request(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    // Read the body inside the try: a server that stalls or drops mid-body is also unreachable.
    text = await res.body.text();
  } catch (e) {
    const code = errorCode(e);
    // Every failure to get an answer (refused, reset, DNS, a timeout) may end once the server is
    // up, as vLLM's ready check retries every failure; an argument undici refuses never does.
    const transient = !/INVALID_ARG|NOT_SUPPORTED/.test(code);
    return { error: new UserError(`${label} ${baseUrl}: cannot reach ${url} (${code}: ${(e as Error).message})`), transient, code };
  }
  if (res.statusCode !== 200) {
    const error = new UserError(`${label} ${baseUrl}: GET ${url} answered ${res.statusCode}: ${oneLine(text)}`);
    return { error, transient: STARTING_STATUSES.has(res.statusCode) };
  }
  try {
    const body = JSON.parse(text) as { data?: { id?: unknown; max_model_len?: unknown }[] };
    const out: ServedModel[] = [];
    for (const m of body.data ?? []) {
      if (typeof m.id !== 'string') continue;
      const len = m.max_model_len;
      out.push(typeof len === 'number' && Number.isInteger(len) && len > 0 ? { id: m.id, maxModelLen: len } : { id: m.id });
    }
    return { models: out };
  } catch {
    return { error: new UserError(`${label} ${baseUrl}: GET ${url} did not return JSON: ${oneLine(text)}`), transient: false };
  }
}

export interface WaitForModelsOptions {
  apiKey?: string;
  /** How long to keep trying (ms) while the server is not up yet; 0: one try, as listServedModels. */
  waitMs: number;
  /** Bound of one GET (ms, headers and body; default 10 000); a later try also ends at the deadline. */
  timeoutMs?: number;
  /** Wait between tries (ms, default 1000). */
  pollMs?: number;
  /** Least time between two onWait calls (ms, default 5000): one note per few seconds, not per try. */
  noteEveryMs?: number;
  /** Names where the URL came from in errors (default '--base-url'). */
  label?: string;
  /** Ctrl-C: stop waiting at once (the try in flight is aborted too); resolves undefined. */
  signal?: AbortSignal;
  /** Told after the first failed try and then at most once per noteEveryMs: the failure (one line,
   *  listServedModels' message), the whole seconds left before giving up, and the failure as data:
   *  the error code when the server could not be reached (e.g. 'ECONNREFUSED': nothing listens),
   *  undefined when it answered (a 502/503/504). */
  onWait?: (cause: string, secondsLeft: number, code?: string) => void;
}

/**
 * listServedModels, waiting for a server that is still starting: while /v1/models cannot be reached
 * (connection refused or reset, DNS, a timeout) or answers 502/503/504, it is tried again every
 * `pollMs` until `waitMs` has passed since the call. Resolves with the models of the first 200 JSON
 * answer, or undefined when `signal` aborts first (no error: the caller says it was interrupted).
 * Throws listServedModels' one-line UserError at once for a failure that waiting cannot cure (any
 * other status such as 401/403/404, a body that is not JSON), and at the deadline for the last
 * failure seen, followed by how long it waited (the plain error when `waitMs` is 0). The first try
 * has the whole `timeoutMs` (as listServedModels); later ones end by the deadline.
 */
export async function waitForServedModels(baseUrl: string, o: WaitForModelsOptions): Promise<ServedModel[] | undefined> {
  const start = Date.now();
  const deadline = start + Math.max(0, o.waitMs);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const noteEveryMs = o.noteEveryMs ?? 5_000;
  const label = o.label ?? '--base-url';
  let lastNote = Number.NEGATIVE_INFINITY;
  return retryUntil<ServedModel[], { error: UserError; code?: string }>(
    async (triesSoFar) => {
      // Every try ends by the deadline, the first too when there is a wait (a server that accepts and
      // never answers made --ready-check-timeout-sec 5 give up after 10 s).
      const tryMs = triesSoFar === 0 && o.waitMs <= 0 ? timeoutMs : Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
      const got = await probeOnce(baseUrl, o.apiKey, tryMs, label, o.signal);
      return 'models' in got ? { ok: got.models } : { fail: { error: got.error, code: got.code }, transient: got.transient };
    },
    ({ error }, tries, transient) =>
      !transient || o.waitMs <= 0
        ? error
        : new UserError(
            `${error.message}; gave up after waiting ${((Date.now() - start) / 1000).toFixed(1)} s (${tries} ${tries === 1 ? 'try' : 'tries'})`,
          ),
    {
      deadline,
      intervalMs: o.pollMs ?? 1_000,
      signal: o.signal,
      onRetry: ({ error, code }, _tries, left) => {
        const now = Date.now();
        if (now - lastNote < noteEveryMs) return;
        lastNote = now;
        o.onWait?.(error.message, Math.ceil(left / 1000), code);
      },
    },
  );
}

/** First 200 characters of a server's body, on one line (error messages stay one line). */
function oneLine(text: string): string {
  return text.slice(0, 200).replace(/\s+/g, ' ').trim();
}

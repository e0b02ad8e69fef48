// Before a run: is the server there, and which model does it serve? A dead server gives a clear
// error within the timeout instead of N failed requests.
import { request } from 'undici';
import { UserError } from '../common/errors.js';

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
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const url = `${root}/v1/models`;
  let res;
  let text: string;
  try {
    res = await request(url, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read the body inside the try: a server that stalls or drops mid-body is also unreachable.
    text = await res.body.text();
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as Error).name;
    throw new UserError(`${label} ${baseUrl}: cannot reach ${url} (${code}: ${(e as Error).message})`);
  }
  if (res.statusCode !== 200) {
    throw new UserError(`${label} ${baseUrl}: GET ${url} answered ${res.statusCode}: ${oneLine(text)}`);
  }
  try {
    const body = JSON.parse(text) as { data?: { id?: unknown; max_model_len?: unknown }[] };
    const out: ServedModel[] = [];
    for (const m of body.data ?? []) {
      if (typeof m.id !== 'string') continue;
      const len = m.max_model_len;
      out.push(typeof len === 'number' && Number.isInteger(len) && len > 0 ? { id: m.id, maxModelLen: len } : { id: m.id });
    }
    return out;
  } catch {
    throw new UserError(`${label} ${baseUrl}: GET ${url} did not return JSON: ${oneLine(text)}`);
  }
}

/** First 200 characters of a server's body, on one line (error messages stay one line). */
function oneLine(text: string): string {
  return text.slice(0, 200).replace(/\s+/g, ' ').trim();
}

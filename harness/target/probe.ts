// Before a run: is the server there, and which model does it serve? A dead server gives a clear
// error within the timeout instead of N failed requests.
import { request } from 'undici';
import { UserError } from '../common/errors.js';

export async function listModels(baseUrl: string, apiKey?: string, timeoutMs = 10_000): Promise<string[]> {
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
    throw new UserError(`--base-url ${baseUrl}: cannot reach ${url} (${code}: ${(e as Error).message})`);
  }
  if (res.statusCode !== 200) {
    throw new UserError(`--base-url ${baseUrl}: GET ${url} answered ${res.statusCode}: ${text.slice(0, 200)}`);
  }
  try {
    const body = JSON.parse(text) as { data?: { id?: unknown }[] };
    return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string');
  } catch {
    throw new UserError(`--base-url ${baseUrl}: GET ${url} did not return JSON: ${text.slice(0, 200)}`);
  }
}

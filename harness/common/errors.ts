// Errors caused by the user's input (flags, files, server answers) carry a message that names
// the file, field and value; the CLI prints them without a stack trace and exits with code 2.
export class UserError extends Error {
  override name = 'UserError';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}

/**
 * The short name of a failed network call's error: Node's and undici's string `code`
 * (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT), else the error's name (TimeoutError, AbortError). A
 * DOMException's numeric legacy `code` (23 for a timeout) is not a name a user can look up.
 */
export function errorCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  return e instanceof Error ? e.name : String(e);
}

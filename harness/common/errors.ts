// Errors caused by the user's input (flags, files, server answers) carry a message that names
// the file, field and value; the CLI prints them without a stack trace and exits with code 2.
export class UserError extends Error {
  override name = 'UserError';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
